/**
 * Issue 19, item 4: sign-in by email, on both stores, against a real SMTP server (smtp-server)
 * started here. login_page.url appears and goes with login_page.enabled (raw HTTP and the stripe
 * SDK); the login page (headers, CSRF, locales); a known address gets a one-time link by mail
 * that opens the portal of the right customer (case-folded; of several, the one updated last;
 * never a deleted one); an unknown address gets the very same answer and no mail; the rate
 * limits per address and per client; a refused mail is logged without the link; without
 * SMTP_URL enabling is refused and existing login pages say sign-in is unavailable.
 */
import type { ParsedMail } from 'mailparser';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, loggerOptions } from '../../../src/app.js';
import { createServices } from '../../../src/compose.js';
import { LOGIN_LIMIT_PER_CLIENT, LOGIN_LIMIT_PER_EMAIL } from '../../../src/domain/billing-portal/portal-login-service.js';
import { openStore } from '../../../src/store/open-store.js';
import { createTestApp, form, STORES, testConfig, type TestApp } from '../../helpers/harness.js';
import { startSmtp, type TestSmtp } from '../../helpers/smtp.js';
import { storedText } from './support.js';

const PUBLIC = 'https://billing.example.com';
const LOGIN_URL = new RegExp(`^${PUBLIC.replace(/\./g, '\\.')}/portal/login/(acct_[0-9A-Za-z]+\\.t\\.[0-9A-Za-z]{43})$`);

