import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Shown } from '../../../domain/expansion/expansion-table.js';
import { refundEtag, type RefundCreateInput } from '../../../domain/refunds/refund-service.js';
import type { RefundRecord } from '../../../domain/refunds/refund.js';
import type { Presented } from '../../respond.js';
import { listEnvelope, pageRequest } from '../../wire/list.js';
import { errorResponses, ListOf } from '../../wire/schema-kit.js';
import { authOf, fieldsOf, ifMatchOf } from '../common.js';
import type { RouteModule } from '../route-module.js';
import { CreateRefundBody, ListRefundsQuery, Refund, RefundExpandQuery, RefundIdParams, UpdateRefundBody } from './schemas.js';

const tags = ['Refunds'];

function present(shown: Shown<RefundRecord>): Presented {
  return { status: 200, body: shown.body, etag: refundEtag(shown.record) };
}

/** SPEC S-1: refunds of succeeded charges, each changing its charge in the same transaction. */
export const refundRoutes: RouteModule = {
  schemas: [Refund],
  owned: { exportKey: 'refunds', item: Type.Ref(Refund) },
  register(scope: FastifyInstance, { services: { refunds }, respond }) {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    const one = { 200: Type.Ref(Refund), ...errorResponses };

    app.post(
      '/refunds',
      { schema: { tags, summary: 'Record a refund of a succeeded charge (by default, of what is left of it)', body: CreateRefundBody, response: one } },
      async (request, reply) =>
        respond(request, reply, () => refunds.create(authOf(request), fieldsOf<RefundCreateInput>(request.body), request.body.expand), present),
    );

    app.get(
      '/refunds',
      {
        schema: {
          tags,
          summary: 'List refunds (newest first), optionally of one charge',
          querystring: ListRefundsQuery,
          response: { 200: ListOf(Type.Ref(Refund), '/v1/refunds'), ...errorResponses },
        },
      },
      async (request) => {
        const q = request.query;
        const page = await refunds.list(authOf(request), { ...pageRequest(q), ...(q.charge !== undefined && { charge: q.charge }) }, q.expand);
        return listEnvelope('/v1/refunds', page.data, page.hasMore);
      },
    );

    app.get(
      '/refunds/:id',
      { schema: { tags, summary: 'Retrieve a refund', params: RefundIdParams, querystring: RefundExpandQuery, response: one } },
      async (request, reply) => {
        const shown = await refunds.retrieve(authOf(request), request.params.id, request.query.expand);
        return reply.header('etag', refundEtag(shown.record)).send(shown.body);
      },
    );

    app.post(
      '/refunds/:id',
      { schema: { tags, summary: "Update a refund's metadata", params: RefundIdParams, body: UpdateRefundBody, response: one } },
      async (request, reply) =>
        respond(
          request,
          reply,
          () => refunds.update(authOf(request), request.params.id, fieldsOf(request.body), ifMatchOf(request), request.body.expand),
          present,
        ),
    );
  },
};
