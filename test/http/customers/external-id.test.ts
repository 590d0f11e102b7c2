import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type TestApp } from '../../helpers/harness.js';
import {
  allCustomerIds,
  countCustomers,
  createCustomer,
  expectCustomer,
  expectError,
  freshAccount,
  uniqueSuffix,
} from './support.js';

/** SPEC C-5: the merchant's own id, unique among live customers, lookup and race-free upsert. */
describe.each(STORES)('customers: external_id (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());

  const ext = () => `ext-${uniqueSuffix()}`;
  const byExternal = (id: string) => `/v1/customers/external/${encodeURIComponent(id)}`;

  it('GET /v1/customers/external/:external_id returns the customer', async () => {
    const id = ext();
    const c = await createCustomer(t.api(), { external_id: id, name: 'Looked up' });
    const res = await t.api().get(byExternal(id));
    expect(res.status).toBe(200);
    expectCustomer(res.body);
    expect(res.body).toEqual(c);
  });

  it('works with external ids that need escaping in a path', async () => {
    const id = `order/${uniqueSuffix()} ü+%`;
    const c = await createCustomer(t.api(), { external_id: id });
    expect(c.external_id).toBe(id);
    const res = await t.api().get(byExternal(id));
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(c.id);
  });

  it('an unknown external id is 404 resource_missing', async () => {
    const res = await t.api().get(byExternal('never-seen'));
    expectError(res, 404, { code: 'resource_missing', param: 'external_id' });
    expect(res.body.error.message).toContain('never-seen');
  });

  it('a create that collides is 409 resource_already_exists naming the existing customer, and writes nothing', async () => {
    const { api } = await freshAccount(t);
    const id = ext();
    const existing = await createCustomer(api, { external_id: id });
    const res = await api.post('/v1/customers', { external_id: id, name: 'Duplicate' });
    expectError(res, 409, { code: 'resource_already_exists', param: 'external_id' });
    expect(res.body.error.message).toContain(existing.id);
    expect(await countCustomers(api)).toBe(1);
  });

  it('an update that collides is 409 and leaves the customer unchanged', async () => {
    const id = ext();
    await createCustomer(t.api(), { external_id: id });
    const other = await createCustomer(t.api(), { external_id: ext(), name: 'Other' });
    const res = await t.api().post(`/v1/customers/${other.id}`, { external_id: id, name: 'Renamed' });
    expectError(res, 409, { code: 'resource_already_exists', param: 'external_id' });
    expect((await t.api().get(`/v1/customers/${other.id}`)).body).toEqual(other);
  });

  it('setting a customer\'s own external_id again is not a collision', async () => {
    const id = ext();
    const c = await createCustomer(t.api(), { external_id: id });
    const res = await t.api().post(`/v1/customers/${c.id}`, { external_id: id, name: 'Same id' });
    expect(res.status).toBe(200);
  });

  it('is unique per mode: the same external id may exist in test and live', async () => {
    const id = ext();
    const test = await createCustomer(t.api(t.account.test), { external_id: id });
    const live = await createCustomer(t.api(t.account.live), { external_id: id });
    expect(live.id).not.toBe(test.id);
    expect((await t.api(t.account.live).get(byExternal(id))).body.id).toBe(live.id);
    expect((await t.api(t.account.test).get(byExternal(id))).body.id).toBe(test.id);
  });

  it('is unique per account: another account may use the same external id', async () => {
    const id = ext();
    const mine = await createCustomer(t.api(), { external_id: id });
    const other = await freshAccount(t);
    const theirs = await createCustomer(other.api, { external_id: id });
    expect(theirs.id).not.toBe(mine.id);
  });

  it("another scope's external id and email never collide with this one's, on create or update", async () => {
    const owner = await freshAccount(t);
    const id = ext();
    const email = `scoped-${uniqueSuffix()}@example.com`;
    const target = await createCustomer(owner.api, { external_id: id, email });
    const stranger = await freshAccount(t);
    for (const [label, api] of [
      ['another account (test key)', stranger.api],
      ['another account (live key)', t.api(stranger.account.live)],
      ['the same account in live mode', t.api(owner.account.live)],
    ] as const) {
      const res = await api.post('/v1/customers', { external_id: `${id}-c`, email });
      expect(res.status, label).toBe(200);
      // The external id is free in every other scope, so taking it is no collision.
      const update = await api.post(`/v1/customers/${res.body.id}`, { external_id: id });
      expect(update.status, label).toBe(200);
      expect(update.body.id).not.toBe(target.id);
    }
    expect((await owner.api.get(byExternal(id))).body).toEqual(target);
  });

  it('is reusable after delete, and can be unset', async () => {
    const id = ext();
    const first = await createCustomer(t.api(), { external_id: id });
    expect((await t.api().del(`/v1/customers/${first.id}`)).status).toBe(200);
    const second = await createCustomer(t.api(), { external_id: id });
    const unset = await t.api().post(`/v1/customers/${second.id}`, { external_id: '' });
    expect(unset.body.external_id).toBeNull();
    expectError(await t.api().get(byExternal(id)), 404, { code: 'resource_missing' });
    const third = await createCustomer(t.api(), { external_id: id });
    expect((await t.api().get(byExternal(id))).body.id).toBe(third.id);
  });

  it('is at most 255 characters', async () => {
    const ok = await t.api().post('/v1/customers', { external_id: `x${uniqueSuffix()}`.padEnd(255, 'x') });
    expect(ok.status).toBe(200);
    expectError(await t.api().post('/v1/customers', { external_id: 'x'.repeat(256) }), 400, { code: 'parameter_invalid_string_too_long', param: 'external_id' });
  });

  describe('POST /v1/customers/external/:external_id (create-or-update)', () => {
    it('creates with 201, then updates the same customer with 200 (merging metadata)', async () => {
      const { api } = await freshAccount(t);
      const id = ext();
      const created = await api.post(byExternal(id), { name: 'First', metadata: { a: '1' } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expectCustomer(created.body);
      expect(created.body).toMatchObject({ external_id: id, name: 'First', metadata: { a: '1' } });

      const updated = await api.post(byExternal(id), { email: 'u@example.com', metadata: { b: '2' } });
      expect(updated.status).toBe(200);
      expectCustomer(updated.body);
      expect(updated.body.id).toBe(created.body.id);
      expect(updated.body).toMatchObject({ external_id: id, name: 'First', email: 'u@example.com', metadata: { a: '1', b: '2' } });
      expect(await allCustomerIds(api)).toEqual([created.body.id]);
      expect((await api.get(byExternal(id))).body).toEqual(updated.body);
    });

    it('accepts JSON bodies and an empty body', async () => {
      const id = ext();
      const created = await t.api().postJson(byExternal(id), { name: 'Json' });
      expect(created.status).toBe(201);
      const again = await t.api().post(byExternal(id));
      expect(again.status).toBe(200);
      expect(again.body.name).toBe('Json');
    });

    it('creates a new customer after the previous holder was deleted', async () => {
      const id = ext();
      const first = await t.api().post(byExternal(id), {});
      await t.api().del(`/v1/customers/${first.body.id}`);
      const second = await t.api().post(byExternal(id), {});
      expect(second.status).toBe(201);
      expect(second.body.id).not.toBe(first.body.id);
    });

    it('refuses external_id in the body (it comes from the path) and invalid fields, writing nothing', async () => {
      const { api } = await freshAccount(t);
      const id = ext();
      expectError(await api.post(byExternal(id), { external_id: 'other' }), 400, {
        code: 'parameter_unknown',
        param: 'external_id',
      });
      expectError(await api.post(byExternal(id), { email: 'nope' }), 400, { code: 'email_invalid', param: 'email' });
      expect(await countCustomers(api)).toBe(0);
      expectError(await api.post(`/v1/customers/external/${'x'.repeat(256)}`, {}), 400, { code: 'parameter_invalid_string_too_long', param: 'external_id' });
      expect(await countCustomers(api)).toBe(0);
    });

    it('is race-free: 20 concurrent upserts of one external id make exactly one customer', async () => {
      const { api } = await freshAccount(t);
      const id = ext();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => api.post(byExternal(id), { metadata: { [`k${i}`]: String(i) } })),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 200)).toHaveLength(19);
      const ids = new Set(results.map((r) => r.body.id as string));
      expect(ids.size).toBe(1);
      expect(await allCustomerIds(api)).toEqual([...ids]);
      expect(await allCustomerIds(api, { external_id: id })).toEqual([...ids]);
      // Every upsert's metadata merged into the one customer: no lost write.
      const final = await api.get(byExternal(id));
      expect(Object.keys(final.body.metadata)).toHaveLength(20);
    });

    it('is race-free for plain creates too: 20 concurrent creates with one external id make one customer', async () => {
      const { api } = await freshAccount(t);
      const id = ext();
      const results = await Promise.all(Array.from({ length: 20 }, () => api.post('/v1/customers', { external_id: id })));
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
      const conflicts = results.filter((r) => r.status !== 200);
      expect(conflicts).toHaveLength(19);
      for (const r of conflicts) expectError(r, 409, { code: 'resource_already_exists', param: 'external_id' });
      expect(await countCustomers(api)).toBe(1);
    });
  });
});
