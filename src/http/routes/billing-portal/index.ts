import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { toApiPortalConfiguration, toApiPortalSession } from '../../../domain/billing-portal/portal-mapper.js';
import { parameterUnknown } from '../../../domain/errors.js';
import { validateExpand } from '../../wire/expand.js';
import { listEnvelope, pageRequest } from '../../wire/list.js';
import { errorResponses, ListOf } from '../../wire/schema-kit.js';
import { authOf } from '../common.js';
import type { RouteModule } from '../route-module.js';
import {
  ConfigurationParams,
  CreateConfigurationBody,
  CreateSessionBody,
  ListConfigurationsQuery,
  PortalConfiguration,
  PortalSession,
  RetrieveQuery,
  UpdateConfigurationBody,
} from './schemas.js';

const tags = ['Customer portal'];
const LIST_URL = '/v1/billing_portal/configurations';

/** Issue 19: Stripe's billing-portal API — configurations, and sessions that link to /portal. */
export const billingPortalRoutes: RouteModule = {
  register(scope: FastifyInstance, { services: { portalConfigurations: configurations, portalSessions: sessions }, respond }) {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    app.addSchema(PortalConfiguration);
    app.addSchema(PortalSession);

    app.post(
      '/billing_portal/sessions',
      {
        // The answer holds the link's token, which is stored nowhere but as a digest: it is never
        // kept for an Idempotency-Key replay (a retry makes a new session; the unused one expires).
        config: { responseHoldsSecret: true },
        // Stripe's parameters that do not apply here say so, before the schema calls them merely unknown.
        preValidation: async (request) => {
          const body = request.body as Record<string, unknown> | null | undefined;
          if (body && typeof body === 'object') {
            if ('flow_data' in body) throw parameterUnknown('flow_data', "Flows are not supported: a portal session opens on the portal's main page");
            if ('on_behalf_of' in body) throw parameterUnknown('on_behalf_of', 'Connected accounts are not supported');
          }
        },
        schema: {
          tags,
          summary: 'Create a portal session: a one-time link (10 minutes) for one customer to /portal',
          body: CreateSessionBody,
          response: { 200: Type.Ref(PortalSession), ...errorResponses },
        },
      },
      async (request, reply) =>
        respond(
          request,
          reply,
          () => {
            const { expand, ...input } = request.body;
            validateExpand('billing_portal.session', expand);
            return sessions.create(authOf(request), input);
          },
          ({ session, url }) => ({ status: 200, body: toApiPortalSession(session, url) }),
        ),
    );

    app.post(
      '/billing_portal/configurations',
      {
        schema: {
          tags,
          summary: 'Create a portal configuration (the first of an account and mode is its default)',
          body: CreateConfigurationBody,
          response: { 200: Type.Ref(PortalConfiguration), ...errorResponses },
        },
      },
      async (request, reply) =>
        respond(
          request,
          reply,
          () => {
            const { expand, ...input } = request.body;
            validateExpand('billing_portal.configuration', expand);
            return configurations.create(authOf(request), input);
          },
          (c) => ({ status: 200, body: toApiPortalConfiguration(c, configurations.loginPageUrl(authOf(request), c)) }),
        ),
    );

    app.get(
      '/billing_portal/configurations',
      {
        schema: {
          tags,
          summary: 'List portal configurations, newest first',
          querystring: ListConfigurationsQuery,
          response: { 200: ListOf(Type.Ref(PortalConfiguration), LIST_URL), ...errorResponses },
        },
      },
      async (request) => {
        const q = request.query;
        validateExpand('billing_portal.configuration', q.expand, true);
        const filters = { ...(q.active !== undefined && { active: q.active }), ...(q.is_default !== undefined && { isDefault: q.is_default }) };
        const page = await configurations.list(authOf(request), filters, pageRequest(q));
        const scope = authOf(request);
        return listEnvelope(LIST_URL, page.data.map((c) => toApiPortalConfiguration(c, configurations.loginPageUrl(scope, c))), page.hasMore);
      },
    );

    app.get(
      '/billing_portal/configurations/:id',
      {
        schema: {
          tags,
          summary: 'Retrieve a portal configuration',
          params: ConfigurationParams,
          querystring: RetrieveQuery,
          response: { 200: Type.Ref(PortalConfiguration), ...errorResponses },
        },
      },
      async (request) => {
        validateExpand('billing_portal.configuration', request.query.expand);
        const found = await configurations.retrieve(authOf(request), request.params.id);
        return toApiPortalConfiguration(found, configurations.loginPageUrl(authOf(request), found));
      },
    );

    app.post(
      '/billing_portal/configurations/:id',
      {
        schema: {
          tags,
          summary: 'Update a portal configuration (features, business profile, return URL, active, metadata)',
          params: ConfigurationParams,
          body: UpdateConfigurationBody,
          response: { 200: Type.Ref(PortalConfiguration), ...errorResponses },
        },
      },
      async (request, reply) =>
        respond(
          request,
          reply,
          () => {
            const { expand, ...input } = request.body;
            validateExpand('billing_portal.configuration', expand);
            return configurations.update(authOf(request), request.params.id, input);
          },
          (c) => ({ status: 200, body: toApiPortalConfiguration(c, configurations.loginPageUrl(authOf(request), c)) }),
        ),
    );
  },
};
