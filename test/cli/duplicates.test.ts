/**
 * `clientele duplicates` (docs/merging.md#the-command) as a process over a database the API
 * wrote: every probable pair once, NDJSON or CSV on standard output, --min-score, and the
 * bound on a key shared by too many customers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_GROUP } from '../../src/domain/duplicates/duplicate-scan.js';
import { STORES } from '../helpers/harness.js';
import { bulkContext, ensureBuilt, type BulkContext } from './bulk/support.js';

beforeAll(() => ensureBuilt());

describe.each(STORES)('clientele duplicates (%s)', (kind) => {
  let c: BulkContext;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    c = await bulkContext(kind);
    const api = c.t.api();
    const make = async (name: string, params: Record<string, unknown>) => {
      const res = await api.post('/v1/customers', { name, ...params });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      ids[name] = res.body.id as string;
      return res.body.id as string;
    };
    await make('a', { email: 'Jane.Roe+x@gmail.com', phone: '+1 415 555 0100' });
    await make('b', { email: 'janeroe@gmail.com' });
    await make('c', { phone: '+14155550100' });
    const d = await make('d', {});
    await api.post(`/v1/customers/${d}/contacts`, { email: 'JANEROE@googlemail.com' });
    const e = await make('e', {});
    const f = await make('f', {});
    for (const id of [e, f]) await api.post(`/v1/customers/${id}/tax_ids`, { type: 'us_ein', value: '12-3456789' });
    await make('lonely', { email: 'lonely@example.com' });
    // A phone shared by more customers than a key may pair up: no pairs from it.
    for (let i = 0; i <= MAX_GROUP; i++) await api.post('/v1/customers', { phone: '+1 212 555 0199' });
  }, 60_000);
  afterAll(async () => c?.t.close());

  const pairKey = (x: string, y: string) => [x, y].sort().join(' ');

  it('reports every probable pair once, as NDJSON, with a summary on standard error', async () => {
    const out = await c.run(['duplicates']);
    expect(out.code, out.stderr).toBe(0);
    const pairs = out.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { a: string; b: string; score: number; reasons: string[] });
    const byKey = new Map(pairs.map((p) => [`${p.a} ${p.b}`, p]));
    expect(byKey.size).toBe(pairs.length);
    for (const p of pairs) expect(p.a < p.b).toBe(true);
    const n = (x: string) => ids[x] as string;
    expect(byKey.get(pairKey(n('a'), n('b')))).toMatchObject({ reasons: ['email'], score: 0.9 });
    expect(byKey.get(pairKey(n('a'), n('c')))).toMatchObject({ reasons: ['phone'], score: 0.8 });
    expect(byKey.get(pairKey(n('a'), n('d')))).toMatchObject({ reasons: ['email'] });
    expect(byKey.get(pairKey(n('b'), n('d')))).toMatchObject({ reasons: ['email'] });
    expect(byKey.get(pairKey(n('e'), n('f')))).toMatchObject({ reasons: ['tax_id'], score: 0.95 });
    expect(pairs).toHaveLength(5);
    expect(JSON.stringify(pairs)).not.toContain(n('lonely'));
    expect(out.stderr).toContain('5 probable duplicate pairs');
  });

  it('--min-score and --format csv', async () => {
    const out = await c.run(['duplicates', '--min-score', '0.9', '--format', 'csv']);
    expect(out.code, out.stderr).toBe(0);
    const lines = out.stdout.trim().split('\n');
    expect(lines[0]).toBe('a,b,score,reasons');
    expect(lines.slice(1).sort()).toEqual(
      [`${pairKey(ids.a as string, ids.b as string).replace(' ', ',')},0.9,email`, `${pairKey(ids.a as string, ids.d as string).replace(' ', ',')},0.9,email`, `${pairKey(ids.b as string, ids.d as string).replace(' ', ',')},0.9,email`, `${pairKey(ids.e as string, ids.f as string).replace(' ', ',')},0.95,tax_id`].sort(),
    );
  });

  it('refuses a bad --min-score and an unknown account', async () => {
    const bad = await c.run(['duplicates', '--min-score', '2']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--min-score');
    const unknown = await c.run(['duplicates'], { account: 'acct_missing' });
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('no account acct_missing');
  });
});
