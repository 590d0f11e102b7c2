import type { AuthContext } from '../domain/accounts/account-service.js';
import type { ErrorRenderer } from './plugins/errors.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The one error renderer, built in buildApp from the config (doc_url needs the public URL). */
    renderError: ErrorRenderer;
  }
  interface FastifyRequest {
    /** Set by the auth hook on every /v1 route. */
    auth: AuthContext | null;
    /** Form and query values arrive as strings and may be coerced; JSON bodies never are. */
    bodyIsForm: boolean;
  }
  interface FastifyContextConfig {
    /**
     * The answer holds a secret stored nowhere else in clear (a portal link's token): an
     * Idempotency-Key is not claimed for it, so the answer is never kept for a replay.
     */
    responseHoldsSecret?: boolean;
  }
}

export {};
