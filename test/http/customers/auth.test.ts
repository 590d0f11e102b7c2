import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type ApiResponse, type TestApp } from '../../helpers/harness.js';
import { allCustomerIds, clientWithHeader, createCustomer, expectError, freshAccount } from './support.js';

const basic = (user: string, password = '') => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** SPEC W-7 and A-1: keys, modes, restricted keys. */
describe.each(STORES)('customers: authentication (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());

  /** The one 401 body every failure shares. */
  async function reference401(): Promise<ApiResponse> {
    const res = await clientWithHeader(t).get('/v1/customers');
    expectError(res, 401, { code: 'api_key_invalid' });
    return res;
  }

  // Every route's answer to a missing, malformed, unknown, revoked or expired key is compared
  // byte for byte with this one in test/security/shared-suite.test.ts.
  it("the one 401 is Stripe's error envelope with a WWW-Authenticate challenge", async () => {
    const res = await reference401();
    expectError(res, 401, { param: null });
    expect(res.headers['www-authenticate']).toMatch(/^Basic realm=/);
  });

  it('a revoked key stops working once the key cache period has passed (API_KEY_CACHE: 500 ms), with the same 401', async () => {
    const key = await t.services.accounts.createKey(t.account.id, 'test', false, null);
    const api = t.api(key.secret);
    expect((await api.get('/v1/customers')).status).toBe(200);
    await t.services.accounts.revokeKey(t.account.id, key.key.id);
    // Waiting longer than the cache period only makes the outcome surer: no load can fail it.
    await sleep(t.config.apiKeyCacheMs + 50);
    const res = await api.get('/v1/customers');
    expect(res.body).toEqual((await reference401()).body);
    expect((await api.post('/v1/customers', { name: 'after revoke' })).status).toBe(401);
  });

  it('accepts the key as the HTTP Basic user name, with or without a password', async () => {
    const c = await createCustomer(t.api(), { name: 'Basic' });
    for (const header of [basic(t.account.test), basic(t.account.test, 'ignored'), `Basic ${Buffer.from(t.account.test).toString('base64')}`]) {
      const res = await clientWithHeader(t, header).get(`/v1/customers/${c.id}`);
      expect(res.status, header).toBe(200);
      expect(res.body.id).toBe(c.id);
    }
    const created = await clientWithHeader(t, basic(t.account.test)).post('/v1/customers', { name: 'via basic' });
    expect(created.status).toBe(200);
  });

  // Restricted keys reading every route and getting the one 403 on every write, in both
  // modes, are in test/security/shared-suite.test.ts.
  describe('restricted keys (rk_) read but never write', () => {
    let target: Record<string, unknown> & { id: string };
    beforeAll(async () => {
      target = await createCustomer(t.api(), { name: 'Read me', external_id: `rk-${Date.now()}` });
    });

    it('a live restricted key reads live data only', async () => {
      const key = await t.services.accounts.createKey(t.account.id, 'live', true, null);
      const live = await createCustomer(t.api(t.account.live), { name: 'Live' });
      const rk = t.api(key.secret);
      expect((await rk.get(`/v1/customers/${live.id}`)).body.livemode).toBe(true);
      expect((await rk.get(`/v1/customers/${target.id}`)).status).toBe(404);
      expectError(await rk.post('/v1/customers', {}), 403, { code: 'permission_denied' });
    });
  });

  describe('modes (W-7)', () => {
    it('a live key sees livemode:true objects and never test objects in its lists', async () => {
      const { account } = await freshAccount(t);
      const test = t.api(account.test);
      const live = t.api(account.live);
      const testCustomer = await createCustomer(test, { email: 'mode@example.com', external_id: 'mode-1' });
      const liveCustomer = await createCustomer(live, { email: 'mode@example.com' });
      expect(testCustomer.livemode).toBe(false);
      expect(liveCustomer.livemode).toBe(true);

      const liveList = await live.get('/v1/customers', { limit: 100 });
      expect(liveList.body.data.map((c: { id: string }) => c.id)).toEqual([liveCustomer.id]);
      for (const c of liveList.body.data) expect(c.livemode).toBe(true);
      expect(await allCustomerIds(live, { email: 'mode@example.com' })).toEqual([liveCustomer.id]);
      expect(await allCustomerIds(test, { email: 'mode@example.com' })).toEqual([testCustomer.id]);

      // That another mode's id is a 404 like a missing one, on every route: test/security/shared-suite.test.ts.
      expect((await test.get(`/v1/customers/${testCustomer.id}`)).body).toEqual(testCustomer);
    });
  });
});
