import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { CUSTOMER_EXPANSIONS } from '../../../domain/customers/customer-expansions.js';
import { toApiCustomer } from '../../../domain/customers/customer-mapper.js';
import type { SearchService } from '../../../domain/search/search-service.js';
import { expandPaths } from '../../wire/expand.js';
import { errorResponses } from '../../wire/schema-kit.js';
import { authOf } from '../common.js';
import { SearchCustomersQuery, SearchResultOf } from './schemas.js';

const URL = '/v1/customers/search';

/** GET /v1/customers/search (SPEC ). Registered before /customers/:id routes. */
export function registerSearchRoutes(scope: FastifyInstance, search: SearchService): void {
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
      const expand = expandPaths(q.expand, CUSTOMER_EXPANSIONS, true);
      const result = await search.searchCustomers(
        authOf(request),
        { query: q.query, limit: q.limit ?? 10, ...(q.page !== undefined && { page: q.page }) },
        expand,
      );
      return {
        object: 'search_result' as const,
        url: URL,
        has_more: result.hasMore,
        next_page: result.nextPage,
        data: result.data.map(toApiCustomer),
      };
    },
  );
}
