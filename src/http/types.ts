import type { AuthContext } from '../domain/accounts/account-service.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook on every /v1 route. */
    auth: AuthContext | null;
    /** Form and query values arrive as strings and may be coerced; JSON bodies never are. */
    bodyIsForm: boolean;
  }
}

export {};
