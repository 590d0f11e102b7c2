import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type Api, type TestApp } from '../../helpers/harness.js';
import { createCustomer, expectError, missingCustomerId, postForm } from '../customers/support.js';
import { cardParams, createPaymentMethod } from '../payment-methods/support.js';
import { CHARGE_FIELDS, createCharge, eventsOf, listIds } from './support.js';

/** SPEC S-1: charges as processors report them, through HTTP (form and JSON bodies). */
describe.each(STORES)('charges (%s)', (kind) => {
  let t: TestApp;
  let api: Api;
  beforeAll(async () => {
    t = await createTestApp(kind);
    api = t.api();
  });
  afterAll(async () => t?.close());

  describe('create', () => {
    it('shows every field, Stripe’s defaults for a succeeded charge, and occurred_at defaulting to created', async () => {
      const customer = await createCustomer(api);
      const res = await api.post('/v1/charges', { amount: 2599, currency: 'USD', customer: customer.id });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const c = res.body;
      expect(Object.keys(c)).toEqual(CHARGE_FIELDS);
      expect(c).toMatchObject({
        object: 'charge',
        amount: 2599,
        amount_captured: 2599,
        amount_refunded: 0,
        balance_transaction: null,
        billing_details: { address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null }, email: null, name: null, phone: null },
        captured: true,
        currency: 'usd',
        customer: customer.id,
        description: null,
        failure_code: null,
        failure_message: null,
        invoice: null,
        livemode: false,
        metadata: {},
        paid: true,
        payment_intent: null,
        payment_method: null,
        receipt_email: null,
        refunded: false,
        statement_descriptor: null,
        status: 'succeeded',
        provider: null,
      });
      expect(c.id).toMatch(/^ch_[0-9A-Za-z]{26}$/);
      expect(c.occurred_at).toBe(c.created);
      expect(res.headers.etag).toBe(`"${c.id}.v1"`);
      const got = await api.get(`/v1/charges/${c.id}`);
      expect(got.body).toEqual(c);
      expect(got.headers.etag).toBe(res.headers.etag);
    });

    it('takes every writable field, in a form body and in JSON', async () => {
      const customer = await createCustomer(api);
      const pm = await createPaymentMethod(api);
      expect((await api.post(`/v1/payment_methods/${pm.id}/attach`, { customer: customer.id })).status).toBe(200);
      const fields = {
        amount: 1500,
        currency: 'eur',
        customer: customer.id,
        payment_method: pm.id,
        status: 'failed',
        description: 'Annual plan',
        receipt_email: 'ada@example.com',
        billing_details: { name: 'Ada', email: 'billing@example.com', phone: '+44 20 7946 0000', address: { line1: '1 Main St', country: 'gb' } },
        failure_code: 'card_declined',
        failure_message: 'Your card was declined.',
        statement_descriptor: 'ACME ANNUAL',
        metadata: { order: '42' },
        provider: { name: 'adyen', reference: `psp-${customer.id}` },
        occurred_at: 1_700_000_000,
      };
      const form = await api.post('/v1/charges', fields);
      const json = await api.postJson('/v1/charges', { ...fields, provider: { name: 'adyen', reference: `psp2-${customer.id}` } });
      for (const res of [form, json]) {
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        expect(res.body).toMatchObject({
          amount: 1500,
          amount_captured: 0,
          captured: false,
          paid: false,
          currency: 'eur',
          payment_method: pm.id,
          status: 'failed',
          description: 'Annual plan',
          receipt_email: 'ada@example.com',
          billing_details: { name: 'Ada', email: 'billing@example.com', phone: '+44 20 7946 0000', address: { line1: '1 Main St', country: 'GB', city: null } },
          failure_code: 'card_declined',
          failure_message: 'Your card was declined.',
          statement_descriptor: 'ACME ANNUAL',
          metadata: { order: '42' },
          occurred_at: 1_700_000_000,
        });
      }
      expect(form.body.provider).toEqual({ name: 'adyen', reference: `psp-${customer.id}` });
    });

    it('a pending charge is neither paid nor captured', async () => {
      const c = await createCharge(api, (await createCustomer(api)).id, { status: 'pending' });
      expect(c).toMatchObject({ status: 'pending', paid: false, captured: false, amount_captured: 0 });
    });

    it('amounts are minor units: 1 to 99,999,999 whatever the currency, jpy has no minor unit', async () => {
      const customer = (await createCustomer(api)).id;
      expect((await createCharge(api, customer, { amount: 99_999_999, currency: 'jpy' })).amount).toBe(99_999_999);
      expect((await createCharge(api, customer, { amount: 1, currency: 'bhd' })).currency).toBe('bhd');
      const tooLarge = await api.post('/v1/charges', { amount: 100_000_000, currency: 'jpy', customer });
      expectError(tooLarge, 400, { code: 'amount_too_large', param: 'amount' });
      expect(tooLarge.body.error.message).toContain('99999999 jpy');
      const usd = await api.post('/v1/charges', { amount: 100_000_000, currency: 'usd', customer });
      expect(usd.body.error.message).toContain('999999.99 usd');
      expectError(await api.post('/v1/charges', { amount: 0, currency: 'usd', customer }), 400, { code: 'amount_too_small', param: 'amount' });
      expectError(await api.post('/v1/charges', { amount: -5, currency: 'usd', customer }), 400, { code: 'amount_too_small', param: 'amount' });
      expectError(await api.post('/v1/charges', { amount: '1.5', currency: 'usd', customer }), 400, { code: 'parameter_invalid_integer', param: 'amount' });
      expectError(await api.postJson('/v1/charges', { amount: '100', currency: 'usd', customer }), 400, { code: 'parameter_invalid_integer', param: 'amount' });
    });

    it('the currency is an ISO 4217 code of money (not gold, not the test code)', async () => {
      const customer = (await createCustomer(api)).id;
      for (const currency of ['usx', 'xau', 'xts', 'us']) {
        const res = await api.post('/v1/charges', { amount: 100, currency, customer });
        expect(res.status, currency).toBe(400);
        expect(res.body.error.param).toBe('currency');
      }
    });

    it('needs amount, currency and a live customer of this account and mode', async () => {
      const customer = await createCustomer(api);
      expectError(await api.post('/v1/charges', { currency: 'usd', customer: customer.id }), 400, { code: 'parameter_missing', param: 'amount' });
      expectError(await api.post('/v1/charges', { amount: 1, customer: customer.id }), 400, { code: 'parameter_missing', param: 'currency' });
      expectError(await api.post('/v1/charges', { amount: 1, currency: 'usd' }), 400, { code: 'parameter_missing', param: 'customer' });
      expectError(await api.post('/v1/charges', { amount: 1, currency: 'usd', customer: missingCustomerId() }), 400, {
        code: 'resource_missing',
        param: 'customer',
      });
      const live = await t.api(t.account.live).post('/v1/charges', { amount: 1, currency: 'usd', customer: customer.id });
      expectError(live, 400, { code: 'resource_missing', param: 'customer' });
      const gone = await createCustomer(api);
      expect((await api.del(`/v1/customers/${gone.id}`)).status).toBe(200);
      expectError(await api.post('/v1/charges', { amount: 1, currency: 'usd', customer: gone.id }), 400, { code: 'resource_missing', param: 'customer' });
    });

    it('a payment method must be attached to that customer', async () => {
      const customer = await createCustomer(api);
      const other = await createCustomer(api);
      const loose = await createPaymentMethod(api);
      const elsewhere = await createPaymentMethod(api);
      expect((await api.post(`/v1/payment_methods/${elsewhere.id}/attach`, { customer: other.id })).status).toBe(200);
      for (const pm of [loose.id, elsewhere.id, 'pm_missing']) {
        expectError(await createChargeRaw(api, customer.id, { payment_method: pm }), 400, { code: 'resource_missing', param: 'payment_method' });
      }
    });

    it('refuses failure details on a charge that did not fail, and malformed fields', async () => {
      const customer = (await createCustomer(api)).id;
      expectError(await createChargeRaw(api, customer, { failure_code: 'card_declined' }), 400, { code: 'parameter_invalid', param: 'failure_code' });
      expectError(await createChargeRaw(api, customer, { status: 'pending', failure_message: 'x' }), 400, { code: 'parameter_invalid', param: 'failure_message' });
      expectError(await createChargeRaw(api, customer, { status: 'refunded' }), 400, { code: 'parameter_invalid', param: 'status' });
      expectError(await createChargeRaw(api, customer, { receipt_email: 'nope' }), 400, { code: 'email_invalid', param: 'receipt_email' });
      expectError(await createChargeRaw(api, customer, { statement_descriptor: 'x'.repeat(23) }), 400, {
        code: 'parameter_invalid_string_too_long',
        param: 'statement_descriptor',
      });
      expectError(await createChargeRaw(api, customer, { statement_descriptor: 'ACME <3' }), 400, { code: 'parameter_invalid', param: 'statement_descriptor' });
      expectError(await createChargeRaw(api, customer, { billing_details: { address: { country: 'ZZ' } } }), 400, {
        code: 'country_code_invalid',
        param: 'billing_details[address][country]',
      });
      expectError(await createChargeRaw(api, customer, { provider: { name: 'acme', reference: 'x' } }), 400, { code: 'parameter_invalid', param: 'provider[name]' });
      expectError(await createChargeRaw(api, customer, { occurred_at: Math.floor(Date.now() / 1000) + 3 * 86400 }), 400, {
        code: 'parameter_invalid',
        param: 'occurred_at',
      });
      expectError(await createChargeRaw(api, customer, { nickname: 'x' }), 400, { code: 'parameter_unknown', param: 'nickname' });
      expectError(await createChargeRaw(api, customer, { metadata: { 'a[b': 'x' } }), 400, { code: 'parameter_invalid' });
    });

    it('the processor’s id is unique per account, mode and processor, and finds the charge', async () => {
      const customer = (await createCustomer(api)).id;
      const reference = `ch_3Q${customer.slice(4)}`;
      const first = await createCharge(api, customer, { provider: { name: 'stripe', reference } });
      const again = await createChargeRaw(api, customer, { provider: { name: 'stripe', reference } });
      expectError(again, 409, { code: 'resource_already_exists', param: 'provider[reference]' });
      expect(again.body.error.message).toContain(first.id);
      // Another processor may use the same id; so may the other mode and another account.
      await createCharge(api, customer, { provider: { name: 'adyen', reference } });
      const other = await t.newAccount();
      const otherCustomer = await createCustomer(t.api(other.test));
      await createCharge(t.api(other.test), otherCustomer.id, { provider: { name: 'stripe', reference } });

      const found = await api.get('/v1/charges', { provider: 'stripe', provider_reference: reference });
      expect(found.body.data.map((c: { id: string }) => c.id)).toEqual([first.id]);
      expect((await api.get('/v1/charges', { provider: 'paypal', provider_reference: reference })).body.data).toEqual([]);
      expectError(await api.get('/v1/charges', { provider: 'stripe' }), 400, { code: 'parameter_missing', param: 'provider_reference' });
      expectError(await api.get('/v1/charges', { provider_reference: reference }), 400, { code: 'parameter_missing', param: 'provider' });
    });

    it('writes charge.succeeded, charge.pending or charge.failed in the same transaction', async () => {
      const customer = (await createCustomer(api)).id;
      const succeeded = await createCharge(api, customer);
      const pending = await createCharge(api, customer, { status: 'pending' });
      const failed = await createCharge(api, customer, { status: 'failed' });
      for (const [type, charge] of [['charge.succeeded', succeeded], ['charge.pending', pending], ['charge.failed', failed]] as const) {
        const event = (await eventsOf(api, type)).find((e) => e.data.object.id === charge.id);
        expect(event?.data.object).toEqual(charge);
      }
    });
  });

  describe('update', () => {
    it('a pending charge becomes succeeded or failed, once; nothing else changes status', async () => {
      const customer = (await createCustomer(api)).id;
      const pending = await createCharge(api, customer, { status: 'pending' });
      const succeeded = await api.post(`/v1/charges/${pending.id}`, { status: 'succeeded' });
      expect(succeeded.body).toMatchObject({ status: 'succeeded', paid: true, captured: true, amount_captured: 1000 });
      expect(succeeded.headers.etag).toBe(`"${pending.id}.v2"`);
      const event = (await eventsOf(api, 'charge.succeeded')).find((e) => e.data.object.id === pending.id);
      expect(event?.data.previous_attributes).toMatchObject({ status: 'pending', paid: false });
      expectError(await api.post(`/v1/charges/${pending.id}`, { status: 'failed' }), 400, { code: 'charge_status_transition_invalid', param: 'status' });
      expectError(await api.post(`/v1/charges/${pending.id}`, { status: 'pending' }), 400, { code: 'charge_status_transition_invalid' });

      const failing = await createCharge(api, customer, { status: 'pending' });
      const failed = await api.post(`/v1/charges/${failing.id}`, { status: 'failed', failure_code: 'expired_card', failure_message: 'Expired.' });
      expect(failed.body).toMatchObject({ status: 'failed', failure_code: 'expired_card', failure_message: 'Expired.' });
      expect((await eventsOf(api, 'charge.failed')).some((e) => e.data.object.id === failing.id)).toBe(true);
      // Failure details stay with failed charges.
      expectError(await api.post(`/v1/charges/${pending.id}`, { failure_code: 'x' }), 400, { code: 'parameter_invalid', param: 'failure_code' });
    });

    it('changes description, receipt email, billing details and metadata (merged), with charge.updated', async () => {
      const charge = await createCharge(api, (await createCustomer(api)).id, { metadata: { a: '1', b: '2' } });
      const res = await api.post(`/v1/charges/${charge.id}`, {
        description: 'Renewal',
        receipt_email: 'r@example.com',
        billing_details: { name: 'Grace' },
        metadata: { a: '', c: '3' },
      });
      expect(res.body).toMatchObject({ description: 'Renewal', receipt_email: 'r@example.com', billing_details: { name: 'Grace' }, metadata: { b: '2', c: '3' } });
      const event = (await eventsOf(api, 'charge.updated')).find((e) => e.data.object.id === charge.id);
      expect(event?.data.previous_attributes).toMatchObject({ description: null, receipt_email: null, metadata: { a: '1', c: null } });
      // Nothing changed: no new version.
      const same = await api.post(`/v1/charges/${charge.id}`, { description: 'Renewal' });
      expect(same.headers.etag).toBe(res.headers.etag);
      // What a processor decided (the amount) is not editable.
      expectError(await api.post(`/v1/charges/${charge.id}`, { amount: 5 }), 400, { code: 'parameter_unknown', param: 'amount' });
      expect(await api.get(`/v1/charges/${charge.id}`).then((r) => r.body.description)).toBe('Renewal');
    });

    it('If-Match must name the current version (W-9); another account’s charge is a 404', async () => {
      const charge = await createCharge(api, (await createCustomer(api)).id);
      const v1 = `"${charge.id}.v1"`;
      expect((await api.post(`/v1/charges/${charge.id}`, { description: 'x' }, { 'if-match': v1 })).status).toBe(200);
      expectError(await api.post(`/v1/charges/${charge.id}`, { description: 'y' }, { 'if-match': v1 }), 412, { code: 'precondition_failed' });
      const other = t.api((await t.newAccount()).test);
      expectError(await other.get(`/v1/charges/${charge.id}`), 404, { code: 'resource_missing', param: 'id' });
      expectError(await other.post(`/v1/charges/${charge.id}`, { description: 'z' }), 404, { code: 'resource_missing' });
      expectError(await t.api(t.account.live).get(`/v1/charges/${charge.id}`), 404, { code: 'resource_missing' });
    });
  });

  describe('list', () => {
    it('newest first with cursors, filtered by customer, status and created', async () => {
      const customer = (await createCustomer(api)).id;
      const made: string[] = [];
      for (const status of ['succeeded', 'pending', 'failed', 'succeeded', 'pending']) made.push((await createCharge(api, customer, { status })).id);
      expect(await listIds(api, '/v1/charges', { customer })).toEqual([...made].reverse());
      expect(await listIds(api, '/v1/charges', { customer, status: 'pending' })).toEqual([made[4], made[1]]);
      const page = await api.get('/v1/charges', { customer, limit: 2 });
      expect(page.body).toMatchObject({ object: 'list', url: '/v1/charges', has_more: true });
      const next = await api.get('/v1/charges', { customer, limit: 2, starting_after: page.body.data[1].id });
      expect(next.body.data.map((c: { id: string }) => c.id)).toEqual([made[2], made[1]]);
      const back = await api.get('/v1/charges', { customer, limit: 2, ending_before: next.body.data[0].id });
      expect(back.body.data.map((c: { id: string }) => c.id)).toEqual([made[4], made[3]]);
      const created = (await api.get(`/v1/charges/${made[0]}`)).body.created as number;
      expect(await listIds(api, '/v1/charges', { customer, created: { gte: created } })).toHaveLength(5);
      expect(await listIds(api, '/v1/charges', { customer, created: { lt: created } })).toEqual([]);
      expectError(await api.get('/v1/charges', { customer: missingCustomerId() }), 400, { code: 'resource_missing', param: 'customer' });
      expectError(await api.get('/v1/charges', { starting_after: 'ch_missing' }), 400, { code: 'resource_missing', param: 'starting_after' });
      expectError(await api.get('/v1/charges', { include_descendants: true }), 400, { code: 'parameter_missing', param: 'customer' });
    });
  });

  describe('expand', () => {
    it('customer, payment_method, invoice and refunds, on retrieve, create and list (data.)', async () => {
      const customer = await createCustomer(api, { name: 'Expanded' });
      const pm = await api.post('/v1/payment_methods', cardParams());
      expect((await api.post(`/v1/payment_methods/${pm.body.id}/attach`, { customer: customer.id })).status).toBe(200);
      const created = await api.post('/v1/charges', { amount: 700, currency: 'usd', customer: customer.id, payment_method: pm.body.id, expand: ['customer'] });
      expect(created.body.customer).toMatchObject({ id: customer.id, object: 'customer', name: 'Expanded' });
      const id = created.body.id as string;
      expect((await api.post('/v1/refunds', { charge: id, amount: 100 })).status).toBe(200);
      const got = await api.get(`/v1/charges/${id}`, { expand: ['customer', 'payment_method', 'refunds'] });
      expect(got.body.customer.id).toBe(customer.id);
      expect(got.body.payment_method).toMatchObject({ id: pm.body.id, object: 'payment_method' });
      expect(got.body.refunds).toMatchObject({ object: 'list', has_more: false, data: [{ object: 'refund', amount: 100, charge: id }] });
      const listed = await api.get('/v1/charges', { customer: customer.id, expand: ['data.customer', 'data.refunds'] });
      expect(listed.body.data[0].customer.id).toBe(customer.id);
      expect(listed.body.data[0].refunds.data).toHaveLength(1);
      // A plain string counts as a one-item list (W-6).
      expect((await api.get(`/v1/charges/${id}?expand=payment_method`)).body.payment_method.id).toBe(pm.body.id);
      expectError(await api.get(`/v1/charges/${id}`, { expand: ['balance_transaction'] }), 400, { code: 'expand_invalid', param: 'expand' });
      expectError(await api.get('/v1/charges', { expand: ['customer'] }), 400, { code: 'expand_invalid' });
      // A deleted customer expands to its tombstone.
      const gone = await createCustomer(api);
      const charge = await createCharge(api, gone.id);
      expect((await api.del(`/v1/customers/${gone.id}`)).status).toBe(200);
      expect((await api.get(`/v1/charges/${charge.id}`, { expand: ['customer'] })).body.customer).toEqual({ id: gone.id, object: 'customer', deleted: true });
    });
  });

  it('a form body with bracket notation percent-encoded works as the SDK’s', async () => {
    const customer = (await createCustomer(api)).id;
    const res = await postForm(api, '/v1/charges', `amount=250&currency=gbp&customer=${customer}&metadata%5Bsource%5D=pos&provider%5Bname%5D=stripe&provider%5Breference%5D=ch_enc_${customer}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ amount: 250, currency: 'gbp', metadata: { source: 'pos' }, provider: { name: 'stripe' } });
  });
});

function createChargeRaw(api: Api, customer: string, params: Record<string, unknown>) {
  return api.post('/v1/charges', { amount: 1000, currency: 'usd', customer, ...params });
}
