import Stripe from 'stripe';
import { afterAll, describe, expect, it } from 'vitest';
import { callServer as call, databaseUrl, freshDatabase, STORES, type StoreKind } from '../helpers/harness.js';
import { cli, killAll, startServerProcess, waitReady, type ServerProcess } from '../helpers/processes.js';
import { Receiver, waitFor } from '../http/webhooks/support.js';

/**
 * SPEC E-3 with real `clientele serve` processes: the outbox survives a SIGKILL — whether the
 * process dies before its first attempt or in the middle of one (its lease then expires and
 * the delivery is claimed again) — and on PostgreSQL two processes share the outbox without
 * sending any delivery twice.
 */

const stripe = new Stripe('sk_test_unused', { maxNetworkRetries: 0 });
const LEASE_MS = 3_000;

async function setup(kind: StoreKind, extra: Record<string, string> = {}) {
  const env = {
    DATABASE_URL: databaseUrl(await freshDatabase(kind)),
    CLIENTELE_BOOTSTRAP: 'false',
    LOG_LEVEL: 'warn',
    PG_POOL_MAX: '5',
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    WEBHOOK_RETRY_SCHEDULE: Array(20).fill('300ms').join(','),
    WEBHOOK_POLL_MS: '50',
    WEBHOOK_TIMEOUT_MS: '1000',
    // A crashed process's claim runs out after 3 s (by default it would be 7 s here).
    WEBHOOK_LEASE_MS: String(LEASE_MS),
    ...extra,
  };
  const account = JSON.parse(await cli(['accounts', 'create', '--name', 'Hooks', '--json'], env)) as { keys: { test: string } };
  return { env, key: account.keys.test };
}

async function killed(server: ServerProcess): Promise<void> {
  const gone = new Promise<void>((resolve) => {
    if (server.child.exitCode !== null || server.child.signalCode !== null) resolve();
    else server.child.once('exit', () => resolve());
  });
  server.child.kill('SIGKILL');
  await gone;
}

/** A port nothing listens on (yet): a receiver briefly bound to it and closed. */
async function vacantPort(): Promise<number> {
  const probe = await Receiver.start();
  const port = probe.port;
  await probe.close();
  return port;
}

async function customerCreatedEvent(server: ServerProcess, key: string, customerId: string): Promise<string> {
  const events = await call(server, key, 'GET', '/v1/events?type=customer.created&limit=100');
  const event = (events.body.data as Array<{ id: string; data: { object: { id: string } } }>).find((e) => e.data.object.id === customerId);
  if (!event) throw new Error(`no customer.created event for ${customerId}`);
  return event.id;
}

describe.each(STORES)('webhook delivery across a crash (%s)', (kind) => {
  const receivers: Receiver[] = [];
  afterAll(async () => {
    await killAll();
    await Promise.all(receivers.map((r) => r.close()));
  });

  it('delivers an event committed before a SIGKILL once the server is back (receiver down at first)', async () => {
    const { env, key } = await setup(kind);
    const port = await vacantPort();
    let server = await startServerProcess(env);
    await waitReady(server);
    const endpoint = await call(server, key, 'POST', '/v1/webhook_endpoints', { url: `http://127.0.0.1:${port}/crash`, enabled_events: ['customer.created'] });
    expect(endpoint.status).toBe(200);
    const customer = await call(server, key, 'POST', '/v1/customers', { name: 'Survivor' });
    expect(customer.status).toBe(200);
    // The event and its delivery committed with the customer; the receiver is down, so nothing can have been delivered.
    await killed(server);

    const receiver = await Receiver.start(port);
    receivers.push(receiver);
    server = await startServerProcess(env);
    await waitReady(server);
    const eventId = await customerCreatedEvent(server, key, customer.body.id as string);
    const [delivery] = await waitFor('the delivery after restart', () => receiver.deliveriesOf(eventId).length > 0 && receiver.deliveriesOf(eventId), 60_000);
    const event = stripe.webhooks.constructEvent(delivery!.body, delivery!.headers['stripe-signature'] as string, endpoint.body.secret as string);
    expect(event).toMatchObject({ id: eventId, type: 'customer.created' });
    expect((event.data.object as { id: string }).id).toBe(customer.body.id);
    // The successful attempt is recorded just after the receiver answered.
    const codes = await waitFor('the successful attempt recorded', async () => {
      const attempts = await call(server, key, 'GET', `/v1/webhook_endpoints/${endpoint.body.id}/attempts?limit=100`);
      const list = (attempts.body.data as Array<{ status_code: number | null }>).map((a) => a.status_code);
      return list[0] === 200 && list;
    });
    expect(codes.slice(1).every((c) => c === null)).toBe(true);
    await server.stop();
  }, 120_000 /* real server processes, a SIGKILL and a restart; the lease test waits out a 3 s lease */);

  it('claims a delivery again when the process died in the middle of an attempt (lease expired)', async () => {
    const { env, key } = await setup(kind);
    const receiver = await Receiver.start();
    receivers.push(receiver);
    receiver.answer = () => ({ hang: true });
    let server = await startServerProcess(env);
    await waitReady(server);
    const endpoint = await call(server, key, 'POST', '/v1/webhook_endpoints', { url: receiver.url('/mid'), enabled_events: ['*'] });
    // The delivery is claimed after the customer's commit, so not before this.
    const beforeCreate = Date.now();
    const customer = await call(server, key, 'POST', '/v1/customers', { name: 'Mid-flight' });
    const eventId = await customerCreatedEvent(server, key, customer.body.id as string);
    await waitFor('the first attempt in flight', () => receiver.deliveriesOf(eventId).length === 1, 10_000);
    await killed(server);
    receiver.answer = () => ({ status: 200 });

    server = await startServerProcess(env);
    await waitReady(server);
    const deliveries = await waitFor('the delivery again', () => receiver.deliveriesOf(eventId).length >= 2 && receiver.deliveriesOf(eventId), 30_000);
    // Not before the dead process's lease (taken at its claim, after beforeCreate) ran out.
    expect(deliveries[1]!.at - beforeCreate).toBeGreaterThanOrEqual(LEASE_MS);
    expect(deliveries.map((d) => d.headers['webhook-id'])).toEqual([eventId, eventId]);
    expect(stripe.webhooks.constructEvent(deliveries[1]!.body, deliveries[1]!.headers['stripe-signature'] as string, endpoint.body.secret as string).id).toBe(eventId);
    // The crashed attempt left no record; the one that succeeded did.
    const attempts = await waitFor('the attempt recorded', async () => {
      const r = await call(server, key, 'GET', `/v1/webhook_endpoints/${endpoint.body.id}/attempts`);
      return r.body.data.length > 0 && (r.body.data as Array<{ status_code: number; event: string }>);
    });
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ status_code: 200, event: eventId });
    await server.stop();
  }, 120_000 /* real server processes, a SIGKILL and a restart; the lease test waits out a 3 s lease */);

  it('sends a new event at once, without waiting for the next poll', async () => {
    const { env, key } = await setup(kind, { WEBHOOK_POLL_MS: '600000' });
    const receiver = await Receiver.start();
    receivers.push(receiver);
    const server = await startServerProcess(env);
    await waitReady(server);
    await call(server, key, 'POST', '/v1/webhook_endpoints', { url: receiver.url('/nudged'), enabled_events: ['*'] });
    const customer = await call(server, key, 'POST', '/v1/customers', { name: 'Prompt' });
    const eventId = await customerCreatedEvent(server, key, customer.body.id as string);
    // The worker polls every 10 minutes here: a delivery within the wait can only come from the
    // nudge after the commit (no wall-clock bound, so a loaded machine cannot fail it).
    await waitFor('the delivery', () => receiver.deliveriesOf(eventId).length === 1, 30_000);
    await server.stop();
  }, 120_000 /* real server processes, a SIGKILL and a restart; the lease test waits out a 3 s lease */);
});

