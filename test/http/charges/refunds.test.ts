import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type Api, type TestApp } from '../../helpers/harness.js';
import { createCustomer, expectError } from '../customers/support.js';
import { createCharge, createRefund, eventsOf, listIds, REFUND_FIELDS, statsOf } from './support.js';

/** SPEC S-1: refunds of succeeded charges, each updating its charge in the same transaction. */
describe.each(STORES)('refunds (%s)', (kind) => {
  let t: TestApp;
  let api: Api;
  beforeAll(async () => {
    t = await createTestApp(kind);
    api = t.api();
  });
  afterAll(async () => t?.close());

  it('refunds part, then by default the remainder, updating the charge and writing charge.refunded', async () => {
    const customer = (await createCustomer(api)).id;
    const charge = await createCharge(api, customer, { amount: 1000 });
    const part = await api.post('/v1/refunds', { charge: charge.id, amount: 300, reason: 'requested_by_customer', metadata: { ticket: 'T-1' } });
    expect(part.status, JSON.stringify(part.body)).toBe(200);
    expect(Object.keys(part.body)).toEqual(REFUND_FIELDS);
    expect(part.body).toMatchObject({
      object: 'refund',
      amount: 300,
      balance_transaction: null,
      charge: charge.id,
      currency: 'usd',
      livemode: false,
      metadata: { ticket: 'T-1' },
      payment_intent: null,
      reason: 'requested_by_customer',
      receipt_number: null,
      status: 'succeeded',
      customer,
    });
    expect(part.body.id).toMatch(/^re_[0-9A-Za-z]{26}$/);
    expect((await api.get(`/v1/charges/${charge.id}`)).body).toMatchObject({ amount_refunded: 300, refunded: false });
    const rest = await createRefund(api, charge.id);
    expect(rest.amount).toBe(700);
    const after = (await api.get(`/v1/charges/${charge.id}`)).body;
    expect(after).toMatchObject({ amount_refunded: 1000, refunded: true });
    const events = (await eventsOf(api, 'charge.refunded')).filter((e) => e.data.object.id === charge.id);
    expect(events.map((e) => e.data.object.amount_refunded)).toEqual([1000, 300]);
    expect(events[0]?.data.previous_attributes).toMatchObject({ amount_refunded: 300, refunded: false });
    expect((await statsOf(api, customer)).total_spent).toEqual({});
    expect((await api.get(`/v1/refunds/${part.body.id}`)).body).toEqual(part.body);
  });

  it('refuses more than the remainder, a fully refunded charge, and charges that did not succeed', async () => {
    const customer = (await createCustomer(api)).id;
    const charge = await createCharge(api, customer, { amount: 500, currency: 'jpy' });
    const over = await api.post('/v1/refunds', { charge: charge.id, amount: 501 });
    expectError(over, 400, { code: 'amount_too_large', param: 'amount' });
    expect(over.body.error.message).toBe('Refund amount (501 jpy) is greater than unrefunded amount on charge (500 jpy).');
    expectError(await api.post('/v1/refunds', { charge: charge.id, amount: 0 }), 400, { code: 'amount_too_small', param: 'amount' });
    await createRefund(api, charge.id);
    expectError(await api.post('/v1/refunds', { charge: charge.id }), 400, { code: 'charge_already_refunded', param: 'charge' });
    for (const status of ['pending', 'failed']) {
      const other = await createCharge(api, customer, { status });
      expectError(await api.post('/v1/refunds', { charge: other.id }), 400, { code: 'charge_not_refundable', param: 'charge' });
    }
    expectError(await api.post('/v1/refunds', { charge: 'ch_missing' }), 400, { code: 'resource_missing', param: 'charge' });
    expectError(await api.post('/v1/refunds', {}), 400, { code: 'parameter_missing', param: 'charge' });
    expectError(await api.post('/v1/refunds', { charge: charge.id, reason: 'bored' }), 400, { code: 'parameter_invalid', param: 'reason' });
    const otherAccount = t.api((await t.newAccount()).test);
    expectError(await otherAccount.post('/v1/refunds', { charge: charge.id }), 400, { code: 'resource_missing', param: 'charge' });
  });

  it('a refund of a deleted customer’s charge is still recorded (the processor reports it)', async () => {
    const customer = (await createCustomer(api)).id;
    const charge = await createCharge(api, customer);
    expect((await api.del(`/v1/customers/${customer}`)).status).toBe(200);
    expect((await createRefund(api, charge.id, { amount: 100 })).customer).toBe(customer);
  });

  it('lists by charge, newest first, with cursors; updates metadata with charge.refund.updated', async () => {
    const charge = await createCharge(api, (await createCustomer(api)).id, { amount: 900 });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await createRefund(api, charge.id, { amount: 100 })).id);
    expect(await listIds(api, '/v1/refunds', { charge: charge.id })).toEqual([...ids].reverse());
    const page = await api.get('/v1/refunds', { charge: charge.id, limit: 1, starting_after: ids[2] });
    expect(page.body.data.map((r: { id: string }) => r.id)).toEqual([ids[1]]);
    expect(page.body.has_more).toBe(true);
    expect((await api.get('/v1/refunds', { limit: 1 })).body.data).toHaveLength(1);
    expectError(await api.get('/v1/refunds', { charge: 'ch_missing' }), 400, { code: 'resource_missing', param: 'charge' });

    const updated = await api.post(`/v1/refunds/${ids[0]}`, { metadata: { note: 'x' } });
    expect(updated.body.metadata).toEqual({ note: 'x' });
    expect(updated.headers.etag).toBe(`"${ids[0]}.v2"`);
    const event = (await eventsOf(api, 'charge.refund.updated')).find((e) => e.data.object.id === ids[0]);
    expect(event?.data.previous_attributes).toEqual({ metadata: { note: null } });
    expectError(await api.post(`/v1/refunds/${ids[0]}`, { amount: 1 }), 400, { code: 'parameter_unknown', param: 'amount' });
    expect((await api.get(`/v1/refunds/${ids[0]}`, { expand: ['charge'] })).body.charge).toMatchObject({ id: charge.id, amount_refunded: 300 });
  });

  it('concurrent refunds never exceed the charge', async () => {
    const customer = (await createCustomer(api)).id;
    const charge = await createCharge(api, customer, { amount: 1000 });
    const attempts = await Promise.all(Array.from({ length: 10 }, () => api.post('/v1/refunds', { charge: charge.id, amount: 150 })));
    const ok = attempts.filter((r) => r.status === 200);
    const refused = attempts.filter((r) => r.status !== 200);
    expect(ok).toHaveLength(6);
    for (const r of refused) expectError(r, 400, { code: 'amount_too_large', param: 'amount' });
    const after = (await api.get(`/v1/charges/${charge.id}`)).body;
    expect(after.amount_refunded).toBe(900);
    expect(await listIds(api, '/v1/refunds', { charge: charge.id })).toHaveLength(6);
    expect((await statsOf(api, customer)).total_spent).toEqual({ usd: 100 });
  });
});
