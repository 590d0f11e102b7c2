import type { FastifyInstance } from 'fastify';
import type { TSchema } from '@sinclair/typebox';
import type { Services } from '../../compose.js';
import type { ApiError } from '../../domain/errors.js';
import { registerAuth, type AuthOptions } from '../plugins/auth.js';
import { renderErrorsIn, type ErrorBody } from '../plugins/errors.js';
import { registerRequestContext } from '../plugins/request-context.js';
import type { Respond } from '../respond.js';
import { flexpriceRoutes } from './flexprice/index.js';
import { lunipayRoutes } from './lunipay/index.js';

/** What a dialect's routes are given: the services and the responder, as every route module. */
export interface DialectDeps {
  services: Services;
  respond: Respond;
}

/**
 * Another vendor's wire format over the same customers (SPEC §16): its own prefix, its own
 * request and response shapes (a mapper to and from the domain's input and records), and,
 * where the vendor has one, its own error shape and key header. The services, rules, events,
 * tenant scope and erasure are the Stripe API's own: there is one customer record.
 */
export interface DialectModule {
  /** e.g. `/flexprice/v1`. */
  readonly prefix: string;
  readonly auth?: AuthOptions;
  /** Schemas with an $id its routes reference. */
  readonly schemas?: readonly TSchema[];
  /** Its error body for a catalogue error (given the Stripe envelope); Stripe's envelope when absent. */
  readonly renderError?: (error: ApiError, envelope: ErrorBody) => unknown;
  register(app: FastifyInstance, deps: DialectDeps): void;
}

/** Every dialect. A new one is one line here (and its folder under src/http/routes/). */
export const DIALECT_MODULES: readonly DialectModule[] = [flexpriceRoutes, lunipayRoutes];

/**
 * Each dialect in its own scope: authentication (the same keys as the Stripe API), the request
 * context its events record, its error format, then its routes. Neither vendor's customer API
 * has an Idempotency-Key, so none is read here (docs/dialects.md).
 */
export async function registerDialects(app: FastifyInstance, deps: DialectDeps): Promise<void> {
  for (const dialect of DIALECT_MODULES) {
    await app.register(
      async (scope) => {
        registerAuth(scope, deps.services.accounts, dialect.auth);
        registerRequestContext(scope, { idempotencyKeys: false });
        const render = dialect.renderError;
        if (render) renderErrorsIn(scope, (error) => render(error, app.renderError(error)));
        for (const schema of dialect.schemas ?? []) scope.addSchema(schema);
        dialect.register(scope, deps);
      },
      { prefix: dialect.prefix },
    );
  }
}
