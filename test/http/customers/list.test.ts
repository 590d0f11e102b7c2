import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type Api, type TestApp } from '../../helpers/harness.js';
import {
  allCustomerIds,
  createCustomer,
  expectCustomer,
  expectError,
  freshAccount,
  missingCustomerId,
  restoreClock,
  setClock,
} from './support.js';

const T0 = 1_700_200_000;

/** SPEC W-5 list conventions and C-2 list filters. */
describe.each(STORES)('customers: list (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());
  afterEach(() => restoreClock());

  /** Creates customers at the given unix times (in that order); returns their ids. */
  async function createAt(api: Api, times: number[], params: (i: number) => Record<string, unknown> = () => ({})) {
    const ids: string[] = [];
    for (const [i, at] of times.entries()) {
      setClock(at);
      ids.push((await createCustomer(api, params(i))).id);
    }
    restoreClock();
    return ids;
  }

  const idsOf = (body: { data: Array<{ id: string }> }) => body.data.map((c) => c.id);

  it('has the list envelope and full customer objects', async () => {
    const { api } = await freshAccount(t);
    const empty = await api.get('/v1/customers');
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ object: 'list', url: '/v1/customers', has_more: false, data: [] });
    await createCustomer(api, { name: 'one' });
    const res = await api.get('/v1/customers');
    expect(Object.keys(res.body).sort()).toEqual(['data', 'has_more', 'object', 'url']);
    expect(res.body).toMatchObject({ object: 'list', url: '/v1/customers', has_more: false });
    expect(res.body.data).toHaveLength(1);
    expectCustomer(res.body.data[0]);
  });

  it('is newest first; customers created in the same second come newest first too', async () => {
    const { api } = await freshAccount(t);
    const [a, b, c, d, e] = await createAt(api, [T0, T0 + 5, T0 + 5, T0 + 5, T0 + 9]);
    const res = await api.get('/v1/customers');
    expect(idsOf(res.body)).toEqual([e, d, c, b, a]);
  });

  it('limit defaults to 10 and accepts 1..100', async () => {
    const { api } = await freshAccount(t);
    const ids = await createAt(api, Array.from({ length: 12 }, (_, i) => T0 + i));
    const byDefault = await api.get('/v1/customers');
    expect(byDefault.body.data).toHaveLength(10);
    expect(byDefault.body.has_more).toBe(true);
    expect(idsOf(byDefault.body)).toEqual([...ids].reverse().slice(0, 10));
    const one = await api.get('/v1/customers', { limit: 1 });
    expect(idsOf(one.body)).toEqual([ids[11]]);
    expect(one.body.has_more).toBe(true);
    const hundred = await api.get('/v1/customers', { limit: 100 });
    expect(hundred.body.data).toHaveLength(12);
    expect(hundred.body.has_more).toBe(false);
    const exact = await api.get('/v1/customers', { limit: 12 });
    expect(exact.body.has_more).toBe(false);
  });

  it.each(['0', '101', '-1', 'abc', '1.5'])('limit=%s is refused (400 parameter_invalid_integer)', async (limit) => {
    const res = await t.api().get(`/v1/customers?limit=${limit}`);
    expectError(res, 400, { param: 'limit', code: 'parameter_invalid_integer' });
  });

  it('pages forwards with starting_after and backwards with ending_before, visiting each customer once', async () => {
    const { api } = await freshAccount(t);
    // 27 customers, three per second, so page boundaries fall inside runs of equal `created`.
    const created = await createAt(api, Array.from({ length: 27 }, (_, i) => T0 + Math.floor(i / 3)));
    const newestFirst = [...created].reverse();
    expect(await allCustomerIds(api)).toEqual(newestFirst);

    const forward: string[] = [];
    let res = await api.get('/v1/customers', { limit: 4 });
    for (;;) {
      expect(res.status).toBe(200);
      forward.push(...idsOf(res.body));
      if (!res.body.has_more) break;
      res = await api.get('/v1/customers', { limit: 4, starting_after: forward[forward.length - 1] });
    }
    expect(forward).toEqual(newestFirst);

    // Backwards from the oldest: each page is still newest first, pages arrive newest last.
    const oldest = newestFirst[newestFirst.length - 1] as string;
    const backward: string[] = [oldest];
    res = await api.get('/v1/customers', { limit: 4, ending_before: oldest });
    for (;;) {
      expect(res.status).toBe(200);
      const page = idsOf(res.body);
      expect(page.length).toBeGreaterThan(0);
      backward.unshift(...page);
      if (!res.body.has_more) break;
      res = await api.get('/v1/customers', { limit: 4, ending_before: page[0] });
    }
    expect(backward).toEqual(newestFirst);
    expect(new Set(backward).size).toBe(27);

    // One page backwards from the middle is exactly the slice before it.
    const middle = newestFirst[13] as string;
    const before = await api.get('/v1/customers', { limit: 5, ending_before: middle });
    expect(idsOf(before.body)).toEqual(newestFirst.slice(8, 13));
    expect(before.body.has_more).toBe(true);
    const after = await api.get('/v1/customers', { limit: 5, starting_after: middle });
    expect(idsOf(after.body)).toEqual(newestFirst.slice(14, 19));
    // The newest customer has nothing before it.
    const none = await api.get('/v1/customers', { ending_before: newestFirst[0] });
    expect(none.body).toMatchObject({ has_more: false, data: [] });
  });

  it('starting_after and ending_before together are refused', async () => {
    const { api } = await freshAccount(t);
    const [a, b] = await createAt(api, [T0, T0 + 1]);
    const res = await api.get('/v1/customers', { starting_after: a, ending_before: b });
    expectError(res, 400, { code: 'parameters_exclusive', param: 'ending_before' });
  });

  it.each(['starting_after', 'ending_before'])('an unknown %s id is refused (400)', async (param) => {
    const res = await t.api().get('/v1/customers', { [param]: missingCustomerId() });
    expectError(res, 400, { code: 'resource_missing', param });
  });

  it('filters by created: exact integer and gt/gte/lt/lte ranges', async () => {
    const { api } = await freshAccount(t);
    const [a, b, c, d] = await createAt(api, [T0, T0 + 10, T0 + 10, T0 + 20]);
    const q = async (created: unknown) => {
      const res = await api.get('/v1/customers', { created });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return idsOf(res.body);
    };
    expect(await q(T0 + 10)).toEqual([c, b]);
    expect(await q(T0 + 11)).toEqual([]);
    expect(await q({ gt: T0 + 10 })).toEqual([d]);
    expect(await q({ gte: T0 + 10 })).toEqual([d, c, b]);
    expect(await q({ lt: T0 + 10 })).toEqual([a]);
    expect(await q({ lte: T0 + 10 })).toEqual([c, b, a]);
    expect(await q({ gt: T0, lt: T0 + 20 })).toEqual([c, b]);
    expect(await q({ gte: T0, lte: T0 + 20 })).toEqual([d, c, b, a]);
    // Ranges combine with cursors.
    const paged = await api.get('/v1/customers', { created: { gte: T0 }, limit: 2, starting_after: c });
    expect(idsOf(paged.body)).toEqual([b, a]);
    expectError(await api.get('/v1/customers', { created: 'yesterday' }), 400, { code: 'parameter_invalid_integer', param: 'created' });
    expectError(await api.get('/v1/customers', { created: { gt: 'x' } }), 400, { code: 'parameter_invalid_integer', param: 'created[gt]' });
    expectError(await api.get('/v1/customers', { created: { after: T0 } }), 400, { code: 'parameter_unknown' });
  });

  it('filters by exact email, external_id, and metadata (AND of all given)', async () => {
    const { api } = await freshAccount(t);
    const [a, b, c, d] = await createAt(api, [T0, T0 + 1, T0 + 2, T0 + 3], (i) => [
      { email: 'ann@example.com', external_id: 'A', metadata: { tier: 'gold', region: 'eu' } },
      { email: 'Ann@example.com', external_id: 'B', metadata: { tier: 'gold', region: 'us' } },
      { email: 'ann@example.com', metadata: { tier: 'silver', region: 'eu' } },
      { email: 'bob@example.com', metadata: { tier: 'gold' } },
    ][i] as Record<string, unknown>);
    expect(await allCustomerIds(api, { email: 'ann@example.com' })).toEqual([c, a]);
    expect(await allCustomerIds(api, { email: 'Ann@example.com' })).toEqual([b]);
    expect(await allCustomerIds(api, { email: 'ANN@EXAMPLE.COM' })).toEqual([]);
    expect(await allCustomerIds(api, { email: 'ann@example' })).toEqual([]);
    expect(await allCustomerIds(api, { external_id: 'B' })).toEqual([b]);
    expect(await allCustomerIds(api, { external_id: 'b' })).toEqual([]);
    expect(await allCustomerIds(api, { metadata: { tier: 'gold' } })).toEqual([d, b, a]);
    expect(await allCustomerIds(api, { metadata: { tier: 'gold', region: 'eu' } })).toEqual([a]);
    expect(await allCustomerIds(api, { metadata: { region: 'eu' } })).toEqual([c, a]);
    expect(await allCustomerIds(api, { metadata: { tier: 'gold', region: 'asia' } })).toEqual([]);
    expect(await allCustomerIds(api, { email: 'ann@example.com', metadata: { tier: 'gold' } })).toEqual([a]);
    // Filters page like the unfiltered list.
    const first = await api.get('/v1/customers', { metadata: { tier: 'gold' }, limit: 2 });
    expect(idsOf(first.body)).toEqual([d, b]);
    expect(first.body.has_more).toBe(true);
    const second = await api.get('/v1/customers', { metadata: { tier: 'gold' }, limit: 2, starting_after: b });
    expect(idsOf(second.body)).toEqual([a]);
    expect(second.body.has_more).toBe(false);
  });

  it('a metadata filter follows updates to the customer', async () => {
    const { api } = await freshAccount(t);
    const c = await createCustomer(api, { metadata: { stage: 'lead' } });
    expect(await allCustomerIds(api, { metadata: { stage: 'lead' } })).toEqual([c.id]);
    await api.post(`/v1/customers/${c.id}`, { metadata: { stage: 'won' } });
    expect(await allCustomerIds(api, { metadata: { stage: 'lead' } })).toEqual([]);
    expect(await allCustomerIds(api, { metadata: { stage: 'won' } })).toEqual([c.id]);
  });

  it('refuses unknown filters and unknown expand paths', async () => {
    expectError(await t.api().get('/v1/customers', { name: 'x' }), 400, { code: 'parameter_unknown', param: 'name' });
    expectError(await t.api().get('/v1/customers', { expand: ['data.nope'] }), 400, { code: 'expand_invalid', param: 'expand' });
    expectError(await t.api().get('/v1/customers', { expand: ['nope'] }), 400, { code: 'expand_invalid', param: 'expand' });
  });
});
