import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { customerEtag } from '../../../domain/customers/customer-service.js';
import { errorResponses } from '../../wire/schema-kit.js';
import { authOf, ifMatchOf } from '../common.js';
import type { RouteModule } from '../route-module.js';
import { CustomerMerge, MergeCustomerBody, MergeParams } from './schemas.js';

const tags = ['Customers'];

/** Merging duplicate customers (docs/merging.md). */
export const mergeRoutes: RouteModule = {
  schemas: [CustomerMerge],
  owned: { exportKey: 'merges', item: Type.Ref(CustomerMerge) },
  register(scope: FastifyInstance, { services: { merges }, respond }) {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();

    app.post(
      '/customers/:id/merge',
      {
        schema: {
          tags,
          summary: 'Merge another customer (source) into this one, in one transaction; the source becomes a tombstone with merged_into',
          params: MergeParams,
          body: MergeCustomerBody,
          response: { 200: Type.Ref('Customer'), ...errorResponses },
        },
      },
      async (request, reply) =>
        respond(
          request,
          reply,
          () => {
            const { expand, ...input } = request.body;
            return merges.merge(authOf(request), request.params.id, input, ifMatchOf(request), expand);
          },
          (result) => ({ status: 200, body: result.body, etag: customerEtag(result.customer) }),
        ),
    );
  },
};
