import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type Api, type TestApp } from '../../helpers/harness.js';
import { createCustomer, expectError, freshAccount } from '../customers/support.js';
import { allIds, attachedCard, createPaymentMethod, expectPaymentMethod, missingId, providerParams, TEST_CARDS } from './support.js';

/** SPEC PM-3 lists and W-5 list conventions. */
describe.each(STORES)('payment methods: lists (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());

  /** A customer with n attached methods (created in order) and a method attached elsewhere. */
  async function customerWith(api: Api, n: number) {
    const customer = await createCustomer(api);
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const card = TEST_CARDS[i % TEST_CARDS.length] as (typeof TEST_CARDS)[number];
      ids.push((await attachedCard(api, customer.id, { number: card.number, cvc: card.cvc })).id);
    }
    const other = await createCustomer(api);
    const elsewhere = await attachedCard(api, other.id);
    return { customer, ids, other, elsewhere };
  }

  it('GET /v1/customers/:id/payment_methods: the envelope, newest first, only that customer’s methods', async () => {
    const { api } = await freshAccount(t);
    const { customer, ids } = await customerWith(api, 3);
    const res = await api.get(`/v1/customers/${customer.id}/payment_methods`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['data', 'has_more', 'object', 'url']);
    expect(res.body).toMatchObject({ object: 'list', url: `/v1/customers/${customer.id}/payment_methods`, has_more: false });
    expect(res.body.data.map((m: { id: string }) => m.id)).toEqual([...ids].reverse());
    for (const m of res.body.data) {
      expectPaymentMethod(m);
      expect(m.customer).toBe(customer.id);
    }
    const empty = await api.get(`/v1/customers/${(await createCustomer(api)).id}/payment_methods`);
    expect(empty.body.data).toEqual([]);
  });

  it('pages with limit, starting_after and ending_before', async () => {
    const { api } = await freshAccount(t);
    const { customer, ids } = await customerWith(api, 5);
    const newestFirst = [...ids].reverse();
    const path = `/v1/customers/${customer.id}/payment_methods`;
    const first = await api.get(path, { limit: 2 });
    expect(first.body.data.map((m: { id: string }) => m.id)).toEqual(newestFirst.slice(0, 2));
    expect(first.body.has_more).toBe(true);
    const second = await api.get(path, { limit: 2, starting_after: newestFirst[1] });
    expect(second.body.data.map((m: { id: string }) => m.id)).toEqual(newestFirst.slice(2, 4));
    expect(second.body.has_more).toBe(true);
    const last = await api.get(path, { limit: 2, starting_after: newestFirst[3] });
    expect(last.body.data.map((m: { id: string }) => m.id)).toEqual(newestFirst.slice(4));
    expect(last.body.has_more).toBe(false);
    const back = await api.get(path, { limit: 2, ending_before: newestFirst[4] });
    expect(back.body.data.map((m: { id: string }) => m.id)).toEqual(newestFirst.slice(2, 4));
    expect(back.body.has_more).toBe(true);
    expect(await allIds(api, path)).toEqual(newestFirst);

    expectError(await api.get(path, { limit: 0 }), 400, { code: 'parameter_invalid_integer', param: 'limit' });
    expectError(await api.get(path, { limit: 101 }), 400, { code: 'parameter_invalid_integer', param: 'limit' });
    expectError(await api.get(path, { starting_after: newestFirst[0], ending_before: newestFirst[1] }), 400, { code: 'parameters_exclusive' });
    expectError(await api.get(path, { starting_after: missingId('pm') }), 400, { code: 'resource_missing', param: 'starting_after' });
  });

  it('filters by type (card is the only type); other types are refused', async () => {
    const { api } = await freshAccount(t);
    const { customer, ids } = await customerWith(api, 2);
    const vaulted = await createPaymentMethod(api, providerParams());
    await api.post(`/v1/payment_methods/${vaulted.id}/attach`, { customer: customer.id });
    const path = `/v1/customers/${customer.id}/payment_methods`;
    expect(await allIds(api, path, { type: 'card' })).toEqual([vaulted.id, ...[...ids].reverse()]);
    expectError(await api.get(path, { type: 'sepa_debit' }), 400, { code: 'parameter_invalid', param: 'type' });
    expectError(await api.get('/v1/payment_methods', { type: 'us_bank_account' }), 400, { code: 'parameter_invalid', param: 'type' });
  });

  it('a missing or deleted customer is 404; unknown parameters are refused', async () => {
    const { api } = await freshAccount(t);
    const id = missingId('cus');
    const res = await api.get(`/v1/customers/${id}/payment_methods`);
    expectError(res, 404, { code: 'resource_missing' });
    expect(res.body.error.message).toContain(id);
    const gone = await createCustomer(api);
    await api.del(`/v1/customers/${gone.id}`);
    expectError(await api.get(`/v1/customers/${gone.id}/payment_methods`), 404, { code: 'resource_missing' });
    const live = await createCustomer(api);
    expectError(await api.get(`/v1/customers/${live.id}/payment_methods`, { email: 'x' }), 400, { code: 'parameter_unknown' });
    expectError(await api.get(`/v1/customers/${live.id}/payment_methods`, { expand: ['data.nope'] }), 400, { code: 'expand_invalid', param: 'expand' });
  });

  it('GET /v1/customers/:id/payment_methods/:pm returns the customer’s method only', async () => {
    const { api } = await freshAccount(t);
    const { customer, ids, other, elsewhere } = await customerWith(api, 1);
    const pmId = ids[0] as string;
    const got = await api.get(`/v1/customers/${customer.id}/payment_methods/${pmId}`);
    expect(got.status, JSON.stringify(got.body)).toBe(200);
    expect(got.body).toEqual((await api.get(`/v1/payment_methods/${pmId}`)).body);
    expect(got.headers.etag).toBeDefined();

    // Another customer's, an unattached one, and a missing one are all 404.
    expectError(await api.get(`/v1/customers/${customer.id}/payment_methods/${elsewhere.id}`), 404, { code: 'resource_missing' });
    expectError(await api.get(`/v1/customers/${other.id}/payment_methods/${pmId}`), 404, { code: 'resource_missing' });
    const loose = await createPaymentMethod(api);
    expectError(await api.get(`/v1/customers/${customer.id}/payment_methods/${loose.id}`), 404, { code: 'resource_missing' });
    const missing = missingId('pm');
    const res = await api.get(`/v1/customers/${customer.id}/payment_methods/${missing}`);
    expectError(res, 404, { code: 'resource_missing' });
    expect(res.body.error.message).toContain(missing);
    expectError(await api.get(`/v1/customers/${missingId('cus')}/payment_methods/${pmId}`), 404, { code: 'resource_missing' });
  });

  it('GET /v1/payment_methods lists every method of the account; ?customer= narrows to one customer', async () => {
    const { api } = await freshAccount(t);
    const loose = await createPaymentMethod(api);
    const { customer, ids, elsewhere } = await customerWith(api, 3);
    const all = await api.get('/v1/payment_methods');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ object: 'list', url: '/v1/payment_methods', has_more: false });
    expect(all.body.data.map((m: { id: string }) => m.id)).toEqual([elsewhere.id, ...[...ids].reverse(), loose.id]);

    const mine = await api.get('/v1/payment_methods', { customer: customer.id, type: 'card' });
    expect(mine.body.data.map((m: { id: string }) => m.id)).toEqual([...ids].reverse());
    const paged = await api.get('/v1/payment_methods', { customer: customer.id, limit: 1, starting_after: ids[2] });
    expect(paged.body.data.map((m: { id: string }) => m.id)).toEqual([ids[1]]);
    expect(paged.body.has_more).toBe(true);
    expect((await api.get('/v1/payment_methods', { customer: missingId('cus') })).body.data).toEqual([]);
    // Detached methods leave the customer's list but stay retrievable.
    await api.post(`/v1/payment_methods/${ids[0]}/detach`);
    expect(await allIds(api, '/v1/payment_methods', { customer: customer.id })).toEqual([ids[2], ids[1]]);
    expect((await api.get(`/v1/payment_methods/${ids[0]}`)).status).toBe(200);
  });
});
