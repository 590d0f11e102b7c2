import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { deliverySettings, deliveryWorker, type DeliveryWorker } from '../../../src/domain/webhooks/delivery-worker.js';
import { createTestApp, testConfig, type StoreKind, type TestAccount, type TestApp } from '../../helpers/harness.js';

/** Settings every webhook test runs with: loopback receivers allowed, short retries, fast polling. */
export const WEBHOOK_TEST_ENV = {
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
  WEBHOOK_RETRY_SCHEDULE: '300ms,300ms,300ms',
  WEBHOOK_POLL_MS: '25',
  WEBHOOK_TIMEOUT_MS: '2000',
};

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** How the receiver answers one request: a status (default 200), after `delayMs`, or never (`hang`). */
export type Answer = { status?: number; headers?: Record<string, string>; hang?: boolean; delayMs?: number };

/**
 * A real HTTP server on 127.0.0.1 that records every request and answers as told. `close()`
 * drops hanging connections too, so no test leaves a socket open.
 */
export class Receiver {
  readonly requests: Received[] = [];
  private readonly sockets = new Set<Socket>();
  /** Hanging requests whose connection is still open, with their sockets. */
  private readonly hanging = new Map<Received, Socket>();
  private readonly server: Server;
  answer: (request: Received, index: number) => Answer = () => ({ status: 200 });

  private constructor() {
    this.server = createServer((req, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const received: Received = { path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
        const index = this.requests.push(received) - 1;
        const answer = this.answer(received, index);
        if (answer.hang) {
          this.hanging.set(received, req.socket);
          res.once('close', () => this.hanging.delete(received));
          return;
        }
        const send = () => {
          res.writeHead(answer.status ?? 200, { 'content-type': 'text/plain', ...answer.headers });
          res.end('ok');
        };
        if (answer.delayMs) setTimeout(send, answer.delayMs);
        else send();
      });
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  static async start(port = 0): Promise<Receiver> {
    const receiver = new Receiver();
    await new Promise<void>((resolve, reject) => {
      receiver.server.once('error', reject);
      receiver.server.listen(port, '127.0.0.1', () => resolve());
    });
    return receiver;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Requests whose body is the event with this id. */
  deliveriesOf(eventId: string, path?: string): Received[] {
    return this.requests.filter((r) => (path === undefined || r.path === path) && (JSON.parse(r.body) as { id: string }).id === eventId);
  }

  /** Hanging requests to `path` still open: what the sender is waiting on. */
  inFlight(path: string): number {
    return [...this.hanging.keys()].filter((r) => r.path === path).length;
  }

  /** Drops every hanging connection (the sender sees a reset). */
  dropHanging(): void {
    for (const socket of this.hanging.values()) socket.destroy();
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Polls `check` until it returns a value other than undefined/false; fails after timeoutMs. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A test app plus a delivery worker over its store, as the server process runs them. */
export interface WebhookTestApp extends TestApp {
  worker: DeliveryWorker;
  /** Another worker over the same database with other settings (e.g. private networks refused). */
  startWorker(env: Record<string, string>): DeliveryWorker;
}

const quiet = { warn: () => undefined, debug: () => undefined };

export async function createWebhookTestApp(kind: StoreKind, env: Record<string, string> = {}, options: { worker?: boolean } = {}): Promise<WebhookTestApp> {
  const t = await createTestApp(kind, { ...WEBHOOK_TEST_ENV, ...env });
  const workers: DeliveryWorker[] = [];
  const startWorker = (overrides: Record<string, string>) => {
    const worker = deliveryWorker(t.store, deliverySettings(testConfig(t.database, { ...WEBHOOK_TEST_ENV, ...env, ...overrides })));
    worker.start(quiet);
    workers.push(worker);
    return worker;
  };
  const worker = options.worker === false ? deliveryWorker(t.store, deliverySettings(t.config)) : startWorker({});
  return {
    ...t,
    worker,
    startWorker,
    async close() {
      await Promise.all(workers.map((w) => w.stop()));
      await t.close();
    },
  };
}

/** Creates an endpoint through the API; returns its id and secret. */
export async function createEndpoint(
  t: TestApp,
  account: TestAccount,
  params: Record<string, unknown>,
): Promise<{ id: string; secret: string }> {
  const r = await t.api(account.test).post('/v1/webhook_endpoints', { enabled_events: ['*'], ...params });
  if (r.status !== 200) throw new Error(`endpoint create failed: ${r.status} ${JSON.stringify(r.body)}`);
  return { id: r.body.id as string, secret: r.body.secret as string };
}

/** Creates a customer (one customer.created event) and returns that event's id. */
export async function customerEvent(t: TestApp, account: TestAccount, params: Record<string, unknown> = { name: 'Hooked' }): Promise<string> {
  const created = await t.api(account.test).post('/v1/customers', params);
  if (created.status !== 200) throw new Error(`customer create failed: ${created.status}`);
  const events = await t.api(account.test).get('/v1/events', { type: 'customer.created', limit: 100 });
  const event = (events.body.data as Array<{ id: string; data: { object: { id: string } } }>).find((e) => e.data.object.id === created.body.id);
  if (!event) throw new Error('no customer.created event');
  return event.id;
}

/** The Standard Webhooks signature, computed independently of the server's code. */
export function standardSignature(secret: string, id: string, timestamp: string, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

export interface ApiAttempt {
  id: string;
  object: 'webhook_attempt';
  created: number;
  delivery: string;
  endpoint: string;
  event: string;
  status_code: number | null;
  latency_ms: number;
  error: string | null;
  next_retry_at: number | null;
  livemode: boolean;
}

export async function attemptsOf(t: TestApp, account: TestAccount, endpointId: string, query: Record<string, unknown> = {}): Promise<ApiAttempt[]> {
  const r = await t.api(account.test).get(`/v1/webhook_endpoints/${endpointId}/attempts`, { limit: 100, ...query });
  if (r.status !== 200) throw new Error(`attempts list failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.data as ApiAttempt[];
}
