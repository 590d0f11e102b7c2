import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type Api, type ApiResponse, type TestApp } from '../../helpers/harness.js';
import { createCustomer, expectError } from '../customers/support.js';
import { attachedCard, createPaymentMethod, missingId, shape } from './support.js';

/**
 * SPEC A-2 for payment methods: another account's method or customer, and the other mode's,
 * behave exactly like missing ones on every route (same status, same body apart from the id).
 */
describe.each(STORES)('payment methods: tenant and mode isolation (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());

  async function setup() {
    const owner = await t.newAccount('Owner');
    const stranger = await t.newAccount('Stranger');
    const ownerApi = t.api(owner.test);
    const customer = await createCustomer(ownerApi, { name: 'Private' });
    const pm = await attachedCard(ownerApi, customer.id, { number: '5555555555554444' });
    await ownerApi.post(`/v1/customers/${customer.id}`, { invoice_settings: { default_payment_method: pm.id } });
    const loose = await createPaymentMethod(ownerApi);
    const viewers: Array<[string, Api]> = [
      ['another account (test key)', t.api(stranger.test)],
      ['another account (live key)', t.api(stranger.live)],
      ['the same account in live mode', t.api(owner.live)],
    ];
    return { ownerApi, customer, pm, loose, viewers };
  }

  /** Calls a route with the foreign id and with a missing one; both must be the same 404. */
  async function expectLikeMissing(label: string, prefix: 'pm' | 'cus', foreignId: string, call: (id: string) => Promise<ApiResponse>) {
    const missing = missingId(prefix);
    const foreign = await call(foreignId);
    const absent = await call(missing);
    expectError(foreign, 404, { code: 'resource_missing' });
    expect(shape(foreign, foreignId), label).toEqual(shape(absent, missing));
    expect(foreign.raw.body).not.toContain('5555');
  }

  it('retrieve, update, attach and detach of another scope’s method look exactly like a missing id', async () => {
    const { ownerApi, pm, loose, viewers } = await setup();
    const ownerView = (await ownerApi.get(`/v1/payment_methods/${pm.id}`)).body;
    const looseView = (await ownerApi.get(`/v1/payment_methods/${loose.id}`)).body;
    for (const [label, api] of viewers) {
      const own = await createCustomer(api);
      const routes: Array<[string, (id: string) => Promise<ApiResponse>]> = [
        ['retrieve', (id) => api.get(`/v1/payment_methods/${id}`)],
        ['update', (id) => api.post(`/v1/payment_methods/${id}`, { metadata: { hijacked: 'yes' }, billing_details: { name: 'X' } })],
        ['attach', (id) => api.post(`/v1/payment_methods/${id}/attach`, { customer: own.id })],
        ['detach', (id) => api.post(`/v1/payment_methods/${id}/detach`)],
        ['retrieve under own customer', (id) => api.get(`/v1/customers/${own.id}/payment_methods/${id}`)],
      ];
      for (const [route, call] of routes) {
        await expectLikeMissing(`${label}: ${route} (attached)`, 'pm', pm.id, call);
        await expectLikeMissing(`${label}: ${route} (unattached)`, 'pm', loose.id, call);
      }
      // Creating a customer with it: a 404 on payment_method, as for a missing one.
      await expectLikeMissing(`${label}: customer create`, 'pm', loose.id, (id) => api.post('/v1/customers', { payment_method: id }));
    }
    // The owner's methods are untouched.
    expect((await ownerApi.get(`/v1/payment_methods/${pm.id}`)).body).toEqual(ownerView);
    expect((await ownerApi.get(`/v1/payment_methods/${loose.id}`)).body).toEqual(looseView);
  });

  it('another scope’s customer looks missing: attaching to it, listing and retrieving under it', async () => {
    const { ownerApi, customer, pm, viewers } = await setup();
    for (const [label, api] of viewers) {
      const mine = await createPaymentMethod(api);
      await expectLikeMissing(`${label}: attach to foreign customer`, 'cus', customer.id, (id) =>
        api.post(`/v1/payment_methods/${mine.id}/attach`, { customer: id }),
      );
      expect((await api.get(`/v1/payment_methods/${mine.id}`)).body.customer, label).toBeNull();
      await expectLikeMissing(`${label}: list under foreign customer`, 'cus', customer.id, (id) => api.get(`/v1/customers/${id}/payment_methods`));
      await expectLikeMissing(`${label}: retrieve under foreign customer`, 'cus', customer.id, (id) =>
        api.get(`/v1/customers/${id}/payment_methods/${pm.id}`),
      );
    }
    expect((await ownerApi.get(`/v1/customers/${customer.id}/payment_methods`)).body.data.map((m: { id: string }) => m.id)).toEqual([pm.id]);
  });

  it('lists never show another scope’s methods, and their ids are unknown cursors', async () => {
    const { customer, pm, loose, viewers } = await setup();
    for (const [label, api] of viewers) {
      const all = await api.get('/v1/payment_methods', { limit: 100 });
      const ids = all.body.data.map((m: { id: string }) => m.id);
      expect(ids, label).not.toContain(pm.id);
      expect(ids, label).not.toContain(loose.id);
      expect((await api.get('/v1/payment_methods', { customer: customer.id })).body.data, label).toEqual([]);
      for (const cursor of ['starting_after', 'ending_before']) {
        const missing = missingId('pm');
        const foreign = await api.get('/v1/payment_methods', { [cursor]: pm.id });
        const absent = await api.get('/v1/payment_methods', { [cursor]: missing });
        expectError(foreign, 400, { param: cursor });
        expect(shape(foreign, pm.id), `${label}: ${cursor}`).toEqual(shape(absent, missing));
      }
    }
  });

  it('a customer expanded by its owner shows its default; nobody else can read it', async () => {
    const { ownerApi, customer, pm, viewers } = await setup();
    const expanded = await ownerApi.get(`/v1/customers/${customer.id}`, { expand: ['invoice_settings.default_payment_method'] });
    expect(expanded.body.invoice_settings.default_payment_method.id).toBe(pm.id);
    for (const [label, api] of viewers) {
      await expectLikeMissing(label, 'cus', customer.id, (id) =>
        api.get(`/v1/customers/${id}`, { expand: ['invoice_settings.default_payment_method'] }),
      );
    }
  });
});
