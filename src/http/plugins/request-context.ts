import type { FastifyInstance } from 'fastify';
import { runWithRequestContext } from '../../lib/request-context.js';

/**
 * Events written by a request record its id and, where the scope honours them, its
 * Idempotency-Key (SPEC E-1 `request`). Reads write no events, so they skip this.
 */
export function registerRequestContext(scope: FastifyInstance, options: { idempotencyKeys: boolean }): void {
  scope.addHook('onRequest', (request, _reply, done) => {
    if (request.method === 'GET' || request.method === 'HEAD') return done();
    const key = options.idempotencyKeys ? request.headers['idempotency-key'] : undefined;
    runWithRequestContext({ requestId: request.id, idempotencyKey: typeof key === 'string' ? key : null }, done);
  });
}
