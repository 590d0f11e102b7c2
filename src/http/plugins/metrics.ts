import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { FastifyInstance } from 'fastify';
import { metricsTokenInvalid, routeUnknown } from '../../domain/errors.js';
import type { Metrics } from '../../metrics/metrics.js';
import type { ErrorRenderer } from './errors.js';

/** Counts every response by its route template (never the URL), method and status class. */
export function registerRequestMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', (request, reply, done) => {
    metrics.request(request.routeOptions.url ?? null, request.method, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const presented = /^Bearer (\S+)$/i.exec(header ?? '')?.[1];
  if (!presented) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** GET /metrics on the API's own port: only with METRICS_TOKEN, which it then requires. */
export function registerMetricsRoute(app: FastifyInstance, metrics: Metrics, token: string): void {
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (!tokenMatches(request.headers.authorization, token)) throw metricsTokenInvalid();
    return reply.type(metrics.contentType).send(await metrics.render());
  });
}

/**
 * METRICS_PORT: a listener of its own that serves GET /metrics and nothing else, so the
 * metrics need not be reachable where the API is (bind it to an internal interface with HOST,
 * or firewall the port). With METRICS_TOKEN set it requires the token there too.
 */
export function metricsServer(metrics: Metrics, render: ErrorRenderer, token: string | null): http.Server {
  return http.createServer({ requestTimeout: 10_000, headersTimeout: 5_000, connectionsCheckingInterval: 1_000 }, (request, response) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const fail = (api: ReturnType<typeof routeUnknown>) => {
      const body = JSON.stringify(render(api));
      response.writeHead(api.status, { 'content-type': 'application/json; charset=utf-8', ...api.headers });
      response.end(body);
    };
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) return fail(routeUnknown(request.method ?? 'GET', path));
    if (token !== null && !tokenMatches(request.headers.authorization, token)) return fail(metricsTokenInvalid());
    metrics.render().then(
      (text) => {
        response.writeHead(200, { 'content-type': metrics.contentType });
        response.end(request.method === 'HEAD' ? undefined : text);
      },
      () => {
        response.writeHead(500);
        response.end();
      },
    );
  });
}
