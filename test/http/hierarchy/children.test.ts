import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type TestApp } from '../../helpers/harness.js';
import { allCustomerIds, createCustomer, expectCustomer, expectError, freshAccount, missingCustomerId } from '../customers/support.js';
import { childIds } from './support.js';

/** SPEC H-3, C-1, C-2: the children list, the parent filter, expand[]=parent and children_count. */
describe.each(STORES)('hierarchy: children, filter and expansions (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());

  describe('GET /v1/customers/:id/children', () => {
    it('lists direct children only, newest first, in the list envelope', async () => {
      const { api } = await freshAccount(t);
      const parent = await createCustomer(api);
      const older = await createCustomer(api, { parent: parent.id, name: 'older' });
      const newer = await createCustomer(api, { parent: parent.id, name: 'newer' });
      await createCustomer(api, { parent: older.id, name: 'grandchild' });
      await createCustomer(api, { name: 'unrelated' });
      const res = await api.get(`/v1/customers/${parent.id}/children`);
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(['data', 'has_more', 'object', 'url']);
      expect(res.body.object).toBe('list');
      expect(res.body.url).toBe(`/v1/customers/${parent.id}/children`);
      expect(res.body.has_more).toBe(false);
      expect(res.body.data.map((c: { id: string }) => c.id)).toEqual([newer.id, older.id]);
      for (const c of res.body.data) {
        expectCustomer(c);
        expect(c.parent).toBe(parent.id);
      }
    });

    it('a customer without children has an empty list', async () => {
      const lonely = await createCustomer(t.api());
      const res = await t.api().get(`/v1/customers/${lonely.id}/children`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ object: 'list', url: `/v1/customers/${lonely.id}/children`, has_more: false, data: [] });
    });

    it('pages with limit, starting_after and ending_before', async () => {
      const parent = await createCustomer(t.api());
      const made: string[] = [];
      for (let i = 0; i < 7; i++) made.push((await createCustomer(t.api(), { parent: parent.id })).id);
      const newestFirst = [...made].reverse();
      const first = await t.api().get(`/v1/customers/${parent.id}/children`, { limit: 3 });
      expect(first.body.data.map((c: { id: string }) => c.id)).toEqual(newestFirst.slice(0, 3));
      expect(first.body.has_more).toBe(true);
      const second = await t.api().get(`/v1/customers/${parent.id}/children`, { limit: 3, starting_after: newestFirst[2] });
      expect(second.body.data.map((c: { id: string }) => c.id)).toEqual(newestFirst.slice(3, 6));
      expect(second.body.has_more).toBe(true);
      const last = await t.api().get(`/v1/customers/${parent.id}/children`, { limit: 3, starting_after: newestFirst[5] });
      expect(last.body.data.map((c: { id: string }) => c.id)).toEqual(newestFirst.slice(6));
      expect(last.body.has_more).toBe(false);
      const back = await t.api().get(`/v1/customers/${parent.id}/children`, { limit: 2, ending_before: newestFirst[4] });
      expect(back.body.data.map((c: { id: string }) => c.id)).toEqual(newestFirst.slice(2, 4));
      expect(back.body.has_more).toBe(true);
      expect(await childIds(t.api(), parent.id)).toEqual(newestFirst);
    });

    it('follows list conventions for bad parameters', async () => {
      const parent = await createCustomer(t.api());
      const child = await createCustomer(t.api(), { parent: parent.id });
      const path = `/v1/customers/${parent.id}/children`;
      expectError(await t.api().get(path, { limit: 0 }), 400, { code: 'parameter_invalid_integer', param: 'limit' });
      expectError(await t.api().get(path, { limit: 101 }), 400, { code: 'parameter_invalid_integer', param: 'limit' });
      expectError(await t.api().get(path, { starting_after: child.id, ending_before: child.id }), 400, {
        code: 'parameters_exclusive',
      });
      expectError(await t.api().get(path, { foo: 'bar' }), 400, { code: 'parameter_unknown', param: 'foo' });
      expectError(await t.api().get(path, { starting_after: missingCustomerId() }), 400, {
        code: 'resource_missing',
        param: 'starting_after',
      });
      expectError(await t.api().get(path, { expand: ['data.nope'] }), 400, { code: 'expand_invalid' });
    });

    it('leaves out deleted and detached children', async () => {
      const parent = await createCustomer(t.api());
      const keep = await createCustomer(t.api(), { parent: parent.id });
      const deleted = await createCustomer(t.api(), { parent: parent.id });
      const detached = await createCustomer(t.api(), { parent: parent.id });
      await t.api().del(`/v1/customers/${deleted.id}`);
      await t.api().post(`/v1/customers/${detached.id}`, { parent: '' });
      expect(await childIds(t.api(), parent.id)).toEqual([keep.id]);
    });

    // A foreign or other-mode customer answers exactly like a missing one: test/security/shared-suite.test.ts.
    it('is 404 for a missing or deleted customer', async () => {
      const { api } = await freshAccount(t);
      const missing = missingCustomerId();
      const absent = await api.get(`/v1/customers/${missing}/children`);
      expectError(absent, 404, { code: 'resource_missing', param: 'id' });
      const gone = await createCustomer(api);
      await api.del(`/v1/customers/${gone.id}`);
      expectError(await api.get(`/v1/customers/${gone.id}/children`), 404, { code: 'resource_missing' });
    });

    it('expands data.children_count and data.parent', async () => {
      const parent = await createCustomer(t.api());
      const child = await createCustomer(t.api(), { parent: parent.id });
      await createCustomer(t.api(), { parent: child.id });
      await createCustomer(t.api(), { parent: child.id });
      const res = await t.api().get(`/v1/customers/${parent.id}/children`, { expand: ['data.children_count', 'data.parent'] });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.data).toHaveLength(1);
      expect(res.body.data[0].children_count).toBe(2);
      expect(res.body.data[0].parent.id).toBe(parent.id);
    });
  });

  describe('GET /v1/customers?parent=', () => {
    it('filters to direct children, newest first, and combines with other filters', async () => {
      const { api } = await freshAccount(t);
      const parent = await createCustomer(api);
      const a = await createCustomer(api, { parent: parent.id, metadata: { tier: 'gold' } });
      const b = await createCustomer(api, { parent: parent.id, metadata: { tier: 'silver' } });
      await createCustomer(api, { parent: a.id, metadata: { tier: 'gold' } });
      await createCustomer(api, { metadata: { tier: 'gold' } });
      expect(await allCustomerIds(api, { parent: parent.id })).toEqual([b.id, a.id]);
      expect(await allCustomerIds(api, { parent: parent.id, metadata: { tier: 'gold' } })).toEqual([a.id]);
      expect(await allCustomerIds(api, { parent: parent.id, limit: 1 })).toEqual([b.id, a.id]);
      const page = await api.get('/v1/customers', { parent: parent.id, limit: 1 });
      expect(page.body.has_more).toBe(true);
      expect(page.body.url).toBe('/v1/customers');
    });

    it('an empty parent filter is 400 parameter_invalid_empty', async () => {
      expectError(await t.api().get('/v1/customers', { parent: '' }), 400, { code: 'parameter_invalid_empty', param: 'parent' });
    });

    // A foreign or other-mode parent id answers exactly like this: test/security/shared-suite.test.ts.
    it('an unknown parent id matches nothing (no error)', async () => {
      const { api } = await freshAccount(t);
      await createCustomer(api);
      expect(await allCustomerIds(api, { parent: missingCustomerId() })).toEqual([]);
    });

    it('omits deleted children', async () => {
      const parent = await createCustomer(t.api());
      const kept = await createCustomer(t.api(), { parent: parent.id });
      const gone = await createCustomer(t.api(), { parent: parent.id });
      await t.api().del(`/v1/customers/${gone.id}`);
      expect(await allCustomerIds(t.api(), { parent: parent.id })).toEqual([kept.id]);
    });
  });

  describe('expand[]=parent and expand[]=children_count', () => {
    it('on retrieve: the parent is a full customer object; a root has null', async () => {
      const parent = await createCustomer(t.api(), { name: 'Parent Co', email: 'parent@example.com' });
      const child = await createCustomer(t.api(), { parent: parent.id });
      const res = await t.api().get(`/v1/customers/${child.id}`, { expand: ['parent'] });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expectCustomer(res.body.parent);
      expect(res.body.parent).toEqual((await t.api().get(`/v1/customers/${parent.id}`)).body);
      const root = await t.api().get(`/v1/customers/${parent.id}`, { expand: ['parent'] });
      expect(root.body.parent).toBeNull();
      // Without expand it stays an id.
      expect((await t.api().get(`/v1/customers/${child.id}`)).body.parent).toBe(parent.id);
    });

    it('on retrieve: children_count counts live direct children, and is absent unless asked', async () => {
      const parent = await createCustomer(t.api());
      const kids = [];
      for (let i = 0; i < 3; i++) kids.push(await createCustomer(t.api(), { parent: parent.id }));
      await createCustomer(t.api(), { parent: kids[0]?.id });
      await t.api().del(`/v1/customers/${kids[2]?.id}`);
      const res = await t.api().get(`/v1/customers/${parent.id}`, { expand: ['children_count'] });
      expect(res.body.children_count).toBe(2);
      expect((await t.api().get(`/v1/customers/${parent.id}`)).body).not.toHaveProperty('children_count');
      const leaf = await t.api().get(`/v1/customers/${kids[1]?.id}`, { expand: ['children_count'] });
      expect(leaf.body.children_count).toBe(0);
    });

    it('on list: data.parent and data.children_count for every row', async () => {
      const { api } = await freshAccount(t);
      const root = await createCustomer(api, { name: 'root' });
      const mid = await createCustomer(api, { parent: root.id, name: 'mid' });
      const leaf = await createCustomer(api, { parent: mid.id, name: 'leaf' });
      const res = await api.get('/v1/customers', { expand: ['data.parent', 'data.children_count'] });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const byId = new Map<string, Record<string, unknown>>(res.body.data.map((c: { id: string }) => [c.id, c]));
      expect((byId.get(leaf.id)?.parent as { id: string }).id).toBe(mid.id);
      expect((byId.get(mid.id)?.parent as { id: string }).id).toBe(root.id);
      expect(byId.get(root.id)?.parent).toBeNull();
      expect(byId.get(root.id)?.children_count).toBe(1);
      expect(byId.get(mid.id)?.children_count).toBe(1);
      expect(byId.get(leaf.id)?.children_count).toBe(0);
      // The list form needs the data. prefix.
      expectError(await api.get('/v1/customers', { expand: ['parent'] }), 400, { code: 'expand_invalid' });
    });

    it('on create and update, as committed', async () => {
      const parent = await createCustomer(t.api(), { name: 'P' });
      const created = await t.api().post('/v1/customers', { parent: parent.id, expand: ['parent', 'children_count'] });
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      expect(created.body.parent.id).toBe(parent.id);
      expect(created.body.parent.name).toBe('P');
      expect(created.body.children_count).toBe(0);
      const updated = await t.api().post(`/v1/customers/${parent.id}`, { name: 'P2', expand: ['children_count'] });
      expect(updated.body.children_count).toBe(1);
      const detached = await t.api().post(`/v1/customers/${created.body.id}`, { parent: '', expand: ['parent'] });
      expect(detached.body.parent).toBeNull();
    });
  });
});
