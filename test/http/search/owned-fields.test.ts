/**
 * SPEC K-1 with: contact_email, contact_phone and address_postal_code find the owning
 * customer, read-after-write (every change is searchable the moment its request returns), and
 * the customer list's contact_email filter; on both stores.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type TestApp } from '../../helpers/harness.js';
import { allCustomerIds, createCustomer, expectError, freshAccount } from '../customers/support.js';
import { expectMatches, expectQueryError, searchPage } from './support.js';

describe.each(STORES)('search: contacts and addresses (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());

  it('contact_email: exact without case, and as a substring; read after every write', async () => {
    const { api } = await freshAccount(t);
    const acme = await createCustomer(api, { name: 'Acme', email: 'owner@acme.example' });
    const other = await createCustomer(api, { name: 'Other' });
    await expectMatches(api, 'contact_email:"ap@acme.example"', []);
    const ap = (await api.post(`/v1/customers/${acme.id}/contacts`, { email: 'AP@Acme.example', roles: ['billing'] })).body;
    // The request has returned: the search sees it.
    await expectMatches(api, 'contact_email:"ap@acme.example"', [acme.id]);
    await expectMatches(api, 'contact_email:"AP@ACME.EXAMPLE"', [acme.id]);
    await expectMatches(api, 'contact_email~"p@acme"', [acme.id]);
    await expectMatches(api, 'contact_email~"ACME.EX"', [acme.id]);
    // The customer's own email is not a contact's.
    await expectMatches(api, 'contact_email:"owner@acme.example"', []);
    await api.post(`/v1/customers/${other.id}/contacts`, { email: 'it@acme.example' });
    await expectMatches(api, 'contact_email~"@acme.example"', [acme.id, other.id]);
    // Two matching contacts of one customer: the customer once.
    await api.post(`/v1/customers/${acme.id}/contacts`, { email: 'sales@acme.example' });
    expect((await searchPage(api, 'contact_email~"acme.example"')).ids).toEqual([other.id, acme.id]);
    // An update moves the match; a delete removes it.
    expect((await api.post(`/v1/customers/${acme.id}/contacts/${ap.id}`, { email: 'payables@acme.example' })).status).toBe(200);
    await expectMatches(api, 'contact_email:"ap@acme.example"', []);
    await expectMatches(api, 'contact_email:"payables@acme.example"', [acme.id]);
    expect((await api.del(`/v1/customers/${acme.id}/contacts/${ap.id}`)).status).toBe(200);
    await expectMatches(api, 'contact_email:"payables@acme.example"', []);
    await expectMatches(api, 'contact_email~"ayables"', []);
  });

  it('contact_phone: the same number in any formatting finds it; the value as given too', async () => {
    const { api } = await freshAccount(t);
    const customer = await createCustomer(api);
    await api.post(`/v1/customers/${customer.id}/contacts`, { name: 'Desk', phone: '+1 (415) 555-2671' });
    await api.post(`/v1/customers/${customer.id}/contacts`, { name: 'Local', phone: 'ext. 42' });
    for (const formatting of ['+14155552671', '+1 415 555 2671', '+1-415-555-2671', '(+1) 415.555.2671', '+1 (415) 555-2671']) {
      await expectMatches(api, `contact_phone:"${formatting}"`, [customer.id]);
    }
    await expectMatches(api, 'contact_phone:"EXT. 42"', [customer.id]);
    await expectMatches(api, 'contact_phone:"+1 415 555 2672"', []);
    await expectMatches(api, 'contact_phone:"ext. 4"', []);
    await expectQueryError(api, 'contact_phone~"415"', 13, /only supported for email, name, phone and contact_email/);
  });

  it('address_postal_code: without case, spaces or dashes; follows the customer’s own edits of its default', async () => {
    const { api } = await freshAccount(t);
    const customer = await createCustomer(api);
    await api.post(`/v1/customers/${customer.id}/addresses`, {
      address: { line1: '1 Lane', postal_code: 'EC1A 1BB', country: 'GB' },
      default_for: ['billing'],
    });
    for (const written of ['EC1A 1BB', 'ec1a1bb', 'ec1a-1bb', ' EC1A  1BB ']) await expectMatches(api, `address_postal_code:"${written}"`, [customer.id]);
    await expectMatches(api, 'address_postal_code:"EC1A"', []);
    // The customer's address edited directly: the default entry follows, and so does search.
    expect((await api.post(`/v1/customers/${customer.id}`, { address: { line1: '2 Lane', postal_code: 'SW1A 2AA', country: 'GB' } })).status).toBe(200);
    await expectMatches(api, 'address_postal_code:"EC1A 1BB"', []);
    await expectMatches(api, 'address_postal_code:"sw1a2aa"', [customer.id]);
    // A customer without an address book entry is not found by its own address.
    const plain = await createCustomer(api, { address: { postal_code: 'SW1A 2AA' } });
    await expectMatches(api, 'address_postal_code:"SW1A 2AA"', [customer.id]);
    await expectMatches(api, 'address_postal_code:null', [plain.id]);
  });

  it('combines with the other fields, negation and OR; deleted customers never appear', async () => {
    const { api } = await freshAccount(t);
    const a = await createCustomer(api, { name: 'Alpha Corp', metadata: { tier: 'gold' } });
    const b = await createCustomer(api, { name: 'Beta Corp', metadata: { tier: 'gold' } });
    const gone = await createCustomer(api, { name: 'Gone Corp' });
    await api.post(`/v1/customers/${a.id}/contacts`, { email: 'finance@alpha.example', phone: '+44 20 7946 0958' });
    await api.post(`/v1/customers/${b.id}/contacts`, { email: 'finance@beta.example' });
    await api.post(`/v1/customers/${gone.id}/contacts`, { email: 'finance@gone.example', phone: '+44 20 7946 0958' });
    await api.post(`/v1/customers/${gone.id}/addresses`, { address: { postal_code: '75001' } });
    expect((await api.del(`/v1/customers/${gone.id}`)).status).toBe(200);
    await expectMatches(api, 'contact_email~"finance@"', [a.id, b.id]);
    await expectMatches(api, 'contact_email:"finance@gone.example"', []);
    await expectMatches(api, 'contact_phone:"+442079460958"', [a.id]);
    await expectMatches(api, 'address_postal_code:"75001"', []);
    await expectMatches(api, 'contact_email~"finance" AND name~"beta"', [b.id]);
    await expectMatches(api, 'contact_email~"finance" AND -contact_email~"alpha"', [b.id]);
    await expectMatches(api, 'metadata["tier"]:"gold" AND contact_phone:"+44 20 7946 0958"', [a.id]);
    await expectMatches(api, 'contact_email:"finance@beta.example" OR name:"alpha corp"', [a.id, b.id]);
    await expectMatches(api, '-contact_email:null', [a.id, b.id]);
    const expanded = await api.get('/v1/customers/search', { query: 'contact_email~"finance@beta"', expand: ['data.contacts'] });
    expect(expanded.body.data[0].contacts.data.map((c: { email: string }) => c.email)).toEqual(['finance@beta.example']);
  });

  it('validates the new fields like the others', async () => {
    const { api } = await freshAccount(t);
    await expectQueryError(api, 'contact_email~"ab"', 14, /at least 3 characters/);
    await expectQueryError(api, 'address_postal_code~"EC1A"', 19, /only supported for email, name, phone and contact_email/);
    await expectQueryError(api, 'contact_email>"a"', 13, /only supported for created/);
    await expectQueryError(api, 'contact_mail:"a"', 0, /Supported fields: .*contact_email, contact_phone and address_postal_code/);
    await expectQueryError(api, 'Contact_Email:"a"', 0, /Field names are lowercase: contact_email/);
  });

  it('GET /v1/customers?contact_email= lists the customers with such a contact, without case, with list conventions', async () => {
    const { api } = await freshAccount(t);
    const holders: string[] = [];
    for (let i = 0; i < 4; i++) {
      const c = await createCustomer(api, { name: `Holder ${i}` });
      await api.post(`/v1/customers/${c.id}/contacts`, { email: i % 2 ? 'Shared@Vendor.example' : `own${i}@vendor.example` });
      holders.push(c.id);
    }
    await createCustomer(api, { email: 'shared@vendor.example' });
    expect(await allCustomerIds(api, { contact_email: 'shared@vendor.example' })).toEqual([holders[3], holders[1]]);
    expect(await allCustomerIds(api, { contact_email: 'SHARED@VENDOR.EXAMPLE' })).toEqual([holders[3], holders[1]]);
    const page = await api.get('/v1/customers', { contact_email: 'shared@vendor.example', limit: 1 });
    expect(page.body).toMatchObject({ has_more: true, data: [{ id: holders[3] }] });
    const next = await api.get('/v1/customers', { contact_email: 'shared@vendor.example', limit: 1, starting_after: holders[3] });
    expect(next.body).toMatchObject({ has_more: false, data: [{ id: holders[1] }] });
    expect(await allCustomerIds(api, { contact_email: 'own0@vendor.example', metadata: { none: 'x' } })).toEqual([]);
    expect(await allCustomerIds(api, { contact_email: 'nobody@vendor.example' })).toEqual([]);
    expectError(await api.get('/v1/customers', { contact_email: 'x'.repeat(513) }), 400, { param: 'contact_email' });
  });
});
