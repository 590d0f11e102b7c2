import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { etagFor } from '../../../domain/preconditions.js';
import { toApiTaxId, toDeletedTaxId } from '../../../domain/tax-ids/tax-id-mapper.js';
import type { TaxIdRecord } from '../../../domain/tax-ids/tax-id.js';
import { expandPaths, NO_EXPANSIONS } from '../../wire/expand.js';
import { listEnvelope, pageRequest } from '../../wire/list.js';
import { errorResponses, ListOf } from '../../wire/schema-kit.js';
import { IncludedList } from '../customers/schemas.js';
import type { RouteModule } from '../route-module.js';
import { authOf } from '../common.js';
import { CreateTaxIdBody, CustomerParams, DeletedTaxId, ListTaxIdsQuery, TaxId, TaxIdParams } from './schemas.js';

const tags = ['Tax ids'];
/** Tax ids never change after creation: one version each. */
const etagOf = (t: TaxIdRecord) => etagFor(t.id, 1);

/** SPEC T-2: typed tax ids under a customer. */
export const taxIdRoutes: RouteModule = {
  schemas: [TaxId, DeletedTaxId],
  owned: { exportKey: 'tax_ids', item: Type.Ref(TaxId), customerIncludes: { tax_ids: IncludedList('TaxId', 'tax_ids') } },
  register(scope: FastifyInstance, { services: { taxIds }, respond }) {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();

    app.post(
      '/customers/:id/tax_ids',
      {
        schema: {
          tags,
          summary: 'Add a tax id (validated per type, with checksums where the type defines one)',
          params: CustomerParams,
          body: CreateTaxIdBody,
          response: { 200: Type.Ref(TaxId), ...errorResponses },
        },
      },
      async (request, reply) =>
        respond(
          request,
          reply,
          () => {
            expandPaths(request.body.expand, NO_EXPANSIONS);
            return taxIds.create(authOf(request), request.params.id, { type: request.body.type, value: request.body.value });
          },
          (taxId) => ({ status: 200, body: toApiTaxId(taxId), etag: etagOf(taxId) }),
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
        expandPaths(request.query.expand, NO_EXPANSIONS, true);
        const page = await taxIds.list(authOf(request), request.params.id, pageRequest(request.query));
        return listEnvelope(`/v1/customers/${request.params.id}/tax_ids`, page.data.map(toApiTaxId), page.hasMore);
      },
    );

    app.get(
      '/customers/:id/tax_ids/:tax_id',
      { schema: { tags, summary: 'Retrieve a tax id', params: TaxIdParams, response: { 200: Type.Ref(TaxId), ...errorResponses } } },
      async (request, reply) => {
        const taxId = await taxIds.retrieve(authOf(request), request.params.id, request.params.tax_id);
        return reply.header('etag', etagOf(taxId)).send(toApiTaxId(taxId));
      },
    );

    app.delete(
      '/customers/:id/tax_ids/:tax_id',
      { schema: { tags, summary: 'Delete a tax id', params: TaxIdParams, response: { 200: Type.Ref(DeletedTaxId), ...errorResponses } } },
      async (request, reply) =>
        respond(
          request,
          reply,
          () => taxIds.remove(authOf(request), request.params.id, request.params.tax_id),
          (taxId) => ({ status: 200, body: toDeletedTaxId(taxId) }),
        ),
    );
  },
};
