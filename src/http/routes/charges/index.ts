import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ChargeCreateInput, ChargeUpdateInput } from '../../../domain/charges/charge-input.js';
import { chargeEtag } from '../../../domain/charges/charge-service.js';
import type { ChargeRecord } from '../../../domain/charges/charge.js';
import type { Shown } from '../../../domain/expansion/expansion-table.js';
import type { Presented } from '../../respond.js';
import { listEnvelope, pageRequest } from '../../wire/list.js';
import { errorResponses, ListOf } from '../../wire/schema-kit.js';
import { authOf, fieldsOf, ifMatchOf } from '../common.js';
import type { RouteModule } from '../route-module.js';
import { Charge, ChargeIdParams, CreateChargeBody, ExpandOnlyQuery, ListChargesQuery, StatsInclude, UpdateChargeBody } from './schemas.js';

const tags = ['Charges'];

function present(shown: Shown<ChargeRecord>): Presented {
  return { status: 200, body: shown.body, etag: chargeEtag(shown.record) };
}

/**
 * SPEC S-1: charges processors report. Declares the customer's `stats` include too (S-2,
 * src/domain/stats/), which charges, refunds and invoices keep.
 */
export const chargeRoutes: RouteModule = {
  schemas: [Charge],
  owned: { exportKey: 'charges', item: Type.Ref(Charge), customerIncludes: { stats: StatsInclude } },
  register(scope: FastifyInstance, { services: { charges }, respond }) {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    const one = { 200: Type.Ref(Charge), ...errorResponses };

    app.post(
      '/charges',
      { schema: { tags, summary: 'Record a charge a processor made (succeeded, pending or failed)', body: CreateChargeBody, response: one } },
      async (request, reply) =>
        respond(request, reply, () => charges.create(authOf(request), fieldsOf<ChargeCreateInput>(request.body), request.body.expand), present),
    );

    app.get(
      '/charges',
      {
        schema: {
          tags,
          summary: "List charges (newest first); by customer, its whole tree, status, or the processor's id",
          querystring: ListChargesQuery,
          response: { 200: ListOf(Type.Ref(Charge), '/v1/charges'), ...errorResponses },
        },
      },
      async (request) => {
        const q = request.query;
        const page = await charges.list(
          authOf(request),
          {
            ...pageRequest(q),
            filters: {
              ...(q.customer !== undefined && { customer: q.customer }),
              ...(q.include_descendants !== undefined && { includeDescendants: q.include_descendants }),
              ...(q.status !== undefined && { status: q.status }),
              ...(q.provider !== undefined && { provider: q.provider }),
              ...(q.provider_reference !== undefined && { providerReference: q.provider_reference }),
            },
          },
          q.expand,
        );
        return listEnvelope('/v1/charges', page.data, page.hasMore);
      },
    );

    app.get(
      '/charges/:id',
      { schema: { tags, summary: 'Retrieve a charge', params: ChargeIdParams, querystring: ExpandOnlyQuery, response: one } },
      async (request, reply) => {
        const shown = await charges.retrieve(authOf(request), request.params.id, request.query.expand);
        return reply.header('etag', chargeEtag(shown.record)).send(shown.body);
      },
    );

    app.post(
      '/charges/:id',
      {
        schema: {
          tags,
          summary: 'Update a charge: description, receipt email, billing details, metadata; a pending one may become succeeded or failed',
          params: ChargeIdParams,
          body: UpdateChargeBody,
          response: one,
        },
      },
      async (request, reply) =>
        respond(
          request,
          reply,
          () => charges.update(authOf(request), request.params.id, fieldsOf<ChargeUpdateInput>(request.body), ifMatchOf(request), request.body.expand),
          present,
        ),
    );
  },
};
