/**
 * Merging customers (docs/merging.md) through the official stripe SDK, unchanged, over real
 * HTTP: stripe.rawRequest for the merge itself (Stripe has no such call), and the SDK's own
 * customers, paymentMethods and charges calls for everything that must lead to the survivor.
 */
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type TestApp } from '../helpers/harness.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- responses of routes the SDK has no types for

async function raised(fn: () => Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe.each(STORES)('stripe SDK: customer merge (%s)', (kind) => {
  let t: TestApp;
  let stripe: Stripe;

  beforeAll(async () => {
    t = await createTestApp(kind);
    const base = await t.listen();
    stripe = new Stripe(t.account.test, { host: base.host, port: base.port, protocol: 'http', maxNetworkRetries: 2 });
  });
  afterAll(async () => t?.close());

  it('merges through rawRequest; the SDK sees the tombstone, the moved objects and customer_merged on writes', async () => {
    const target = await stripe.customers.create({ name: 'Survivor' });
    const source = await stripe.customers.create({ email: 'dup@example.com', metadata: { from: 'source' } });
    const pm = await stripe.paymentMethods.create({ type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: new Date().getUTCFullYear() + 2, cvc: '123' } } as Stripe.PaymentMethodCreateParams);
    await stripe.paymentMethods.attach(pm.id, { customer: source.id });
    const charge = (await stripe.rawRequest('POST', '/v1/charges', { amount: 700, currency: 'usd', customer: source.id })) as Json;

    const merged = (await stripe.rawRequest('POST', `/v1/customers/${target.id}/merge`, { source: source.id, expand: ['stats'] })) as Json;
    expect(merged.id).toBe(target.id);
    expect(merged.email).toBe('dup@example.com');
    expect(merged.metadata).toEqual({ from: 'source' });
    expect(merged.merged_from).toEqual([source.id]);
    expect(merged.stats.total_spent).toEqual({ usd: 700 });

    const tomb = (await stripe.customers.retrieve(source.id)) as Stripe.DeletedCustomer & { merged_into?: string };
    expect(tomb.deleted).toBe(true);
    expect(tomb.merged_into).toBe(target.id);
    const survivor = await stripe.customers.retrieve(target.id);
    expect((survivor as Stripe.Customer).email).toBe('dup@example.com');
    const methods = await stripe.paymentMethods.list({ customer: target.id });
    expect(methods.data.map((m) => m.id)).toEqual([pm.id]);
    expect((await stripe.charges.retrieve(charge.id)).customer).toBe(target.id);

    const error = await raised(() => stripe.customers.update(source.id, { name: 'too late' }));
    expect(error.statusCode).toBe(400);
    expect(error.code).toBe('customer_merged');
    expect(error.message).toContain(target.id);
    const again = await raised(() => stripe.rawRequest('POST', `/v1/customers/${target.id}/merge`, { source: source.id }));
    expect(again.code).toBe('customer_merged');
  });
});
