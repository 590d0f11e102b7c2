/**
 * The official `stripe` SDK, unchanged, driving charges, refunds and invoices (SPEC S-1, S-2)
 * over real HTTP against a listening Clientele, and verifying the charge.* and invoice.*
 * webhooks Clientele delivers for them.
 */
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORES } from '../helpers/harness.js';
import { createEndpoint, createWebhookTestApp, Receiver, waitFor, type WebhookTestApp } from '../http/webhooks/support.js';

/** Clientele's charge extensions; the SDK's types do not know them. */
type ClienteleCharge = Stripe.Charge & { provider: { name: string; reference: string } | null; occurred_at: number };

/** The SDK forwards params its types do not declare: Clientele's extras go through as they are. */
function extra<T extends object>(p: T & Record<string, unknown>): T {
  return p;
}

async function raised(fn: () => Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe.each(STORES)('stripe SDK: charges, refunds, invoices (%s)', (kind) => {
  let t: WebhookTestApp;
  let stripe: Stripe;
  let receiver: Receiver;
  let secret: string;

  beforeAll(async () => {
    t = await createWebhookTestApp(kind);
    const base = await t.listen();
    stripe = new Stripe(t.account.test, { host: base.host, port: base.port, protocol: 'http', maxNetworkRetries: 0 });
    receiver = await Receiver.start();
    secret = (await createEndpoint(t, t.account, { url: receiver.url(), enabled_events: ['charge.succeeded', 'charge.refunded', 'invoice.finalized', 'invoice.paid'] })).secret;
  });
  afterAll(async () => {
    await receiver?.close();
    await t?.close();
  });

  it('charges.create, retrieve, update, list; refunds.create, retrieve, update, list', async () => {
    const customer = await stripe.customers.create({ name: 'SDK payer' });
    const created = await stripe.charges.create(
      extra<Stripe.ChargeCreateParams>({
        amount: 4200,
        currency: 'eur',
        customer: customer.id,
        description: 'Order 1',
        metadata: { order: '1' },
        provider: { name: 'stripe', reference: `ch_sdk_${customer.id}` },
      }),
    );
    expect(created.lastResponse.statusCode).toBe(200);
    const charge = created as unknown as ClienteleCharge;
    expect(charge).toMatchObject({ object: 'charge', amount: 4200, currency: 'eur', customer: customer.id, status: 'succeeded', paid: true, refunded: false });
    expect(charge.provider).toEqual({ name: 'stripe', reference: `ch_sdk_${customer.id}` });

    const got = await stripe.charges.retrieve(charge.id, { expand: ['customer'] });
    expect((got.customer as Stripe.Customer).name).toBe('SDK payer');
    const updated = await stripe.charges.update(charge.id, { description: 'Order 1 (paid)', metadata: { order: '', channel: 'web' } });
    expect(updated).toMatchObject({ description: 'Order 1 (paid)', metadata: { channel: 'web' } });
    const listed = await stripe.charges.list({ customer: customer.id, limit: 5 });
    expect(listed.data.map((c) => c.id)).toEqual([charge.id]);
    const byProvider = await stripe.charges.list(extra<Stripe.ChargeListParams>({ provider: 'stripe', provider_reference: `ch_sdk_${customer.id}` }));
    expect(byProvider.data.map((c) => c.id)).toEqual([charge.id]);

    const refund = await stripe.refunds.create({ charge: charge.id, amount: 1000, reason: 'requested_by_customer', metadata: { why: 'late' } });
    expect(refund).toMatchObject({ object: 'refund', amount: 1000, charge: charge.id, status: 'succeeded', reason: 'requested_by_customer' });
    expect((await stripe.refunds.retrieve(refund.id)).amount).toBe(1000);
    expect((await stripe.refunds.update(refund.id, { metadata: { why: 'very late' } })).metadata).toEqual({ why: 'very late' });
    expect((await stripe.refunds.list({ charge: charge.id })).data.map((r) => r.id)).toEqual([refund.id]);
    expect((await stripe.charges.retrieve(charge.id)).amount_refunded).toBe(1000);
    const over = await raised(() => stripe.refunds.create({ charge: charge.id, amount: 5000 }));
    expect(over).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(over).toMatchObject({ code: 'amount_too_large', param: 'amount', statusCode: 400 });

    // Auto-pagination walks every page through the cursors.
    for (let i = 0; i < 3; i++) await stripe.charges.create({ amount: 100 + i, currency: 'eur', customer: customer.id });
    const all: string[] = [];
    for await (const c of stripe.charges.list({ customer: customer.id, limit: 2 })) all.push(c.id);
    expect(all).toHaveLength(4);
    expect(all[3]).toBe(charge.id);

    const stats = (await stripe.customers.retrieve(customer.id, { expand: ['stats'] })) as unknown as { stats: { charge_count: number; total_spent: Record<string, number> } };
    expect(stats.stats).toMatchObject({ charge_count: 4, total_spent: { eur: 3200 + 100 + 101 + 102 } });

    // The deliveries verify with the SDK's own webhook check.
    const delivered = await waitFor('charge.refunded delivered', () =>
      receiver.requests.find((r) => (JSON.parse(r.body) as { type: string; data: { object: { id: string } } }).type === 'charge.refunded'),
    );
    const event = stripe.webhooks.constructEvent(delivered.body, String(delivered.headers['stripe-signature']), secret);
    expect(event.type).toBe('charge.refunded');
    expect((event.data.object as Stripe.Charge).id).toBe(charge.id);
  });

  it('invoices.create, update, finalizeInvoice, pay, voidInvoice, markUncollectible, del, list, listLineItems', async () => {
    const customer = await stripe.customers.create({ name: 'SDK billed', email: 'billed@example.com' });
    const lines = [{ description: 'Plan', quantity: 2, unit_amount: 1500 }];
    const draft = await stripe.invoices.create(extra<Stripe.InvoiceCreateParams>({ customer: customer.id, currency: 'usd', lines }));
    expect(draft).toMatchObject({ object: 'invoice', status: 'draft', amount_due: 3000, customer: customer.id, number: null });
    expect(draft.lines.data[0]).toMatchObject({ object: 'line_item', amount: 3000, description: 'Plan', quantity: 2 });
    const edited = await stripe.invoices.update(draft.id, { description: 'March', metadata: { po: '9' } });
    expect(edited).toMatchObject({ description: 'March', metadata: { po: '9' } });
    expect((await stripe.invoices.retrieve(draft.id)).description).toBe('March');
    expect((await stripe.invoices.listLineItems(draft.id)).data.map((l) => l.description)).toEqual(['Plan']);

    const open = await stripe.invoices.finalizeInvoice(draft.id);
    expect(open).toMatchObject({ status: 'open', customer_email: 'billed@example.com', customer_name: 'SDK billed' });
    expect(open.number).toMatch(/^[A-Z0-9]{3,12}-0001$/);
    const charge = await stripe.charges.create({ amount: 3000, currency: 'usd', customer: customer.id });
    const paid = await stripe.invoices.pay(open.id, extra<Stripe.InvoicePayParams>({ paid_out_of_band: true, charge: charge.id }));
    expect(paid).toMatchObject({ status: 'paid', amount_paid: 3000, amount_remaining: 0, paid_out_of_band: true });

    const second = await stripe.invoices.finalizeInvoice((await stripe.invoices.create(extra<Stripe.InvoiceCreateParams>({ customer: customer.id, currency: 'usd', lines }))).id);
    expect(second.number).toMatch(/-0002$/);
    expect((await stripe.invoices.markUncollectible(second.id)).status).toBe('uncollectible');
    expect((await stripe.customers.retrieve(customer.id) as Stripe.Customer).delinquent).toBe(true);
    expect((await stripe.invoices.voidInvoice(second.id)).status).toBe('void');
    expect((await stripe.customers.retrieve(customer.id) as Stripe.Customer).delinquent).toBe(false);
    const refused = await raised(() => stripe.invoices.pay(second.id));
    expect(refused).toMatchObject({ code: 'invoice_status_transition_invalid', statusCode: 400 });

    const throwaway = await stripe.invoices.create(extra<Stripe.InvoiceCreateParams>({ customer: customer.id, currency: 'usd' }));
    const deleted = await stripe.invoices.del(throwaway.id);
    expect(deleted).toMatchObject({ id: throwaway.id, object: 'invoice', deleted: true });
    expect((await stripe.invoices.list({ customer: customer.id })).data.map((i) => i.id)).toEqual([second.id, draft.id]);
    expect((await stripe.invoices.list({ customer: customer.id, status: 'paid' })).data.map((i) => i.id)).toEqual([draft.id]);

    const finalized = await waitFor('invoice.finalized delivered', () =>
      receiver.requests.find((r) => {
        const e = JSON.parse(r.body) as { type: string; data: { object: { id: string } } };
        return e.type === 'invoice.finalized' && e.data.object.id === draft.id;
      }),
    );
    const event = stripe.webhooks.constructEvent(finalized.body, String(finalized.headers['stripe-signature']), secret);
    expect((event.data.object as Stripe.Invoice).number).toBe(open.number);
  });
});
