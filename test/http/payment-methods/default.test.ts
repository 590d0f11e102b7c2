import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type Api, type TestApp } from '../../helpers/harness.js';
import { countCustomers, createCustomer, expectCustomer, expectError, freshAccount } from '../customers/support.js';
import { attachedCard, createPaymentMethod, expectPaymentMethod, missingId, notTheCustomersMethod, shape } from './support.js';

const EXPAND_DPM = 'invoice_settings.default_payment_method';

/** SPEC PM-4: the default payment method, and expand[] of it (W-6). */
describe.each(STORES)('payment methods: the customer default (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());

  const setDefault = (api: Api, customerId: string, pm: string) =>
    api.post(`/v1/customers/${customerId}`, { invoice_settings: { default_payment_method: pm } });

  function expectNotTheCustomers(res: Awaited<ReturnType<Api['post']>>, pm: string): void {
    expectError(res, 400, { code: 'resource_missing', type: 'invalid_request_error', param: 'invoice_settings[default_payment_method]' });
    expect(res.body.error.message).toBe(notTheCustomersMethod(pm));
  }

  it('create with payment_method and the same id as default attaches it and makes it the default, in one call', async () => {
    const { api } = await freshAccount(t);
    const pm = await createPaymentMethod(api);
    const res = await api.post('/v1/customers', {
      name: 'Default at birth',
      payment_method: pm.id,
      invoice_settings: { default_payment_method: pm.id },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expectCustomer(res.body);
    expect(res.body.invoice_settings.default_payment_method).toBe(pm.id);
    expect((await api.get(`/v1/payment_methods/${pm.id}`)).body.customer).toBe(res.body.id);

    const expanded = await api.post('/v1/customers', {
      payment_method: (await createPaymentMethod(api)).id,
      expand: [EXPAND_DPM],
    });
    expect(expanded.status, JSON.stringify(expanded.body)).toBe(200);
    expect(expanded.body.invoice_settings.default_payment_method).toBeNull();
  });

  it('create with a default that is not attached to it is refused with Stripe’s message, and creates nothing', async () => {
    const { api } = await freshAccount(t);
    const loose = await createPaymentMethod(api);
    const other = await createCustomer(api);
    const elsewhere = await attachedCard(api, other.id);
    const before = await countCustomers(api);
    for (const pm of [loose.id, elsewhere.id, missingId('pm')]) {
      expectNotTheCustomers(await api.post('/v1/customers', { invoice_settings: { default_payment_method: pm } }), pm);
    }
    // Attaching one method does not make another one acceptable.
    const fresh = await createPaymentMethod(api);
    expectNotTheCustomers(
      await api.post('/v1/customers', { payment_method: fresh.id, invoice_settings: { default_payment_method: loose.id } }),
      loose.id,
    );
    expect(await countCustomers(api)).toBe(before);
    // The refused create rolled the attach back.
    expect((await api.get(`/v1/payment_methods/${fresh.id}`)).body.customer).toBeNull();
  });

  // A foreign or other-mode method is refused exactly like a missing one: test/security/shared-suite.test.ts.
  it('update accepts only a method attached to that customer; unattached, elsewhere and missing are refused alike', async () => {
    const { api } = await freshAccount(t);
    const customer = await createCustomer(api);
    const mine = await attachedCard(api, customer.id);
    const loose = await createPaymentMethod(api);
    const other = await createCustomer(api);
    const elsewhere = await attachedCard(api, other.id);

    const ok = await setDefault(api, customer.id, mine.id);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.invoice_settings.default_payment_method).toBe(mine.id);

    const missing = missingId('pm');
    const absent = await setDefault(api, customer.id, missing);
    expectNotTheCustomers(absent, missing);
    for (const pm of [loose, elsewhere]) {
      const res = await setDefault(api, customer.id, pm.id);
      expectNotTheCustomers(res, pm.id);
      expect(shape(res, pm.id)).toEqual(shape(absent, missing));
    }
    // Nothing changed, and the refused method was not attached on the way.
    expect((await api.get(`/v1/customers/${customer.id}`)).body.invoice_settings.default_payment_method).toBe(mine.id);
    expect((await api.get(`/v1/payment_methods/${loose.id}`)).body.customer).toBeNull();
    expect((await api.get(`/v1/payment_methods/${elsewhere.id}`)).body.customer).toBe(other.id);
  });

  it('an empty value clears the default; the method stays attached', async () => {
    const { api } = await freshAccount(t);
    const customer = await createCustomer(api);
    const pm = await attachedCard(api, customer.id);
    await setDefault(api, customer.id, pm.id);
    const cleared = await setDefault(api, customer.id, '');
    expect(cleared.status, JSON.stringify(cleared.body)).toBe(200);
    expect(cleared.body.invoice_settings.default_payment_method).toBeNull();
    expect((await api.get(`/v1/payment_methods/${pm.id}`)).body.customer).toBe(customer.id);
  });

  it('detaching the default clears it (and changes the customer’s ETag); detaching another method does not', async () => {
    const { api } = await freshAccount(t);
    const customer = await createCustomer(api);
    const main = await attachedCard(api, customer.id);
    const spare = await attachedCard(api, customer.id, { number: '5555555555554444' });
    await setDefault(api, customer.id, main.id);

    expect((await api.post(`/v1/payment_methods/${spare.id}/detach`)).status).toBe(200);
    expect((await api.get(`/v1/customers/${customer.id}`)).body.invoice_settings.default_payment_method).toBe(main.id);

    const before = await api.get(`/v1/customers/${customer.id}`);
    expect((await api.post(`/v1/payment_methods/${main.id}/detach`)).status).toBe(200);
    const after = await api.get(`/v1/customers/${customer.id}`);
    expect(after.body.invoice_settings.default_payment_method).toBeNull();
    expect(after.headers.etag).not.toBe(before.headers.etag);
    // Everything else about the customer is as it was.
    const { invoice_settings: _a, updated: _b, updated_by: _c, ...rest } = after.body;
    const { invoice_settings: _d, updated: _e, updated_by: _f, ...restBefore } = before.body;
    expect(rest).toEqual(restBefore);
    // A detached method cannot come back as the default.
    expectNotTheCustomers(await setDefault(api, customer.id, main.id), main.id);
  });

  it('detaching the default emits payment_method.detached and customer.updated (previous default in previous_attributes)', async () => {
    const { api } = await freshAccount(t);
    const customer = await createCustomer(api);
    const pm = await attachedCard(api, customer.id);
    await setDefault(api, customer.id, pm.id);
    const before = await api.get('/v1/events', { limit: 1 });
    expect(before.status, JSON.stringify(before.body)).toBe(200);
    const since = before.body.data[0].id as string;

    expect((await api.post(`/v1/payment_methods/${pm.id}/detach`)).status).toBe(200);
    const events = await api.get('/v1/events', { ending_before: since, limit: 100 });
    const types = (events.body.data as Array<{ type: string }>).map((e) => e.type).sort();
    expect(types).toEqual(['customer.updated', 'payment_method.detached']);
    const updated = events.body.data.find((e: { type: string }) => e.type === 'customer.updated');
    expect(updated.data.object.id).toBe(customer.id);
    expect(updated.data.object.invoice_settings.default_payment_method).toBeNull();
    expect(updated.data.previous_attributes.invoice_settings.default_payment_method).toBe(pm.id);
    const detached = events.body.data.find((e: { type: string }) => e.type === 'payment_method.detached');
    expect(detached.data.object).toMatchObject({ id: pm.id, customer: null });
  });

  describe('expand[]=invoice_settings.default_payment_method', () => {
    it('on retrieve: the object, or null when there is no default', async () => {
      const { api } = await freshAccount(t);
      const customer = await createCustomer(api);
      const none = await api.get(`/v1/customers/${customer.id}`, { expand: [EXPAND_DPM] });
      expect(none.status).toBe(200);
      expect(none.body.invoice_settings.default_payment_method).toBeNull();

      const pm = await attachedCard(api, customer.id);
      await setDefault(api, customer.id, pm.id);
      const res = await api.get(`/v1/customers/${customer.id}`, { expand: [EXPAND_DPM] });
      expectCustomer(res.body);
      expectPaymentMethod(res.body.invoice_settings.default_payment_method);
      expect(res.body.invoice_settings.default_payment_method).toEqual((await api.get(`/v1/payment_methods/${pm.id}`)).body);
      // Without expand it is the id.
      expect((await api.get(`/v1/customers/${customer.id}`)).body.invoice_settings.default_payment_method).toBe(pm.id);
    });

    it('on update and on create', async () => {
      const { api } = await freshAccount(t);
      const pm = await createPaymentMethod(api);
      const created = await api.post('/v1/customers', {
        payment_method: pm.id,
        invoice_settings: { default_payment_method: pm.id },
        expand: [EXPAND_DPM],
      });
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      expect(created.body.invoice_settings.default_payment_method).toEqual({ ...pm, customer: created.body.id });

      const second = await attachedCard(api, created.body.id, { number: '378282246310005', cvc: '1234' });
      const updated = await api.post(`/v1/customers/${created.body.id}`, {
        invoice_settings: { default_payment_method: second.id },
        expand: [EXPAND_DPM],
      });
      expect(updated.status, JSON.stringify(updated.body)).toBe(200);
      expect(updated.body.invoice_settings.default_payment_method).toEqual(second);
      const untouched = await api.post(`/v1/customers/${created.body.id}`, { name: 'x', expand: [EXPAND_DPM] });
      expect(untouched.body.invoice_settings.default_payment_method).toEqual(second);
    });

    it('on list with the data. prefix, for each customer; without the prefix it is refused', async () => {
      const { api } = await freshAccount(t);
      const a = await createCustomer(api);
      const b = await createCustomer(api);
      const pm = await attachedCard(api, a.id);
      await setDefault(api, a.id, pm.id);
      const res = await api.get('/v1/customers', { expand: [`data.${EXPAND_DPM}`] });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const byId = new Map((res.body.data as Array<{ id: string; invoice_settings: { default_payment_method: unknown } }>).map((c) => [c.id, c]));
      expect(byId.get(a.id)?.invoice_settings.default_payment_method).toEqual(pm);
      expect(byId.get(b.id)?.invoice_settings.default_payment_method).toBeNull();
      expectError(await api.get('/v1/customers', { expand: [EXPAND_DPM] }), 400, { code: 'expand_invalid', param: 'expand' });
      expectError(await api.get(`/v1/customers/${a.id}`, { expand: ['invoice_settings.nothing'] }), 400, { code: 'expand_invalid', param: 'expand' });
    });
  });
});
