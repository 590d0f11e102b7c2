import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { errorResponses } from '../../wire/schema-kit.js';
import type { RouteModule } from '../route-module.js';
import { authOf } from '../common.js';
import { SearchCustomersQuery, SearchResultOf } from './schemas.js';

const URL = '/v1/customers/search';

/** GET /v1/customers/search (SPEC ). Registered before /customers/:id routes. */
export const searchRoutes: RouteModule = {
  register(scope: FastifyInstance, { services: { search } }) {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    app.get(
      '/customers/search',
      {
        schema: {
          tags: ['Customers'],
          summary: 'Search customers (newest first): consistent with every committed write, deleted customers never shown',
          querystring: SearchCustomersQuery,
          response: { 200: SearchResultOf(Type.Ref('Customer'), URL), ...errorResponses },
        },
      },
      async (request) => {
        const q = request.query;
        const result = await search.searchCustomers(
          authOf(request),
          { query: q.query, limit: q.limit ?? 10, ...(q.page !== undefined && { page: q.page }) },
          q.expand,
        );
        return {
          object: 'search_result' as const,
          url: URL,
          has_more: result.hasMore,
          next_page: result.nextPage,
          data: result.data,
        };
      },
    );
  },
};
