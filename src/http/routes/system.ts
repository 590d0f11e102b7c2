import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { databaseUnavailable } from '../../domain/errors.js';

/** Liveness, readiness and the generated API reference. */
export function registerSystemRoutes(app: FastifyInstance, health: { ready(): Promise<void> }): void {
  const tags = ['Operations'];
  app.get(
    '/healthz',
    {
      schema: {
        tags,
        summary: 'Liveness: the process is up (no database access)',
        security: [],
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags,
        summary: 'Readiness: the database answers (503 database_unavailable when it does not)',
        security: [],
        response: { 200: Type.Object({ status: Type.Literal('ready') }), 503: Type.Ref('ErrorEnvelope') },
      },
    },
    async (_request, reply) => {
      try {
        await health.ready();
        return { status: 'ready' as const };
      } catch {
        // Answered here rather than thrown: a probe polling an outage should not log an error each time.
        const api = databaseUnavailable();
        return reply.status(api.status as 503).send(app.renderError(api));
      }
    },
  );

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
