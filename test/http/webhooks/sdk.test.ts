import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORES } from '../../helpers/harness.js';
import { createWebhookTestApp, Receiver, waitFor, type WebhookTestApp } from './support.js';

/** SPEC E-2 through the official stripe SDK, unchanged, against a listening Clientele. */
describe.each(STORES)('stripe SDK: webhookEndpoints (%s)', (kind) => {
  let t: WebhookTestApp;
  let receiver: Receiver;
  let stripe: Stripe;

  beforeAll(async () => {
    t = await createWebhookTestApp(kind);
    receiver = await Receiver.start();
    const base = await t.listen();
    stripe = new Stripe(t.account.test, { host: base.host, port: base.port, protocol: 'http', maxNetworkRetries: 0 });
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  it('create, retrieve, update, list and del', async () => {
    const created = await stripe.webhookEndpoints.create({
      url: receiver.url('/sdk'),
      enabled_events: ['customer.created', 'customer.updated'],
      description: 'From the SDK',
      metadata: { owner: 'billing' },
    });
    expect(created).toMatchObject({
      object: 'webhook_endpoint',
      url: receiver.url('/sdk'),
      enabled_events: ['customer.created', 'customer.updated'],
      description: 'From the SDK',
      metadata: { owner: 'billing' },
      status: 'enabled',
      livemode: false,
    });
    expect(created.id).toMatch(/^we_/);
    expect(created.secret).toMatch(/^whsec_/);

    const retrieved = await stripe.webhookEndpoints.retrieve(created.id);
    expect(retrieved.secret).toBeUndefined();
    expect(retrieved.url).toBe(created.url);

    const updated = await stripe.webhookEndpoints.update(created.id, {
      enabled_events: ['*'],
      disabled: true,
      description: '',
      metadata: { owner: '', env: 'staging' },
    });
    expect(updated).toMatchObject({ enabled_events: ['*'], status: 'disabled', description: null, metadata: { env: 'staging' } });
    const enabled = await stripe.webhookEndpoints.update(created.id, { disabled: false });
    expect(enabled.status).toBe('enabled');

    const second = await stripe.webhookEndpoints.create({ url: receiver.url('/sdk2'), enabled_events: ['*'] });
    const page = await stripe.webhookEndpoints.list({ limit: 1 });
    expect(page.data.map((e) => e.id)).toEqual([second.id]);
    expect(page.has_more).toBe(true);
    const all: string[] = [];
    for await (const e of stripe.webhookEndpoints.list({ limit: 1 })) all.push(e.id);
    expect(all).toEqual([second.id, created.id]);

    const deleted = await stripe.webhookEndpoints.del(second.id);
    expect(deleted).toMatchObject({ id: second.id, object: 'webhook_endpoint', deleted: true });
    await expect(stripe.webhookEndpoints.retrieve(second.id)).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing' });
    await expect(
      stripe.webhookEndpoints.create({ url: 'ftp://example.com', enabled_events: ['*'] }),
    ).rejects.toMatchObject({ statusCode: 400, code: 'url_invalid', param: 'url' });
    await stripe.webhookEndpoints.del(created.id);
  });

  it('delivers events that stripe.webhooks.constructEvent verifies with the secret from create', async () => {
    const endpoint = await stripe.webhookEndpoints.create({ url: receiver.url('/sdk-events'), enabled_events: ['customer.created', 'customer.deleted'] });
    const customer = await stripe.customers.create({ email: 'sdk-hook@example.com' });
    await stripe.customers.del(customer.id);
    const got = await waitFor('two deliveries', () => {
      const list = receiver.requests.filter((r) => r.path === '/sdk-events');
      return list.length >= 2 && list;
    });
    const events = got.map((r) => stripe.webhooks.constructEvent(r.body, r.headers['stripe-signature'] as string, endpoint.secret as string));
    expect(events.map((e) => e.type).sort()).toEqual(['customer.created', 'customer.deleted']);
    for (const event of events) expect((event.data.object as Stripe.Customer).id).toBe(customer.id);
    // The SDK's own test-header helper agrees with the header we sent.
    const first = got[0]!;
    const t0 = Number(/t=(\d+)/.exec(first.headers['stripe-signature'] as string)![1]);
    expect(stripe.webhooks.generateTestHeaderString({ payload: first.body, secret: endpoint.secret as string, timestamp: t0 })).toBe(first.headers['stripe-signature']);
    await stripe.webhookEndpoints.del(endpoint.id);
  });
});
