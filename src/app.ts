import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Config } from './config.js';
import type { AccountService } from './domain/accounts/account-service.js';
import type { CustomerService } from './domain/customers/customer-service.js';
import { registerAuth } from './http/plugins/auth.js';
import { registerErrorHandling } from './http/plugins/errors.js';
import { registerIdempotency } from './http/plugins/idempotency.js';
import { newRequestId, parseQueryString, registerWire } from './http/plugins/wire.js';
import { registerCustomerRoutes } from './http/routes/customers/index.js';
import { registerSystemRoutes } from './http/routes/system.js';
import { ErrorEnvelope } from './http/wire/schema-kit.js';
import './http/types.js';
import type { Store } from './store/port.js';

export interface AppDeps {
  config: Pick<Config, 'bodyLimitBytes' | 'requestTimeoutMs' | 'logLevel'>;
  store: Store;
  services: { accounts: AccountService; customers: CustomerService };
  /** A pino destination or options; tests pass false to keep output quiet. */
  logger?: FastifyServerOptions['logger'];
}

/**
 * Logs carry method, path (never the query string: it may hold emails) and status. Keys,
 * card fields and personal data are redacted wherever they might appear.
 */
export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'headers.authorization',
        '*.card.number',
        '*.card.cvc',
        '*.email',
        '*.phone',
        '*.notes',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: { method: string; url: string; id: string }) => ({
        method: req.method,
        path: req.url.split('?')[0],
        id: req.id,
      }),
    },
  };
}

/** Builds the API as a Fastify instance; no environment reads, no listen. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? loggerOptions(deps.config.logLevel),
    genReqId: newRequestId,
    requestIdHeader: false,
    bodyLimit: deps.config.bodyLimitBytes,
    requestTimeout: deps.config.requestTimeoutMs,
    return503OnClosing: true,
    routerOptions: { querystringParser: parseQueryString, maxParamLength: 500 },
    ajv: {
      customOptions: {
        coerceTypes: false,
        removeAdditional: false,
        useDefaults: false,
        allErrors: false,
        verbose: true,
        strict: false,
      },
    },
  });

  registerWire(app, { bodyLimit: deps.config.bodyLimitBytes });
  registerErrorHandling(app);
  app.addSchema(ErrorEnvelope);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Clientele API',
        version: '1',
        description:
          "Customer profiles API for payments. Stripe v1 wire conventions: form-encoded (bracket notation) or JSON bodies, Bearer or Basic auth with a secret key, Stripe's error envelope and list format.",
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          basic: { type: 'http', scheme: 'basic' },
        },
      },
      security: [{ bearer: [] }, { basic: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  registerSystemRoutes(app, deps.store);
  await app.register(
    async (v1) => {
      registerAuth(v1, deps.services.accounts);
      registerIdempotency(v1, deps.store);
      registerCustomerRoutes(v1, deps.services.customers, deps.store);
    },
    { prefix: '/v1' },
  );
  return app;
}
