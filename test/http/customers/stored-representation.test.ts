import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type TestApp } from '../../helpers/harness.js';

/** Runs one statement straight against the test database (outside the app). */
async function execRaw(t: TestApp, statement: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  if (t.database.kind === 'sqlite') {
    const raw = new BetterSqlite3(t.database.path);
    try {
      raw.pragma('busy_timeout = 5000');
      const stmt = raw.prepare(statement.replace(/\$\d+/g, '?'));
      if (stmt.reader) return stmt.all(...params) as Record<string, unknown>[];
      stmt.run(...params);
      return [];
    } finally {
      raw.close();
    }
  }
  const client = new pg.Client({ connectionString: t.database.url });
  await client.connect();
  try {
    return (await client.query(statement, params)).rows;
  } finally {
    await client.end();
  }
}

const FULL = {
  name: 'Jenny Rosen',
  email: 'jenny.rosen@example.com',
  phone: '+14155550123',
  description: 'Stored body',
  notes: 'Prefers email',
  external_id: 'crm-stored-1',
  address: { line1: '1 Main St', city: 'Springfield', postal_code: '12345', country: 'US' },
  shipping: { name: 'Jenny', address: { line1: '2 Side St', country: 'US' } },
  metadata: { tier: 'gold', crm: '42' },
  preferred_locales: ['en', 'fr'],
  invoice_settings: { footer: 'Thanks', custom_fields: [{ name: 'PO', value: '7' }] },
  tax_exempt: 'none',
};

/**
 * A retrieve without expand sends the representation stored with the row by the write that
 * last changed it; the bytes must be exactly those the serialiser writes for the same customer.
 */
describe.each(STORES)('retrieve from the stored representation (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());

  it('sends the same bytes and ETag as the write that produced them', async () => {
    const api = t.api();
    const created = await api.post('/v1/customers', FULL);
    expect(created.status).toBe(200);
    const got = await api.get(`/v1/customers/${created.body.id}`);
    expect(got.status).toBe(200);
    expect(got.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(got.raw.body).toBe(created.raw.body);
    expect(got.headers.etag).toBe(created.headers.etag);

    const updated = await api.post(`/v1/customers/${created.body.id}`, { name: 'Jenny R.', metadata: { tier: '' } });
    const again = await api.get(`/v1/customers/${created.body.id}`);
    expect(again.raw.body).toBe(updated.raw.body);
    expect(again.body.metadata).toEqual({ crm: '42' });
    expect(again.headers.etag).toBe(updated.headers.etag);
    expect(again.headers.etag).not.toBe(created.headers.etag);

    const notModified = await api.get(`/v1/customers/${created.body.id}`, {}, { 'if-none-match': String(again.headers.etag) });
    expect(notModified.status).toBe(304);
    expect(notModified.raw.body).toBe('');
  });

  it('a write committed by another connection is what the next retrieve sends', async () => {
    const api = t.api();
    const created = await api.post('/v1/customers', { ...FULL, external_id: 'crm-stored-elsewhere' });
    expect((await api.get(`/v1/customers/${created.body.id}`)).status).toBe(200);
    // As another process sharing the database would leave it.
    const changed = JSON.stringify({ ...created.body, description: 'changed elsewhere' });
    await execRaw(t, 'UPDATE customers SET body = $1, version = version + 1 WHERE id = $2', [changed, created.body.id]);
    const got = await api.get(`/v1/customers/${created.body.id}`);
    expect(got.raw.body).toBe(changed);
    expect(got.headers.etag).toBe(`"${created.body.id}.v2"`);
  });

  it('a deleted customer stores only its tombstone', async () => {
    const api = t.api();
    const created = await api.post('/v1/customers', { ...FULL, external_id: 'crm-stored-2', email: 'erase.me@example.com' });
    const deleted = await api.del(`/v1/customers/${created.body.id}`);
    expect(deleted.status).toBe(200);
    const got = await api.get(`/v1/customers/${created.body.id}`);
    expect(got.status).toBe(200);
    expect(got.raw.body).toBe(deleted.raw.body);
    expect(got.body).toEqual({ id: created.body.id, object: 'customer', deleted: true });
    const [row] = await execRaw(t, 'SELECT body FROM customers WHERE id = $1', [created.body.id]);
    expect(String(row?.body)).not.toContain('erase.me');
    expect(JSON.parse(String(row?.body))).toEqual({ id: created.body.id, object: 'customer', deleted: true });
  });

  it('renders rows written before representations were stored', async () => {
    const api = t.api();
    const created = await api.post('/v1/customers', { ...FULL, external_id: 'crm-stored-3' });
    await execRaw(t, 'UPDATE customers SET body = NULL WHERE id = $1', [created.body.id]);
    const got = await api.get(`/v1/customers/${created.body.id}`);
    expect(got.status).toBe(200);
    // Equal as JSON (PostgreSQL's jsonb hands metadata keys back in its own order).
    expect(got.body).toEqual(created.body);
    expect(got.headers.etag).toBe(created.headers.etag);
    // The next write stores it again.
    await api.post(`/v1/customers/${created.body.id}`, { description: 'touched' });
    const [row] = await execRaw(t, 'SELECT body FROM customers WHERE id = $1', [created.body.id]);
    expect(JSON.parse(String(row?.body)).description).toBe('touched');
  });

  it('expansions are built from the related objects, not the stored bytes', async () => {
    const api = t.api();
    const created = await api.post('/v1/customers', { external_id: 'crm-stored-4', tax_id_data: [{ type: 'eu_vat', value: 'DE123456788' }] });
    expect(created.status).toBe(200);
    const plain = await api.get(`/v1/customers/${created.body.id}`);
    expect(plain.body.tax_ids).toBeUndefined();
    const expanded = await api.get(`/v1/customers/${created.body.id}`, { expand: ['tax_ids'] });
    expect(expanded.status).toBe(200);
    expect(expanded.body.tax_ids.data).toHaveLength(1);
    expect(expanded.headers.etag).toBe(plain.headers.etag);
  });

  it('an unknown id is still a 404 in the error envelope', async () => {
    const got = await t.api().get('/v1/customers/cus_doesnotexist');
    expect(got.status).toBe(404);
    expect(got.body.error).toMatchObject({ type: 'invalid_request_error', code: 'resource_missing', param: 'id' });
  });
});
