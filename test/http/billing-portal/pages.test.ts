/**
 * Issue 19: the portal's pages over HTTP on both stores — the one-time link and its cookie,
 * used, expired and forged links, session expiry, headers, every change (through the API's
 * services, with the portal session as actor), CSRF, ids of another customer swapped into a
 * form, what the configuration allows, and the locales.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portalSessionService } from '../../../src/domain/billing-portal/portal-session-service.js';
import { createTestApp, form, STORES, type TestApp } from '../../helpers/harness.js';

const CARD = { type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: new Date().getUTCFullYear() + 3, cvc: '123' } };

describe.each(STORES)('customer portal pages (%s)', (kind) => {
  let t: TestApp;
  let clock = Math.floor(Date.now() / 1000);
  let customer: string;
  let other: string;

  beforeAll(async () => {
    t = await createTestApp(kind, {}, {
      services: (s, store, config) => ({
        ...s,
        portalSessions: portalSessionService({ store, configurations: s.portalConfigurations, publicUrl: config.publicUrl, now: () => clock }),
      }),
    });
    customer = (await t.api().post('/v1/customers', { name: 'Pia Portal', email: 'pia@example.com', address: { line1: 'Old Street 1', city: 'Berlin', country: 'DE' } })).body.id;
    other = (await t.api().post('/v1/customers', { name: 'Otto Other', email: 'otto@example.com' })).body.id;
  });
  afterAll(async () => t?.close());

  async function link(params: Record<string, unknown> = {}, customerId = customer): Promise<string> {
    const r = await t.api().post('/v1/billing_portal/sessions', { customer: customerId, return_url: 'https://shop.example/account', ...params });
    expect(r.status).toBe(200);
    return new URL(r.body.url).pathname;
  }
  const get = (url: string, cookie?: string) => t.app.inject({ method: 'GET', url, ...(cookie && { cookies: { clientele_portal: cookie } }) });
  const post = (url: string, cookie: string, body: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url, cookies: { clientele_portal: cookie }, payload: form(body), headers: { 'content-type': 'application/x-www-form-urlencoded' } });

  async function open(params: Record<string, unknown> = {}, customerId = customer): Promise<{ cookie: string; csrf: string; page: string }> {
    const opened = await get(await link(params, customerId));
    expect(opened.statusCode).toBe(303);
    const cookie = opened.cookies.find((c) => c.name === 'clientele_portal');
    if (!cookie) throw new Error('no portal cookie');
    const page = await get('/portal', cookie.value);
    expect(page.statusCode).toBe(200);
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    return { cookie: cookie.value, csrf, page: page.body };
  }
  const expectNoCustomerData = (res: LightMyRequestResponse) => {
    expect(res.body).not.toContain('Pia');
    expect(res.body).not.toContain('pia@example.com');
  };

  it('opens a link once into a cookie (HttpOnly, SameSite=Lax, Path=/portal) and shows the customer', async () => {
    const path = await link();
    const opened = await get(path);
    expect(opened.statusCode).toBe(303);
    expect(opened.headers.location).toBe('/portal');
    const cookie = opened.cookies.find((c) => c.name === 'clientele_portal');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/portal', maxAge: 3600 });
    const page = await get('/portal', cookie?.value);
    expect(page.body).toContain('Pia Portal');
    expect(page.body).toContain('Old Street 1');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toContain('href="https://shop.example/account"');
    expect(page.body).not.toMatch(/name="(number|card|cvc)/);
    // Used again: a page with the return link and nothing of the customer.
    const reused = await get(path);
    expect(reused.statusCode).toBe(410);
    expect(reused.body).toContain('already been used');
    expect(reused.body).toContain('href="https://shop.example/account"');
    expectNoCustomerData(reused);
    expect(reused.cookies).toEqual([]);
  });

  it('refuses expired and forged links, and ends sessions after 15 idle or 60 minutes', async () => {
    const path = await link();
    clock += 601;
    const expired = await get(path);
    expect(expired.statusCode).toBe(410);
    expect(expired.body).toContain('expired');
    expectNoCustomerData(expired);
    const forged = await get(`/portal/session/${t.account.id}.t.${'A'.repeat(43)}`);
    expect(forged.statusCode).toBe(404);
    expect(forged.body).toContain('not valid');
    expect((await get('/portal/session/garbage')).statusCode).toBe(404);
    expect((await get('/portal')).statusCode).toBe(401);

    const idle = await open();
    clock += 15 * 60 + 1;
    const ended = await get('/portal', idle.cookie);
    expect(ended.statusCode).toBe(401);
    expect(ended.body).toContain('href="https://shop.example/account"');
    expectNoCustomerData(ended);

    const busy = await open();
    for (let minute = 0; minute < 60; minute += 10) {
      clock += 600;
      expect((await get('/portal', busy.cookie)).statusCode).toBe(200);
    }
    clock += 60;
    expect((await get('/portal', busy.cookie)).statusCode).toBe(401);
  });

  it('saves the address through the customer service: customer.updated with the portal session as actor', async () => {
    const s = await open();
    const saved = await post('/portal/address', s.cookie, { csrf: s.csrf, line1: 'New Road 5', postal_code: '10115', city: 'Berlin', country: 'DE' });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe('/portal?saved=address#address');
    const c = (await t.api().get(`/v1/customers/${customer}`)).body;
    expect(c.address).toMatchObject({ line1: 'New Road 5', postal_code: '10115', country: 'DE' });
    const events = (await t.api().get('/v1/events', { type: 'customer.updated', limit: 1 })).body.data;
    expect(events[0].data.object.id).toBe(customer);
    expect(events[0].request.actor).toMatch(/^portal session bps_[0-9A-Za-z]{26}$/);
    // The API's validation, shown at the field with what was typed.
    const bad = await post('/portal/address', s.cookie, { csrf: s.csrf, line1: 'Typo Lane', country: 'Germany' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toMatch(/id="address-country"[^>]*aria-invalid="true"/);
    expect(bad.body).toContain('value="Typo Lane"');
    expect((await t.api().get(`/v1/customers/${customer}`)).body.address.line1).toBe('New Road 5');
    // Email and shipping the same way.
    const email = await post('/portal/details', s.cookie, { csrf: s.csrf, email: 'not-an-email', name: 'Pia Portal', phone: '' });
    expect(email.statusCode).toBe(400);
    expect(email.body).toMatch(/id="details-email"[^>]*aria-invalid="true"/);
    const shipping = await post('/portal/shipping', s.cookie, { csrf: s.csrf, name: 'Pia at work', line1: 'Office 9', city: 'Hamburg', country: 'DE' });
    expect(shipping.statusCode).toBe(303);
    expect((await t.api().get(`/v1/customers/${customer}`)).body.shipping).toMatchObject({ name: 'Pia at work', address: { line1: 'Office 9' } });
  });

  it('refuses a form without its CSRF token and changes nothing', async () => {
    const s = await open();
    const before = (await t.api().get(`/v1/customers/${customer}`)).body;
    const refused = await post('/portal/details', s.cookie, { name: 'Forged' });
    expect(refused.statusCode).toBe(403);
    const wrong = await post('/portal/details', s.cookie, { csrf: 'x'.repeat(43), name: 'Forged' });
    expect(wrong.statusCode).toBe(403);
    expect((await t.api().get(`/v1/customers/${customer}`)).body.version ?? (await t.api().get(`/v1/customers/${customer}`)).body.name).toBe(before.version ?? before.name);
  });

  it('adds and removes tax ids; another customer’s tax id swapped into the form is a 404 page', async () => {
    const s = await open();
    const added = await post('/portal/tax-ids', s.cookie, { csrf: s.csrf, type: 'eu_vat', value: 'DE136695976' });
    expect(added.statusCode).toBe(303);
    const mine = (await t.api().get(`/v1/customers/${customer}/tax_ids`)).body.data;
    expect(mine.map((x: { value: string }) => x.value)).toContain('DE136695976');
    const invalid = await post('/portal/tax-ids', s.cookie, { csrf: s.csrf, type: 'eu_vat', value: 'DE1' });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.body).toMatch(/id="tax_id-value"[^>]*aria-invalid="true"/);
    const foreign = (await t.api().post(`/v1/customers/${other}/tax_ids`, { type: 'eu_vat', value: 'DE136695976' })).body.id;
    const swapped = await post('/portal/tax-ids/remove', s.cookie, { csrf: s.csrf, tax_id: foreign });
    expect(swapped.statusCode).toBe(404);
    expect(swapped.body).not.toContain('Otto');
    expect((await t.api().get(`/v1/customers/${other}/tax_ids/${foreign}`)).status).toBe(200);
    const removed = await post('/portal/tax-ids/remove', s.cookie, { csrf: s.csrf, tax_id: mine[0].id });
    expect(removed.statusCode).toBe(303);
    expect((await t.api().get(`/v1/customers/${customer}/tax_ids/${mine[0].id}`)).status).toBe(404);
  });

  it('sets the default payment method and detaches one; another customer’s is a 404 page', async () => {
    const pms: string[] = [];
    for (let i = 0; i < 2; i++) {
      const pm = (await t.api().post('/v1/payment_methods', CARD)).body.id;
      await t.api().post(`/v1/payment_methods/${pm}/attach`, { customer });
      pms.push(pm);
    }
    const foreign = (await t.api().post('/v1/payment_methods', CARD)).body.id;
    await t.api().post(`/v1/payment_methods/${foreign}/attach`, { customer: other });
    const s = await open();
    expect(s.page).toContain('Cards are added at the payment processor');
    expect((await post('/portal/payment-methods/default', s.cookie, { csrf: s.csrf, payment_method: pms[1] })).statusCode).toBe(303);
    expect((await t.api().get(`/v1/customers/${customer}`)).body.invoice_settings.default_payment_method).toBe(pms[1]);
    expect((await post('/portal/payment-methods/detach', s.cookie, { csrf: s.csrf, payment_method: pms[0] })).statusCode).toBe(303);
    expect((await t.api().get(`/v1/payment_methods/${pms[0]}`)).body.customer).toBeNull();
    expect((await post('/portal/payment-methods/detach', s.cookie, { csrf: s.csrf, payment_method: foreign })).statusCode).toBe(404);
    expect((await post('/portal/payment-methods/default', s.cookie, { csrf: s.csrf, payment_method: foreign })).statusCode).toBe(404);
    expect((await t.api().get(`/v1/payment_methods/${foreign}`)).body.customer).toBe(other);
    const events = (await t.api().get('/v1/events', { type: 'payment_method.detached', limit: 1 })).body.data;
    expect(events[0]?.request.actor).toMatch(/^portal session bps_/);
  });

  it('lists invoices and charges with refunds, newest first, formatted for the locale', async () => {
    const pm = (await t.api().post('/v1/payment_methods', CARD)).body.id;
    await t.api().post(`/v1/payment_methods/${pm}/attach`, { customer });
    const first = (await t.api().post('/v1/charges', { customer, amount: 1999, currency: 'eur', payment_method: pm, description: 'First order' })).body.id;
    await t.api().post('/v1/refunds', { charge: first, amount: 500 });
    await t.api().post('/v1/charges', { customer, amount: 1500, currency: 'jpy', payment_method: pm, description: 'Second order' });
    const invoice = (await t.api().post('/v1/invoices', { customer, currency: 'eur', lines: [{ description: 'Seat', quantity: 1, unit_amount: 4200 }] })).body.id;
    const en = await open();
    expect(en.page).toContain(`data-invoice="${invoice}"`);
    expect(en.page).toContain('€19.99');
    expect(en.page).toContain('¥1,500');
    expect(en.page).toContain('Refunded €5.00');
    expect(en.page.indexOf('Second order')).toBeLessThan(en.page.indexOf('First order'));
    const de = await open({ locale: 'de' });
    expect(de.page).toContain('<html lang="de">');
    expect(de.page).toContain('Ihre Rechnungsdaten');
    expect(de.page).toContain('19,99\u00a0€');
    await t.api().post(`/v1/customers/${customer}`, { preferred_locales: ['fr-FR', 'en'] });
    const fr = await open();
    expect(fr.page).toContain('<html lang="fr">');
    expect(fr.page).toContain('Vos informations de facturation');
    const es = await open({ locale: 'es' });
    expect(es.page).toContain('Tus datos de facturación');
    const auto = await open({ locale: 'ja' });
    expect(auto.page).toContain('<html lang="fr">');
  });

  it('shows and accepts only what the configuration allows', async () => {
    const config = (
      await t.api().post('/v1/billing_portal/configurations', {
        features: { customer_update: { enabled: true, allowed_updates: ['email'] }, payment_method_update: { enabled: false }, invoice_history: { enabled: false } },
        business_profile: { headline: 'Acme Billing' },
      })
    ).body.id;
    const s = await open({ configuration: config });
    expect(s.page).toContain('Acme Billing');
    expect(s.page).toContain('id="details-email"');
    expect(s.page).not.toContain('id="details-name"');
    expect(s.page).not.toContain('action="/portal/address"');
    expect(s.page).not.toContain('action="/portal/payment-methods/detach"');
    expect(s.page).not.toContain('id="invoices"');
    expect((await post('/portal/address', s.cookie, { csrf: s.csrf, line1: 'Sneaky 1', country: 'DE' })).statusCode).toBe(403);
    expect((await t.api().get(`/v1/customers/${customer}`)).body.address.line1).not.toBe('Sneaky 1');
  });

  it('ends the session when the key that asked for it is revoked', async () => {
    const key = await t.services.accounts.createKey(t.account.id, 'test', false, null);
    const r = await t.api(key.secret).post('/v1/billing_portal/sessions', { customer, return_url: 'https://shop.example/account' });
    const opened = await get(new URL(r.body.url).pathname);
    const cookie = opened.cookies.find((c) => c.name === 'clientele_portal')?.value ?? '';
    expect((await get('/portal', cookie)).statusCode).toBe(200);
    await t.services.accounts.revokeKey(t.account.id, key.key.id);
    expect((await get('/portal', cookie)).statusCode).toBe(401);
  });

  it('ends the sessions of a customer who is deleted', async () => {
    const gone = (await t.api().post('/v1/customers', { name: 'Short Lived' })).body.id;
    const s = await open({}, gone);
    expect((await t.api().del(`/v1/customers/${gone}`)).status).toBe(200);
    const after = await get('/portal', s.cookie);
    expect(after.statusCode).toBe(401);
    expect(after.body).not.toContain('Short Lived');
  });

  it('signs out: the cookie no longer opens the page', async () => {
    const s = await open();
    const out = await post('/portal/sign-out', s.cookie, { csrf: s.csrf });
    expect(out.statusCode).toBe(200);
    expect(out.body).toContain('href="https://shop.example/account"');
    expect((await get('/portal', s.cookie)).statusCode).toBe(401);
  });
});
