import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type ApiResponse, type TestApp } from '../../helpers/harness.js';
import { createCustomer } from '../customers/support.js';
import { ancestry, chain, childIds, parentOf } from './support.js';

const ROUNDS = 40;

function codeOf(res: ApiResponse): string | null {
  return res.status === 200 ? null : ((res.body?.error?.code as string | undefined) ?? `status ${res.status}`);
}

/**
 * SPEC H-2 under concurrency: the cycle, depth and has-children checks run inside the writing
 * transaction under one lock per account and mode, so racing writers can never slip a cycle,
 * an over-deep tree or an orphan past them. On PostgreSQL the requests really overlap (a pool
 * of connections); on SQLite writes are serialised by the database itself.
 */
describe.each(STORES)('hierarchy: concurrent changes (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());

  it(`A under B racing B under A: never both, never a cycle (${ROUNDS} rounds)`, async () => {
    const api = t.api();
    const a = await createCustomer(api, { name: 'A' });
    const b = await createCustomer(api, { name: 'B' });
    const outcomes = new Map<string, number>();
    for (let round = 0; round < ROUNDS; round++) {
      // Both start as roots.
      for (const id of [a.id, b.id]) expect((await api.post(`/v1/customers/${id}`, { parent: '' })).status).toBe(200);
      const [aUnderB, bUnderA] = await Promise.all([
        api.post(`/v1/customers/${a.id}`, { parent: b.id }),
        api.post(`/v1/customers/${b.id}`, { parent: a.id }),
      ]);
      const codes = [codeOf(aUnderB), codeOf(bUnderA)];
      const key = codes.map((c) => c ?? 'ok').join('/');
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
      // Exactly one wins; the other is refused as a cycle (never a 500, never both).
      expect(codes.filter((c) => c === null), `round ${round}: ${key}`).toHaveLength(1);
      expect(codes.filter((c) => c === 'hierarchy_cycle'), `round ${round}: ${key}`).toHaveLength(1);
      const pa = await parentOf(api, a.id);
      const pb = await parentOf(api, b.id);
      expect(pa === b.id && pb === a.id, `round ${round}: cycle A<->B`).toBe(false);
      expect([pa, pb].filter((p) => p !== null)).toHaveLength(1);
      await ancestry(api, a.id);
      await ancestry(api, b.id);
    }
    expect([...outcomes.values()].reduce((s, n) => s + n, 0)).toBe(ROUNDS);
  });

  it('a three-way race (A under B, B under C, C under A) never closes the loop', async () => {
    const api = t.api();
    const ids = [
      (await createCustomer(api)).id,
      (await createCustomer(api)).id,
      (await createCustomer(api)).id,
    ] as [string, string, string];
    for (let round = 0; round < ROUNDS / 2; round++) {
      for (const id of ids) await api.post(`/v1/customers/${id}`, { parent: '' });
      const results = await Promise.all(ids.map((id, i) => api.post(`/v1/customers/${id}`, { parent: ids[(i + 1) % 3] })));
      const codes = results.map(codeOf);
      expect(codes.filter((c) => c === null).length, codes.join('/')).toBe(2);
      expect(codes.filter((c) => c !== null && c !== 'hierarchy_cycle'), codes.join('/')).toEqual([]);
      for (const id of ids) expect((await ancestry(api, id)).length).toBeLessThanOrEqual(3);
    }
  });

  it('two moves that are each within the depth limit, but not together: one is refused', async () => {
    const api = t.api();
    for (let round = 0; round < ROUNDS / 4; round++) {
      // l1 → l2 → l3 (3 levels) and a two-level subtree s1 → s2, and a lone root q.
      const [l1, , l3] = (await chain(api, 3)) as [string, string, string];
      const [s1, s2] = (await chain(api, 2)) as [string, string];
      const q = (await createCustomer(api)).id;
      // s1 under l3 makes 5 levels; l1 under q makes 4. Together: 6.
      const [sUnderL, lUnderQ] = await Promise.all([
        api.post(`/v1/customers/${s1}`, { parent: l3 }),
        api.post(`/v1/customers/${l1}`, { parent: q }),
      ]);
      const codes = [codeOf(sUnderL), codeOf(lUnderQ)];
      expect(codes.filter((c) => c === null).length, codes.join('/')).toBe(1);
      expect(codes.filter((c) => c === 'hierarchy_too_deep').length, codes.join('/')).toBe(1);
      expect((await ancestry(api, s2)).length).toBeLessThanOrEqual(5);
    }
  });

  it('creating a child of X racing the delete of X: never a live child under a deleted parent', async () => {
    const api = t.api();
    const seen = new Set<string>();
    for (let round = 0; round < ROUNDS; round++) {
      const x = await createCustomer(api, { name: `X${round}` });
      const [create, remove] = await Promise.all([
        api.post('/v1/customers', { name: 'child', parent: x.id }),
        api.del(`/v1/customers/${x.id}`),
      ]);
      const key = `${codeOf(create) ?? 'ok'}/${codeOf(remove) ?? 'ok'}`;
      seen.add(key);
      // Either the child came first (then X must survive), or the delete did (then no child).
      expect(['ok/customer_has_children', 'resource_missing/ok'], `round ${round}`).toContain(key);
      const xNow = await api.get(`/v1/customers/${x.id}`);
      if (create.status === 200) {
        expect(xNow.body.deleted).toBeUndefined();
        expect(await parentOf(api, create.body.id)).toBe(x.id);
        expect(await childIds(api, x.id)).toEqual([create.body.id]);
        // Clean up so the next round's parent is not blocked.
        await api.del(`/v1/customers/${create.body.id}`);
      } else {
        expect(xNow.body).toEqual({ id: x.id, object: 'customer', deleted: true });
      }
    }
    expect(seen.size).toBeGreaterThan(0);
  });

  it('moving a customer under X racing the delete of X: never a live child under a deleted parent', async () => {
    const api = t.api();
    for (let round = 0; round < ROUNDS / 2; round++) {
      const x = await createCustomer(api);
      const mover = await createCustomer(api);
      const [move, remove] = await Promise.all([
        api.post(`/v1/customers/${mover.id}`, { parent: x.id }),
        api.del(`/v1/customers/${x.id}`),
      ]);
      const key = `${codeOf(move) ?? 'ok'}/${codeOf(remove) ?? 'ok'}`;
      expect(['ok/customer_has_children', 'resource_missing/ok'], `round ${round}`).toContain(key);
      const parent = await parentOf(api, mover.id);
      const xNow = await api.get(`/v1/customers/${x.id}`);
      if (parent !== null) expect(xNow.body.deleted).toBeUndefined();
    }
  });

  it('re-parenting X racing the delete of X: each answers cleanly (no 500), whatever the order', async () => {
    const api = t.api();
    for (let round = 0; round < ROUNDS / 2; round++) {
      const p = await createCustomer(api);
      const x = await createCustomer(api);
      const [move, remove] = await Promise.all([api.post(`/v1/customers/${x.id}`, { parent: p.id }), api.del(`/v1/customers/${x.id}`)]);
      const key = `${codeOf(move) ?? 'ok'}/${codeOf(remove) ?? 'ok'}`;
      // The move first, then the delete (both succeed), or the delete first (the move is a 404).
      expect(['ok/ok', 'resource_missing/ok'], `round ${round}`).toContain(key);
      expect((await api.get(`/v1/customers/${x.id}`)).body.deleted).toBe(true);
      expect(await childIds(api, p.id)).toEqual([]);
    }
  });
});
