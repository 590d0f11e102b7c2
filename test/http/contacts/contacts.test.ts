/**
 * SPEC K-1: a customer's contacts over HTTP, on both stores — create, retrieve, update (POST and
 * PATCH), delete, the list with its role filter, expand, events, limits and unique emails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type Api, type TestApp } from '../../helpers/harness.js';
import { createCustomer, expectError, freshAccount, missingCustomerId } from '../customers/support.js';
import { allIds } from '../payment-methods/support.js';

export const CONTACT_FIELDS = ['created', 'customer', 'email', 'id', 'livemode', 'metadata', 'name', 'notes', 'object', 'phone', 'receives_invoices', 'roles', 'updated'];
const CONTACT_ID = /^ctc_[0-9A-Za-z]{26}$/;

const addContact = (api: Api, customerId: string, params: Record<string, unknown>) => api.post(`/v1/customers/${customerId}/contacts`, params);

describe.each(STORES)('contacts (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());

  it('creates a contact with every field, reads it back, and lists it in the customer’s contacts', async () => {
    const { api } = await freshAccount(t);
    const customer = await createCustomer(api, { name: 'Acme GmbH' });
    const res = await addContact(api, customer.id, {
      name: 'Petra Payables',
      email: 'AP@Acme.example',
      phone: '+49 30 1234567',
      roles: ['technical', 'billing', 'billing'],
      receives_invoices: true,
      notes: 'Wants PDFs.\nNo paper.',
      metadata: { crm: 'c-1' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(CONTACT_FIELDS);
    expect(res.body).toEqual({
      id: expect.stringMatching(CONTACT_ID),
      object: 'contact',
      created: expect.any(Number),
      customer: customer.id,
      email: 'AP@Acme.example',
      livemode: false,
      metadata: { crm: 'c-1' },
      name: 'Petra Payables',
      notes: 'Wants PDFs.\nNo paper.',
      phone: '+49 30 1234567',
      receives_invoices: true,
      // A set, in the documented order, whatever order and repetitions were sent.
      roles: ['billing', 'technical'],
      updated: res.body.created,
    });
    expect(res.headers.etag).toBe(`"${res.body.id}.v1"`);
    const got = await api.get(`/v1/customers/${customer.id}/contacts/${res.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(res.body);
    expect(got.headers.etag).toBe(res.headers.etag);
    const list = await api.get(`/v1/customers/${customer.id}/contacts`);
    expect(list.body).toEqual({ object: 'list', url: `/v1/customers/${customer.id}/contacts`, has_more: false, data: [res.body] });
  });

  it('takes JSON bodies too, and a contact with no fields at all is a contact without details', async () => {
    const customer = await createCustomer(t.api());
    const json = await t.api().postJson(`/v1/customers/${customer.id}/contacts`, { email: 'it@acme.example', roles: ['technical'], receives_invoices: false });
    expect(json.status, JSON.stringify(json.body)).toBe(200);
    expect(json.body).toMatchObject({ email: 'it@acme.example', roles: ['technical'], receives_invoices: false, name: null, phone: null, metadata: {} });
    const empty = await addContact(t.api(), customer.id, {});
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({ email: null, name: null, phone: null, roles: [], receives_invoices: false, notes: null });
  });

  it('updates any subset with POST or PATCH; null unsets, metadata merges, an event carries the previous values', async () => {
    const { account, api } = await freshAccount(t);
    const customer = await createCustomer(api);
    const created = (await addContact(api, customer.id, { name: 'Old', email: 'old@acme.example', roles: ['billing'], metadata: { a: '1', b: '2' } })).body;
    const path = `/v1/customers/${customer.id}/contacts/${created.id}`;
    const posted = await api.post(path, { name: 'New', phone: '+1 415 555 0100', metadata: { a: '', c: '3' } });
    expect(posted.status, JSON.stringify(posted.body)).toBe(200);
    expect(posted.body).toMatchObject({ name: 'New', email: 'old@acme.example', phone: '+1 415 555 0100', roles: ['billing'], metadata: { b: '2', c: '3' } });
    expect(posted.headers.etag).toBe(`"${created.id}.v2"`);
    const patched = await api.patch(path, { email: null, roles: ['primary', 'legal'], receives_invoices: true }, {}, { json: true });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body).toMatchObject({ email: null, roles: ['primary', 'legal'], receives_invoices: true, name: 'New' });
    // Roles cleared the form way: an empty value.
    const cleared = await t.app.inject({
      method: 'PATCH',
      url: path,
      payload: 'roles=',
      headers: { authorization: `Bearer ${account.test}`, 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(cleared.statusCode, cleared.body).toBe(200);
    expect(JSON.parse(cleared.body).roles).toEqual([]);

    const events = (await api.get('/v1/events', { types: ['customer.contact.created', 'customer.contact.updated'] })).body.data;
    expect(events.map((e: { type: string }) => e.type)).toEqual(['customer.contact.updated', 'customer.contact.updated', 'customer.contact.updated', 'customer.contact.created']);
    expect(events[2].data.previous_attributes).toEqual({ name: 'Old', phone: null, metadata: { a: '1', c: null } });
    expect(events[1].data.previous_attributes).toEqual({ email: 'old@acme.example', roles: ['billing'], receives_invoices: false });
    expect(events[0].data.object).toEqual(JSON.parse(cleared.body));
  });

  it('honours If-Match on update and delete', async () => {
    const customer = await createCustomer(t.api());
    const created = await addContact(t.api(), customer.id, { name: 'Guarded' });
    const path = `/v1/customers/${customer.id}/contacts/${created.body.id}`;
    expect((await t.api().post(path, { name: 'Moved' }, { 'if-match': created.headers.etag as string })).status).toBe(200);
    expectError(await t.api().post(path, { name: 'Stale' }, { 'if-match': created.headers.etag as string }), 412, { code: 'precondition_failed' });
    expectError(await t.api().del(path, { 'if-match': created.headers.etag as string }), 412, { code: 'precondition_failed' });
    expect((await t.api().get(path)).body.name).toBe('Moved');
  });

  it('deletes a contact: the stub, a 404 after, an event, and the other contacts stay', async () => {
    const { api } = await freshAccount(t);
    const customer = await createCustomer(api);
    const keep = (await addContact(api, customer.id, { email: 'keep@acme.example' })).body;
    const gone = (await addContact(api, customer.id, { email: 'gone@acme.example' })).body;
    const path = `/v1/customers/${customer.id}/contacts/${gone.id}`;
    const deleted = await api.del(path);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ id: gone.id, object: 'contact', deleted: true });
    expectError(await api.get(path), 404, { code: 'resource_missing', param: 'id' });
    expectError(await api.del(path), 404, { code: 'resource_missing' });
    expect(await allIds(api, `/v1/customers/${customer.id}/contacts`)).toEqual([keep.id]);
    const event = (await api.get('/v1/events', { type: 'customer.contact.deleted' })).body.data[0];
    expect(event.data.object).toEqual(gone);
    // The email is free again.
    expect((await addContact(api, customer.id, { email: 'GONE@acme.example' })).status).toBe(200);
  });

  it('emails are unique per customer without case: a duplicate is 409 resource_already_exists naming the holder', async () => {
    const { api } = await freshAccount(t);
    const customer = await createCustomer(api);
    const holder = (await addContact(api, customer.id, { email: 'ap@acme.example' })).body;
    const dup = await addContact(api, customer.id, { email: 'AP@ACME.example', name: 'Dup' });
    expectError(dup, 409, { code: 'resource_already_exists', param: 'email' });
    expect(dup.headers['stripe-should-retry']).toBe('false');
    expect(dup.body.error.message).toBe(`The customer ${customer.id} already has a contact with email 'AP@ACME.example': ${holder.id}.`);
    // An update onto another contact's email is refused the same way; onto its own (another case) is fine.
    const other = (await addContact(api, customer.id, { email: 'it@acme.example' })).body;
    expectError(await api.post(`/v1/customers/${customer.id}/contacts/${other.id}`, { email: 'Ap@Acme.Example' }), 409, { code: 'resource_already_exists', param: 'email' });
    expect((await api.post(`/v1/customers/${customer.id}/contacts/${holder.id}`, { email: 'AP@acme.example' })).status).toBe(200);
    // Another customer may hold the same email.
    const second = await createCustomer(api);
    expect((await addContact(api, second.id, { email: 'ap@acme.example' })).status).toBe(200);
    expect(await allIds(api, `/v1/customers/${customer.id}/contacts`)).toHaveLength(2);
  });

  it('concurrent creates of one email: exactly one wins, the others are 409', async () => {
    const customer = await createCustomer(t.api());
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => addContact(t.api(), customer.id, { email: 'race@acme.example', name: `n${i}` })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409, 409, 409, 409]);
  });

  it('at most 100 contacts per customer: the 101st is 400 customer_max_contacts and is not written', async () => {
    const { api } = await freshAccount(t);
    const customer = await createCustomer(api);
    for (let i = 0; i < 100; i += 10) {
      const batch = await Promise.all(Array.from({ length: 10 }, (_, j) => addContact(api, customer.id, { email: `c${i + j}@acme.example` })));
      expect(batch.map((r) => r.status)).toEqual(Array(10).fill(200));
    }
    const over = await addContact(api, customer.id, { email: 'c100@acme.example' });
    expectError(over, 400, { code: 'customer_max_contacts', param: null });
    expect(over.body.error.message).toBe('A customer can have at most 100 contacts. Delete one first.');
    expect(await allIds(api, `/v1/customers/${customer.id}/contacts`)).toHaveLength(100);
    // The whole set fits one expansion.
    const expanded = await api.get(`/v1/customers/${customer.id}`, { expand: ['contacts'] });
    expect(expanded.body.contacts.data).toHaveLength(100);
  });

  it('lists newest first with list conventions, and filters by role', async () => {
    const { api } = await freshAccount(t);
    const customer = await createCustomer(api);
    const roles = [['billing'], ['technical'], ['billing', 'primary'], [], ['legal', 'billing'], ['other']];
    const ids: string[] = [];
    for (const [i, r] of roles.entries()) ids.push((await addContact(api, customer.id, { email: `r${i}@acme.example`, roles: r })).body.id);
    const path = `/v1/customers/${customer.id}/contacts`;
    expect(await allIds(api, path)).toEqual([...ids].reverse());
    const page = await api.get(path, { limit: 2, starting_after: ids[4] });
    expect(page.body.data.map((c: { id: string }) => c.id)).toEqual([ids[3], ids[2]]);
    expect(page.body.has_more).toBe(true);
    const before = await api.get(path, { limit: 2, ending_before: ids[1] });
    expect(before.body.data.map((c: { id: string }) => c.id)).toEqual([ids[3], ids[2]]);
    expect(await allIds(api, path, { role: 'billing' })).toEqual([ids[4], ids[2], ids[0]]);
    expect(await allIds(api, path, { role: 'primary' })).toEqual([ids[2]]);
    const billingPage = await api.get(path, { role: 'billing', limit: 1, starting_after: ids[4] });
    expect(billingPage.body).toMatchObject({ has_more: true, data: [{ id: ids[2] }] });
    expectError(await api.get(path, { role: 'boss' }), 400, { param: 'role' });
    expectError(await api.get(path, { starting_after: 'ctc_000000000000000000000000' }), 400, { code: 'resource_missing', param: 'starting_after' });
  });

  it('expands contacts on the customer (retrieve, list) and the customer on a contact', async () => {
    const { api } = await freshAccount(t);
    const customer = await createCustomer(api, { name: 'Expando' });
    const a = (await addContact(api, customer.id, { email: 'a@expando.example' })).body;
    const b = (await addContact(api, customer.id, { email: 'b@expando.example' })).body;
    const other = await createCustomer(api);
    const url = `/v1/customers/${customer.id}/contacts`;
    const got = await api.get(`/v1/customers/${customer.id}`, { expand: ['contacts'] });
    expect(got.body.contacts).toEqual({ object: 'list', url, has_more: false, data: [b, a] });
    const list = await api.get('/v1/customers', { expand: ['data.contacts'] });
    const byId = new Map(list.body.data.map((c: { id: string; contacts: unknown }) => [c.id, c.contacts]));
    expect(byId.get(customer.id)).toEqual({ object: 'list', url, has_more: false, data: [b, a] });
    expect(byId.get(other.id)).toEqual({ object: 'list', url: `/v1/customers/${other.id}/contacts`, has_more: false, data: [] });
    // Not there unless asked for.
    expect((await api.get(`/v1/customers/${customer.id}`)).body).not.toHaveProperty('contacts');
    const withCustomer = await api.get(`${url}/${a.id}`, { expand: ['customer'] });
    expect(withCustomer.body.customer).toMatchObject({ id: customer.id, object: 'customer', name: 'Expando' });
    const listed = await api.get(url, { expand: ['data.customer'] });
    expect(listed.body.data[0].customer.id).toBe(customer.id);
    expectError(await api.get(`${url}/${a.id}`, { expand: ['owner'] }), 400, { code: 'expand_invalid' });
  });

  it('validates: email format, single-line fields, lengths, unknown fields and roles', async () => {
    const customer = await createCustomer(t.api());
    const add = (params: Record<string, unknown>) => addContact(t.api(), customer.id, params);
    expectError(await add({ email: 'not-an-email' }), 400, { code: 'email_invalid', param: 'email' });
    expectError(await add({ name: 'Two\nlines' }), 400, { code: 'invalid_characters', param: 'name' });
    expectError(await add({ phone: '+1\t415' }), 400, { code: 'invalid_characters', param: 'phone' });
    expectError(await add({ name: 'x'.repeat(257) }), 400, { param: 'name' });
    expectError(await add({ roles: ['boss'] }), 400, { param: 'roles[0]' });
    expectError(await add({ company: 'Acme' }), 400, { code: 'parameter_unknown', param: 'company' });
    expectError(await add({ receives_invoices: 'maybe' }), 400, { param: 'receives_invoices' });
    expectError(await add({ metadata: { 'a[b]': 'x' } }), 400, { code: 'parameter_invalid' });
    expect((await t.api().get(`/v1/customers/${customer.id}/contacts`)).body.data).toEqual([]);
  });

  it('a missing or deleted customer has no contacts: 404 on every route', async () => {
    const { api } = await freshAccount(t);
    const deleted = await createCustomer(api);
    const contact = (await addContact(api, deleted.id, { email: 'x@acme.example' })).body;
    expect((await api.del(`/v1/customers/${deleted.id}`)).status).toBe(200);
    for (const id of [missingCustomerId(), deleted.id]) {
      expectError(await addContact(api, id, { email: 'y@acme.example' }), 404, { code: 'resource_missing', param: 'customer' });
      expectError(await api.get(`/v1/customers/${id}/contacts`), 404, { code: 'resource_missing', param: 'customer' });
      expectError(await api.get(`/v1/customers/${id}/contacts/${contact.id}`), 404, { code: 'resource_missing' });
      expectError(await api.post(`/v1/customers/${id}/contacts/${contact.id}`, { name: 'x' }), 404, { code: 'resource_missing' });
      expectError(await api.del(`/v1/customers/${id}/contacts/${contact.id}`), 404, { code: 'resource_missing' });
    }
    // A contact named under another customer of the same account is missing there.
    const owner = await createCustomer(api);
    const stranger = await createCustomer(api);
    const mine = (await addContact(api, owner.id, { email: 'mine@acme.example' })).body;
    expectError(await api.get(`/v1/customers/${stranger.id}/contacts/${mine.id}`), 404, { code: 'resource_missing', param: 'id' });
    expectError(await api.patch(`/v1/customers/${stranger.id}/contacts/${mine.id}`, { name: 'x' }), 404, { code: 'resource_missing', param: 'id' });
  });

  it('an Idempotency-Key replays a create without a second contact', async () => {
    const customer = await createCustomer(t.api());
    const first = await addContact(t.api(), customer.id, { email: 'once@acme.example' });
    const key = { 'idempotency-key': `ctc-${customer.id}` };
    const a = await t.api().post(`/v1/customers/${customer.id}/contacts`, { email: 'twice@acme.example' }, key);
    const b = await t.api().post(`/v1/customers/${customer.id}/contacts`, { email: 'twice@acme.example' }, key);
    expect(a.status).toBe(200);
    expect(b.raw.body).toBe(a.raw.body);
    expect(b.headers['idempotent-replayed']).toBe('true');
    expect(await allIds(t.api(), `/v1/customers/${customer.id}/contacts`)).toEqual([a.body.id, first.body.id]);
  });
});
