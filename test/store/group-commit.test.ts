import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type TestApp } from '../helpers/harness.js';

/**
 * Group commit (SQLite) and plain transactions (PostgreSQL) must look the same to clients:
 * concurrent writes each get their own outcome, and a failing write never takes its
 * neighbours down with it.
 */
describe.each(STORES)('concurrent writes keep their own outcomes (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());

  it('a conflicting write in the middle of a burst fails alone', async () => {
    const account = await t.newAccount();
    const api = t.api(account.test);
    const requests = Array.from({ length: 40 }, (_, i) =>
      i % 2 === 0
        ? api.post('/v1/customers', { external_id: `ok-${i}`, metadata: { i: String(i) } })
        : api.post('/v1/customers', { external_id: 'contested', metadata: { i: String(i) } }),
    );
    const responses = await Promise.all(requests);
    const ok = responses.filter((r) => r.status === 200);
    const conflicts = responses.filter((r) => r.status === 409);
    expect(ok).toHaveLength(21);
    expect(conflicts).toHaveLength(19);
    for (const r of conflicts) expect(r.body.error.code).toBe('resource_already_exists');
    const list = await api.get('/v1/customers', { limit: 100 });
    expect(list.body.data).toHaveLength(21);
    // Each acknowledged write is whole: its metadata index row exists too.
    for (const r of ok) {
      const found = await api.get('/v1/customers', { metadata: { i: r.body.metadata.i } });
      expect(found.body.data.map((c: { id: string }) => c.id)).toEqual([r.body.id]);
    }
  });

  it('a write whose transaction body throws is rolled back without its neighbours', async () => {
    const account = await t.newAccount();
    const api = t.api(account.test);
    const good = Array.from({ length: 10 }, (_, i) => api.post('/v1/customers', { name: `good-${i}` }));
    const bad = Array.from({ length: 10 }, (_, i) =>
      // The tax id fails validation after the customer row has been inserted in the same transaction.
      api.post('/v1/customers', { name: `bad-${i}`, tax_id_data: [{ type: 'eu_vat', value: 'DE000000000' }] }),
    );
    const responses = await Promise.all([...good, ...bad]);
    expect(responses.slice(0, 10).every((r) => r.status === 200)).toBe(true);
    expect(responses.slice(10).every((r) => r.status === 400 && r.body.error.code === 'tax_id_invalid')).toBe(true);
    const names = (await api.get('/v1/customers', { limit: 100 })).body.data.map((c: { name: string }) => c.name).sort();
    expect(names).toEqual(Array.from({ length: 10 }, (_, i) => `good-${i}`).sort());
    const events = (await api.get('/v1/events', { limit: 100 })).body.data;
    expect(events).toHaveLength(10);
  });
});
