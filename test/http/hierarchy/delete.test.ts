import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type TestApp } from '../../helpers/harness.js';
import { createCustomer, expectError } from '../customers/support.js';
import { chain, childIds, parentOf } from './support.js';

/** SPEC C-7: a customer with live children cannot be deleted (400 customer_has_children). */
describe.each(STORES)('hierarchy: deleting a parent (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());

  it('with live children: 400 customer_has_children, and nothing changes', async () => {
    const parent = await createCustomer(t.api(), { name: 'Holding', email: 'holding@example.com', external_id: `h-${Date.now()}` });
    const a = await createCustomer(t.api(), { parent: parent.id });
    const b = await createCustomer(t.api(), { parent: parent.id });
    const before = await t.api().get(`/v1/customers/${parent.id}`);
    const res = await t.api().del(`/v1/customers/${parent.id}`);
    expectError(res, 400, { code: 'customer_has_children', param: 'id' });
    expect(res.body.error.message).toContain(parent.id);
    expect(res.body.error.message).toContain('2 child customers');
    const after = await t.api().get(`/v1/customers/${parent.id}`);
    expect(after.body).toEqual(before.body);
    expect(after.headers.etag).toBe(before.headers.etag);
    expect(await childIds(t.api(), parent.id)).toEqual([b.id, a.id]);
    expect(await parentOf(t.api(), a.id)).toBe(parent.id);
    // Its external id is still taken: nothing was freed.
    expectError(await t.api().post('/v1/customers', { external_id: parent.external_id }), 409, { code: 'resource_already_exists' });
  });

  it('one child is named in the singular; grandchildren block their own parent', async () => {
    const [root, mid, leaf] = (await chain(t.api(), 3)) as [string, string, string];
    const res = await t.api().del(`/v1/customers/${mid}`);
    expectError(res, 400, { code: 'customer_has_children' });
    expect(res.body.error.message).toContain('1 child customer;');
    expectError(await t.api().del(`/v1/customers/${root}`), 400, { code: 'customer_has_children' });
    expect((await t.api().del(`/v1/customers/${leaf}`)).status).toBe(200);
    expect((await t.api().del(`/v1/customers/${mid}`)).status).toBe(200);
    expect((await t.api().del(`/v1/customers/${root}`)).body).toEqual({ id: root, object: 'customer', deleted: true });
  });

  it('after its children are deleted, the parent can be deleted', async () => {
    const parent = await createCustomer(t.api());
    const kids = [await createCustomer(t.api(), { parent: parent.id }), await createCustomer(t.api(), { parent: parent.id })];
    for (const kid of kids) expect((await t.api().del(`/v1/customers/${kid.id}`)).status).toBe(200);
    const res = await t.api().del(`/v1/customers/${parent.id}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ id: parent.id, object: 'customer', deleted: true });
  });

  it('after its children are detached or moved, the parent can be deleted and they stay live', async () => {
    const parent = await createCustomer(t.api());
    const elsewhere = await createCustomer(t.api());
    const detached = await createCustomer(t.api(), { parent: parent.id });
    const moved = await createCustomer(t.api(), { parent: parent.id });
    expectError(await t.api().del(`/v1/customers/${parent.id}`), 400, { code: 'customer_has_children' });
    await t.api().post(`/v1/customers/${detached.id}`, { parent: '' });
    expectError(await t.api().del(`/v1/customers/${parent.id}`), 400, { code: 'customer_has_children' });
    await t.api().post(`/v1/customers/${moved.id}`, { parent: elsewhere.id });
    expect((await t.api().del(`/v1/customers/${parent.id}`)).status).toBe(200);
    expect(await parentOf(t.api(), detached.id)).toBeNull();
    expect(await parentOf(t.api(), moved.id)).toBe(elsewhere.id);
  });

  it('a deleted child keeps nothing alive: its tombstone does not block the parent', async () => {
    const parent = await createCustomer(t.api());
    const child = await createCustomer(t.api(), { parent: parent.id });
    await t.api().del(`/v1/customers/${child.id}`);
    expect((await t.api().get(`/v1/customers/${child.id}`)).body).toEqual({ id: child.id, object: 'customer', deleted: true });
    expect((await t.api().del(`/v1/customers/${parent.id}`)).status).toBe(200);
  });
});
