import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  toApiWebhookAttempt,
  toApiWebhookEndpoint,
  toDeletedWebhookEndpoint,
} from '../../../domain/webhooks/webhook-endpoint-mapper.js';
import { validateExpand } from '../../wire/expand.js';
import { listEnvelope, pageRequest } from '../../wire/list.js';
import { errorResponses, ListOf } from '../../wire/schema-kit.js';
import type { RouteModule } from '../route-module.js';
import { authOf } from '../common.js';
import {
  CreateWebhookEndpointBody,
  DeletedWebhookEndpoint,
  EndpointParams,
  ListAttemptsQuery,
  ListWebhookEndpointsQuery,
  RetrieveQuery,
  UpdateWebhookEndpointBody,
  WebhookAttempt,
  WebhookEndpoint,
} from './schemas.js';

const tags = ['Webhook endpoints'];

/** SPEC E-2 (endpoints) and E-3 (their delivery attempts). */
export const webhookEndpointRoutes: RouteModule = {
  register(scope: FastifyInstance, { services: { webhookEndpoints: endpoints }, respond }) {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    app.addSchema(WebhookEndpoint);
    app.addSchema(WebhookAttempt);

    app.post(
      '/webhook_endpoints',
      {
        schema: {
          tags,
          summary: 'Create a webhook endpoint (the response is the only one that shows its secret)',
          body: CreateWebhookEndpointBody,
          response: { 200: Type.Ref(WebhookEndpoint), ...errorResponses },
        },
      },
      async (request, reply) =>
        respond(
          request,
          reply,
          () => {
            const { expand, ...input } = request.body;
            validateExpand('webhook_endpoint', expand);
            return endpoints.create(authOf(request), input);
          },
          (endpoint) => ({ status: 200, body: toApiWebhookEndpoint(endpoint, { withSecret: true }) }),
        ),
    );

    app.get(
      '/webhook_endpoints',
      {
        schema: {
          tags,
          summary: 'List webhook endpoints, newest first',
          querystring: ListWebhookEndpointsQuery,
          response: { 200: ListOf(Type.Ref(WebhookEndpoint), '/v1/webhook_endpoints'), ...errorResponses },
        },
      },
      async (request) => {
        validateExpand('webhook_endpoint', request.query.expand, true);
        const page = await endpoints.list(authOf(request), pageRequest(request.query));
        return listEnvelope('/v1/webhook_endpoints', page.data.map((e) => toApiWebhookEndpoint(e)), page.hasMore);
      },
    );

    app.get(
      '/webhook_endpoints/:id',
      {
        schema: {
          tags,
          summary: 'Retrieve a webhook endpoint',
          params: EndpointParams,
          querystring: RetrieveQuery,
          response: { 200: Type.Ref(WebhookEndpoint), ...errorResponses },
        },
      },
      async (request) => {
        validateExpand('webhook_endpoint', request.query.expand);
        return toApiWebhookEndpoint(await endpoints.retrieve(authOf(request), request.params.id));
      },
    );

    app.post(
      '/webhook_endpoints/:id',
      {
        schema: {
          tags,
          summary: 'Update a webhook endpoint (url, enabled_events, description, metadata, disabled)',
          params: EndpointParams,
          body: UpdateWebhookEndpointBody,
          response: { 200: Type.Ref(WebhookEndpoint), ...errorResponses },
        },
      },
      async (request, reply) =>
        respond(
          request,
          reply,
          () => {
            const { expand, ...input } = request.body;
            validateExpand('webhook_endpoint', expand);
            return endpoints.update(authOf(request), request.params.id, input);
          },
          (endpoint) => ({ status: 200, body: toApiWebhookEndpoint(endpoint) }),
        ),
    );

    app.delete(
      '/webhook_endpoints/:id',
      {
        schema: {
          tags,
          summary: 'Delete a webhook endpoint (deliveries not yet made to it are dropped)',
          params: EndpointParams,
          querystring: RetrieveQuery,
          response: { 200: DeletedWebhookEndpoint, ...errorResponses },
        },
      },
      async (request, reply) =>
        respond(
          request,
          reply,
          () => {
            validateExpand('webhook_endpoint', request.query.expand);
            return endpoints.remove(authOf(request), request.params.id);
          },
          (endpoint) => ({ status: 200, body: toDeletedWebhookEndpoint(endpoint) }),
        ),
    );

    app.get(
      '/webhook_endpoints/:id/attempts',
      {
        schema: {
          tags,
          summary: 'List delivery attempts to an endpoint, newest first (event, status code, latency, error, next retry)',
          params: EndpointParams,
          querystring: ListAttemptsQuery,
          response: { 200: ListOf(Type.Ref(WebhookAttempt), '/v1/webhook_endpoints/{id}/attempts'), ...errorResponses },
        },
      },
      async (request) => {
        const q = request.query;
        validateExpand('webhook_endpoint_attempt', q.expand, true);
        const id = request.params.id;
        const page = await endpoints.listAttempts(authOf(request), id, { ...(q.event !== undefined && { eventId: q.event }) }, pageRequest(q));
        return listEnvelope(`/v1/webhook_endpoints/${id}/attempts`, page.data.map(toApiWebhookAttempt), page.hasMore);
      },
    );
  },
};
