import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccountService } from '../../domain/accounts/account-service.js';
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

/**
 * Authenticates every request in this scope. Missing, unknown, revoked and expired keys all
 * get the same 401; restricted keys may only read.
 */
export function registerAuth(scope: FastifyInstance, accounts: Pick<AccountService, 'authenticate'>): void {
  scope.addHook('onRequest', async (request: FastifyRequest) => {
    const secret = presentedKey(request.headers.authorization);
    const auth = secret ? await accounts.authenticate(secret) : null;
    if (!auth) throw authenticationFailed();
    if (auth.restricted && WRITE_METHODS.has(request.method)) throw permissionDenied();
    request.auth = auth;
  });
}
