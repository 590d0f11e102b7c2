import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { parameterInvalid, parameterMissing } from '../../../domain/errors.js';
import type { Shown } from '../../../domain/expansion/expansion-table.js';
import { etagFor } from '../../../domain/preconditions.js';
import type { TaxIdRecord } from '../../../domain/tax-ids/tax-id.js';
import type { Presented } from '../../respond.js';
import { listEnvelope, pageRequest } from '../../wire/list.js';
import { errorResponses, ListOf } from '../../wire/schema-kit.js';
import { IncludedList } from '../customers/schemas.js';
import type { RouteModule } from '../route-module.js';
import { authOf } from '../common.js';
import {
  CreateTaxIdBody,
  CreateTopLevelTaxIdBody,
  CustomerParams,
  DeletedTaxId,
  ExpandQuery,
  ListTaxIdsQuery,
  ListTopLevelTaxIdsQuery,
  TaxId,
  TaxIdOnlyParams,
  TaxIdParams,
} from './schemas.js';

const tags = ['Tax ids'];
/** Tax ids never change after creation: one version each. */
const etagOf = (t: TaxIdRecord) => etagFor(t.id, 1);
const present = (shown: Shown<TaxIdRecord>): Presented => ({ status: 200, body: shown.body, etag: etagOf(shown.record) });
const presentDeleted = (shown: Shown<TaxIdRecord>): Presented => ({ status: 200, body: shown.body });

/** The customer an `owner` names; a customer is the only owner a tax id has here. */
function ownerCustomer(owner: { type: string; customer?: string | undefined }, param = 'owner'): string {
  if (owner.type !== 'customer') {
    throw parameterInvalid(
      `Invalid ${param}[type]: '${owner.type.slice(0, 32)}' is not supported; tax ids here belong to customers (owner[type]=customer with owner[customer]=cus_…).`,
      `${param}[type]`,
    );
  }
  if (owner.customer === undefined) throw parameterMissing(`${param}[customer]`);
  return owner.customer;
}

/** SPEC T-2: typed tax ids, under a customer and at Stripe's top level (/v1/tax_ids with an owner). */
export const taxIdRoutes: RouteModule = {
  schemas: [TaxId, DeletedTaxId],
  owned: { exportKey: 'tax_ids', item: Type.Ref(TaxId), customerIncludes: { tax_ids: IncludedList('TaxId', 'tax_ids') } },
  register(scope: FastifyInstance, { services: { taxIds }, respond }) {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    const one = { 200: Type.Ref(TaxId), ...errorResponses };
    const deleted = { 200: Type.Ref(DeletedTaxId), ...errorResponses };

    app.post(
      '/customers/:id/tax_ids',
      {
        schema: {
          tags,
          summary: 'Add a tax id (validated per type, with checksums where the type defines one)',
          params: CustomerParams,
          body: CreateTaxIdBody,
          response: one,
        },
      },
      async (request, reply) =>
        respond(
          request,
          reply,
          () => taxIds.create(authOf(request), request.params.id, { type: request.body.type, value: request.body.value }, request.body.expand),
          present,
        ),
    );

    app.get(
      '/customers/:id/tax_ids',
      {
        schema: {
          tags,
          summary: "List a customer's tax ids",
          params: CustomerParams,
          querystring: ListTaxIdsQuery,
          response: { 200: ListOf(Type.Ref(TaxId), '/v1/customers/{id}/tax_ids'), ...errorResponses },
        },
      },
      async (request) => {
        const page = await taxIds.list(authOf(request), request.params.id, pageRequest(request.query), request.query.expand);
        return listEnvelope(`/v1/customers/${request.params.id}/tax_ids`, page.data, page.hasMore);
      },
    );

    app.get(
      '/customers/:id/tax_ids/:tax_id',
      { schema: { tags, summary: 'Retrieve a tax id', params: TaxIdParams, querystring: ExpandQuery, response: one } },
      async (request, reply) => {
        const shown = await taxIds.retrieve(authOf(request), request.params.id, request.params.tax_id, request.query.expand);
        return reply.header('etag', etagOf(shown.record)).send(shown.body);
      },
    );

    app.delete(
      '/customers/:id/tax_ids/:tax_id',
      { schema: { tags, summary: 'Delete a tax id', params: TaxIdParams, querystring: ExpandQuery, response: deleted } },
      async (request, reply) =>
        respond(
          request,
          reply,
          () => taxIds.remove(authOf(request), request.params.id, request.params.tax_id, request.query.expand),
          presentDeleted,
        ),
    );

    app.post(
      '/tax_ids',
      {
        schema: {
          tags,
          summary: "Add a tax id to its owner (Stripe's top-level API; owner[type]=customer)",
          body: CreateTopLevelTaxIdBody,
          response: one,
        },
      },
      async (request, reply) =>
        respond(
          request,
          reply,
          () => {
            const { type, value, owner, expand } = request.body;
            return taxIds.create(authOf(request), ownerCustomer(owner), { type, value }, expand, 'owner[customer]');
          },
          present,
        ),
    );

    app.get(
      '/tax_ids',
      {
        schema: {
          tags,
          summary: 'List tax ids: one customer’s with owner[type]=customer&owner[customer]=cus_…, else every one in this mode',
          querystring: ListTopLevelTaxIdsQuery,
          response: { 200: ListOf(Type.Ref(TaxId), '/v1/tax_ids'), ...errorResponses },
        },
      },
      async (request) => {
        const q = request.query;
        const customer = q.owner === undefined ? undefined : ownerCustomer(q.owner);
        const page = await taxIds.list(authOf(request), customer, pageRequest(q), q.expand);
        return listEnvelope('/v1/tax_ids', page.data, page.hasMore);
      },
    );

    app.get(
      '/tax_ids/:id',
      { schema: { tags, summary: 'Retrieve a tax id', params: TaxIdOnlyParams, querystring: ExpandQuery, response: one } },
      async (request, reply) => {
        const shown = await taxIds.retrieve(authOf(request), undefined, request.params.id, request.query.expand);
        return reply.header('etag', etagOf(shown.record)).send(shown.body);
      },
    );

    app.delete(
      '/tax_ids/:id',
      { schema: { tags, summary: 'Delete a tax id', params: TaxIdOnlyParams, querystring: ExpandQuery, response: deleted } },
      async (request, reply) =>
        respond(request, reply, () => taxIds.remove(authOf(request), undefined, request.params.id, request.query.expand), presentDeleted),
    );
  },
};
