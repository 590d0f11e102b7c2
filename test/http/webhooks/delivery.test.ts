import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORES } from '../../helpers/harness.js';
import {
  attemptsOf,
  createEndpoint,
  createWebhookTestApp,
  customerEvent,
  Receiver,
  standardSignature,
  waitFor,
  type WebhookTestApp,
} from './support.js';

/**
 * SPEC E-3: deliveries from the outbox to real local HTTP receivers — signed twice, retried on
 * a short schedule (300ms ×3 here), failed for good after it, 3xx not followed, 410 disabling
 * the endpoint, endpoints independent of each other, only enabled types, only our account.
 */
describe.each(STORES)('webhook delivery (%s)', (kind) => {
  let t: WebhookTestApp;
  let receiver: Receiver;
  const stripe = new Stripe('sk_test_unused', { maxNetworkRetries: 0 });

  beforeAll(async () => {
    t = await createWebhookTestApp(kind);
    receiver = await Receiver.start();
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  it('delivers the event JSON signed for the stripe SDK and for Standard Webhooks', async () => {
    const account = await t.newAccount();
    const { secret } = await createEndpoint(t, account, { url: receiver.url('/signed'), enabled_events: ['customer.created'] });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    const eventId = await customerEvent(t, account, { name: 'Signed', email: 'signed@example.com' });
    const [delivery] = await waitFor('the delivery', () => receiver.deliveriesOf(eventId, '/signed').length > 0 && receiver.deliveriesOf(eventId, '/signed'));
    const h = delivery!.headers;
    expect(h['content-type']).toBe('application/json; charset=utf-8');
    expect(h['user-agent']).toBe('Clientele/1.0');

    const event = stripe.webhooks.constructEvent(delivery!.body, h['stripe-signature'] as string, secret);
    expect(event.id).toBe(eventId);
    expect(event.type).toBe('customer.created');
    expect((event.data.object as { email: string }).email).toBe('signed@example.com');
    // A wrong secret or a tampered body is refused by the SDK.
    const wrongSecret = `${secret.slice(0, -2)}${secret.at(-2) === 'A' ? 'B' : 'A'}=`;
    expect(() => stripe.webhooks.constructEvent(delivery!.body, h['stripe-signature'] as string, wrongSecret)).toThrow();
    expect(() => stripe.webhooks.constructEvent(delivery!.body.replace('Signed', 'Forged'), h['stripe-signature'] as string, secret)).toThrow();

    expect(h['webhook-id']).toBe(eventId);
    const timestamp = h['webhook-timestamp'] as string;
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(30);
    expect(h['webhook-signature']).toBe(standardSignature(secret, eventId, timestamp, delivery!.body));
    expect(h['stripe-signature']).toMatch(new RegExp(`^t=${timestamp},v1=[0-9a-f]{64}$`));

    // The body is the event exactly as the events API shows it (pending_webhooks aside).
    const stored = await t.api(account.test).get(`/v1/events/${eventId}`);
    expect({ ...JSON.parse(delivery!.body), pending_webhooks: 0 }).toEqual({ ...stored.body, pending_webhooks: 0 });
  });

  it('retries after 500s with the same event id, then succeeds; attempts show each try', async () => {
    const account = await t.newAccount();
    const path = '/flaky';
    const { id: endpoint, secret } = await createEndpoint(t, account, { url: receiver.url(path) });
    receiver.answer = (r) => (r.path === path && receiver.requests.filter((x) => x.path === path).length <= 2 ? { status: 500 } : { status: 200 });
    const eventId = await customerEvent(t, account);
    const deliveries = await waitFor('three tries', () => receiver.deliveriesOf(eventId, path).length >= 3 && receiver.deliveriesOf(eventId, path));
    receiver.answer = () => ({ status: 200 });
    expect(deliveries.map((d) => d.headers['webhook-id'])).toEqual([eventId, eventId, eventId]);
    for (const d of deliveries) {
      expect(stripe.webhooks.constructEvent(d.body, d.headers['stripe-signature'] as string, secret).id).toBe(eventId);
    }
    // The retries waited for the schedule (300 ms each).
    expect(deliveries[1]!.at - deliveries[0]!.at).toBeGreaterThanOrEqual(250);
    expect(deliveries[2]!.at - deliveries[1]!.at).toBeGreaterThanOrEqual(250);

    const attempts = await waitFor('three attempts recorded', async () => {
      const list = await attemptsOf(t, account, endpoint);
      return list.length === 3 && list;
    });
    // Newest first.
    expect(attempts.map((a) => a.status_code)).toEqual([200, 500, 500]);
    expect(new Set(attempts.map((a) => a.event))).toEqual(new Set([eventId]));
    expect(new Set(attempts.map((a) => a.delivery)).size).toBe(1);
    expect(attempts[0]!.next_retry_at).toBeNull();
    expect(attempts[1]!.next_retry_at).toBeGreaterThanOrEqual(attempts[1]!.created);
    for (const a of attempts) {
      expect(a).toMatchObject({ object: 'webhook_attempt', endpoint, livemode: false });
      expect(a.id).toMatch(/^wha_/);
      expect(a.latency_ms).toBeGreaterThanOrEqual(0);
      // An answered attempt ends before the attempt timeout, by construction.
      expect(a.latency_ms).toBeLessThan(t.config.webhookTimeoutMs);
    }
    // Paging and the event filter.
    const page = await t.api(account.test).get(`/v1/webhook_endpoints/${endpoint}/attempts`, { limit: 2 });
    expect(page.body).toMatchObject({ object: 'list', url: `/v1/webhook_endpoints/${endpoint}/attempts`, has_more: true });
    expect(page.body.data.map((a: { id: string }) => a.id)).toEqual(attempts.slice(0, 2).map((a) => a.id));
    const rest = await attemptsOf(t, account, endpoint, { starting_after: attempts[1]!.id });
    expect(rest.map((a) => a.id)).toEqual([attempts[2]!.id]);
    expect(await attemptsOf(t, account, endpoint, { event: eventId })).toHaveLength(3);
    expect(await attemptsOf(t, account, endpoint, { event: 'evt_other' })).toHaveLength(0);
    await waitFor('pending_webhooks back to 0', async () => (await t.api(account.test).get(`/v1/events/${eventId}`)).body.pending_webhooks === 0);
  });

  it('marks the delivery failed once the schedule is used up', async () => {
    const account = await t.newAccount();
    const path = '/down';
    const { id: endpoint } = await createEndpoint(t, account, { url: receiver.url(path) });
    receiver.answer = (r) => (r.path === path ? { status: 503 } : { status: 200 });
    const eventId = await customerEvent(t, account);
    expect((await t.api(account.test).get(`/v1/events/${eventId}`)).body.pending_webhooks).toBe(1);
    const attempts = await waitFor('four failed attempts', async () => {
      const list = await attemptsOf(t, account, endpoint);
      return list.length === 4 && list[0]!.next_retry_at === null && list;
    });
    receiver.answer = () => ({ status: 200 });
    expect(attempts.map((a) => a.status_code)).toEqual([503, 503, 503, 503]);
    expect(attempts[0]!.error).toMatch(/failed for good after 4 attempts/i);
    expect(attempts.slice(1).every((a) => a.next_retry_at !== null)).toBe(true);
    expect((await t.api(account.test).get(`/v1/events/${eventId}`)).body.pending_webhooks).toBe(0);
    // No fifth try.
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(receiver.deliveriesOf(eventId, path)).toHaveLength(4);
    expect(await attemptsOf(t, account, endpoint)).toHaveLength(4);
  });

  it('counts a 3xx as a failure and never follows the redirect', async () => {
    const account = await t.newAccount();
    const { id: endpoint } = await createEndpoint(t, account, { url: receiver.url('/moved') });
    receiver.answer = (r) => (r.path === '/moved' ? { status: 302, headers: { location: receiver.url('/target') } } : { status: 200 });
    const eventId = await customerEvent(t, account);
    const [first] = await waitFor('a redirect attempt', async () => {
      const list = await attemptsOf(t, account, endpoint);
      return list.length >= 1 && list;
    });
    expect(first).toMatchObject({ status_code: 302, event: eventId });
    expect(first!.error).toMatch(/redirect not followed/i);
    expect(first!.next_retry_at).not.toBeNull();
    await waitFor('a retry', () => receiver.deliveriesOf(eventId, '/moved').length >= 2);
    receiver.answer = () => ({ status: 200 });
    expect(receiver.requests.filter((r) => r.path === '/target')).toHaveLength(0);
  });

  it('disables the endpoint on 410 Gone and sends it nothing more', async () => {
    const account = await t.newAccount();
    const { id: endpoint } = await createEndpoint(t, account, { url: receiver.url('/gone') });
    receiver.answer = (r) => (r.path === '/gone' ? { status: 410 } : { status: 200 });
    const eventId = await customerEvent(t, account);
    await waitFor('the endpoint disabled', async () => (await t.api(account.test).get(`/v1/webhook_endpoints/${endpoint}`)).body.status === 'disabled');
    receiver.answer = () => ({ status: 200 });
    const attempts = await attemptsOf(t, account, endpoint);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ status_code: 410, next_retry_at: null, event: eventId });
    const later = await customerEvent(t, account);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.deliveriesOf(later, '/gone')).toHaveLength(0);
    expect(receiver.deliveriesOf(eventId, '/gone')).toHaveLength(1);
    // Enabled again, it receives new events.
    const enabled = await t.api(account.test).post(`/v1/webhook_endpoints/${endpoint}`, { disabled: false });
    expect(enabled.body.status).toBe('enabled');
    const third = await customerEvent(t, account);
    await waitFor('delivery after re-enabling', () => receiver.deliveriesOf(third, '/gone').length === 1);
  });

  it('sends only the enabled event types, and nothing to a disabled endpoint', async () => {
    const account = await t.newAccount();
    await createEndpoint(t, account, { url: receiver.url('/only-updates'), enabled_events: ['customer.updated'] });
    const off = await createEndpoint(t, account, { url: receiver.url('/off') });
    await t.api(account.test).post(`/v1/webhook_endpoints/${off.id}`, { disabled: true });
    const created = await customerEvent(t, account);
    const customer = (await t.api(account.test).get(`/v1/events/${created}`)).body.data.object.id as string;
    await t.api(account.test).post(`/v1/customers/${customer}`, { name: 'Renamed' });
    const updated = (await t.api(account.test).get('/v1/events', { type: 'customer.updated' })).body.data[0].id as string;
    await waitFor('the update delivered', () => receiver.deliveriesOf(updated, '/only-updates').length === 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.deliveriesOf(created, '/only-updates')).toHaveLength(0);
    expect(receiver.requests.filter((r) => r.path === '/off')).toHaveLength(0);
  });

  it("never sends one account's events to another account's endpoint, nor test events to live endpoints", async () => {
    const ours = await t.newAccount();
    const theirs = await t.newAccount();
    await createEndpoint(t, theirs, { url: receiver.url('/theirs') });
    const live = await t.api(ours.live).post('/v1/webhook_endpoints', { url: receiver.url('/our-live'), enabled_events: ['*'] });
    expect(live.body.livemode).toBe(true);
    await createEndpoint(t, ours, { url: receiver.url('/ours') });
    const eventId = await customerEvent(t, ours);
    await waitFor('our delivery', () => receiver.deliveriesOf(eventId, '/ours').length === 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.requests.filter((r) => r.path === '/theirs' || r.path === '/our-live')).toHaveLength(0);
  });

  it('keeps other endpoints on time while one never answers', async () => {
    // Its own app with attempts that never time out during the test, so "the fast delivery did
    // not wait for the slow endpoint" holds by construction, however slow the machine is.
    const patient = await createWebhookTestApp(kind, { WEBHOOK_TIMEOUT_MS: '60000' });
    try {
      const account = await patient.newAccount();
      receiver.answer = (r) => (r.path === '/never' ? { hang: true } : { status: 200 });
      const slow = await createEndpoint(patient, account, { url: receiver.url('/never') });
      // A backlog for the slow endpoint: more deliveries than the worker has slots.
      for (let i = 0; i < 40; i++) await patient.api(account.test).post('/v1/customers', { name: `backlog ${i}` });
      await waitFor('the slow endpoint busy', () => receiver.inFlight('/never') >= 3);
      await createEndpoint(patient, account, { url: receiver.url('/fast') });
      const eventId = await customerEvent(patient, account);
      await waitFor('the fast delivery', () => receiver.deliveriesOf(eventId, '/fast').length === 1, 30_000);
      // Delivered while the slow endpoint still held every one of its slots, none of them ended.
      expect(receiver.inFlight('/never')).toBeGreaterThanOrEqual(3);
      expect((await attemptsOf(patient, account, slow.id)).filter((a) => a.error !== null)).toEqual([]);
      // The slow endpoint never has more than a few requests in flight at once.
      expect(receiver.requests.filter((r) => r.path === '/never').length).toBeLessThanOrEqual(3);
    } finally {
      receiver.dropHanging();
      receiver.answer = () => ({ status: 200 });
      await patient.close();
    }
  }, 120_000 /* a second app, and 40 creates before the check */);

  it('gives up on an attempt that gets no answer after WEBHOOK_TIMEOUT_MS (10 s in production, 2 s here)', async () => {
    const account = await t.newAccount();
    receiver.answer = (r) => (r.path === '/slow' ? { hang: true } : { status: 200 });
    const slow = await createEndpoint(t, account, { url: receiver.url('/slow') });
    await customerEvent(t, account);
    const timedOut = await waitFor('a timed-out attempt', async () => {
      const list = await attemptsOf(t, account, slow.id);
      return list.find((a) => a.error !== null) ?? false;
    }, 20_000);
    expect(timedOut).toMatchObject({ status_code: null });
    expect(timedOut.error).toMatch(/timed out/i);
    // A timer never fires early: the attempt lasted at least the timeout.
    expect(timedOut.latency_ms).toBeGreaterThanOrEqual(1_900);
    await t.api(account.test).del(`/v1/webhook_endpoints/${slow.id}`);
    receiver.dropHanging();
    receiver.answer = () => ({ status: 200 });
  }, 120_000 /* waits for an attempt to time out */);
});
