import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { customerEtag } from '../../../domain/customers/customer-service.js';
import { toDeletedIntegration } from '../../../domain/integrations/integration-mapper.js';
import { listEnvelope, pageRequest } from '../../wire/list.js';
import { errorResponses, ListOf } from '../../wire/schema-kit.js';
import { IncludedList } from '../customers/schemas.js';
import type { RouteModule } from '../route-module.js';
import { authOf } from '../common.js';
import {
  CreateIntegrationBody,
  CustomerParams,
  DeletedIntegration,
  Integration,
  IntegrationParams,
  ListIntegrationsQuery,
  LookupQuery,
  ProviderParams,
} from './schemas.js';

const tags = ['Integrations'];

/** SPEC I-1, I-2: a customer's ids in other systems, and the reverse lookup. */
export const integrationRoutes: RouteModule = {
  schemas: [Integration],
  owned: {
    exportKey: 'integrations',
    item: Type.Ref(Integration),
    customerIncludes: { integrations: IncludedList('Integration', 'integrations') },
  },
  register(scope: FastifyInstance, { services: { integrations, customers }, respond }) {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();

    app.post(
      '/customers/:id/integrations',
      {
        schema: {
          tags,
          summary: "Map the customer to its record in another system (409 if that id is another customer's)",
          params: CustomerParams,
          body: CreateIntegrationBody,
          response: { 200: Type.Ref(Integration), ...errorResponses },
        },
      },
      async (request, reply) =>
        respond(
          request,
          reply,
          () => {
            const { provider, provider_id, metadata, expand } = request.body;
            return integrations.create(authOf(request), request.params.id, { provider, provider_id, ...(metadata !== undefined && { metadata }) }, expand);
          },
          (shown) => ({ status: 200, body: shown.body }),
        ),
    );

    app.get(
      '/customers/:id/integrations',
      {
        schema: {
          tags,
          summary: "List a customer's integrations",
          params: CustomerParams,
          querystring: ListIntegrationsQuery,
          response: { 200: ListOf(Type.Ref(Integration), '/v1/customers/{id}/integrations'), ...errorResponses },
        },
      },
      async (request) => {
        const page = await integrations.list(authOf(request), request.params.id, pageRequest(request.query), request.query.expand);
        return listEnvelope(`/v1/customers/${request.params.id}/integrations`, page.data, page.hasMore);
      },
    );

    app.delete(
      '/customers/:id/integrations/:integration',
      {
        schema: {
          tags,
          summary: 'Remove an integration',
          params: IntegrationParams,
          querystring: LookupQuery,
          response: { 200: DeletedIntegration, ...errorResponses },
        },
      },
      async (request, reply) =>
        respond(
          request,
          reply,
          () => integrations.remove(authOf(request), request.params.id, request.params.integration, request.query.expand),
          (integration) => ({ status: 200, body: toDeletedIntegration(integration) }),
        ),
    );

    app.get(
      '/integrations/:provider/:provider_id',
      {
        schema: {
          tags,
          summary: 'Find the customer mapped to a provider id',
          params: ProviderParams,
          querystring: LookupQuery,
          response: { 200: Type.Ref('Customer'), ...errorResponses },
        },
      },
      async (request, reply) => {
        const { provider, provider_id } = request.params;
        const result = await customers.retrieveByProviderId(authOf(request), provider, provider_id, request.query.expand);
        return reply.header('etag', customerEtag(result.customer)).send(result.body);
      },
    );
  },
};
