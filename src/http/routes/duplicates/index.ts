import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { listEnvelope, listParams, pageRequest } from '../../wire/list.js';
import { errorResponses, ListOf, StringEnum, Strict } from '../../wire/schema-kit.js';
import { authOf } from '../common.js';
import type { RouteModule } from '../route-module.js';

export const CustomerDuplicate = Type.Object(
  {
    object: Type.Literal('customer_duplicate'),
    id: Type.String({ description: 'The probable duplicate (`cus_…`); the list cursor.' }),
    score: Type.Number({ minimum: 0, maximum: 1, description: 'How probably the two are one party, 0–1.' }),
    reasons: Type.Array(StringEnum(['email', 'phone', 'tax_id', 'name_address']), { description: 'The signals the two share.' }),
    customer: Type.Ref('Customer'),
  },
  { $id: 'CustomerDuplicate' },
);

const DuplicatesQuery = Strict({
  limit: Type.Optional(listParams.limit),
  starting_after: Type.Optional(listParams.starting_after),
  ending_before: Type.Optional(listParams.ending_before),
  // A decimal as text: the wire format's query coercion knows integers only.
  min_score: Type.Optional(Type.String({ pattern: '^(0(\\.[0-9]{1,4})?|1(\\.0{1,4})?)$', description: 'Only duplicates scoring at least this, 0–1 (default 0).' })),
});

/** Probable duplicates of a customer (docs/merging.md#finding-duplicates). */
export const duplicateRoutes: RouteModule = {
  schemas: [CustomerDuplicate],
  register(scope: FastifyInstance, { services: { duplicates } }) {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    app.get(
      '/customers/:id/duplicates',
      {
        schema: {
          tags: ['Customers'],
          summary: 'Probable duplicates of a customer, best first: same email (folded), phone (E.164), tax id, or name with postal code and country',
          params: Strict({ id: Type.String({ maxLength: 255 }) }),
          querystring: DuplicatesQuery,
          response: { 200: ListOf(Type.Ref(CustomerDuplicate), '/v1/customers/:id/duplicates'), ...errorResponses },
        },
      },
      async (request) => {
        const { id } = request.params;
        const page = await duplicates.duplicatesOf(authOf(request), id, { ...pageRequest(request.query), minScore: Number(request.query.min_score ?? 0) });
        return listEnvelope(`/v1/customers/${id}/duplicates`, page.data, page.hasMore);
      },
    );
  },
};
