import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type TestApp } from '../../helpers/harness.js';
import { expectError } from '../customers/support.js';
import { cardParams, createPaymentMethod, expectPaymentMethod, FUTURE_YEAR, missingId, providerParams } from './support.js';

const THIS_YEAR = new Date().getUTCFullYear();

/** SPEC PM-3: GET and POST /v1/payment_methods/:id (billing details, expiry, metadata). */
describe.each(STORES)('payment methods: retrieve and update (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());

  it('retrieve returns the object with an ETag; a missing id is 404 resource_missing', async () => {
    const pm = await createPaymentMethod(t.api());
    const got = await t.api().get(`/v1/payment_methods/${pm.id}`);
    expect(got.status).toBe(200);
    expectPaymentMethod(got.body);
    expect(got.body).toEqual(pm);
    expect(got.headers.etag).toMatch(/^"/);

    const id = missingId('pm');
    const missing = await t.api().get(`/v1/payment_methods/${id}`);
    expectError(missing, 404, { code: 'resource_missing' });
    expect(missing.body.error.message).toContain(id);
  });

  it('billing details change field by field; an address is replaced whole; null clears', async () => {
    const pm = await createPaymentMethod(
      t.api(),
      cardParams({}, { billing_details: { name: 'Ada', email: 'ada@example.com', address: { line1: '1 Main St', country: 'US' } } }),
    );
    const renamed = await t.api().post(`/v1/payment_methods/${pm.id}`, { billing_details: { name: 'Ada King', phone: '+15551234567' } });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expectPaymentMethod(renamed.body);
    expect(renamed.body.billing_details).toEqual({
      name: 'Ada King',
      email: 'ada@example.com',
      phone: '+15551234567',
      address: { line1: '1 Main St', line2: null, city: null, state: null, postal_code: null, country: 'US' },
    });

    const moved = await t.api().post(`/v1/payment_methods/${pm.id}`, { billing_details: { address: { city: 'Paris', country: 'fr' } } });
    expect(moved.body.billing_details.address).toEqual({ line1: null, line2: null, city: 'Paris', state: null, postal_code: null, country: 'FR' });

    const cleared = await t.api().post(`/v1/payment_methods/${pm.id}`, { billing_details: { email: '', name: '' } });
    expect(cleared.status, JSON.stringify(cleared.body)).toBe(200);
    expect(cleared.body.billing_details).toMatchObject({ email: null, name: null, phone: '+15551234567' });

    expectError(await t.api().post(`/v1/payment_methods/${pm.id}`, { billing_details: { name: 'A\r\nB' } }), 400, { code: 'invalid_characters', param: 'billing_details[name]' });
    expectError(await t.api().post(`/v1/payment_methods/${pm.id}`, { billing_details: { email: 'nope' } }), 400, {
      code: 'email_invalid',
      param: 'billing_details[email]',
    });
    // The card itself is untouched by billing changes.
    expect((await t.api().get(`/v1/payment_methods/${pm.id}`)).body.card).toEqual(pm.card);
  });

  it('expiry can be updated, one part at a time, under the same rules as create', async () => {
    const pm = await createPaymentMethod(t.api(), cardParams({ exp_month: 1 }));
    const month = await t.api().post(`/v1/payment_methods/${pm.id}`, { card: { exp_month: 6 } });
    expect(month.status, JSON.stringify(month.body)).toBe(200);
    expect(month.body.card).toEqual({ ...pm.card, exp_month: 6 });

    const both = await t.api().post(`/v1/payment_methods/${pm.id}`, { card: { exp_month: 2, exp_year: FUTURE_YEAR + 1 } });
    expect(both.body.card).toEqual({ ...pm.card, exp_month: 2, exp_year: FUTURE_YEAR + 1 });
    expect(both.body.card.fingerprint).toBe(pm.card.fingerprint);

    expectError(await t.api().post(`/v1/payment_methods/${pm.id}`, { card: { exp_month: 13 } }), 402, {
      type: 'card_error',
      code: 'invalid_expiry_month',
      param: 'card[exp_month]',
    });
    expectError(await t.api().post(`/v1/payment_methods/${pm.id}`, { card: { exp_year: THIS_YEAR - 1 } }), 402, {
      type: 'card_error',
      code: 'invalid_expiry_year',
      param: 'card[exp_year]',
    });
    // A refused update changed nothing.
    expect((await t.api().get(`/v1/payment_methods/${pm.id}`)).body.card).toEqual(both.body.card);

    // The number, CVC and brand are never updatable.
    for (const card of [{ number: '5555555555554444' }, { cvc: '123' }, { last4: '1111' }, { brand: 'amex' }]) {
      const res = await t.api().post(`/v1/payment_methods/${pm.id}`, { card });
      expectError(res, 400, { code: 'parameter_unknown', param: `card[${Object.keys(card)[0]}]` });
      expect(res.raw.body).not.toContain('5555555555554444');
    }
  });

  it('a provider-vaulted card updates its expiry too', async () => {
    const pm = await createPaymentMethod(t.api(), providerParams());
    const res = await t.api().post(`/v1/payment_methods/${pm.id}`, { card: { exp_month: 3, exp_year: FUTURE_YEAR + 2 } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.card).toMatchObject({ exp_month: 3, exp_year: FUTURE_YEAR + 2, last4: '4242', fingerprint: null });
    expect(res.body.provider).toEqual(pm.provider);
  });

  it('metadata merges; an empty value removes a key; an empty metadata clears all', async () => {
    const pm = await createPaymentMethod(t.api(), cardParams({}, { metadata: { a: '1', b: '2' } }));
    const merged = await t.api().post(`/v1/payment_methods/${pm.id}`, { metadata: { b: '3', c: '4' } });
    expect(merged.body.metadata).toEqual({ a: '1', b: '3', c: '4' });
    const removed = await t.api().post(`/v1/payment_methods/${pm.id}`, { metadata: { a: '' } });
    expect(removed.body.metadata).toEqual({ b: '3', c: '4' });
    const cleared = await t.api().postRaw(`/v1/payment_methods/${pm.id}`, 'metadata=', 'application/x-www-form-urlencoded');
    expect(cleared.status, JSON.stringify(cleared.body)).toBe(200);
    expect(cleared.body.metadata).toEqual({});
    expect((await t.api().get(`/v1/payment_methods/${pm.id}`)).body.metadata).toEqual({});
  });

  it('an update changes the ETag; an empty update returns the object as it is', async () => {
    const pm = await createPaymentMethod(t.api());
    const before = await t.api().get(`/v1/payment_methods/${pm.id}`);
    const same = await t.api().post(`/v1/payment_methods/${pm.id}`, {});
    expect(same.status).toBe(200);
    expect(same.body).toEqual(pm);
    await t.api().post(`/v1/payment_methods/${pm.id}`, { metadata: { k: 'v' } });
    const after = await t.api().get(`/v1/payment_methods/${pm.id}`);
    expect(after.headers.etag).not.toBe(before.headers.etag);
  });

  it('If-Match (W-9): a stale ETag is 412 and changes nothing on update, attach and detach; the current one or * succeeds', async () => {
    const api = t.api();
    const customer = (await api.post('/v1/customers', {})).body as { id: string };
    const pm = await createPaymentMethod(api);
    const first = await api.get(`/v1/payment_methods/${pm.id}`);
    const stale = String(first.headers.etag);
    const changed = await api.post(`/v1/payment_methods/${pm.id}`, { metadata: { v: '1' } }, { 'if-match': stale });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.headers.etag).not.toBe(stale);

    const refusedUpdate = await api.post(`/v1/payment_methods/${pm.id}`, { metadata: { v: '2' } }, { 'if-match': stale });
    expectError(refusedUpdate, 412, { code: 'precondition_failed' });
    const refusedAttach = await api.post(`/v1/payment_methods/${pm.id}/attach`, { customer: customer.id }, { 'if-match': stale });
    expectError(refusedAttach, 412, { code: 'precondition_failed' });
    expect((await api.get(`/v1/payment_methods/${pm.id}`)).body).toMatchObject({ metadata: { v: '1' }, customer: null });

    const attached = await api.post(`/v1/payment_methods/${pm.id}/attach`, { customer: customer.id }, { 'if-match': String(changed.headers.etag) });
    expect(attached.status, JSON.stringify(attached.body)).toBe(200);
    const refusedDetach = await api.post(`/v1/payment_methods/${pm.id}/detach`, {}, { 'if-match': String(changed.headers.etag) });
    expectError(refusedDetach, 412, { code: 'precondition_failed' });
    expect((await api.get(`/v1/payment_methods/${pm.id}`)).body.customer).toBe(customer.id);
    const detached = await api.post(`/v1/payment_methods/${pm.id}/detach`, {}, { 'if-match': '*' });
    expect(detached.status, JSON.stringify(detached.body)).toBe(200);
  });

  it('updating a missing payment method is 404; unknown fields are parameter_unknown', async () => {
    const id = missingId('pm');
    const res = await t.api().post(`/v1/payment_methods/${id}`, { metadata: { a: 'b' } });
    expectError(res, 404, { code: 'resource_missing' });
    expect(res.body.error.message).toContain(id);
    const pm = await createPaymentMethod(t.api());
    expectError(await t.api().post(`/v1/payment_methods/${pm.id}`, { customer: 'cus_x' }), 400, {
      code: 'parameter_unknown',
      param: 'customer',
    });
    expectError(await t.api().post(`/v1/payment_methods/${pm.id}`, { expand: ['nope'] }), 400, { code: 'expand_invalid', param: 'expand' });
  });
});
