import type { Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { createServices } from './compose.js';
import type { Config } from './config.js';
import { deliverySettings, deliveryWorker } from './domain/webhooks/delivery-worker.js';
import { notifyOnEnqueue } from './domain/webhooks/outbox-nudge.js';
import { apiListener, bind } from './http/listener.js';
import { errorRenderer } from './http/plugins/errors.js';
import { metricsServer } from './http/plugins/metrics.js';
import { startMaintenance } from './maintenance.js';
import { createMetrics, sampleEvery, type Metrics } from './metrics/metrics.js';
import { openStore } from './store/open-store.js';
import type { Store } from './store/port.js';

export interface RunningServer {
  app: FastifyInstance;
  store: Store;
  url: string;
  /** The METRICS_PORT listener's URL, when there is one. */
  metricsUrl: string | null;
  /**
   * A graceful stop: /readyz answers 503 at once while requests are still served for
   * SHUTDOWN_DRAIN_MS (`drainMs` overrides it), then no new connection is accepted, in-flight
   * requests and webhook attempts finish (each connection is closed after its response), and
   * everything is closed. In-flight work still running SHUTDOWN_TIMEOUT_MS after the drain is cut.
   */
  shutdown(drainMs?: number): Promise<void>;
  /** shutdown(0). */
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function urlOf(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function closeServer(server: Server | undefined): Promise<void> {
  if (!server?.listening) return Promise.resolve();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/**
 * Binds the port (and METRICS_PORT) first, so a busy port is one line and writes nothing; then
 * opens the database, applies migrations (meanwhile /readyz answers 503), creates the first
 * account on an empty database, and hands the listener to the app. `say` receives the few
 * human-facing lines (the bootstrap key is printed once); logs go to the logger.
 */
export async function startServer(config: Config, say: (line: string) => void): Promise<RunningServer> {
  const render = errorRenderer(config.publicUrl);
  let metrics: Metrics | undefined;
  const listener = apiListener(config, render, {
    onTimeout: () => metrics?.timeout('headers_or_request'),
    onRejected: () => metrics?.connectionRejected(),
  });
  const port = await bind(listener.server, { host: config.host, port: config.port, portSetting: 'PORT', hint: 'set PORT or --port' });
  let metricsHttp: Server | undefined;
  let metricsUrl: string | null = null;
  let store: Store | undefined;
  try {
    if (config.metricsPort !== null || config.metricsToken !== null) {
      metrics = createMetrics({ connections: listener.connections, poolStats: () => store?.poolStats() ?? null });
    }
    if (metrics && config.metricsPort !== null) {
      metricsHttp = metricsServer(metrics, render, config.metricsToken);
      const bound = await bind(metricsHttp, { host: config.host, port: config.metricsPort, portSetting: 'METRICS_PORT', hint: 'set METRICS_PORT' });
      metricsUrl = urlOf(config.host, bound);
    }
    store = await openStore(config);
    const opened = store;
    await opened.migrate();
    const webhooks = deliveryWorker(opened, { ...deliverySettings(config), ...(metrics && { onAttempt: metrics.webhookAttempt }) });
    // Writes that enqueue webhook deliveries wake the worker once they commit.
    const services = createServices(notifyOnEnqueue(opened, webhooks.nudge), config);
    if (config.bootstrap) {
      const first = await services.accounts.bootstrap();
      if (first) {
        say(`Created account ${first.account.id} ("${first.account.name}").`);
        say(`Its test secret key (shown once, store it now): ${first.test.secret}`);
        say(`Create more keys with: npx clientele keys create --account ${first.account.id} --mode test`);
      }
    }
    const lifecycle = { draining: false };
    const app = await buildApp({ config, unitOfWork: opened.unitOfWork, services, listener, lifecycle, ...(metrics && { metrics }) });
    await app.ready();
    const stopMaintenance = startMaintenance(services, app.log, { eventRetentionDays: config.eventRetentionDays });
    const stopSampling = metrics ? sampleEvery(metrics, () => opened.sample(), config.metricsSampleMs, app.log) : () => undefined;
    webhooks.start(app.log);
    const url = urlOf(config.host, port);
    app.log.info({ url, metrics: metricsUrl }, 'listening');

    let stopping: Promise<void> | null = null;
    const shutdown = (drainMs = config.shutdownDrainMs): Promise<void> => {
      stopping ??= (async () => {
        lifecycle.draining = true;
        listener.drain();
        if (drainMs > 0) await sleep(drainMs);
        stopMaintenance();
        stopSampling();
        await Promise.all([listener.close(config.shutdownTimeoutMs), webhooks.stop()]);
        await app.close();
        await closeServer(metricsHttp);
        metrics?.close();
        await opened.close();
      })();
      return stopping;
    };
    return { app, store: opened, url, metricsUrl, shutdown, close: () => shutdown(0) };
  } catch (error) {
    await listener.close(0);
    await closeServer(metricsHttp);
    metrics?.close();
    await store?.close().catch(() => undefined);
    throw error;
  }
}
