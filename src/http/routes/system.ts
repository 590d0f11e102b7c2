import type { FastifyInstance } from 'fastify';

/** Liveness, readiness and the generated API reference. */
export function registerSystemRoutes(app: FastifyInstance, health: { ready(): Promise<void> }): void {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    try {
      await health.ready();
      return { status: 'ready' };
    } catch {
      return reply.status(503).send({
        error: { type: 'api_error', code: null, message: 'The database is not reachable.', param: null, doc_url: null },
      });
    }
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