describe.skipIf(!STORES.includes('postgres'))('two server processes delivering from one PostgreSQL outbox', () => {
  const receivers: Receiver[] = [];
  afterAll(async () => {
    await killAll();
    await Promise.all(receivers.map((r) => r.close()));
  });

  it('delivers every event once: neither worker claims what the other holds', async () => {
    const { env, key } = await setup('postgres', { WEBHOOK_POLL_MS: '10', WEBHOOK_CONCURRENCY: '8' });
    const receiver = await Receiver.start();
    receivers.push(receiver);
    // A slow receiver keeps many deliveries in flight at once, so the two workers overlap.
    receiver.answer = () => ({ status: 200, delayMs: 50 });
    const [a, b] = await Promise.all([startServerProcess(env), startServerProcess(env)]);
    await Promise.all([waitReady(a!), waitReady(b!)]);
    const endpoints = await Promise.all(
      ['one', 'two', 'three'].map((name) => call(a!, key, 'POST', '/v1/webhook_endpoints', { url: receiver.url(`/${name}`), enabled_events: ['*'] })),
    );
    const n = 40;
    const created = await Promise.all(
      Array.from({ length: n }, (_, i) => call(i % 2 === 0 ? a! : b!, key, 'POST', '/v1/customers', { name: `Customer ${i}` })),
    );
    expect(created.every((r) => r.status === 200)).toBe(true);
    const expected = n * endpoints.length;
    await waitFor(`${expected} deliveries`, () => receiver.requests.length >= expected, 30_000);
    for (const e of endpoints) {
      // An attempt is recorded after the receiver answered it: wait for the records, not a time.
      const attempts = await waitFor(`${n} attempts recorded`, async () => {
        const r = await call(b!, key, 'GET', `/v1/webhook_endpoints/${e.body.id}/attempts?limit=100`);
        return (r.body.data as unknown[]).length >= n && (r.body.data as Array<{ status_code: number }>);
      });
      expect(attempts).toHaveLength(n);
      expect(attempts.every((x) => x.status_code === 200)).toBe(true);
    }
    // A server stopped by SIGTERM finishes every attempt it began before it exits (the grace is
    // long so that it is never SIGKILLed), so a duplicate would be in by now.
    await Promise.all([a!.stop(30_000), b!.stop(30_000)]);
    expect([a!.child.exitCode, b!.child.exitCode]).toEqual([0, 0]);
    const seen = new Map<string, number>();
    for (const r of receiver.requests) {
      const k = `${r.path} ${r.headers['webhook-id'] as string}`;
      seen.set(k, (seen.get(k) ?? 0) + 1);
    }
    expect(seen.size).toBe(expected);
    expect([...seen.values()].filter((count) => count > 1)).toEqual([]);
  }, 120_000 /* two real server processes deliver 60 events through a receiver that answers in 50 ms */);
});
