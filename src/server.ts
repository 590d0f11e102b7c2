import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { createServices } from './compose.js';
import type { Config } from './config.js';
import { deliverySettings, deliveryWorker } from './domain/webhooks/delivery-worker.js';
import { notifyOnEnqueue } from './domain/webhooks/outbox-nudge.js';
import { startMaintenance } from './maintenance.js';
import { openStore } from './store/open-store.js';
import type { Store } from './store/port.js';

export interface RunningServer {
  app: FastifyInstance;
  store: Store;
  url: string;
  close(): Promise<void>;
}

/**
 * Opens the database, applies migrations, creates the first account on an empty database,
 * and listens. `say` receives the few human-facing lines (the bootstrap key is printed once).
 */
export async function startServer(config: Config, say: (line: string) => void): Promise<RunningServer> {
  const store = await openStore(config);
  try {
    await store.migrate();
    const webhooks = deliveryWorker(store, deliverySettings(config));
    // Writes that enqueue webhook deliveries wake the worker once they commit.
    const services = createServices(notifyOnEnqueue(store, webhooks.nudge), config);
    if (config.bootstrap) {
      const first = await services.accounts.bootstrap();
      if (first) {
        say(`Created account ${first.account.id} ("${first.account.name}").`);
        say(`Its test secret key (shown once, store it now): ${first.test.secret}`);
        say(`Create more keys with: npx clientele keys create --account ${first.account.id} --mode test`);
      }
    }
    const app = await buildApp({ config, unitOfWork: store.unitOfWork, services });
    await app.listen({ host: config.host, port: config.port });
    const stopMaintenance = startMaintenance(services, app.log, { eventRetentionDays: config.eventRetentionDays });
    webhooks.start(app.log);
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    const url = `http://${host}:${port}`;
    return {
      app,
      store,
      url,
      async close() {
        stopMaintenance();
        await app.close();
        await webhooks.stop();
        await store.close();
      },
    };
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
}
