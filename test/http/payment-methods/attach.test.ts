import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type TestApp } from '../../helpers/harness.js';
import { countCustomers, createCustomer, expectError, freshAccount } from '../customers/support.js';
import { allIds, attachedCard, cardParams, createPaymentMethod, expectPaymentMethod, missingId, providerParams } from './support.js';

/** SPEC PM-3: a method belongs to one customer at a time, and a detached one is never reused. */
describe.each(STORES)('payment methods: attach and detach (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());

  it('attach sets customer; detach clears it; both return the full object', async () => {
    const { api } = await freshAccount(t);
    const customer = await createCustomer(api);
    const pm = await createPaymentMethod(api);
    expect(pm.customer).toBeNull();

    const attached = await api.post(`/v1/payment_methods/${pm.id}/attach`, { customer: customer.id });
    expect(attached.status, JSON.stringify(attached.body)).toBe(200);
    expectPaymentMethod(attached.body);
    expect(attached.body).toEqual({ ...pm, customer: customer.id });
    expect((await api.get(`/v1/payment_methods/${pm.id}`)).body.customer).toBe(customer.id);
    expect(await allIds(api, `/v1/customers/${customer.id}/payment_methods`)).toEqual([pm.id]);

    const detached = await api.post(`/v1/payment_methods/${pm.id}/detach`);
    expect(detached.status, JSON.stringify(detached.body)).toBe(200);
    expectPaymentMethod(detached.body);
    expect(detached.body).toEqual({ ...pm, customer: null });
    expect((await api.get(`/v1/payment_methods/${pm.id}`)).body.customer).toBeNull();
    expect(await allIds(api, `/v1/customers/${customer.id}/payment_methods`)).toEqual([]);
  });

  it('a provider-vaulted method attaches and detaches the same way', async () => {
    const { api } = await freshAccount(t);
    const customer = await createCustomer(api);
    const pm = await createPaymentMethod(api, providerParams());
    const attached = await api.post(`/v1/payment_methods/${pm.id}/attach`, { customer: customer.id });
    expect(attached.body).toEqual({ ...pm, customer: customer.id });
    expect((await api.post(`/v1/payment_methods/${pm.id}/detach`)).body).toEqual({ ...pm, customer: null });
  });

  it('attaching again to the same customer is a no-op that returns the method', async () => {
    const { api } = await freshAccount(t);
    const customer = await createCustomer(api);
    const pm = await attachedCard(api, customer.id);
    const again = await api.post(`/v1/payment_methods/${pm.id}/attach`, { customer: customer.id });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(pm);
  });

  it('a method attached to one customer cannot be attached to another (400)', async () => {
    const { api } = await freshAccount(t);
    const first = await createCustomer(api);
    const second = await createCustomer(api);
    const pm = await attachedCard(api, first.id);
    const res = await api.post(`/v1/payment_methods/${pm.id}/attach`, { customer: second.id });
    expectError(res, 400, { code: 'payment_method_already_attached', param: 'payment_method' });
    expect(res.body.error.message).toContain(pm.id);
    expect((await api.get(`/v1/payment_methods/${pm.id}`)).body.customer).toBe(first.id);
    expect(await allIds(api, `/v1/customers/${second.id}/payment_methods`)).toEqual([]);
  });

  it('a detached method can never be attached again, to the same or another customer (400)', async () => {
    const { api } = await freshAccount(t);
    const first = await createCustomer(api);
    const second = await createCustomer(api);
    const pm = await attachedCard(api, first.id);
    expect((await api.post(`/v1/payment_methods/${pm.id}/detach`)).status).toBe(200);
    for (const customer of [first, second]) {
      const res = await api.post(`/v1/payment_methods/${pm.id}/attach`, { customer: customer.id });
      expectError(res, 400, { code: 'payment_method_unexpected_state', param: 'payment_method' });
      expect(res.body.error.message).toContain(pm.id);
    }
    expect((await api.get(`/v1/payment_methods/${pm.id}`)).body.customer).toBeNull();
    // Nor through customer create.
    const before = await countCustomers(api);
    expectError(await api.post('/v1/customers', { payment_method: pm.id }), 400, { code: 'payment_method_unexpected_state' });
    expect(await countCustomers(api)).toBe(before);
  });

  it('detaching a method that is not attached is 400; a missing one is 404', async () => {
    const { api } = await freshAccount(t);
    const pm = await createPaymentMethod(api);
    expectError(await api.post(`/v1/payment_methods/${pm.id}/detach`), 400, { code: 'payment_method_unexpected_state' });
    const customer = await createCustomer(api);
    await api.post(`/v1/payment_methods/${pm.id}/attach`, { customer: customer.id });
    await api.post(`/v1/payment_methods/${pm.id}/detach`);
    expectError(await api.post(`/v1/payment_methods/${pm.id}/detach`), 400, { code: 'payment_method_unexpected_state' });
    const id = missingId('pm');
    const missing = await api.post(`/v1/payment_methods/${id}/detach`);
    expectError(missing, 404, { code: 'resource_missing' });
    expect(missing.body.error.message).toContain(id);
  });

  it('attach needs an existing, live customer and an existing method', async () => {
    const { api } = await freshAccount(t);
    const pm = await createPaymentMethod(api);
    expectError(await api.post(`/v1/payment_methods/${pm.id}/attach`, {}), 400, { code: 'parameter_missing', param: 'customer' });
    const id = missingId('cus');
    const noCustomer = await api.post(`/v1/payment_methods/${pm.id}/attach`, { customer: id });
    expectError(noCustomer, 404, { code: 'resource_missing', param: 'customer' });
    expect(noCustomer.body.error.message).toContain(id);

    const gone = await createCustomer(api);
    await api.del(`/v1/customers/${gone.id}`);
    expectError(await api.post(`/v1/payment_methods/${pm.id}/attach`, { customer: gone.id }), 404, { code: 'resource_missing', param: 'customer' });
    expect((await api.get(`/v1/payment_methods/${pm.id}`)).body.customer).toBeNull();

    const customer = await createCustomer(api);
    const noMethod = missingId('pm');
    const res = await api.post(`/v1/payment_methods/${noMethod}/attach`, { customer: customer.id });
    expectError(res, 404, { code: 'resource_missing' });
    expect(res.body.error.message).toContain(noMethod);
  });

  it('customers.create({ payment_method }) attaches at creation; a refused attach creates no customer', async () => {
    const { api } = await freshAccount(t);
    const pm = await createPaymentMethod(api);
    const res = await api.post('/v1/customers', { name: 'With card', payment_method: pm.id });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.invoice_settings.default_payment_method).toBeNull(); // attaching does not make it the default
    expect((await api.get(`/v1/payment_methods/${pm.id}`)).body.customer).toBe(res.body.id);
    expect(await allIds(api, `/v1/customers/${res.body.id}/payment_methods`)).toEqual([pm.id]);

    const before = await countCustomers(api);
    const taken = await api.post('/v1/customers', { name: 'Thief', payment_method: pm.id });
    expectError(taken, 400, { code: 'payment_method_already_attached', param: 'payment_method' });
    const id = missingId('pm');
    const missing = await api.post('/v1/customers', { name: 'Nobody', payment_method: id });
    expectError(missing, 404, { code: 'resource_missing', param: 'payment_method' });
    expect(missing.body.error.message).toContain(id);
    expect(await countCustomers(api)).toBe(before);
    expect((await api.get(`/v1/payment_methods/${pm.id}`)).body.customer).toBe(res.body.id);
  });

  it('deleting a customer detaches its methods for good (customer: null) and leaves others alone', async () => {
    const { api } = await freshAccount(t);
    const doomed = await createCustomer(api);
    const keeper = await createCustomer(api);
    const a = await attachedCard(api, doomed.id);
    const b = await attachedCard(api, doomed.id, { number: '5555555555554444' });
    await api.post(`/v1/payment_methods/${b.id}`, { billing_details: { name: 'Doomed Person', email: 'doomed@example.com' } });
    const kept = await attachedCard(api, keeper.id);
    await api.post(`/v1/customers/${doomed.id}`, { invoice_settings: { default_payment_method: a.id } });

    expect((await api.del(`/v1/customers/${doomed.id}`)).status).toBe(200);
    for (const pm of [a, b]) {
      const got = await api.get(`/v1/payment_methods/${pm.id}`);
      expect(got.status).toBe(200);
      expectPaymentMethod(got.body);
      expect(got.body.customer).toBeNull();
      // The display details stay (charges still show them); the person's data goes (C-7).
      const { fingerprint: _f, ...display } = pm.card;
      expect(got.body.card).toMatchObject(display);
      expect(got.body.billing_details).toMatchObject({ name: null, email: null, phone: null });
      expect(got.raw.body).not.toContain('doomed@example.com');
      expectError(await api.post(`/v1/payment_methods/${pm.id}/attach`, { customer: keeper.id }), 400, {
        code: 'payment_method_unexpected_state',
      });
    }
    expect((await api.get(`/v1/payment_methods/${kept.id}`)).body.customer).toBe(keeper.id);
    expect(await allIds(api, '/v1/payment_methods', { customer: doomed.id })).toEqual([]);
    expectError(await api.get(`/v1/customers/${doomed.id}/payment_methods`), 404, { code: 'resource_missing' });
    expectError(await api.get(`/v1/customers/${doomed.id}/payment_methods/${a.id}`), 404, { code: 'resource_missing' });
  });

  it('concurrent attaches of one method to several customers: exactly one wins', async () => {
    const { api } = await freshAccount(t);
    const customers = await Promise.all(Array.from({ length: 8 }, () => createCustomer(api)));
    const pm = await createPaymentMethod(api);
    const results = await Promise.all(customers.map((c) => api.post(`/v1/payment_methods/${pm.id}/attach`, { customer: c.id })));
    const winners = results.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 200)) {
      expectError(r, 400, { code: 'payment_method_already_attached' });
    }
    const owner = winners[0]?.body.customer as string;
    expect((await api.get(`/v1/payment_methods/${pm.id}`)).body.customer).toBe(owner);
    for (const c of customers) {
      expect(await allIds(api, `/v1/customers/${c.id}/payment_methods`)).toEqual(c.id === owner ? [pm.id] : []);
    }
  });

  it('a detach racing a default update never leaves a detached default behind', async () => {
    const { api } = await freshAccount(t);
    for (let round = 0; round < 5; round++) {
      const customer = await createCustomer(api);
      const pm = await attachedCard(api, customer.id);
      const [setDefault, detach] = await Promise.all([
        api.post(`/v1/customers/${customer.id}`, { invoice_settings: { default_payment_method: pm.id } }),
        api.post(`/v1/payment_methods/${pm.id}/detach`),
      ]);
      expect(detach.status).toBe(200);
      expect([200, 400]).toContain(setDefault.status);
      expect((await api.get(`/v1/customers/${customer.id}`)).body.invoice_settings.default_payment_method).toBeNull();
    }
  });

  it('attach and detach are idempotent with an Idempotency-Key', async () => {
    const { api } = await freshAccount(t);
    const customer = await createCustomer(api);
    const pm = await createPaymentMethod(api, cardParams());
    const key = { 'idempotency-key': `attach-${pm.id}` };
    const first = await api.post(`/v1/payment_methods/${pm.id}/attach`, { customer: customer.id }, key);
    const again = await api.post(`/v1/payment_methods/${pm.id}/attach`, { customer: customer.id }, key);
    expect(again.raw.body).toBe(first.raw.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const detachKey = { 'idempotency-key': `detach-${pm.id}` };
    const d1 = await api.post(`/v1/payment_methods/${pm.id}/detach`, {}, detachKey);
    const d2 = await api.post(`/v1/payment_methods/${pm.id}/detach`, {}, detachKey);
    expect(d1.status).toBe(200);
    expect(d2.status).toBe(200);
    expect(d2.raw.body).toBe(d1.raw.body);
  });
});
