import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type Api, type ApiResponse, type TestApp } from '../../helpers/harness.js';
import {
  allCustomerIds,
  clientWithHeader,
  countCustomers,
  createCustomer,
  expectError,
  freshAccount,
  restoreClock,
  setClock,
} from './support.js';

const basic = (user: string, password = '') => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function randomKey(prefix: string): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  return `${prefix}_${Array.from(randomBytes(48), (b) => alphabet[b % 62]).join('')}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** SPEC W-7 and A-1: keys, modes, restricted keys. */
describe.each(STORES)('customers: authentication (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());
  afterEach(() => restoreClock());

  /** The one 401 body every failure shares. */
  async function reference401(): Promise<ApiResponse> {
    const res = await clientWithHeader(t).get('/v1/customers');
    expectError(res, 401, { code: 'api_key_invalid' });
    return res;
  }

  describe('failures are one uniform 401', () => {
    it.each([
      ['missing', undefined],
      ['empty', ''],
      ['scheme only', 'Bearer'],
      ['empty bearer', 'Bearer '],
      ['unknown scheme', 'Token sk_test_abc'],
      ['not a key', 'Bearer hello'],
      ['short key', 'Bearer sk_test_abc'],
      ['wrong prefix', `Bearer ${randomKey('pk_test')}`],
      ['unknown test key', `Bearer ${randomKey('sk_test')}`],
      ['unknown live key', `Bearer ${randomKey('sk_live')}`],
      ['unknown restricted key', `Bearer ${randomKey('rk_test')}`],
      ['basic, not base64', 'Basic !!!'],
      ['basic, unknown key', basic(randomKey('sk_test'))],
      ['basic, empty user', basic('', 'sk_test_x')],
    ])('%s', async (_label, header) => {
      const expected = await reference401();
      const client = clientWithHeader(t, header);
      for (const res of [
        await client.get('/v1/customers'),
        await client.post('/v1/customers', { name: 'x' }),
        await client.get('/v1/customers/cus_123'),
        await client.del('/v1/customers/cus_123'),
      ]) {
        expectError(res, 401, { code: expected.body.error.code, param: null });
        expect(res.body).toEqual(expected.body);
      }
    });

    it('a real key with the wrong mode prefix is refused', async () => {
      const tampered = t.account.test.replace('sk_test_', 'sk_live_');
      const res = await clientWithHeader(t, `Bearer ${tampered}`).get('/v1/customers');
      expect(res.body).toEqual((await reference401()).body);
    });

    it('nothing is written by an unauthenticated write', async () => {
      const { api } = await freshAccount(t);
      const before = await countCustomers(api);
      await clientWithHeader(t, `Bearer ${randomKey('sk_test')}`).post('/v1/customers', { name: 'intruder' });
      expect(await countCustomers(api)).toBe(before);
    });
  });

  it('a revoked key stops working within about a second (key cache) with the same 401', async () => {
    const key = await t.services.accounts.createKey(t.account.id, 'test', false, null);
    const api = t.api(key.secret);
    expect((await api.get('/v1/customers')).status).toBe(200);
    await t.services.accounts.revokeKey(t.account.id, key.key.id);
    const started = Date.now();
    let res = await api.get('/v1/customers');
    while (res.status === 200 && Date.now() - started < 3000) {
      await sleep(50);
      res = await api.get('/v1/customers');
    }
    expect(Date.now() - started).toBeLessThan(2000);
    expect(res.body).toEqual((await reference401()).body);
    expect((await api.post('/v1/customers', { name: 'after revoke' })).status).toBe(401);
  });

  it('an expired key gets the same 401', async () => {
    const key = await t.services.accounts.createKey(t.account.id, 'test', false, 3600);
    const api = t.api(key.secret);
    expect((await api.get('/v1/customers')).status).toBe(200);
    setClock(Math.floor(Date.now() / 1000) + 7200);
    const res = await api.get('/v1/customers');
    expect(res.body).toEqual((await reference401()).body);
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

  describe('restricted keys (rk_) read but never write', () => {
    let restricted: Api;
    let target: Record<string, unknown> & { id: string };
    beforeAll(async () => {
      const key = await t.services.accounts.createKey(t.account.id, 'test', true, null);
      expect(key.secret.startsWith('rk_test_')).toBe(true);
      restricted = t.api(key.secret);
      target = await createCustomer(t.api(), { name: 'Read me', external_id: `rk-${Date.now()}` });
    });

    it('can retrieve, list and look up by external id', async () => {
      expect((await restricted.get(`/v1/customers/${target.id}`)).body).toEqual(target);
      expect((await restricted.get('/v1/customers', { limit: 100 })).status).toBe(200);
      expect((await restricted.get(`/v1/customers/external/${target.external_id}`)).body.id).toBe(target.id);
    });

    it('gets 403 on create, update, delete and upsert, and nothing changes', async () => {
      const before = await allCustomerIds(t.api());
      for (const res of [
        await restricted.post('/v1/customers', { name: 'nope' }),
        await restricted.post(`/v1/customers/${target.id}`, { name: 'nope' }),
        await restricted.del(`/v1/customers/${target.id}`),
        await restricted.post('/v1/customers/external/rk-new', { name: 'nope' }),
        await restricted.post(`/v1/customers/external/${target.external_id}`, { name: 'nope' }),
      ]) {
        expectError(res, 403, { code: 'permission_denied' });
      }
      expect(await allCustomerIds(t.api())).toEqual(before);
      expect((await t.api().get(`/v1/customers/${target.id}`)).body).toEqual(target);
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
    it('a live key sees livemode:true objects and never test objects', async () => {
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

      expectError(await live.get(`/v1/customers/${testCustomer.id}`), 404, { code: 'resource_missing' });
      expectError(await live.get('/v1/customers/external/mode-1'), 404, { code: 'resource_missing' });
      expectError(await live.post(`/v1/customers/${testCustomer.id}`, { name: 'x' }), 404, { code: 'resource_missing' });
      expectError(await live.del(`/v1/customers/${testCustomer.id}`), 404, { code: 'resource_missing' });
      expectError(await test.get(`/v1/customers/${liveCustomer.id}`), 404, { code: 'resource_missing' });
      expect((await test.get(`/v1/customers/${testCustomer.id}`)).body).toEqual(testCustomer);
    });
  });
});
