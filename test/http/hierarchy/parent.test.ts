import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type TestApp } from '../../helpers/harness.js';
import {
  countCustomers,
  createCustomer,
  expectCustomer,
  expectError,
  freshAccount,
  missingCustomerId,
  uniqueSuffix,
} from '../customers/support.js';
import { childIds, parentOf } from './support.js';

/** SPEC H-1, H-2: a parent by id or by external id, never both; it must be live and ours. */
describe.each(STORES)('hierarchy: setting the parent (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());

  describe('on create', () => {
    it('by id: the child names the parent, which lists it as a child', async () => {
      const parent = await createCustomer(t.api(), { name: 'Parent' });
      const child = await createCustomer(t.api(), { name: 'Child', parent: parent.id });
      expectCustomer(child);
      expect(child.parent).toBe(parent.id);
      expect(await parentOf(t.api(), child.id)).toBe(parent.id);
      expect(await childIds(t.api(), parent.id)).toEqual([child.id]);
    });

    it('by parent_external_id: resolved to the parent id', async () => {
      const ext = `org-${uniqueSuffix()}`;
      const parent = await createCustomer(t.api(), { external_id: ext });
      const child = await createCustomer(t.api(), { parent_external_id: ext });
      expect(child.parent).toBe(parent.id);
      expect(child).not.toHaveProperty('parent_external_id');
      expect(await childIds(t.api(), parent.id)).toEqual([child.id]);
    });

    it('by id in a JSON body', async () => {
      const parent = await createCustomer(t.api());
      const res = await t.api().postJson('/v1/customers', { parent: parent.id });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.parent).toBe(parent.id);
    });

    it('an empty parent (or JSON null) creates a root', async () => {
      const viaForm = await createCustomer(t.api(), { parent: '' });
      expect(viaForm.parent).toBeNull();
      const viaJson = await t.api().postJson('/v1/customers', { parent: null });
      expect(viaJson.status, JSON.stringify(viaJson.body)).toBe(200);
      expect(viaJson.body.parent).toBeNull();
      const viaExternal = await createCustomer(t.api(), { parent_external_id: '' });
      expect(viaExternal.parent).toBeNull();
    });

    it('parent and parent_external_id together: 400 parameters_exclusive, nothing created', async () => {
      const { api } = await freshAccount(t);
      const ext = `org-${uniqueSuffix()}`;
      const parent = await createCustomer(api, { external_id: ext });
      const before = await countCustomers(api);
      for (const params of [
        { parent: parent.id, parent_external_id: ext },
        { parent: '', parent_external_id: ext },
        { parent: parent.id, parent_external_id: '' },
      ]) {
        const res = await api.post('/v1/customers', params);
        expectError(res, 400, { code: 'parameters_exclusive', param: 'parent_external_id' });
        expect(res.body.error.message).toContain('parent');
        expect(res.body.error.message).toContain('parent_external_id');
      }
      const json = await api.postJson('/v1/customers', { parent: parent.id, parent_external_id: ext });
      expectError(json, 400, { code: 'parameters_exclusive', param: 'parent_external_id' });
      expect(await countCustomers(api)).toBe(before);
      expect(await childIds(api, parent.id)).toEqual([]);
    });

    it('a parent id that does not exist: 400 resource_missing on param parent, nothing created', async () => {
      const { api } = await freshAccount(t);
      const id = missingCustomerId();
      const res = await api.post('/v1/customers', { name: 'Orphan', parent: id });
      expectError(res, 400, { code: 'resource_missing', param: 'parent' });
      expect(res.body.error.message).toContain(id);
      expect(await countCustomers(api)).toBe(0);
    });

    it('a parent_external_id no live customer has: 400 resource_missing on param parent_external_id', async () => {
      const { api } = await freshAccount(t);
      const ext = `nobody-${uniqueSuffix()}`;
      const res = await api.post('/v1/customers', { parent_external_id: ext });
      expectError(res, 400, { code: 'resource_missing', param: 'parent_external_id' });
      expect(res.body.error.message).toContain(ext);
      expect(await countCustomers(api)).toBe(0);
    });

    it('a deleted parent, by id or by its former external id: 400 resource_missing', async () => {
      const ext = `gone-${uniqueSuffix()}`;
      const parent = await createCustomer(t.api(), { external_id: ext });
      expect((await t.api().del(`/v1/customers/${parent.id}`)).status).toBe(200);
      expectError(await t.api().post('/v1/customers', { parent: parent.id }), 400, { code: 'resource_missing', param: 'parent' });
      expectError(await t.api().post('/v1/customers', { parent_external_id: ext }), 400, {
        code: 'resource_missing',
        param: 'parent_external_id',
      });
    });
    // Another account's or mode's customer as parent (by id or external_id) answers exactly like a
    // missing one: test/security/shared-suite.test.ts.
  });

  describe('on update', () => {
    it('sets, moves and keeps the parent; a body without parent leaves it alone', async () => {
      const first = await createCustomer(t.api());
      const second = await createCustomer(t.api());
      const child = await createCustomer(t.api());
      const set = await t.api().post(`/v1/customers/${child.id}`, { parent: first.id });
      expect(set.status, JSON.stringify(set.body)).toBe(200);
      expect(set.body.parent).toBe(first.id);
      const untouched = await t.api().post(`/v1/customers/${child.id}`, { name: 'Renamed' });
      expect(untouched.body.parent).toBe(first.id);
      const moved = await t.api().post(`/v1/customers/${child.id}`, { parent: second.id });
      expect(moved.body.parent).toBe(second.id);
      expect(await childIds(t.api(), first.id)).toEqual([]);
      expect(await childIds(t.api(), second.id)).toEqual([child.id]);
      const same = await t.api().post(`/v1/customers/${child.id}`, { parent: second.id });
      expect(same.status).toBe(200);
      expect(same.body.parent).toBe(second.id);
    });

    it('by parent_external_id', async () => {
      const ext = `org-${uniqueSuffix()}`;
      const parent = await createCustomer(t.api(), { external_id: ext });
      const child = await createCustomer(t.api());
      const res = await t.api().post(`/v1/customers/${child.id}`, { parent_external_id: ext });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.parent).toBe(parent.id);
      expect(await parentOf(t.api(), child.id)).toBe(parent.id);
    });

    it('through create-or-update by external id', async () => {
      const parent = await createCustomer(t.api());
      const ext = `upsert-${uniqueSuffix()}`;
      const created = await t.api().post(`/v1/customers/external/${ext}`, { parent: parent.id });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body.parent).toBe(parent.id);
      const detached = await t.api().post(`/v1/customers/external/${ext}`, { parent: '' });
      expect(detached.status).toBe(200);
      expect(detached.body.parent).toBeNull();
      expectError(await t.api().post(`/v1/customers/external/${ext}`, { parent: created.body.id }), 400, {
        code: 'hierarchy_cycle',
        param: 'parent',
      });
    });

    it('`parent=` detaches (form and JSON null), and so does `parent_external_id=`', async () => {
      const parent = await createCustomer(t.api());
      const child = await createCustomer(t.api(), { parent: parent.id });
      const viaForm = await t.api().post(`/v1/customers/${child.id}`, { parent: '' });
      expect(viaForm.status, JSON.stringify(viaForm.body)).toBe(200);
      expect(viaForm.body.parent).toBeNull();
      expect(await parentOf(t.api(), child.id)).toBeNull();
      expect(await childIds(t.api(), parent.id)).toEqual([]);

      await t.api().post(`/v1/customers/${child.id}`, { parent: parent.id });
      const viaJson = await t.api().postJson(`/v1/customers/${child.id}`, { parent: null });
      expect(viaJson.status).toBe(200);
      expect(viaJson.body.parent).toBeNull();

      await t.api().post(`/v1/customers/${child.id}`, { parent: parent.id });
      const viaExternal = await t.api().post(`/v1/customers/${child.id}`, { parent_external_id: '' });
      expect(viaExternal.status).toBe(200);
      expect(viaExternal.body.parent).toBeNull();

      // Detaching a root is a no-op, not an error.
      expect((await t.api().post(`/v1/customers/${child.id}`, { parent: '' })).body.parent).toBeNull();
    });

    it('both parameters: 400 parameters_exclusive and nothing changes', async () => {
      const ext = `org-${uniqueSuffix()}`;
      const parent = await createCustomer(t.api(), { external_id: ext });
      const child = await createCustomer(t.api(), { name: 'Before' });
      const before = await t.api().get(`/v1/customers/${child.id}`);
      const res = await t.api().post(`/v1/customers/${child.id}`, { name: 'After', parent: parent.id, parent_external_id: ext });
      expectError(res, 400, { code: 'parameters_exclusive', param: 'parent_external_id' });
      const after = await t.api().get(`/v1/customers/${child.id}`);
      expect(after.body).toEqual(before.body);
      expect(after.headers.etag).toBe(before.headers.etag);
    });

    // A foreign or other-mode parent answers exactly like a missing one: test/security/shared-suite.test.ts.
    it('a missing or deleted parent: 400 resource_missing and nothing changes', async () => {
      const { api } = await freshAccount(t);
      const current = await createCustomer(api);
      const child = await createCustomer(api, { parent: current.id, name: 'Stays' });
      const deleted = await createCustomer(api);
      await api.del(`/v1/customers/${deleted.id}`);
      const before = await api.get(`/v1/customers/${child.id}`);
      for (const id of [missingCustomerId(), deleted.id]) {
        const res = await api.post(`/v1/customers/${child.id}`, { name: 'Changed', parent: id });
        expectError(res, 400, { code: 'resource_missing', param: 'parent' });
        expect(res.body.error.message).toContain(id);
      }
      const byExternal = await api.post(`/v1/customers/${child.id}`, { parent_external_id: `none-${uniqueSuffix()}` });
      expectError(byExternal, 400, { code: 'resource_missing', param: 'parent_external_id' });
      const after = await api.get(`/v1/customers/${child.id}`);
      expect(after.body).toEqual(before.body);
      expect(after.body.parent).toBe(current.id);
    });

    it('a deleted customer cannot be given a parent (404), nor be named as one', async () => {
      const parent = await createCustomer(t.api());
      const gone = await createCustomer(t.api());
      await t.api().del(`/v1/customers/${gone.id}`);
      expectError(await t.api().post(`/v1/customers/${gone.id}`, { parent: parent.id }), 404, {
        code: 'resource_missing',
        param: 'id',
      });
      const child = await createCustomer(t.api());
      expectError(await t.api().post(`/v1/customers/${child.id}`, { parent: gone.id }), 400, {
        code: 'resource_missing',
        param: 'parent',
      });
    });

    it('an over-long or non-string parent is rejected before any lookup', async () => {
      const child = await createCustomer(t.api());
      expectError(await t.api().post(`/v1/customers/${child.id}`, { parent: `cus_${'x'.repeat(300)}` }), 400, { code: 'parameter_invalid_string_too_long', param: 'parent' });
      expectError(await t.api().postJson(`/v1/customers/${child.id}`, { parent: ['cus_a'] }), 400, { code: 'parameter_invalid', param: 'parent' });
      expectError(await t.api().postJson(`/v1/customers/${child.id}`, { parent: 5 }), 400, { code: 'parameter_invalid', param: 'parent' });
      expect(await parentOf(t.api(), child.id)).toBeNull();
    });
  });
});
