import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type TestApp } from '../../helpers/harness.js';
import {
  allCustomerIds,
  createCustomer,
  expectCustomer,
  expectError,
  freshAccount,
  missingCustomerId,
  uniqueSuffix,
} from './support.js';

/** SPEC C-7: delete erases, keeps a tombstone, frees external_id and email. */
describe.each(STORES)('customers: delete (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());

  it('returns the deleted stub, and GET returns the same stub with 200', async () => {
    const c = await createCustomer(t.api(), { email: 'del@example.com', name: 'To Delete', metadata: { a: '1' } });
    const res = await t.api().del(`/v1/customers/${c.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: c.id, object: 'customer', deleted: true });
    const got = await t.api().get(`/v1/customers/${c.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual({ id: c.id, object: 'customer', deleted: true });
    // No personal data survives in what the API returns.
    expect(got.raw.body).not.toContain('del@example.com');
    expect(got.raw.body).not.toContain('To Delete');
  });

  it('a deleted customer cannot be updated or deleted again (404)', async () => {
    const c = await createCustomer(t.api(), { name: 'Gone' });
    expect((await t.api().del(`/v1/customers/${c.id}`)).status).toBe(200);
    const update = await t.api().post(`/v1/customers/${c.id}`, { name: 'Back' });
    expectError(update, 404, { code: 'resource_missing', param: 'id' });
    expect(update.body.error.message).toContain(c.id);
    expectError(await t.api().del(`/v1/customers/${c.id}`), 404, { code: 'resource_missing' });
    expect((await t.api().get(`/v1/customers/${c.id}`)).body).toEqual({ id: c.id, object: 'customer', deleted: true });
  });

  it('deleting a missing customer is 404 resource_missing', async () => {
    const id = missingCustomerId();
    const res = await t.api().del(`/v1/customers/${id}`);
    expectError(res, 404, { code: 'resource_missing', param: 'id' });
    expect(res.body.error.message).toContain(id);
  });

  it('deleted customers are not listed, not found by filters, nor by external lookup', async () => {
    const { api } = await freshAccount(t);
    const ext = `ext-${uniqueSuffix()}`;
    const keep = await createCustomer(api, { name: 'keep' });
    const gone = await createCustomer(api, { email: 'gone@example.com', external_id: ext, metadata: { k: 'v' } });
    expect(await allCustomerIds(api)).toEqual([gone.id, keep.id]);
    expect((await api.del(`/v1/customers/${gone.id}`)).status).toBe(200);
    expect(await allCustomerIds(api)).toEqual([keep.id]);
    expect(await allCustomerIds(api, { email: 'gone@example.com' })).toEqual([]);
    expect(await allCustomerIds(api, { external_id: ext })).toEqual([]);
    expect(await allCustomerIds(api, { metadata: { k: 'v' } })).toEqual([]);
    expectError(await api.get(`/v1/customers/external/${ext}`), 404, { code: 'resource_missing' });
  });

  it('frees the external_id: a new customer may take it and lookups find the new one', async () => {
    const ext = `ext-${uniqueSuffix()}`;
    const first = await createCustomer(t.api(), { external_id: ext });
    expect((await t.api().post('/v1/customers', { external_id: ext })).status).toBe(409);
    await t.api().del(`/v1/customers/${first.id}`);
    const second = await createCustomer(t.api(), { external_id: ext });
    expect(second.id).not.toBe(first.id);
    expect(second.external_id).toBe(ext);
    const lookup = await t.api().get(`/v1/customers/external/${ext}`);
    expect(lookup.status).toBe(200);
    expect(lookup.body.id).toBe(second.id);
  });

  it('frees the email when unique emails are on', async () => {
    const { account, api } = await freshAccount(t);
    await t.services.accounts.setUniqueEmails(account.id, true);
    const first = await createCustomer(api, { email: 'once@example.com' });
    expectError(await api.post('/v1/customers', { email: 'once@example.com' }), 409, { code: 'resource_already_exists' });
    await api.del(`/v1/customers/${first.id}`);
    const second = await createCustomer(api, { email: 'ONCE@example.com' });
    expectCustomer(second);
    expect(second.email).toBe('ONCE@example.com');
  });
});
