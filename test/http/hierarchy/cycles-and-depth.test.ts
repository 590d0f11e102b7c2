import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type TestApp } from '../../helpers/harness.js';
import { countCustomers, createCustomer, expectError, freshAccount, uniqueSuffix } from '../customers/support.js';
import { ancestry, chain, childIds, parentOf } from './support.js';

/** SPEC H-2: no customer is its own ancestor; a tree has at most 5 levels (a root is level 1). */
describe.each(STORES)('hierarchy: cycles and depth (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());

  describe('cycles', () => {
    it('a customer cannot be its own parent, by id or by its external id', async () => {
      const ext = `self-${uniqueSuffix()}`;
      const c = await createCustomer(t.api(), { external_id: ext });
      const byId = await t.api().post(`/v1/customers/${c.id}`, { parent: c.id });
      expectError(byId, 400, { code: 'hierarchy_cycle', param: 'parent' });
      expect(byId.body.error.message).toContain('own parent');
      const byExternal = await t.api().post(`/v1/customers/${c.id}`, { parent_external_id: ext });
      expectError(byExternal, 400, { code: 'hierarchy_cycle', param: 'parent_external_id' });
      expect(await parentOf(t.api(), c.id)).toBeNull();
    });

    it('a customer cannot move under its child or any deeper descendant; nothing changes', async () => {
      const [a, b, c, d] = (await chain(t.api(), 4)) as [string, string, string, string];
      const before = await t.api().get(`/v1/customers/${a}`);
      for (const descendant of [b, c, d]) {
        const res = await t.api().post(`/v1/customers/${a}`, { name: 'Moved', parent: descendant });
        expectError(res, 400, { code: 'hierarchy_cycle', param: 'parent' });
        expect(res.body.error.message).toContain(descendant);
        expect(res.body.error.message).toContain(a);
      }
      // A middle node cannot move under its own descendant either.
      expectError(await t.api().post(`/v1/customers/${b}`, { parent: d }), 400, { code: 'hierarchy_cycle', param: 'parent' });
      const after = await t.api().get(`/v1/customers/${a}`);
      expect(after.body).toEqual(before.body);
      expect(after.headers.etag).toBe(before.headers.etag);
      expect(await ancestry(t.api(), d)).toEqual([d, c, b, a]);
    });

    it('a cycle through parent_external_id is refused with that param', async () => {
      const ext = `leaf-${uniqueSuffix()}`;
      const root = await createCustomer(t.api());
      await createCustomer(t.api(), { parent: root.id, external_id: ext });
      const res = await t.api().post(`/v1/customers/${root.id}`, { parent_external_id: ext });
      expectError(res, 400, { code: 'hierarchy_cycle', param: 'parent_external_id' });
      expect(await parentOf(t.api(), root.id)).toBeNull();
    });

    it('moving under a sibling, a cousin or an unrelated tree is not a cycle', async () => {
      const root = await createCustomer(t.api());
      const left = await createCustomer(t.api(), { parent: root.id });
      const right = await createCustomer(t.api(), { parent: root.id });
      const leftChild = await createCustomer(t.api(), { parent: left.id });
      expect((await t.api().post(`/v1/customers/${right.id}`, { parent: leftChild.id })).status).toBe(200);
      expect(await ancestry(t.api(), right.id)).toEqual([right.id, leftChild.id, left.id, root.id]);
      const other = await createCustomer(t.api());
      expect((await t.api().post(`/v1/customers/${left.id}`, { parent: other.id })).status).toBe(200);
      expect(await ancestry(t.api(), right.id)).toEqual([right.id, leftChild.id, left.id, other.id]);
      expect(await childIds(t.api(), root.id)).toEqual([]);
    });
  });

  describe('depth (default 5 levels)', () => {
    it('creates five levels; a sixth is 400 hierarchy_too_deep and is not created', async () => {
      const { api } = await freshAccount(t);
      const ids = await chain(api, 5);
      expect(await ancestry(api, ids[4] as string)).toEqual([...ids].reverse());
      const res = await api.post('/v1/customers', { name: 'Too deep', parent: ids[4] });
      expectError(res, 400, { code: 'hierarchy_too_deep', param: 'parent' });
      expect(res.body.error.message).toContain('6 levels');
      expect(res.body.error.message).toContain('at most 5');
      expect(await countCustomers(api)).toBe(5);
      expect(await childIds(api, ids[4] as string)).toEqual([]);
    });

    it('the limit holds by parent_external_id too', async () => {
      const ids = await chain(t.api(), 4);
      const ext = `level5-${uniqueSuffix()}`;
      await createCustomer(t.api(), { parent: ids[3], external_id: ext });
      expectError(await t.api().post('/v1/customers', { parent_external_id: ext }), 400, {
        code: 'hierarchy_too_deep',
        param: 'parent_external_id',
      });
    });

    it('an update that puts a root at level 6 is refused; at level 5 it is allowed', async () => {
      const ids = await chain(t.api(), 5);
      const loner = await createCustomer(t.api(), { name: 'Loner' });
      const before = await t.api().get(`/v1/customers/${loner.id}`);
      expectError(await t.api().post(`/v1/customers/${loner.id}`, { name: 'x', parent: ids[4] }), 400, {
        code: 'hierarchy_too_deep',
        param: 'parent',
      });
      expect((await t.api().get(`/v1/customers/${loner.id}`)).body).toEqual(before.body);
      const ok = await t.api().post(`/v1/customers/${loner.id}`, { parent: ids[3] });
      expect(ok.status, JSON.stringify(ok.body)).toBe(200);
      expect((await ancestry(t.api(), loner.id)).length).toBe(5);
    });

    it('moving a subtree counts its height: exactly 5 levels pass, 6 are refused', async () => {
      // Target tree: t1 → t2 → t3. Subtree: s1 → s2 → s3 (height 3).
      const [t1, t2, t3] = (await chain(t.api(), 3)) as [string, string, string];
      const [s1, s2, s3] = (await chain(t.api(), 3)) as [string, string, string];
      // Under t3: 3 ancestors + height 3 = 6 levels.
      const deep = await t.api().post(`/v1/customers/${s1}`, { parent: t3 });
      expectError(deep, 400, { code: 'hierarchy_too_deep', param: 'parent' });
      expect(deep.body.error.message).toContain('6 levels');
      expect(await parentOf(t.api(), s1)).toBeNull();
      // Under t2: 2 + 3 = 5 levels.
      expect((await t.api().post(`/v1/customers/${s1}`, { parent: t2 })).status).toBe(200);
      expect(await ancestry(t.api(), s3)).toEqual([s3, s2, s1, t2, t1]);
      // Now the tree is full: nothing may go under s3, and t1 may not go under anything.
      expectError(await t.api().post('/v1/customers', { parent: s3 }), 400, { code: 'hierarchy_too_deep' });
      const other = await createCustomer(t.api());
      expectError(await t.api().post(`/v1/customers/${t1}`, { parent: other.id }), 400, { code: 'hierarchy_too_deep' });
      // Moving a middle node (height 2) deeper: s2 under t3 is 3 + 2 = 5, allowed.
      expect((await t.api().post(`/v1/customers/${s2}`, { parent: t3 })).status).toBe(200);
      expect(await ancestry(t.api(), s3)).toEqual([s3, s2, t3, t2, t1]);
    });

    it('a subtree takes its deepest branch into account, not its first', async () => {
      const [a1, a2] = (await chain(t.api(), 2)) as [string, string];
      const s = await createCustomer(t.api());
      await createCustomer(t.api(), { parent: s.id }); // a shallow branch, created first
      const deepBranch = await chain(t.api(), 3);
      await t.api().post(`/v1/customers/${deepBranch[0] as string}`, { parent: s.id }); // s is now 4 high
      expectError(await t.api().post(`/v1/customers/${s.id}`, { parent: a2 }), 400, { code: 'hierarchy_too_deep' });
      expect((await t.api().post(`/v1/customers/${s.id}`, { parent: a1 })).status).toBe(200);
    });

    it('deleted descendants do not count towards the height of a subtree', async () => {
      const [, , , l4] = (await chain(t.api(), 4)) as [string, string, string, string];
      const [s1, s2] = (await chain(t.api(), 2)) as [string, string];
      expectError(await t.api().post(`/v1/customers/${s1}`, { parent: l4 }), 400, { code: 'hierarchy_too_deep' });
      expect((await t.api().del(`/v1/customers/${s2}`)).status).toBe(200);
      expect((await t.api().post(`/v1/customers/${s1}`, { parent: l4 })).status).toBe(200);
    });

    it('detaching from a full tree is always allowed', async () => {
      const ids = await chain(t.api(), 5);
      const res = await t.api().post(`/v1/customers/${ids[2] as string}`, { parent: '' });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(await ancestry(t.api(), ids[4] as string)).toEqual([ids[4], ids[3], ids[2]]);
    });
  });

  describe('a configured depth (CLIENTELE_MAX_HIERARCHY_DEPTH=3)', () => {
    let small: TestApp;
    beforeAll(async () => {
      small = await createTestApp(kind, { CLIENTELE_MAX_HIERARCHY_DEPTH: '3' });
    });
    afterAll(async () => small?.close());

    it('allows three levels and refuses a fourth, on create and on move', async () => {
      expect(small.config.maxHierarchyDepth).toBe(3);
      const api = small.api();
      const [l1, l2, l3] = (await chain(api, 3)) as [string, string, string];
      const res = await api.post('/v1/customers', { parent: l3 });
      expectError(res, 400, { code: 'hierarchy_too_deep', param: 'parent' });
      expect(res.body.error.message).toContain('at most 3');
      const pair = await chain(api, 2);
      expectError(await api.post(`/v1/customers/${pair[0] as string}`, { parent: l2 }), 400, { code: 'hierarchy_too_deep' });
      expect((await api.post(`/v1/customers/${pair[0] as string}`, { parent: l1 })).status).toBe(200);
      expect(await ancestry(api, pair[1] as string)).toEqual([pair[1], pair[0], l1]);
    });
  });
});
