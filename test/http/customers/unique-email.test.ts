import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type TestApp } from '../../helpers/harness.js';
import { allCustomerIds, countCustomers, createCustomer, expectError, freshAccount } from './support.js';

/** SPEC C-6: email uniqueness is an account setting, off by default. */
describe.each(STORES)('customers: unique emails (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());

  async function strictAccount() {
    const fresh = await freshAccount(t);
    await t.services.accounts.setUniqueEmails(fresh.account.id, true);
    return fresh;
  }

  it('is off by default: duplicate emails are allowed', async () => {
    const { api } = await freshAccount(t);
    const a = await createCustomer(api, { email: 'dup@example.com' });
    const b = await createCustomer(api, { email: 'dup@example.com' });
    const c = await createCustomer(api, { email: 'DUP@example.com' });
    expect(await allCustomerIds(api, { email: 'dup@example.com' })).toEqual([b.id, a.id]);
    expect(await allCustomerIds(api, { email: 'DUP@example.com' })).toEqual([c.id]);
  });

  it('when on, a second customer with the same email in any case is 409 and nothing is written', async () => {
    const { api } = await strictAccount();
    const first = await createCustomer(api, { email: 'Taken@Example.com' });
    for (const email of ['Taken@Example.com', 'taken@example.com', 'TAKEN@EXAMPLE.COM']) {
      const res = await api.post('/v1/customers', { email, name: 'second' });
      expectError(res, 409, { code: 'resource_already_exists', param: 'email' });
      expect(res.body.error.message).toContain(first.id);
    }
    expect(await countCustomers(api)).toBe(1);
  });

  it('when on, an update to a taken email is 409 and leaves the customer unchanged', async () => {
    const { api } = await strictAccount();
    await createCustomer(api, { email: 'one@example.com' });
    const two = await createCustomer(api, { email: 'two@example.com' });
    const res = await api.post(`/v1/customers/${two.id}`, { email: 'ONE@example.com', name: 'x' });
    expectError(res, 409, { code: 'resource_already_exists', param: 'email' });
    expect((await api.get(`/v1/customers/${two.id}`)).body).toEqual(two);
    // Changing the case of one's own email is not a conflict.
    const own = await api.post(`/v1/customers/${two.id}`, { email: 'TWO@example.com' });
    expect(own.status).toBe(200);
    expect(own.body.email).toBe('TWO@example.com');
  });

  it('when on, the email-based upsert path is checked too', async () => {
    const { api } = await strictAccount();
    await createCustomer(api, { email: 'up@example.com' });
    const res = await api.post('/v1/customers/external/ext-up', { email: 'UP@example.com' });
    expectError(res, 409, { code: 'resource_already_exists', param: 'email' });
    expect(await countCustomers(api)).toBe(1);
  });

  it('when on, the email is free again after delete or after it is changed', async () => {
    const { api } = await strictAccount();
    const a = await createCustomer(api, { email: 'free@example.com' });
    await api.del(`/v1/customers/${a.id}`);
    const b = await createCustomer(api, { email: 'free@example.com' });
    await api.post(`/v1/customers/${b.id}`, { email: 'moved@example.com' });
    await createCustomer(api, { email: 'FREE@example.com' });
    expect(await countCustomers(api)).toBe(2);
  });

  it('when on, customers without email are not affected', async () => {
    const { api } = await strictAccount();
    await createCustomer(api, {});
    await createCustomer(api, {});
    expect(await countCustomers(api)).toBe(2);
  });

  it('when on, it is scoped per account and mode', async () => {
    const { account, api } = await strictAccount();
    await createCustomer(api, { email: 'scope@example.com' });
    await createCustomer(t.api(account.live), { email: 'scope@example.com' });
    const other = await strictAccount();
    await createCustomer(other.api, { email: 'scope@example.com' });
  });

  it('when on, concurrent creates with one email make exactly one customer', async () => {
    const { api } = await strictAccount();
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => api.post('/v1/customers', { email: i % 2 ? 'RACE@example.com' : 'race@example.com' })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 200)) expectError(r, 409, { code: 'resource_already_exists' });
    expect(await countCustomers(api)).toBe(1);
  });

  it('switching it off allows duplicates again', async () => {
    const { account, api } = await strictAccount();
    await createCustomer(api, { email: 'toggle@example.com' });
    expect((await api.post('/v1/customers', { email: 'toggle@example.com' })).status).toBe(409);
    await t.services.accounts.setUniqueEmails(account.id, false);
    expect((await api.post('/v1/customers', { email: 'toggle@example.com' })).status).toBe(200);
  });
});
