import type { FastifyRequest } from 'fastify';
import type { AuthContext } from '../../domain/accounts/account-service.js';
import { parseEtagList, type IfMatch } from '../../domain/preconditions.js';

/** The authenticated key of a /v1 request (the auth hook guarantees it). */
export function authOf(request: FastifyRequest): AuthContext {
  if (!request.auth) throw new Error('auth hook did not run');
  return request.auth;
}

export function ifMatchOf(request: FastifyRequest): IfMatch | undefined {
  const header = request.headers['if-match'];
  return parseEtagList(Array.isArray(header) ? header.join(',') : header);
}

/** Splits `expand` off a body: the rest are the fields to write. */
export function fieldsOf<T>(body: { expand?: string[] } & Record<string, unknown>): T {
  const { expand: _expand, ...fields } = body;
  return fields as T;
}
