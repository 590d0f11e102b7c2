import compress from '@fastify/compress';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { bodyNotAllowed } from '../../domain/errors.js';

const WITHOUT_BODY = new Set(['GET', 'HEAD', 'DELETE']);

function declaresBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  if (length !== undefined && length !== '0') return true;
  return request.headers['transfer-encoding'] !== undefined;
}

/**
 * How request bodies arrive, before any route sees them:
 * - `Content-Encoding: gzip`, `deflate` or `br` bodies are decompressed (@fastify/compress); the
 *   1 MiB limit counts the decompressed bytes, so a small compressed body cannot expand past it.
 *   Any other encoding is 415. Responses are not compressed here.
 * - A GET, HEAD or DELETE that declares a body is refused, and the connection is closed after the
 *   answer: the body it announced (which may never come) is never read as the next request.
 */
export async function registerRequestBodies(app: FastifyInstance): Promise<void> {
  await app.register(compress, { global: false, globalDecompression: true, requestEncodings: ['br', 'gzip', 'deflate', 'identity'] });
  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done) => {
    if (!WITHOUT_BODY.has(request.method) || !declaresBody(request)) return done();
    reply.header('connection', 'close');
    done(bodyNotAllowed(request.method));
  });
}
