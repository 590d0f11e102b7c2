import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type Api, type ApiResponse, type TestApp } from '../../helpers/harness.js';
import { createCustomer, expectError } from '../customers/support.js';
import { missingId, shape } from '../payment-methods/support.js';

/**
 * SPEC A-2 for tax ids: another account's, or the other mode's, customer or tax id is a 404
 * exactly like a missing one, on every tax id route.
 */
describe.each(STORES)('tax ids: tenant and mode isolation (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());

  async function setup() {
    const owner = await t.newAccount('Owner');
    const stranger = await t.newAccount('Stranger');
    const ownerApi = t.api(owner.test);
    const customer = await createCustomer(ownerApi, { name: 'Private', tax_id_data: [{ type: 'eu_vat', value: 'DE136695976' }] });
    const list = await ownerApi.get(`/v1/customers/${customer.id}/tax_ids`);
    const taxId = list.body.data[0] as { id: string };
    const viewers: Array<[string, Api]> = [
      ['another account (test key)', t.api(stranger.test)],
      ['another account (live key)', t.api(stranger.live)],
      ['the same account in live mode', t.api(owner.live)],
    ];
    return { ownerApi, customer, taxId, viewers };
  }

  async function expectLikeMissing(label: string, prefix: 'txi' | 'cus', foreignId: string, call: (id: string) => Promise<ApiResponse>) {
    const missing = missingId(prefix);
    const foreign = await call(foreignId);
    const absent = await call(missing);
    expectError(foreign, 404, { code: 'resource_missing' });
    expect(shape(foreign, foreignId), label).toEqual(shape(absent, missing));
    expect(foreign.raw.body).not.toContain('136695976');
  }

  it('another scope’s customer: create, list, retrieve and delete under it look like a missing customer', async () => {
    const { ownerApi, customer, taxId, viewers } = await setup();
    for (const [label, api] of viewers) {
      const routes: Array<[string, (id: string) => Promise<ApiResponse>]> = [
        ['create', (id) => api.post(`/v1/customers/${id}/tax_ids`, { type: 'us_ein', value: '12-3456789' })],
        ['list', (id) => api.get(`/v1/customers/${id}/tax_ids`)],
        ['retrieve', (id) => api.get(`/v1/customers/${id}/tax_ids/${taxId.id}`)],
        ['delete', (id) => api.del(`/v1/customers/${id}/tax_ids/${taxId.id}`)],
        ['expand', (id) => api.get(`/v1/customers/${id}`, { expand: ['tax_ids'] })],
      ];
      for (const [route, call] of routes) await expectLikeMissing(`${label}: ${route}`, 'cus', customer.id, call);
    }
    const after = await ownerApi.get(`/v1/customers/${customer.id}/tax_ids`);
    expect(after.body.data.map((x: { id: string }) => x.id)).toEqual([taxId.id]);
    expect(after.body.data[0].value).toBe('DE136695976');
  });

  it('another scope’s tax id under the viewer’s own customer looks like a missing tax id', async () => {
    const { ownerApi, customer, taxId, viewers } = await setup();
    for (const [label, api] of viewers) {
      const own = await createCustomer(api);
      await expectLikeMissing(`${label}: retrieve`, 'txi', taxId.id, (id) => api.get(`/v1/customers/${own.id}/tax_ids/${id}`));
      await expectLikeMissing(`${label}: delete`, 'txi', taxId.id, (id) => api.del(`/v1/customers/${own.id}/tax_ids/${id}`));
      const missing = missingId('txi');
      const cursor = await api.get(`/v1/customers/${own.id}/tax_ids`, { starting_after: taxId.id });
      const absentCursor = await api.get(`/v1/customers/${own.id}/tax_ids`, { starting_after: missing });
      expectError(cursor, 400, { param: 'starting_after' });
      expect(shape(cursor, taxId.id), label).toEqual(shape(absentCursor, missing));
    }
    expect((await ownerApi.get(`/v1/customers/${customer.id}/tax_ids/${taxId.id}`)).status).toBe(200);
  });
});
