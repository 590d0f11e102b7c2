import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duplicateScore } from '../../../src/domain/duplicates/duplicate-score.js';
import { emailMatchKey, nameAddressKey } from '../../../src/domain/duplicates/match-keys.js';
import { createTestApp, STORES, type TestApp } from '../../helpers/harness.js';
import { createCustomer, expectError, freshAccount, missingCustomerId } from '../customers/support.js';
import { addContact, addTaxId, merge, ok, type Json } from './support.js';

describe('duplicate match keys', () => {
  it('folds case, and for the providers that ignore them dots and +tags', () => {
    expect(emailMatchKey('John.Doe+shop@GMail.com')).toBe('johndoe@gmail.com');
    expect(emailMatchKey('johndoe@googlemail.com')).toBe('johndoe@gmail.com');
    expect(emailMatchKey('ann+x@outlook.com')).toBe('ann@outlook.com');
    expect(emailMatchKey('A.B+c@example.com')).toBe('a.b+c@example.com');
    expect(nameAddressKey('José  Álvarez', { line1: null, line2: null, city: null, state: null, postal_code: 'ec1a 1bb', country: 'gb' })).toBe('jose alvarez|EC1A1BB|GB');
    expect(nameAddressKey('Ann', null)).toBeNull();
    expect(duplicateScore([])).toBe(0);
    expect(duplicateScore(['email', 'phone'])).toBe(0.98);
  });
});

/** docs/merging.md#finding-duplicates: GET /v1/customers/:id/duplicates. */
describe.each(STORES)('customer duplicates (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());

  it('finds customers sharing an email, phone, tax id or name and address, scored and ranked', async () => {
    const { api } = await freshAccount(t);
    const place = { line1: '1 High St', postal_code: 'EC1A 1BB', country: 'GB' };
    const a = await createCustomer(api, { email: 'John.Doe+shop@gmail.com', phone: '+44 20 7946 0958', name: 'José Álvarez', address: place });
    await addTaxId(api, a.id, '12-3456789');
    const byEmail = await createCustomer(api, { email: 'johndoe@googlemail.com' });
    const byPhone = await createCustomer(api, { phone: '+442079460958' });
    const byTax = await createCustomer(api, { name: 'Other' });
    await addTaxId(api, byTax.id, '12-3456789');
    const byNameAddress = await createCustomer(api, { name: 'jose alvarez', address: { ...place, postal_code: 'ec1a1bb' } });
    const byContact = await createCustomer(api, { name: 'Acme' });
    await addContact(api, byContact.id, 'johndoe@gmail.com');
    const both = await createCustomer(api, { email: 'JOHNDOE@gmail.com', phone: '+44 20 7946 0958' });
    await createCustomer(api, { email: 'someone@else.example', name: 'José Álvarez' });
    const deleted = await createCustomer(api, { email: 'johndoe@gmail.com' });
    await ok(api.del(`/v1/customers/${deleted.id}`));
    const other = await freshAccount(t);
    await createCustomer(other.api, { email: 'johndoe@gmail.com' });

    const res = await api.get(`/v1/customers/${a.id}/duplicates`, { limit: 100 });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['data', 'has_more', 'object', 'url']);
    expect(res.body.url).toBe(`/v1/customers/${a.id}/duplicates`);
    const found = new Map<string, Json>(res.body.data.map((d: Json) => [d.id, d]));
    expect([...found.keys()].sort()).toEqual([byEmail.id, byPhone.id, byTax.id, byNameAddress.id, byContact.id, both.id].sort());
    expect(found.get(byEmail.id)).toMatchObject({ object: 'customer_duplicate', reasons: ['email'], score: 0.9 });
    expect(found.get(byPhone.id)).toMatchObject({ reasons: ['phone'], score: 0.8 });
    expect(found.get(byTax.id)).toMatchObject({ reasons: ['tax_id'], score: 0.95 });
    expect(found.get(byNameAddress.id)).toMatchObject({ reasons: ['name_address'], score: 0.7 });
    expect(found.get(byContact.id)).toMatchObject({ reasons: ['email'] });
    expect(found.get(both.id)).toMatchObject({ reasons: ['email', 'phone'], score: 0.98 });
    expect(found.get(both.id)?.customer.id).toBe(both.id);
    const scores = res.body.data.map((d: Json) => d.score as number);
    expect(scores).toEqual([...scores].sort((x, y) => y - x));
    expect(res.body.data[0].id).toBe(both.id);

    // The other way round: a contact's email is a signal too.
    const back = await ok(api.get(`/v1/customers/${byContact.id}/duplicates`));
    expect(back.data.map((d: Json) => d.id)).toContain(a.id);

    // List conventions and min_score.
    const first = await ok(api.get(`/v1/customers/${a.id}/duplicates`, { limit: 2 }));
    expect(first.has_more).toBe(true);
    const second = await ok(api.get(`/v1/customers/${a.id}/duplicates`, { limit: 2, starting_after: first.data[1].id }));
    expect(second.data.map((d: Json) => d.id)).toEqual(res.body.data.slice(2, 4).map((d: Json) => d.id));
    const before = await ok(api.get(`/v1/customers/${a.id}/duplicates`, { limit: 2, ending_before: second.data[0].id }));
    expect(before.data.map((d: Json) => d.id)).toEqual(first.data.map((d: Json) => d.id));
    const strong = await ok(api.get(`/v1/customers/${a.id}/duplicates`, { min_score: 0.9 }));
    expect(strong.data.map((d: Json) => d.id).sort()).toEqual([both.id, byTax.id, byEmail.id, byContact.id].sort());
    expectError(await api.get(`/v1/customers/${a.id}/duplicates`, { starting_after: missingCustomerId() }), 400, { code: 'resource_missing', param: 'starting_after' });

    // After a merge the source is no one's duplicate, and its duplicates are the survivor's.
    await ok(merge(api, a.id, { source: byEmail.id }));
    const afterMerge = await ok(api.get(`/v1/customers/${a.id}/duplicates`, { limit: 100 }));
    expect(afterMerge.data.map((d: Json) => d.id)).not.toContain(byEmail.id);
    expectError(await api.get(`/v1/customers/${byEmail.id}/duplicates`), 400, { code: 'customer_merged' });
    expectError(await api.get(`/v1/customers/${missingCustomerId()}/duplicates`), 404, { code: 'resource_missing' });
    expectError(await other.api.get(`/v1/customers/${a.id}/duplicates`), 404, { code: 'resource_missing' });
  });
});
