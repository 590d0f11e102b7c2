import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, form, STORES, type TestApp } from '../../helpers/harness.js';
import { consoleGet, signIn } from './support.js';

const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] as string;
/** The ETag an entry's edit form carries (its If-Match). */
const versionOf = (html: string, id: string) => new RegExp(`action="[^"]*/${id}"[^>]*>\\s*<input type="hidden" name="csrf" value="[^"]+"><input type="hidden" name="version" value="([^"]+)"`).exec(html)?.[1]?.replaceAll('&quot;', '"') as string;

async function post(app: FastifyInstance, cookie: string, url: string, fields: Record<string, unknown>) {
  return app.inject({ method: 'POST', url, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form(fields) });
}

/** SPEC K-1 item 4 over HTTP: the console shows and edits contacts and the address book. */
describe.each(STORES)('console contacts and address book (%s)', (kind) => {
  let t: TestApp;
  let cookie: string;
  beforeAll(async () => {
    t = await createTestApp(kind);
    cookie = await signIn(t.app, t.account.test, 'ada@example.com');
  });
  afterAll(async () => t?.close());

  async function profile(id: string) {
    const page = await consoleGet(t.app, cookie, `/console/test/customers/${id}`);
    expect(page.statusCode).toBe(200);
    return page.body;
  }

  it('adds, edits and removes a contact through the contact service, as the signed-in person', async () => {
    const id = (await t.api().post('/v1/customers', { name: 'Acme' })).body.id as string;
    const csrf = csrfOf(await profile(id));
    const added = await post(t.app, cookie, `/console/test/customers/${id}/contacts`, {
      csrf,
      name: 'Pat <Payables>',
      email: 'ap@acme.test',
      phone: '',
      roles: ['billing', 'legal'],
      receives_invoices: '1',
      notes: '',
    });
    expect(added.statusCode).toBe(303);
    expect(added.headers.location).toBe(`/console/test/customers/${id}?saved=contact-added#sec-contacts`);
    const [contact] = (await t.api().get(`/v1/customers/${id}/contacts`)).body.data;
    expect(contact).toMatchObject({ name: 'Pat <Payables>', email: 'ap@acme.test', phone: null, roles: ['billing', 'legal'], receives_invoices: true, notes: null });
    const shown = await consoleGet(t.app, cookie, added.headers.location as string);
    expect(shown.body).toContain('Contact added.');
    expect(shown.body).toContain('Pat &lt;Payables&gt;');

    const edited = await post(t.app, cookie, `/console/test/customers/${id}/contacts/${contact.id}`, {
      csrf,
      version: versionOf(shown.body, contact.id),
      name: 'Pat',
      email: 'ap@acme.test',
      phone: '+1 (267) 555-0100',
      roles: ['technical'],
      notes: 'Prefers email',
    });
    expect(edited.statusCode).toBe(303);
    const after = (await t.api().get(`/v1/customers/${id}/contacts/${contact.id}`)).body;
    expect(after).toMatchObject({ name: 'Pat', phone: '+1 (267) 555-0100', roles: ['technical'], receives_invoices: false, notes: 'Prefers email' });
    const events = (await t.api().get('/v1/events', { type: 'customer.contact.updated' })).body.data;
    expect(events[0].data.object.id).toBe(contact.id);
    expect(events[0].request.actor).toBe('ada@example.com');

    const page = await profile(id);
    const removed = await post(t.app, cookie, `/console/test/customers/${id}/contacts/${contact.id}/remove`, { csrf, version: versionOf(page, contact.id) });
    expect(removed.statusCode).toBe(303);
    expect((await t.api().get(`/v1/customers/${id}/contacts`)).body.data).toEqual([]);
  });

  it('shows the API’s validation errors next to their field, keeping what was typed', async () => {
    const id = (await t.api().post('/v1/customers', { name: 'Valid Co' })).body.id as string;
    await t.api().post(`/v1/customers/${id}/contacts`, { email: 'taken@valid.test' });
    const csrf = csrfOf(await profile(id));
    const bad = await post(t.app, cookie, `/console/test/customers/${id}/contacts`, { csrf, name: 'Typed Name', email: 'not-an-email' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toMatch(/id="new-contact-email" name="email" value="not-an-email" inputmode="email" autocomplete="off" aria-invalid="true" aria-describedby="new-contact-email-error"/);
    expect(bad.body).toMatch(/<p class="error" id="new-contact-email-error" role="alert">[^<]*email/i);
    expect(bad.body).toContain('value="Typed Name"');
    const duplicate = await post(t.app, cookie, `/console/test/customers/${id}/contacts`, { csrf, email: 'TAKEN@valid.test' });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.body).toContain('id="new-contact-email-error"');
    const country = await post(t.app, cookie, `/console/test/customers/${id}/addresses`, { csrf, label: 'HQ', line1: '1 Main St', country: 'Atlantis' });
    expect(country.statusCode).toBe(400);
    expect(country.body).toContain('id="new-address-country-error"');
    expect(country.body).toContain('value="Atlantis"');
    const tooLong = await post(t.app, cookie, `/console/test/customers/${id}/addresses`, { csrf, label: 'x'.repeat(101) });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.body).toContain('id="new-address-label-error"');
    expect((await t.api().get(`/v1/customers/${id}/addresses`)).body.data).toEqual([]);
  });

  it('adds an address book entry as the default for billing and shipping: the customer’s address and shipping follow; edits and removes it', async () => {
    const id = (await t.api().post('/v1/customers', { name: 'Book Co' })).body.id as string;
    const csrf = csrfOf(await profile(id));
    const added = await post(t.app, cookie, `/console/test/customers/${id}/addresses`, {
      csrf,
      label: 'Head office',
      name: 'Book Co',
      line1: '1 Main St',
      postal_code: 'EC1A 1BB',
      city: 'London',
      country: 'gb',
      default_for: ['billing', 'shipping'],
    });
    expect(added.statusCode).toBe(303);
    const customer = (await t.api().get(`/v1/customers/${id}`)).body;
    expect(customer.address).toMatchObject({ line1: '1 Main St', postal_code: 'EC1A 1BB', city: 'London', country: 'GB' });
    expect(customer.shipping).toMatchObject({ name: 'Book Co', address: { line1: '1 Main St' } });
    const [entry] = (await t.api().get(`/v1/customers/${id}/addresses`)).body.data;
    let page = await profile(id);
    expect(page).toContain('Default for billing');
    expect(page).toContain('Default for shipping');

    const edited = await post(t.app, cookie, `/console/test/customers/${id}/addresses/${entry.id}`, {
      csrf,
      version: versionOf(page, entry.id),
      label: 'Head office',
      name: 'Book Co',
      line1: '2 High St',
      postal_code: 'EC1A 1BB',
      city: 'London',
      country: 'GB',
      default_for: ['billing'],
    });
    expect(edited.statusCode).toBe(303);
    const afterEdit = (await t.api().get(`/v1/customers/${id}`)).body;
    expect(afterEdit.address.line1).toBe('2 High St');
    expect((await t.api().get(`/v1/customers/${id}/addresses/${entry.id}`)).body.default_for).toEqual(['billing']);
    expect((await t.api().get('/v1/events', { type: 'customer.address.updated' })).body.data[0].request.actor).toBe('ada@example.com');

    page = await profile(id);
    const removed = await post(t.app, cookie, `/console/test/customers/${id}/addresses/${entry.id}/remove`, { csrf, version: versionOf(page, entry.id) });
    expect(removed.statusCode).toBe(303);
    expect((await t.api().get(`/v1/customers/${id}/addresses`)).body.data).toEqual([]);
  });

  it('answers an edit of an entry someone else changed meanwhile with 412: the current entry shown, what was typed kept, nothing saved', async () => {
    const id = (await t.api().post('/v1/customers', { name: 'Race Co' })).body.id as string;
    const contact = (await t.api().post(`/v1/customers/${id}/contacts`, { name: 'Old Name', email: 'race@race.test' })).body;
    const page = await profile(id);
    const csrf = csrfOf(page);
    const version = versionOf(page, contact.id);
    await t.api().post(`/v1/customers/${id}/contacts/${contact.id}`, { name: 'Their Name' });
    const mine = await post(t.app, cookie, `/console/test/customers/${id}/contacts/${contact.id}`, { csrf, version, name: 'My Name', email: 'race@race.test' });
    expect(mine.statusCode).toBe(412);
    expect(mine.body).toContain('data-testid="book-conflict"');
    expect(mine.body).toContain('<strong>Their Name</strong>');
    expect(mine.body).toContain('value="My Name"');
    expect((await t.api().get(`/v1/customers/${id}/contacts/${contact.id}`)).body.name).toBe('Their Name');
    const removal = await post(t.app, cookie, `/console/test/customers/${id}/contacts/${contact.id}/remove`, { csrf, version });
    expect(removal.statusCode).toBe(412);
    // The page now carries the current version: saving again goes through.
    const again = await post(t.app, cookie, `/console/test/customers/${id}/contacts/${contact.id}`, { csrf, version: versionOf(mine.body, contact.id), name: 'My Name', email: 'race@race.test' });
    expect(again.statusCode).toBe(303);
    expect((await t.api().get(`/v1/customers/${id}/contacts/${contact.id}`)).body.name).toBe('My Name');
  });

  it('refuses changes without the CSRF token, and shows a restricted key the book without controls and refuses its changes', async () => {
    const id = (await t.api().post('/v1/customers', { name: 'Locked Co' })).body.id as string;
    const contact = (await t.api().post(`/v1/customers/${id}/contacts`, { name: 'Kept', email: 'kept@locked.test' })).body;
    await t.api().post(`/v1/customers/${id}/addresses`, { label: 'Depot', address: { line1: '9 Dock Rd', country: 'NL' } });
    const forged = await post(t.app, cookie, `/console/test/customers/${id}/contacts`, { csrf: 'forged', name: 'X' });
    expect(forged.statusCode).toBe(403);
    const restricted = await t.services.accounts.createKey(t.account.id, 'test', true, null);
    const readOnly = await signIn(t.app, restricted.secret, 'reader@example.com');
    const page = await consoleGet(t.app, readOnly, `/console/test/customers/${id}`);
    expect(page.body).toContain('<strong>Kept</strong>');
    expect(page.body).toContain('9 Dock Rd');
    expect(page.body).not.toMatch(/<form[^>]*\/(contacts|addresses)/);
    expect(page.body).not.toContain('Add a contact');
    const csrf = csrfOf(page.body);
    for (const [url, fields] of [
      [`/console/test/customers/${id}/contacts`, { csrf, name: 'Sneaky' }],
      [`/console/test/customers/${id}/contacts/${contact.id}`, { csrf, name: 'Sneaky', email: 'kept@locked.test' }],
      [`/console/test/customers/${id}/contacts/${contact.id}/remove`, { csrf }],
      [`/console/test/customers/${id}/addresses`, { csrf, label: 'Sneaky' }],
    ] as const) {
      const r = await post(t.app, readOnly, url, fields);
      expect(r.statusCode).toBe(403);
    }
    expect((await t.api().get(`/v1/customers/${id}/contacts`)).body.data.map((c: { name: string }) => c.name)).toEqual(['Kept']);
    expect((await t.api().get(`/v1/customers/${id}/addresses`)).body.data).toHaveLength(1);
  });
});
