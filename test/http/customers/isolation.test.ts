import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type Api, type ApiResponse, type TestApp } from '../../helpers/harness.js';
import { allCustomerIds, createCustomer, expectError, missingCustomerId, uniqueSuffix } from './support.js';

/**
 * SPEC A-2: another account's object, and the other mode's object, behave exactly like a
 * missing one on every customer route (same status, same body apart from the id asked for).
 */
describe.each(STORES)('customers: tenant and mode isolation (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());

  /** The response body with the identifier that was asked for replaced by a placeholder. */
  function shape(res: ApiResponse, asked: string): { status: number; body: string } {
    return { status: res.status, body: JSON.stringify(res.body).split(asked).join('<asked>') };
  }

  /** Owner's customer, with viewers that must not see it: another account, and the other mode. */
  async function setup() {
    const owner = await t.newAccount('Owner');
    const stranger = await t.newAccount('Stranger');
    const ownerApi = t.api(owner.test);
    const externalId = `iso-${uniqueSuffix()}`;
    const email = `iso-${uniqueSuffix()}@example.com`;
    const target = await createCustomer(ownerApi, {
      name: 'Private',
      email,
      external_id: externalId,
      metadata: { secret: 'yes' },
    });
    const viewers: Array<[string, Api]> = [
      ['another account (test key)', t.api(stranger.test)],
      ['another account (live key)', t.api(stranger.live)],
      ['the same account in live mode', t.api(owner.live)],
    ];
    return { ownerApi, target, externalId, email, viewers };
  }

  it('retrieve, update and delete look exactly like a missing id', async () => {
    const { ownerApi, target, viewers } = await setup();
    for (const [label, api] of viewers) {
      const missing = missingCustomerId();
      const cases: Array<[string, (id: string) => Promise<ApiResponse>]> = [
        ['retrieve', (id) => api.get(`/v1/customers/${id}`)],
        ['update', (id) => api.post(`/v1/customers/${id}`, { name: 'Hijacked', metadata: { secret: 'no' } })],
        ['delete', (id) => api.del(`/v1/customers/${id}`)],
      ];
      for (const [route, call] of cases) {
        const foreign = await call(target.id);
        const absent = await call(missing);
        expectError(foreign, 404, { code: 'resource_missing' });
        expect(shape(foreign, target.id), `${label}: ${route}`).toEqual(shape(absent, missing));
        expect(foreign.raw.body).not.toContain('Private');
      }
    }
    expect((await ownerApi.get(`/v1/customers/${target.id}`)).body).toEqual(target);
  });

  it('external lookup looks exactly like a missing external id', async () => {
    const { ownerApi, target, externalId, viewers } = await setup();
    for (const [label, api] of viewers) {
      const missing = `missing-${uniqueSuffix()}`;
      const foreign = await api.get(`/v1/customers/external/${externalId}`);
      const absent = await api.get(`/v1/customers/external/${missing}`);
      expectError(foreign, 404, { code: 'resource_missing' });
      expect(shape(foreign, externalId), label).toEqual(shape(absent, missing));
    }
    expect((await ownerApi.get(`/v1/customers/external/${externalId}`)).body).toEqual(target);
  });

  it('external upsert behaves as for a missing id: it creates in the caller\'s own scope and never touches the owner\'s', async () => {
    const { ownerApi, target, externalId, viewers } = await setup();
    for (const [label, api] of viewers) {
      const missing = `missing-${uniqueSuffix()}`;
      const foreign = await api.post(`/v1/customers/external/${externalId}`, { name: 'Mine now' });
      const absent = await api.post(`/v1/customers/external/${missing}`, { name: 'Mine now' });
      expect(foreign.status, label).toBe(201);
      expect(absent.status, label).toBe(201);
      expect(foreign.body.id).not.toBe(target.id);
      expect(Object.keys(foreign.body).sort()).toEqual(Object.keys(absent.body).sort());
      expect(foreign.body).toMatchObject({ external_id: externalId, name: 'Mine now', metadata: {} });
      expect(foreign.body.livemode).toBe(absent.body.livemode);
    }
    expect((await ownerApi.get(`/v1/customers/${target.id}`)).body).toEqual(target);
    expect((await ownerApi.get(`/v1/customers/external/${externalId}`)).body.id).toBe(target.id);
  });

  it('lists never include the object, whatever the filter, and its id is an unknown cursor', async () => {
    const { ownerApi, target, externalId, email, viewers } = await setup();
    for (const [label, api] of viewers) {
      expect(await allCustomerIds(api), label).not.toContain(target.id);
      expect(await allCustomerIds(api, { email }), label).toEqual([]);
      expect(await allCustomerIds(api, { external_id: externalId }), label).toEqual([]);
      expect(await allCustomerIds(api, { metadata: { secret: 'yes' } }), label).toEqual([]);
      for (const cursor of ['starting_after', 'ending_before']) {
        const missing = missingCustomerId();
        const foreign = await api.get('/v1/customers', { [cursor]: target.id });
        const absent = await api.get('/v1/customers', { [cursor]: missing });
        expectError(foreign, 400, { param: cursor });
        expect(shape(foreign, target.id), `${label}: ${cursor}`).toEqual(shape(absent, missing));
      }
    }
    expect(await allCustomerIds(ownerApi, { external_id: externalId })).toEqual([target.id]);
  });

  it('a deleted customer\'s tombstone is only visible to its owner', async () => {
    const { ownerApi, target, viewers } = await setup();
    expect((await ownerApi.del(`/v1/customers/${target.id}`)).status).toBe(200);
    for (const [label, api] of viewers) {
      const missing = missingCustomerId();
      const foreign = await api.get(`/v1/customers/${target.id}`);
      expect(shape(foreign, target.id), label).toEqual(shape(await api.get(`/v1/customers/${missing}`), missing));
    }
    expect((await ownerApi.get(`/v1/customers/${target.id}`)).body).toEqual({ id: target.id, object: 'customer', deleted: true });
  });

  it('the same external id and email in other scopes never collide with the owner\'s', async () => {
    const { target, externalId, email, viewers } = await setup();
    for (const [label, api] of viewers) {
      const res = await api.post('/v1/customers', { external_id: `${externalId}-c`, email });
      expect(res.status, label).toBe(200);
      const update = await api.post(`/v1/customers/${res.body.id}`, { external_id: externalId });
      // setup() made fresh accounts, so the external id is free in every viewer's scope.
      expect(update.status, label).toBe(200);
      expect(update.body.id).not.toBe(target.id);
    }
  });
});
