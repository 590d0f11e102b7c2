import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { base62Time, ID_RANDOM_CHARS, ID_TIME_CHARS, newId } from '../../../src/lib/ids.js';
import { STORES, type Api } from '../../helpers/harness.js';
import { killAll } from '../../helpers/processes.js';
import { bulkContext, ensureBuilt, ndjson, type BulkContext } from '../../cli/bulk/support.js';
import { createCustomer } from './support.js';

/**
 * SPEC C-1 as amended: an id is its prefix, then 9 base62 digits of the creation time in
 * milliseconds, then 17 random base62 characters (≥ 96 bits), so ids made in later
 * milliseconds sort after earlier ones, byte for byte, and stay unguessable.
 */
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const decode = (digits: string): bigint => [...digits].reduce((n, c) => n * 62n + BigInt(ALPHABET.indexOf(c)), 0n);
const parts = (id: string) => {
  const body = id.slice(id.indexOf('_') + 1);
  return { time: body.slice(0, ID_TIME_CHARS), random: body.slice(ID_TIME_CHARS) };
};
/** Byte order, as SQLite's BINARY collation and PostgreSQL's C collation sort text. */
const byteSorted = (ids: string[]) => [...ids].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));

/** Milliseconds around which the time digits carry: the last one (…z → …0) and a second. */
const BASE_MS = Date.UTC(2026, 5, 1, 12, 0, 0, 0) - (Date.UTC(2026, 5, 1, 12, 0, 0, 0) % 62) + 60;
const STEPS_MS = [0, 1, 2, 3, 1000, 1001, 86_400_000];

beforeAll(() => ensureBuilt());
afterAll(() => killAll());

describe('object ids: the generator', () => {
  it('is the prefix, 9 time digits and 17 random characters; the random part spans ≥ 96 bits', () => {
    const id = newId('cus');
    expect(id).toMatch(/^cus_[0-9A-Za-z]{26}$/);
    expect(ID_TIME_CHARS + ID_RANDOM_CHARS).toBe(26);
    // 17 base62 characters are log2(62^17) ≈ 101.2 bits; 16 would be 95.3.
    expect(62n ** BigInt(ID_RANDOM_CHARS)).toBeGreaterThanOrEqual(2n ** 96n);
    expect(62n ** BigInt(ID_RANDOM_CHARS - 1)).toBeLessThan(2n ** 96n);
    // Every 48-bit millisecond count fits the time digits, and they keep their width.
    expect(base62Time(2 ** 48 - 1)).toHaveLength(ID_TIME_CHARS);
    expect(decode(base62Time(2 ** 48 - 1))).toBe(2n ** 48n - 1n);
    expect(base62Time(0)).toBe('0'.repeat(ID_TIME_CHARS));
  });

  it('ids of one millisecond differ in a random part drawn over the whole alphabet at every position', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(BASE_MS);
    const ids = Array.from({ length: 4000 }, () => newId('cus'));
    vi.useRealTimers();
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids.map((id) => parts(id).time))).toEqual(new Set([base62Time(BASE_MS)]));
    for (let at = 0; at < ID_RANDOM_CHARS; at++) {
      // 4000 uniform draws from 62 characters leave none out with overwhelming probability
      // (62 · (61/62)^4000 ≈ 10⁻²⁷); a part drawn from fewer bits would miss many.
      expect(new Set(ids.map((id) => parts(id).random[at])).size, `random character ${at}`).toBe(62);
    }
  });
});

describe.each(STORES)('object ids (%s)', (kind) => {
  let c: BulkContext;
  let api: Api;
  beforeAll(async () => {
    c = await bulkContext(kind);
    api = c.t.api();
  });
  afterAll(() => c.t.close());
  afterEach(() => vi.useRealTimers());

  it('customers, charges and events created in sequence sort in creation order across millisecond boundaries', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const customers: string[] = [];
    const charges: string[] = [];
    for (const step of STEPS_MS) {
      vi.setSystemTime(BASE_MS + step);
      const customer = await createCustomer(api, { email: `order-${step}@example.com` });
      customers.push(customer.id);
      const charge = await api.post('/v1/charges', { amount: 100, currency: 'usd', customer: customer.id });
      expect(charge.status, JSON.stringify(charge.body)).toBe(200);
      charges.push(charge.body.id as string);
      // The time digits are the creation millisecond.
      expect(decode(parts(customer.id).time)).toBe(BigInt(BASE_MS + step));
    }
    vi.useRealTimers();
    for (const ids of [customers, charges]) {
      expect(new Set(ids).size).toBe(STEPS_MS.length);
      expect(byteSorted(ids)).toEqual(ids);
      for (const id of ids) expect(id).toMatch(/^(cus|ch)_[0-9A-Za-z]{26}$/);
    }
    const events = await api.get('/v1/events', { limit: 100, type: 'customer.created' });
    expect(events.status, JSON.stringify(events.body)).toBe(200);
    const created = (events.body.data as Array<{ id: string; data: { object: { id: string } } }>)
      .filter((e) => customers.includes(e.data.object.id))
      .reverse(); // newest first
    expect(created.map((e) => e.data.object.id)).toEqual(customers);
    expect(byteSorted(created.map((e) => e.id))).toEqual(created.map((e) => e.id));
  });

  it('two customers created in the same millisecond get different ids with the same time digits', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(BASE_MS + 5000);
    const a = await createCustomer(api);
    const b = await createCustomer(api);
    vi.useRealTimers();
    expect(a.id).not.toBe(b.id);
    expect(parts(a.id).time).toBe(parts(b.id).time);
    expect(parts(a.id).random).not.toBe(parts(b.id).random);
    expect(parts(a.id).random).toMatch(/^[0-9A-Za-z]{17}$/);
  });

  it('a customer stored with an older fully random id (24 characters) is still retrieved, updated and paged past', async () => {
    const oldId = 'cus_Q7mYx2Lk9PzR4tVb8NcW3sHd';
    const imported = await c.run(['import', c.file('old-id.ndjson', ndjson([{ id: oldId, email: 'old-format@example.com', created: 1_600_000_000 }]))]);
    expect(imported.code, imported.stderr).toBe(0);
    const got = await api.get(`/v1/customers/${oldId}`);
    expect(got.status, JSON.stringify(got.body)).toBe(200);
    expect(got.body.id).toBe(oldId);
    const updated = await api.post(`/v1/customers/${oldId}`, { metadata: { format: 'random' } });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    const charge = await api.post('/v1/charges', { amount: 100, currency: 'usd', customer: oldId });
    expect(charge.status, JSON.stringify(charge.body)).toBe(200);
    // Keyset pages run on (created, seq), not the id: the oldest customer is the last one listed.
    const page = await api.get('/v1/customers', { limit: 100 });
    const ids = (page.body.data as Array<{ id: string }>).map((x) => x.id);
    expect(ids.at(-1)).toBe(oldId);
    const before = await api.get('/v1/customers', { limit: 1, ending_before: oldId });
    expect(before.status, JSON.stringify(before.body)).toBe(200);
    expect((before.body.data as Array<{ id: string }>).map((x) => x.id)).toEqual([ids.at(-2)]);
  });
});
