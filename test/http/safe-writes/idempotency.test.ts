import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nowSeconds } from '../../../src/lib/ids.js';
import { createTestApp, STORES, type TestApp } from '../../helpers/harness.js';

describe.each(STORES)('idempotency keys — W-8 (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());

  const key = () => `idem-${Math.random().toString(36).slice(2)}`;
  const count = async (apiKey = t.account.test) => {
    const list = await t.api(apiKey).get('/v1/customers', { limit: 100 });
    return list.body.data.length as number;
  };

  it('replays the first response byte for byte, status and ETag included, and writes once', async () => {
    const k = key();
    const before = await count();
    const first = await t.api().post('/v1/customers', { email: 'replay@example.com', metadata: { a: '1' } }, { 'idempotency-key': k });
    const second = await t.api().post('/v1/customers', { email: 'replay@example.com', metadata: { a: '1' } }, { 'idempotency-key': k });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.raw.body).toBe(first.raw.body);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.headers['original-request']).toBe(first.headers['request-id']);
    expect(second.headers['request-id']).not.toBe(first.headers['request-id']);
    expect(second.headers.etag).toBe(first.headers.etag);
    expect(second.headers['idempotency-key']).toBe(k);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(await count()).toBe(before + 1);
  });

  it('treats the same parameters in another order or encoding as the same request', async () => {
    const k = key();
    const a = await t.api().postRaw('/v1/customers', 'name=Ada&email=ada%40example.com', 'application/x-www-form-urlencoded', { 'idempotency-key': k });
    const b = await t.api().postRaw('/v1/customers', 'email=ada%40example.com&name=Ada', 'application/x-www-form-urlencoded', { 'idempotency-key': k });
    expect(b.raw.body).toBe(a.raw.body);
    expect(b.headers['idempotent-replayed']).toBe('true');
  });

  it('refuses the key with different parameters or on another endpoint (400 idempotency_error), changing nothing', async () => {
    const k = key();
    const first = await t.api().post('/v1/customers', { name: 'First' }, { 'idempotency-key': k });
    const before = await count();
    const other = await t.api().post('/v1/customers', { name: 'Second' }, { 'idempotency-key': k });
    expect(other.status).toBe(400);
    expect(other.body.error.type).toBe('idempotency_error');
    const elsewhere = await t.api().post(`/v1/customers/${first.body.id}`, { name: 'First' }, { 'idempotency-key': k });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.error.type).toBe('idempotency_error');
    expect(await count()).toBe(before);
    expect((await t.api().get(`/v1/customers/${first.body.id}`)).body.name).toBe('First');
  });

  it('scopes keys by account and by mode', async () => {
    const k = key();
    const other = await t.newAccount('Other');
    const test = await t.api().post('/v1/customers', { name: 'Scoped' }, { 'idempotency-key': k });
    const live = await t.api(t.account.live).post('/v1/customers', { name: 'Scoped' }, { 'idempotency-key': k });
    const foreign = await t.api(other.test).post('/v1/customers', { name: 'Scoped' }, { 'idempotency-key': k });
    for (const r of [live, foreign]) {
      expect(r.status).toBe(200);
      expect(r.headers['idempotent-replayed']).toBeUndefined();
      expect(r.body.id).not.toBe(test.body.id);
    }
    expect(live.body.livemode).toBe(true);
  });

  it('stores and replays client errors from the handler', async () => {
    const k = key();
    const first = await t.api().post('/v1/customers/cus_doesnotexist', { name: 'x' }, { 'idempotency-key': k });
    const again = await t.api().post('/v1/customers/cus_doesnotexist', { name: 'x' }, { 'idempotency-key': k });
    expect(first.status).toBe(404);
    expect(again.status).toBe(404);
    expect(again.raw.body).toBe(first.raw.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
  });

  it('does not store requests rejected by validation before any work', async () => {
    const k = key();
    const rejected = await t.api().post('/v1/customers', { name: 'x', bogus: '1' }, { 'idempotency-key': k });
    expect(rejected.status).toBe(400);
    expect(rejected.body.error.code).toBe('parameter_unknown');
    const accepted = await t.api().post('/v1/customers', { name: 'x', email: 'later@example.com' }, { 'idempotency-key': k });
    expect(accepted.status).toBe(200);
    expect(accepted.headers['idempotent-replayed']).toBeUndefined();
  });

  it('rejects keys longer than 255 characters', async () => {
    const r = await t.api().post('/v1/customers', { name: 'x' }, { 'idempotency-key': 'k'.repeat(256) });
    expect(r.status).toBe(400);
    expect(r.body.error.type).toBe('idempotency_error');
    const ok = await t.api().post('/v1/customers', { name: 'x' }, { 'idempotency-key': 'k'.repeat(255) });
    expect(ok.status).toBe(200);
  });

  it('30 parallel requests with one key create exactly one customer; the rest replay or get 409', async () => {
    const account = await t.newAccount('Parallel');
    const k = key();
    const responses = await Promise.all(
      Array.from({ length: 30 }, () =>
        t.api(account.test).post('/v1/customers', { email: 'parallel@example.com' }, { 'idempotency-key': k }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    const ok = responses.filter((r) => r.status === 200);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    expect(new Set(ok.map((r) => r.raw.body)).size).toBe(1);
    for (const r of responses.filter((x) => x.status === 409)) {
      expect(r.body.error).toMatchObject({ type: 'api_error', code: 'idempotency_key_in_use' });
    }
    expect(await count(account.test)).toBe(1);
    const after = await t.api(account.test).post('/v1/customers', { email: 'parallel@example.com' }, { 'idempotency-key': k });
    expect(after.raw.body).toBe(ok[0]?.raw.body);
  });

  it('forgets keys after 24 hours: an expired record no longer replays and is swept', async () => {
    const account = await t.newAccount('Expiry');
    const k = key();
    const first = await t.api(account.test).post('/v1/customers', { name: 'Old' }, { 'idempotency-key': k });
    // Age the stored record by 25 hours (the only way to travel in time here).
    const scope = { accountId: account.id, livemode: false };
    const record = await t.store.read((r) => r.idempotency.find(scope, k));
    expect(record).toBeDefined();
    expect(record?.params_hash).toMatch(/^[0-9a-f]{64}$/);
    const aged = { ...record!, created: nowSeconds() - 25 * 3600 };
    await t.store.write(async (r) => {
      expect(await r.idempotency.save(scope, aged, nowSeconds() + 1)).toBe(true);
    });
    const again = await t.api(account.test).post('/v1/customers', { name: 'Old' }, { 'idempotency-key': k });
    expect(again.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    expect(again.body.id).not.toBe(first.body.id);

    const k2 = key();
    await t.api(account.test).post('/v1/customers', { name: 'Swept' }, { 'idempotency-key': k2 });
    const rec2 = await t.store.read((r) => r.idempotency.find(scope, k2));
    await t.store.write((r) => r.idempotency.save(scope, { ...rec2!, created: nowSeconds() - 30 * 3600 }, nowSeconds() + 1));
    expect(await t.services.idempotency.sweep()).toBeGreaterThanOrEqual(1);
    expect(await t.store.read((r) => r.idempotency.find(scope, k2))).toBeUndefined();
    expect(await t.store.read((r) => r.idempotency.find(scope, k))).toBeDefined();
  });

  it('works through the find-or-create endpoint (201 replayed as 201)', async () => {
    const k = key();
    const ext = `ext-${Math.random().toString(36).slice(2)}`;
    const a = await t.api().post(`/v1/customers/external/${ext}`, { name: 'Upsert' }, { 'idempotency-key': k });
    const b = await t.api().post(`/v1/customers/external/${ext}`, { name: 'Upsert' }, { 'idempotency-key': k });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.raw.body).toBe(a.raw.body);
  });
});
