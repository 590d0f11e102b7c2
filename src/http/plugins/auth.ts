import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccountService, AuthContext } from '../../domain/accounts/account-service.js';
import { authenticationFailed, permissionDenied } from '../../domain/errors.js';

/** The key presented as `Bearer <key>` or as the HTTP Basic user name. */
export function presentedKey(header: string | undefined): string | null {
  if (!header) return null;
  const space = header.indexOf(' ');
  if (space < 0) return null;
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (scheme === 'bearer') return value || null;
  if (scheme === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = colon < 0 ? decoded : decoded.slice(0, colon);
    return user || null;
  }
  return null;
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A POST that only reads (FlexPrice's search): restricted keys may call it. */
    readOnly?: boolean;
  }
}

export interface AuthOptions {
  /**
   * A header that carries the secret key as it is, besides Authorization (FlexPrice's
   * `x-api-key`, SPEC D-1). Authorization wins when both are sent.
   */
  keyHeader?: string;
}

/** The key in `header`, as it is (one value; a repeated header counts as none). */
function keyInHeader(value: string | string[] | undefined): string | null {
  if (typeof value !== 'string') return null;
  const key = value.trim();
  return key || null;
}

/**
 * Authenticates every request in this scope. Missing, unknown, revoked and expired keys all
 * get the same 401; restricted keys may only read.
 */
export function registerAuth(
  scope: FastifyInstance,
  accounts: Pick<AccountService, 'authenticate' | 'authenticateCached'>,
  options: AuthOptions = {},
): void {
  const { keyHeader } = options;
  const admit = (request: FastifyRequest, auth: AuthContext | null): Error | undefined => {
    if (!auth) return authenticationFailed();
    if (auth.restricted && WRITE_METHODS.has(request.method) && !request.routeOptions.config.readOnly) return permissionDenied();
    request.auth = auth;
    return undefined;
  };
  // Callback style: a key found in the cache is admitted without a promise.
  scope.addHook('onRequest', (request: FastifyRequest, _reply, done) => {
    const secret = presentedKey(request.headers.authorization) ?? (keyHeader ? keyInHeader(request.headers[keyHeader]) : null);
    if (!secret) return done(authenticationFailed());
    const cached = accounts.authenticateCached(secret);
    if (cached !== undefined) return done(admit(request, cached));
    accounts.authenticate(secret).then(
      (auth) => done(admit(request, auth)),
      (error: Error) => done(error),
    );
  });
}