/** Resolves once the clock's second has moved on (so a later write has a later `updated`). */
async function nextSecond(): Promise<void> {
  const start = Math.floor(Date.now() / 1000);
  while (Math.floor(Date.now() / 1000) === start) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe.each(STORES)('portal sign-in by email (%s)', (kind) => {
  let t: TestApp;
  let smtp: TestSmtp;
  const logs: string[] = [];
  let config: { id: string; path: string };
  let unavailableBody: string | undefined;
  const addressOf = (m: ParsedMail) => (m.to && !Array.isArray(m.to) ? m.to.text : '');

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await createTestApp(
      kind,
      { SMTP_URL: smtp.url, PUBLIC_URL: PUBLIC, MAIL_FROM: 'Acme Billing <billing@acme.example>' },
      // The server's own log settings (what it logs of a request), into an array.
      { logger: { ...(loggerOptions('info') as object), stream: { write: (line: string) => void logs.push(line) } } },
    );
    const made = await t.api().post('/v1/billing_portal/configurations', {
      login_page: { enabled: true },
      default_return_url: 'https://shop.example/account',
      business_profile: { headline: 'Acme billing' },
    });
    expect(made.status).toBe(200);
    config = { id: made.body.id, path: new URL(made.body.login_page.url).pathname };
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  let addressCount = 0;
  /** A client address of its own per use, so one test's requests never count against another's. */
  const freshClient = () => `10.1.0.${++addressCount}`;

  async function openForm(path = config.path, headers: Record<string, string> = {}) {
    const page = await t.app.inject({ method: 'GET', url: path, headers });
    const cookie = page.cookies.find((c) => c.name === 'clientele_portal_login');
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    return { page, cookie: cookie?.value ?? '', csrf };
  }
  const submit = (path: string, cookie: string, body: Record<string, string>, remoteAddress: string) =>
    t.app.inject({
      method: 'POST',
      url: path,
      remoteAddress,
      cookies: cookie ? { clientele_portal_login: cookie } : {},
      payload: form(body),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  /** The path of the portal link in a mail. */
  const linkIn = (mail: ParsedMail): string => {
    const url = /https:\/\/\S+\/portal\/session\/\S+/.exec(mail.text ?? '')?.[0];
    if (!url) throw new Error(`no portal link in: ${mail.text}`);
    expect(url.startsWith(`${PUBLIC}/portal/session/`)).toBe(true);
    return new URL(url).pathname;
  };
  /** Opens a portal link as a browser would: the page it leads to. */
  async function portalOf(linkPath: string): Promise<string> {
    const opened = await t.app.inject({ method: 'GET', url: linkPath });
    expect(opened.statusCode).toBe(303);
    const cookie = opened.cookies.find((c) => c.name === 'clientele_portal')?.value ?? '';
    const page = await t.app.inject({ method: 'GET', url: '/portal', cookies: { clientele_portal: cookie } });
    expect(page.statusCode).toBe(200);
    return page.body;
  }

  it('shows login_page.url while the login page is enabled, over HTTP and through the stripe SDK', async () => {
    const made = (await t.api().get(`/v1/billing_portal/configurations/${config.id}`)).body;
    expect(made.login_page.enabled).toBe(true);
    const token = LOGIN_URL.exec(made.login_page.url)?.[1] ?? '';
    expect(token).not.toBe('');
    expect(made.login_page.url).not.toContain(config.id);
    expect(token.startsWith(`${t.account.id}.t.`)).toBe(true);
    const listed = (await t.api().get('/v1/billing_portal/configurations')).body.data.find((c: { id: string }) => c.id === config.id);
    expect(listed.login_page.url).toBe(made.login_page.url);

    const off = await t.api().post(`/v1/billing_portal/configurations/${config.id}`, { login_page: { enabled: false } });
    expect(off.body.login_page).toEqual({ enabled: false, url: null });
    const dead = await t.app.inject({ method: 'GET', url: config.path });
    expect(dead.statusCode).toBe(404);
    expect(dead.body).toContain('Sign-in by email is not available here');
    expect(dead.body).not.toContain('Acme billing');
    unavailableBody = dead.body;
    const on = await t.api().postJson(`/v1/billing_portal/configurations/${config.id}`, { login_page: { enabled: true } });
    // Enabled again, the page has its URL back.
    expect(on.body.login_page).toEqual({ enabled: true, url: made.login_page.url });
    expect((await t.app.inject({ method: 'GET', url: config.path })).statusCode).toBe(200);

    // A configuration without the login page has none; a default made on first use neither.
    const plain = await t.api().post('/v1/billing_portal/configurations', {});
    expect(plain.body.login_page).toEqual({ enabled: false, url: null });

    const { host, port } = await t.listen();
    const stripe = new Stripe(t.account.test, { host, port, protocol: 'http' });
    const viaSdk = await stripe.billingPortal.configurations.create({ login_page: { enabled: true }, features: { invoice_history: { enabled: true } } });
    expect(viaSdk.login_page.enabled).toBe(true);
    expect(viaSdk.login_page.url).toMatch(LOGIN_URL);
    expect(viaSdk.login_page.url).not.toBe(made.login_page.url);
    const updated = await stripe.billingPortal.configurations.update(viaSdk.id, { login_page: { enabled: false } });
    expect(updated.login_page.url).toBeNull();
    // The token is kept in the configuration only (the URL is shareable by design), never in events.
    expect(await storedText(t.database, ['events'])).not.toContain(token.split('.').pop());
  });

  it('serves the login page with the portal’s headers, a CSRF cookie, and in the visitor’s language', async () => {
    const { page, cookie, csrf } = await openForm();
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(cookie).toMatch(/^[0-9A-Za-z]{43}$/);
    expect(page.cookies.find((c) => c.name === 'clientele_portal_login')).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/portal/login' });
    expect(csrf).not.toBe('');
    expect(page.body).toContain('<label for="login-email">Email address</label>');
    expect(page.body).toContain('Acme billing');
    // The same cookie keeps its token (a second tab does not break the first).
    const again = await t.app.inject({ method: 'GET', url: config.path, cookies: { clientele_portal_login: cookie } });
    expect(again.cookies).toEqual([]);
    expect(again.body).toContain(`value="${csrf}"`);

    const de = await t.app.inject({ method: 'GET', url: config.path, headers: { 'accept-language': 'fr;q=0.5, de-AT, en;q=0.8' } });
    expect(de.body).toContain('<html lang="de">');
    expect(de.body).toContain('Bei Ihren Rechnungsdaten anmelden');
    const fr = await t.app.inject({ method: 'GET', url: `${config.path}?locale=fr`, headers: { 'accept-language': 'de' } });
    expect(fr.body).toContain('Accéder à vos informations de facturation');
    const es = await t.app.inject({ method: 'GET', url: config.path, headers: { 'accept-language': 'es-419' } });
    expect(es.body).toContain('Accede a tus datos de facturación');
    const unknown = await t.app.inject({ method: 'GET', url: config.path, headers: { 'accept-language': 'ja, xx' } });
    expect(unknown.body).toContain('<html lang="en">');

    const forged = await t.app.inject({ method: 'GET', url: config.path.replace(/[0-9A-Za-z]{43}$/, 'x'.repeat(43)) });
    expect(forged.statusCode).toBe(404);
    // Every unavailable login page is the same page: a forged token, a disabled page, no SMTP.
    expect(forged.body).toBe(unavailableBody);
  });

  it('mails a known address a one-time link to the portal of the customer updated last, case-folded, never a deleted one', async () => {
    const older = (await t.api().post('/v1/customers', { name: 'Dana Older', email: 'Dana@Example.com' })).body.id;
    await t.api().post('/v1/customers', { name: 'Dana Newer', email: 'dana@example.com' });
    await t.api().del(`/v1/customers/${(await t.api().post('/v1/customers', { name: 'Dana Deleted', email: 'dana@example.com' })).body.id}`);
    await nextSecond();
    await t.api().post(`/v1/customers/${older}`, { description: 'updated last' });

    const { cookie, csrf } = await openForm();
    const sent = await submit(config.path, cookie, { csrf, email: '  DANA@example.COM ', locale: 'en' }, freshClient());
    expect(sent.statusCode).toBe(200);
    expect(sent.body).toContain('Check your email');
    expect(sent.body).not.toContain('dana');
    await t.services.portalLogin.settled();
    const [mail, ...more] = smtp.takeAll();
    if (!mail) throw new Error('no mail arrived');
    expect(more).toEqual([]);
    // To the address on file, as it was given (nodemailer writes the domain in lower case).
    expect(addressOf(mail)).toBe('Dana@example.com');
    expect(mail.from?.value).toEqual([{ name: 'Acme Billing', address: 'billing@acme.example' }]);
    expect(mail.subject).toBe('Your sign-in link for your billing details');
    expect(mail.text).toContain('Acme billing');
    expect(mail.text).toContain('works once, within 10 minutes');
    const link = linkIn(mail);
    const portal = await portalOf(link);
    expect(portal).toContain('Dana Older');
    expect(portal).not.toContain('Dana Newer');
    expect(portal).toContain('href="https://shop.example/account"');
    // It is a session link like any other: once only.
    expect((await t.app.inject({ method: 'GET', url: link })).statusCode).toBe(410);
  });

  it('answers an unknown address with the very same page and sends no mail', async () => {
    await t.api().post('/v1/customers', { name: 'Known Person', email: 'known@example.com' });
    const { cookie, csrf } = await openForm();
    const client = freshClient();
    await t.services.portalLogin.settled();
    smtp.takeAll();
    const known = await submit(config.path, cookie, { csrf, email: 'known@example.com', locale: 'en' }, client);
    const unknown = await submit(config.path, cookie, { csrf, email: 'nobody@example.com', locale: 'en' }, client);
    expect(unknown.statusCode).toBe(known.statusCode);
    expect(unknown.body).toBe(known.body);
    expect(unknown.headers['content-type']).toBe(known.headers['content-type']);
    expect(unknown.cookies).toEqual(known.cookies);
    await t.services.portalLogin.settled();
    expect(smtp.takeAll().map(addressOf)).toEqual(['known@example.com']);
    // In German too, the same page for both.
    const deKnown = await submit(config.path, cookie, { csrf, email: 'known@example.com', locale: 'de' }, client);
    const deUnknown = await submit(config.path, cookie, { csrf, email: 'nobody@example.com', locale: 'de' }, client);
    expect(deUnknown.body).toBe(deKnown.body);
    expect(deKnown.body).toContain('Sehen Sie in Ihr Postfach');
    await t.services.portalLogin.settled();
    const deMails = smtp.takeAll();
    expect(deMails.map((m) => m.subject)).toEqual(['Ihr Anmeldelink zu Ihren Rechnungsdaten']);
    expect(deMails[0]?.text).toContain('Der Link öffnet einmal');
  });

  it('refuses a request without the form’s CSRF token, and an address that is not one', async () => {
    const { cookie, csrf } = await openForm();
    await t.services.portalLogin.settled();
    smtp.takeAll();
    const noCookie = await submit(config.path, '', { csrf, email: 'known@example.com' }, freshClient());
    expect(noCookie.statusCode).toBe(403);
    const wrong = await submit(config.path, cookie, { csrf: 'x'.repeat(csrf.length), email: 'known@example.com' }, freshClient());
    expect(wrong.statusCode).toBe(403);
    const bad = await submit(config.path, cookie, { csrf, email: 'not an address' }, freshClient());
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('aria-invalid="true"');
    expect(bad.body).toContain('Enter an email address');
    expect(bad.body).toContain('value="not an address"');
    await t.services.portalLogin.settled();
    expect(smtp.takeAll()).toEqual([]);
  });

  it(`limits requests to ${LOGIN_LIMIT_PER_EMAIL} per address and ${LOGIN_LIMIT_PER_CLIENT} per client in 15 minutes, known or not`, async () => {
    await t.api().post('/v1/customers', { name: 'Limited Known', email: 'limited-known@example.com' });
    const { cookie, csrf } = await openForm();
    for (const email of ['limited-unknown@example.com', 'limited-known@example.com']) {
      for (let i = 0; i < LOGIN_LIMIT_PER_EMAIL; i++) {
        expect((await submit(config.path, cookie, { csrf, email }, freshClient())).statusCode).toBe(200);
      }
      // Another client, the same address (in other case): refused.
      const limited = await submit(config.path, cookie, { csrf, email: email.toUpperCase() }, freshClient());
      expect(limited.statusCode).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
      expect(limited.body).toContain('Too many sign-in requests. Try again in 15 minutes.');
      expect(limited.body).not.toContain(email);
    }
    await t.services.portalLogin.settled();
    // The known address got its 5 mails; the unknown one none.
    expect(smtp.takeAll().map(addressOf)).toEqual(Array(LOGIN_LIMIT_PER_EMAIL).fill('limited-known@example.com'));

    const client = freshClient();
    for (let i = 0; i < LOGIN_LIMIT_PER_CLIENT; i++) {
      expect((await submit(config.path, cookie, { csrf, email: `someone-${i}@example.com` }, client)).statusCode).toBe(200);
    }
    const over = await submit(config.path, cookie, { csrf, email: 'someone-else@example.com' }, client);
    expect(over.statusCode).toBe(429);
    expect((await submit(config.path, cookie, { csrf, email: 'someone-else@example.com' }, freshClient())).statusCode).toBe(200);
    // Counters hold digests only: neither the addresses nor the client addresses are stored.
    const stored = await storedText(t.database, ['portal_login_limits']);
    expect(stored).not.toContain('someone');
    expect(stored).not.toContain(client);
  });

  it('logs a refused mail without the link or the address, and answers the same page', async () => {
    await t.api().post('/v1/customers', { name: 'Refused Mail', email: 'refused@example.com' });
    const { cookie, csrf } = await openForm();
    await t.services.portalLogin.settled();
    smtp.takeAll();
    const ok = await submit(config.path, cookie, { csrf, email: 'nobody-here@example.com' }, freshClient());
    smtp.refuseRecipients(true);
    logs.length = 0;
    try {
      const refused = await submit(config.path, cookie, { csrf, email: 'refused@example.com' }, freshClient());
      expect(refused.statusCode).toBe(200);
      expect(refused.body).toBe(ok.body);
      await t.services.portalLogin.settled();
    } finally {
      smtp.refuseRecipients(false);
    }
    expect(smtp.takeAll()).toEqual([]);
    const failure = logs.find((line) => line.includes('portal sign-in link not mailed'));
    expect(failure).toBeDefined();
    expect(JSON.parse(failure as string)).toMatchObject({ level: 50, configuration: config.id, stage: 'mail', error: { responseCode: 550 } });
    const all = logs.join('\n');
    // Request lines show the portal's token paths redacted (the login page's, and a session link's).
    expect(all).toContain('"path":"/portal/login/[redacted]"');
    expect(all).not.toMatch(/portal\/session\/acct/);
    expect(all).not.toMatch(/\.t\.[0-9A-Za-z]{43}/);
    expect(all).not.toContain('refused@example.com');
  });

  it('stops the login page when the key that enabled it is revoked, until it is enabled again', async () => {
    const other = await t.services.accounts.createKey(t.account.id, 'test', false, null);
    const made = await t.api(other.secret).post('/v1/billing_portal/configurations', { login_page: { enabled: true } });
    const path = new URL(made.body.login_page.url).pathname;
    expect((await t.app.inject({ method: 'GET', url: path })).statusCode).toBe(200);
    await t.services.accounts.revokeKey(t.account.id, other.key.id);
    const stopped = await t.app.inject({ method: 'GET', url: path });
    expect(stopped.statusCode).toBe(404);
    expect(stopped.body).toBe(unavailableBody);
    await t.api().post(`/v1/billing_portal/configurations/${made.body.id}`, { login_page: { enabled: true } });
    expect((await t.app.inject({ method: 'GET', url: path })).statusCode).toBe(200);
  });

  it('answers flow_data and on_behalf_of with a 400 saying they are not supported; flow and on_behalf_of are null', async () => {
    const customer = (await t.api().post('/v1/customers', { name: 'Flow' })).body.id;
    const flow = await t.api().post('/v1/billing_portal/sessions', { customer, flow_data: { type: 'payment_method_update' } });
    expect(flow.status).toBe(400);
    expect(flow.body.error).toMatchObject({ type: 'invalid_request_error', code: 'parameter_unknown', param: 'flow_data' });
    expect(flow.body.error.message).toContain('Flows are not supported');
    const json = await t.api().postJson('/v1/billing_portal/sessions', { customer, flow_data: { type: 'payment_method_update' } });
    expect(json.body.error).toMatchObject({ code: 'parameter_unknown', param: 'flow_data' });
    const behalf = await t.api().post('/v1/billing_portal/sessions', { customer, on_behalf_of: 'acct_other' });
    expect(behalf.body.error).toMatchObject({ code: 'parameter_unknown', param: 'on_behalf_of' });
    const session = await t.api().post('/v1/billing_portal/sessions', { customer, configuration: config.id });
    expect(session.status).toBe(200);
    expect(session.body).toMatchObject({ flow: null, on_behalf_of: null });
    expect(Object.keys(session.body)).toEqual(expect.arrayContaining(['flow', 'on_behalf_of']));
  });

  it('without SMTP_URL refuses to enable a login page, and an enabled one says sign-in is unavailable', async () => {
    // The same database, served by a process started without SMTP_URL.
    const bare = testConfig(t.database, { PUBLIC_URL: PUBLIC });
    expect(bare.smtpUrl).toBeNull();
    const store = await openStore(bare);
    const services = createServices(store, bare);
    const app = await buildApp({ config: bare, unitOfWork: store.unitOfWork, services, logger: false });
    try {
      const headers = { authorization: `Bearer ${t.account.test}`, 'content-type': 'application/x-www-form-urlencoded' };
      const refused = await app.inject({ method: 'POST', url: '/v1/billing_portal/configurations', headers, payload: form({ login_page: { enabled: true } }) });
      expect(refused.statusCode).toBe(400);
      expect(JSON.parse(refused.body).error).toMatchObject({ code: 'portal_login_unavailable', param: 'login_page[enabled]' });
      expect(JSON.parse(refused.body).error.message).toContain('SMTP_URL');
      const update = await app.inject({ method: 'POST', url: `/v1/billing_portal/configurations/${config.id}`, headers, payload: form({ login_page: { enabled: true } }) });
      expect(update.statusCode).toBe(400);
      const page = await app.inject({ method: 'GET', url: config.path });
      expect(page.statusCode).toBe(404);
      expect(page.body).toBe(unavailableBody);
      const { csrf, cookie } = await openForm();
      const post = await app.inject({
        method: 'POST',
        url: config.path,
        cookies: { clientele_portal_login: cookie },
        payload: form({ csrf, email: 'known@example.com' }),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(post.statusCode).toBe(404);
      // Disabling still works (and so does everything else of the configuration).
      const off = await app.inject({ method: 'POST', url: `/v1/billing_portal/configurations/${config.id}`, headers, payload: form({ login_page: { enabled: false } }) });
      expect(JSON.parse(off.body).login_page).toEqual({ enabled: false, url: null });
    } finally {
      await app.close();
      await store.close();
    }
    await t.api().post(`/v1/billing_portal/configurations/${config.id}`, { login_page: { enabled: true } });
  });
});
