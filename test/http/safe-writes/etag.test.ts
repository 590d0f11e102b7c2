import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type TestApp } from '../../helpers/harness.js';

describe.each(STORES)('optimistic concurrency — W-9 (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());

  it('puts an ETag on every single-object response and changes it on every write', async () => {
    const created = await t.api().post('/v1/customers', { name: 'Etag' });
    const etag1 = created.headers.etag as string;
    expect(etag1).toMatch(/^"[^"]+"$/);
    const got = await t.api().get(`/v1/customers/${created.body.id}`);
    expect(got.headers.etag).toBe(etag1);
    const updated = await t.api().post(`/v1/customers/${created.body.id}`, { name: 'Etag 2' });
    expect(updated.headers.etag).not.toBe(etag1);
    expect((await t.api().get(`/v1/customers/${created.body.id}`)).headers.etag).toBe(updated.headers.etag);
    const ext = await t.api().post('/v1/customers', { external_id: `e-${Date.now()}` });
    expect((await t.api().get(`/v1/customers/external/${ext.body.external_id}`)).headers.etag).toBe(ext.headers.etag);
  });

  it('refuses a stale If-Match with 412 and changes nothing; a current one succeeds', async () => {
    const created = await t.api().post('/v1/customers', { name: 'Before', metadata: { k: 'v' } });
    const stale = created.headers.etag as string;
    const moved = await t.api().post(`/v1/customers/${created.body.id}`, { description: 'someone else' });
    const refused = await t.api().post(`/v1/customers/${created.body.id}`, { name: 'After' }, { 'if-match': stale });
    expect(refused.status).toBe(412);
    expect(refused.body.error).toMatchObject({ type: 'invalid_request_error', code: 'precondition_failed' });
    const current = await t.api().get(`/v1/customers/${created.body.id}`);
    expect(current.body.name).toBe('Before');
    expect(current.headers.etag).toBe(moved.headers.etag);
    const ok = await t.api().post(`/v1/customers/${created.body.id}`, { name: 'After' }, { 'if-match': moved.headers.etag as string });
    expect(ok.status).toBe(200);
    expect(ok.body.name).toBe('After');
    const anyVersion = await t.api().post(`/v1/customers/${created.body.id}`, { name: 'Star' }, { 'if-match': '*' });
    expect(anyVersion.status).toBe(200);
    const listed = await t
      .api()
      .post(`/v1/customers/${created.body.id}`, { name: 'Listed' }, { 'if-match': `"nope", ${anyVersion.headers.etag as string}` });
    expect(listed.status).toBe(200);
  });

  it('guards delete with If-Match', async () => {
    const created = await t.api().post('/v1/customers', { name: 'Keep me' });
    await t.api().post(`/v1/customers/${created.body.id}`, { name: 'Changed' });
    const refused = await t.api().del(`/v1/customers/${created.body.id}`, { 'if-match': created.headers.etag as string });
    expect(refused.status).toBe(412);
    expect((await t.api().get(`/v1/customers/${created.body.id}`)).body.deleted).toBeUndefined();
    const current = await t.api().get(`/v1/customers/${created.body.id}`);
    const deleted = await t.api().del(`/v1/customers/${created.body.id}`, { 'if-match': current.headers.etag as string });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ id: created.body.id, object: 'customer', deleted: true });
  });

  it('answers 304 with no body to If-None-Match on retrieve while unchanged', async () => {
    const created = await t.api().post('/v1/customers', { name: 'Cache me' });
    const etag = created.headers.etag as string;
    const cached = await t.api().get(`/v1/customers/${created.body.id}`, {}, { 'if-none-match': etag });
    expect(cached.status).toBe(304);
    expect(cached.raw.body).toBe('');
    expect(cached.headers.etag).toBe(etag);
    await t.api().post(`/v1/customers/${created.body.id}`, { name: 'Changed' });
    const fresh = await t.api().get(`/v1/customers/${created.body.id}`, {}, { 'if-none-match': etag });
    expect(fresh.status).toBe(200);
    expect(fresh.body.name).toBe('Changed');
  });

  it('applies If-Match on the find-or-create endpoint', async () => {
    const ext = `ext-${Math.random().toString(36).slice(2)}`;
    const missing = await t.api().post(`/v1/customers/external/${ext}`, { name: 'x' }, { 'if-match': '"whatever"' });
    expect(missing.status).toBe(412);
    const created = await t.api().post(`/v1/customers/external/${ext}`, { name: 'x' });
    expect(created.status).toBe(201);
    const stale = await t.api().post(`/v1/customers/external/${ext}`, { name: 'y' }, { 'if-match': '"stale"' });
    expect(stale.status).toBe(412);
    const ok = await t.api().post(`/v1/customers/external/${ext}`, { name: 'y' }, { 'if-match': created.headers.etag as string });
    expect(ok.status).toBe(200);
    expect(ok.body.name).toBe('y');
  });
});

describe.each(STORES)('no lost updates (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());

  it('keeps all 50 metadata keys added by 50 concurrent requests', async () => {
    const created = await t.api().post('/v1/customers', { name: 'Contended' });
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => t.api().post(`/v1/customers/${created.body.id}`, { metadata: { [`k${i}`]: `v${i}` } })),
    );
    expect(responses.every((r) => r.status === 200)).toBe(true);
    const final = await t.api().get(`/v1/customers/${created.body.id}`);
    expect(Object.keys(final.body.metadata).sort()).toEqual(Array.from({ length: 50 }, (_, i) => `k${i}`).sort());
    const byFilter = await t.api().get('/v1/customers', { metadata: { k17: 'v17' } });
    expect(byFilter.body.data.map((c: { id: string }) => c.id)).toEqual([created.body.id]);
  });

  it('keeps concurrent writes to different fields', async () => {
    const created = await t.api().post('/v1/customers', { name: 'Fields' });
    await Promise.all([
      t.api().post(`/v1/customers/${created.body.id}`, { email: 'fields@example.com' }),
      t.api().post(`/v1/customers/${created.body.id}`, { phone: '+14155550100' }),
      t.api().post(`/v1/customers/${created.body.id}`, { description: 'desc' }),
      t.api().post(`/v1/customers/${created.body.id}`, { notes: 'note' }),
    ]);
    const final = await t.api().get(`/v1/customers/${created.body.id}`);
    expect(final.body).toMatchObject({ email: 'fields@example.com', phone: '+14155550100', description: 'desc', notes: 'note' });
  });
});
