import { Transform, pipeline, type Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { requestTimeout } from '../../domain/errors.js';

export interface BodyTimeouts {
  /** The longest pause between two chunks of a body. */
  idleMs: number;
  /** The whole body, first byte to last. */
  totalMs: number;
  onTimeout?: (kind: 'body_idle' | 'body') => void;
}

/**
 * A body that stalls (no byte for `idleMs`) or trickles (not complete after `totalMs`) is
 * answered 408 request_timeout at that moment, and its connection closed: the body stream
 * handed to the parser fails with the error, so the request ends through the one error handler.
 * Node's own requestTimeout (REQUEST_TIMEOUT_MS) still bounds headers and body together.
 */
export function registerBodyTimeouts(app: FastifyInstance, options: BodyTimeouts): void {
  app.addHook('preParsing', (request, reply, payload, done) => {
    const headers = request.headers;
    const length = headers['content-length'];
    if (headers['transfer-encoding'] === undefined && (length === undefined || length === '0')) return done(null, payload);
    const guard = new Transform({
      transform(chunk, _encoding, callback) {
        idle.refresh();
        callback(null, chunk);
      },
    });
    const fail = (kind: 'body_idle' | 'body') => () => {
      options.onTimeout?.(kind);
      guard.destroy(requestTimeout());
    };
    const idle = setTimeout(fail('body_idle'), options.idleMs);
    const total = setTimeout(fail('body'), options.totalMs);
    const clear = () => {
      clearTimeout(idle);
      clearTimeout(total);
    };
    guard.once('end', clear);
    guard.once('close', clear);
    reply.raw.once('close', clear);
    // A client that goes away mid-body destroys the guard too; the error is the parser's to see.
    pipeline(payload as Readable, guard, () => undefined);
    done(null, guard);
  });
}
