import type { FastifyInstance } from 'fastify';
import { databaseUnavailable } from '../../domain/errors.js';

/** Liveness, readiness and the generated API reference. */
export function registerSystemRoutes(app: FastifyInstance, health: { ready(): Promise<void> }): void {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    try {
      await health.ready();
      return { status: 'ready' };
    } catch {
      // Answered here rather than thrown: a probe polling an outage should not log an error each time.
      const api = databaseUnavailable();
      return reply.status(api.status).send(app.renderError(api));
    }
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
