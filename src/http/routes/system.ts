import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { databaseUnavailable, serviceUnavailable } from '../../domain/errors.js';

/** Whether the process is shutting down; /readyz answers 503 from its first moment. */
export interface Lifecycle {
  readonly draining: boolean;
}

const Health = Type.Object({ status: Type.Literal('ok') }, { description: 'The process is up.' });
const Ready = Type.Object({ status: Type.Literal('ready') }, { description: 'The database answers and the server is not shutting down.' });
const notReady = {
  description:
    'Not ready: `service_unavailable` while migrations run at start and from the first moment of a shutdown; `database_unavailable` when the database does not answer.',
  ...Type.Ref('ErrorEnvelope'),
};

/** Liveness, readiness and the generated API reference. */
export function registerSystemRoutes(app: FastifyInstance, health: { ready(): Promise<void> }, lifecycle?: Lifecycle): void {
  app.get(
    '/healthz',
    {
      schema: {
        summary: 'Liveness: the process is up',
        description: 'Answers 200 whenever the process runs, even while the database is unreachable: do not restart a node for a database outage.',
        tags: ['Operations'],
        security: [],
        response: { 200: Health },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        summary: 'Readiness: send traffic here',
        description:
          'Answers 200 once migrations have run, while the database answers (`select 1`), until the server starts shutting down (SIGTERM); then 503, while in-flight and newly arriving requests are still served for SHUTDOWN_DRAIN_MS so a load balancer can take the node out.',
        tags: ['Operations'],
        security: [],
        response: { 200: Ready, 503: notReady },
      },
    },
    async (_request, reply) => {
      // Answered here rather than thrown: a probe polling an outage should not log an error each time.
      if (lifecycle?.draining) {
        const api = serviceUnavailable('shutting_down');
        return reply.status(503).headers(api.headers ?? {}).send(app.renderError(api));
      }
      try {
        await health.ready();
        return { status: 'ready' as const };
      } catch {
        const api = databaseUnavailable();
        return reply.status(503).send(app.renderError(api));
      }
    },
  );

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
