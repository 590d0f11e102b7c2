import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Config } from './config.js';
import type { Services } from './compose.js';
import type { Store } from './store/port.js';
import { registerAuth } from './http/plugins/auth.js';
import { urlInvalidEncoding, urlTooLong } from './domain/errors.js';
import { clientErrorAnswer } from './http/client-errors.js';
import type { ApiListener } from './http/listener.js';
import { registerBodyTimeouts } from './http/plugins/body-timeouts.js';
import { errorRenderer, registerErrorHandling } from './http/plugins/errors.js';
import { registerMetricsRoute, registerRequestMetrics } from './http/plugins/metrics.js';
import { registerRateLimit } from './http/plugins/rate-limit.js';
import { createMetrics, type Metrics } from './metrics/metrics.js';
import { registerIdempotency } from './http/plugins/idempotency.js';
import { registerRequestBodies } from './http/plugins/request-body.js';
import { newRequestId, parseQueryString, registerWire } from './http/plugins/wire.js';
import { registerDocsRoutes } from './http/routes/docs.js';
import { registerApiRoutes } from './http/routes/index.js';
import { registerDialects } from './http/routes/dialects.js';
import { registerConsole } from './http/console/index.js';
import { registerPortal } from './http/portal/index.js';
import { registerRequestContext } from './http/plugins/request-context.js';
import { registerSystemRoutes, type Lifecycle } from './http/routes/system.js';
import { openapiOptions } from './http/openapi.js';
import { responder } from './http/respond.js';
import { ErrorEnvelope } from './http/wire/schema-kit.js';
import { sharedSerializers } from './http/wire/serializers.js';
import { sharedValidators } from './http/wire/validators.js';
import { AJV_OPTIONS } from './http/wire/param-check.js';
import './http/types.js';

/**
 * One cache of compiled response serializers and request validators for every app the process
 * builds (a server builds one; the tests build hundreds, and compiling the schemas was most of
 * each one's start).
 */
const COMPILERS = { buildSerializer: sharedSerializers(), buildValidator: sharedValidators() };

export interface AppDeps {
  config: Pick<
    Config,
    'bodyLimitBytes' | 'requestTimeoutMs' | 'bodyIdleTimeoutMs' | 'bodyTimeoutMs' | 'logLevel' | 'publicUrl' | 'metricsToken' | 'metricsPort'
  >;
  /** The store's unit of work: every write request runs as one (src/http/respond.ts). */
  unitOfWork: Store['unitOfWork'];
  services: Services;
  /** A pino destination or options; tests pass false to keep output quiet. */
  logger?: FastifyServerOptions['logger'];
  /**
   * The server's own listener (src/http/listener.ts), bound before the app exists; the app
   * takes its requests once ready. Without one (tests), Fastify makes its own server.
   */
  listener?: ApiListener;
  /** Request metrics; without them, one is made only when GET /metrics is served on this port. */
  metrics?: Metrics;
  lifecycle?: Lifecycle;
}

/** A portal link's or login page's path carries its token, which never reaches a log. */
export function withoutPortalTokens(path: string): string {
  return path.replace(/^(\/portal\/(?:session|login)\/)[^/]+/, '$1[redacted]');
}

/**
 * Logs carry method, path (never the query string: it may hold emails; never a portal token) and status. Keys,
 * card fields and personal data are redacted wherever they might appear.
 */
export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'headers.authorization',
        'req.headers["x-api-key"]',
        'headers["x-api-key"]',
        '*.card.number',
        '*.card.cvc',
        '*.email',
        '*.phone',
        '*.notes',
        // PostgreSQL errors quote the offending row's values in `detail`.
        'err.detail',
        'err.where',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: { method: string; url: string; id: string }) => ({
        method: req.method,
        path: withoutPortalTokens(req.url.split('?')[0] ?? ''),
        id: req.id,
      }),
    },
  };
}

/** Builds the API as a Fastify instance; no environment reads, no listen. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const renderError = errorRenderer(deps.config.publicUrl);
  const { listener } = deps;
  let handle: Parameters<ApiListener['attach']>[0] | undefined;
  const app = Fastify({
    logger: deps.logger ?? loggerOptions(deps.config.logLevel),
    genReqId: newRequestId,
    requestIdHeader: false,
    bodyLimit: deps.config.bodyLimitBytes,
    requestTimeout: deps.config.requestTimeoutMs,
    return503OnClosing: true,
    ...(listener && {
      serverFactory: (handler: Parameters<ApiListener['attach']>[0]) => {
        handle = handler;
        return listener.server;
      },
    }),
    // Router-level failures (undecodable URL, over-long path segment) get the envelope too.
    frameworkErrors: (error, request, reply) => {
      const api = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? urlTooLong() : urlInvalidEncoding();
      void (reply as FastifyReply).header('request-id', request.id).status(api.status).send(renderError(api));
    },
    // Malformed HTTP (e.g. a non-numeric Content-Length) never reaches a route; answer in the envelope.
    // The server's own listener answers these itself.
    clientErrorHandler: listener ? () => undefined : clientErrorAnswer(renderError),
    routerOptions: { querystringParser: parseQueryString, maxParamLength: 500 },
    schemaController: { compilersFactory: COMPILERS },
    // The same settings as an imported row's check (src/http/wire/param-check.ts).
    ajv: { customOptions: { ...AJV_OPTIONS } },
  });

  if (listener) app.addHook('onReady', async () => handle && listener.attach(handle));
  const ownMetrics = !deps.metrics && deps.config.metricsToken !== null && deps.config.metricsPort === null;
  const metrics = deps.metrics ?? (ownMetrics ? createMetrics() : undefined);
  if (ownMetrics && metrics) app.addHook('onClose', async () => metrics.close());
  if (metrics) registerRequestMetrics(app, metrics);

  registerWire(app, { bodyLimit: deps.config.bodyLimitBytes });
  // After the wire's hooks: its refusals carry the Request-Id too.
  await registerRequestBodies(app);
  registerErrorHandling(app, renderError);
  registerBodyTimeouts(app, {
    idleMs: deps.config.bodyIdleTimeoutMs,
    totalMs: deps.config.bodyTimeoutMs,
    ...(metrics && { onTimeout: metrics.timeout }),
  });
  app.addSchema(ErrorEnvelope);

  await app.register(swagger, openapiOptions(deps.config.publicUrl));
  await app.register(swaggerUi, { routePrefix: '/docs' });
  registerDocsRoutes(app);

  registerSystemRoutes(app, deps.services.health, deps.lifecycle);
  // On this port only with a token; METRICS_PORT serves them on a listener of its own.
  if (metrics && deps.config.metricsToken !== null && deps.config.metricsPort === null) {
    registerMetricsRoute(app, metrics, deps.config.metricsToken);
  }
  const respond = responder({ unitOfWork: deps.unitOfWork, idempotency: deps.services.idempotency });
  await app.register(
    async (v1) => {
      registerAuth(v1, deps.services.accounts);
      registerRateLimit(v1, deps.services.rateLimits, metrics?.rateLimited);
      registerRequestContext(v1, { idempotencyKeys: true });
      registerIdempotency(v1, deps.services);
      registerApiRoutes(v1, { services: deps.services, respond });
    },
    { prefix: '/v1' },
  );
  await registerDialects(app, { services: deps.services, respond });
  await registerConsole(app, { services: deps.services, unitOfWork: deps.unitOfWork, publicUrl: deps.config.publicUrl });
  await registerPortal(app, { services: deps.services, unitOfWork: deps.unitOfWork, publicUrl: deps.config.publicUrl });
  return app;
}
