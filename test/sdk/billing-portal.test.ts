/**
 * Issue 19: the customer portal's API through the official stripe SDK, unchanged, over real
 * HTTP: stripe.billingPortal.sessions.create and stripe.billingPortal.configurations.*.
 */
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type TestApp } from '../helpers/harness.js';

describe.each(STORES)('stripe SDK: billing portal (%s)', (kind) => {
  let t: TestApp;
  let stripe: Stripe;

  beforeAll(async () => {
    t = await createTestApp(kind);
    const base = await t.listen();
    stripe = new Stripe(t.account.test, { host: base.host, port: base.port, protocol: 'http', maxNetworkRetries: 2 });
  });
  afterAll(async () => t?.close());

  it('stripe.billingPortal.sessions.create returns a session whose url opens the portal', async () => {
    const customer = await stripe.customers.create({ name: 'SDK Portal', email: 'sdk.portal@example.com' });
    const session = await stripe.billingPortal.sessions.create({ customer: customer.id, return_url: 'https://shop.example/account', locale: 'fr' });
    expect(session).toMatchObject({ object: 'billing_portal.session', customer: customer.id, return_url: 'https://shop.example/account', locale: 'fr', livemode: false, flow: null });
    expect(session.url).toContain('/portal/session/');
    const opened = await t.app.inject({ method: 'GET', url: new URL(session.url).pathname });
    expect(opened.statusCode).toBe(303);
    expect(opened.headers.location).toBe('/portal');
  });

  it('stripe.billingPortal.configurations: create, retrieve, update, list', async () => {
    const created = await stripe.billingPortal.configurations.create({
      business_profile: { headline: 'Acme' },
      features: { customer_update: { enabled: true, allowed_updates: ['email', 'tax_id'] }, invoice_history: { enabled: true }, payment_method_update: { enabled: false } },
      default_return_url: 'https://shop.example/',
    });
    expect(created).toMatchObject({ object: 'billing_portal.configuration', business_profile: { headline: 'Acme' }, features: { customer_update: { allowed_updates: ['email', 'tax_id'] } } });
    const got = await stripe.billingPortal.configurations.retrieve(created.id);
    expect(got.id).toBe(created.id);
    const updated = await stripe.billingPortal.configurations.update(created.id, { features: { customer_update: { allowed_updates: ['email'] } }, metadata: { k: 'v' } });
    expect(updated.features.customer_update.allowed_updates).toEqual(['email']);
    expect(updated.metadata).toEqual({ k: 'v' });
    const list = await stripe.billingPortal.configurations.list({ limit: 100 });
    expect(list.data.map((c) => c.id)).toContain(created.id);
    const err = await stripe.billingPortal.configurations.retrieve('bpc_missing').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect((err as Stripe.errors.StripeError).statusCode).toBe(404);
  });
});
