import type { FastifyInstance, FastifyRequest } from 'fastify';
import { labelProblem } from '../../domain/actors/actor.js';
import { actorInvalid, type ApiError } from '../../domain/errors.js';
import { runWithRequestContext } from '../../lib/request-context.js';

/**
 * The Clientele-Actor header (SPEC U-3), decoded as UTF-8 (Node hands header bytes over as
 * latin1). Absent: null. One value only; a repeated header is refused like a malformed one.
 */
export function actorOf(request: FastifyRequest): { actor: string | null } | { error: ApiError } {
  const raw = request.headers['clientele-actor'];
  if (raw === undefined) return { actor: null };
  if (typeof raw !== 'string') return { error: actorInvalid('must be sent once') };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(raw, 'latin1')).trim();
  } catch {
    return { error: actorInvalid('must be valid UTF-8') };
  }
  const problem = labelProblem(text);
  return problem ? { error: actorInvalid(problem) } : { actor: text };
}

/**
 * Events written by a request record its id, its actor and key and, where the scope honours them,
 * its Idempotency-Key (SPEC E-1 `request`, U-3). Reads write no events, so they skip this.
 * Registered after the auth plugin, so the request's key is known.
 */
export function registerRequestContext(scope: FastifyInstance, options: { idempotencyKeys: boolean }): void {
  scope.addHook('onRequest', (request, _reply, done) => {
    if (request.method === 'GET' || request.method === 'HEAD') return done();
    const actor = actorOf(request);
    if ('error' in actor) return done(actor.error);
    const key = options.idempotencyKeys ? request.headers['idempotency-key'] : undefined;
    runWithRequestContext(
      {
        requestId: request.id,
        idempotencyKey: typeof key === 'string' ? key : null,
        actor: actor.actor,
        keyId: request.auth?.keyId ?? null,
      },
      done,
    );
  });
}
