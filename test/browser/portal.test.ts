/**
 * Issue 19 in a real browser: a session made with the stripe SDK, its link opened in Chromium,
 * the address edited (customer.updated with the portal session as actor), a tax id added and
 * removed, the default payment method set and another detached, invoices and charges shown;
 * used, expired and forged links; an id of another customer swapped into a form; axe-core; the
 * narrow viewport (screenshots in test-artifacts/portal/, docs/portal/ with CONSOLE_DOCS_SCREENSHOTS=1).
 */
import type { Page } from 'playwright-core';
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { portalSessionService } from '../../src/domain/billing-portal/portal-session-service.js';
import { nowSeconds } from '../../src/lib/ids.js';
import { HAS_CHROMIUM, launchChromium, type LaunchedBrowser } from '../helpers/browser.js';
import { createTestApp, STORES, type TestApp } from '../helpers/harness.js';
import { expectNoHorizontalScroll, sameOriginOnly, screenshot, seriousViolations } from './support.js';

let chromium: LaunchedBrowser;
beforeAll(async () => {
  if (HAS_CHROMIUM) chromium = await launchChromium();
});
afterAll(async () => chromium?.close());

const CARD = { type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: new Date().getUTCFullYear() + 3, cvc: '123' } };

describe.runIf(HAS_CHROMIUM).each(STORES)('customer portal in Chromium (%s)', (kind) => {
  let t: TestApp;
  let url: string;
  let stripe: Stripe;
  let offset = 0;
  let page: Page;
  let customer: string;
  let other: string;
  let pms: string[];

  beforeAll(async () => {
    t = await createTestApp(kind, {}, {
      services: (s, store, config) => ({
        ...s,
        portalSessions: portalSessionService({ store, configurations: s.portalConfigurations, publicUrl: config.publicUrl, now: () => nowSeconds() + offset }),
      }),
    });
    const base = await t.listen();
    url = base.url;
    stripe = new Stripe(t.account.test, { host: base.host, port: base.port, protocol: 'http' });
    customer = (await stripe.customers.create({ name: 'Mara Mobile', email: 'mara@example.com', address: { line1: 'Alte Gasse 3', city: 'Wien', postal_code: '1010', country: 'AT' } })).id;
    other = (await stripe.customers.create({ name: 'Someone Else' })).id;
    pms = [];
    for (const last of ['4242424242424242', '5555555555554444']) {
      const pm = (await t.api().post('/v1/payment_methods', { ...CARD, card: { ...CARD.card, number: last } })).body.id as string;
      await t.api().post(`/v1/payment_methods/${pm}/attach`, { customer });
      pms.push(pm);
    }
    await t.api().post(`/v1/customers/${customer}`, { invoice_settings: { default_payment_method: pms[0] } });
    const charge = (await t.api().post('/v1/charges', { customer, amount: 2500, currency: 'eur', payment_method: pms[0], description: 'Annual plan' })).body.id;
    await t.api().post('/v1/refunds', { charge, amount: 1000 });
    const invoice = (await t.api().post('/v1/invoices', { customer, currency: 'eur', lines: [{ description: 'Annual plan', quantity: 1, unit_amount: 2500 }] })).body.id;
    await t.api().post(`/v1/invoices/${invoice}/finalize`, {});
  });
  afterAll(async () => {
    const closing = t?.close();
    t?.app.server.closeAllConnections();
    await closing;
  });
  beforeEach(async () => {
    await chromium.context.clearCookies();
    for (const open of chromium.context.pages()) await open.close();
    page = await chromium.context.newPage();
  });

  /** A link from the SDK; its path on the test server (PUBLIC_URL is the default listen address). */
  async function portalLink(params: Partial<Stripe.BillingPortal.SessionCreateParams> = {}): Promise<string> {
    const session = await stripe.billingPortal.sessions.create({ customer, return_url: 'https://shop.example/account', ...params });
    expect(session.url.startsWith(`${t.config.publicUrl}/portal/session/`)).toBe(true);
    return `${url}${new URL(session.url).pathname}`;
  }

  it('opens the SDK’s link, edits the address, tax ids and payment methods, and shows invoices and charges', async () => {
    const foreign = sameOriginOnly(page, url);
    await page.goto(await portalLink());
    expect(new URL(page.url()).pathname).toBe('/portal');
    const cookie = (await chromium.context.cookies(`${url}/portal/`)).find((c) => c.name === 'clientele_portal');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/portal' });
    await expect(page.locator('h1').textContent()).resolves.toBe('Your billing details');

    await page.fill('#address-line1', 'Neue Straße 7');
    await page.fill('#address-postal_code', '1020');
    await Promise.all([page.waitForURL(/saved=address/), page.click('#address button[type=submit]')]);
    await expect(page.locator('[role=status]').first().textContent()).resolves.toBe('Saved.');
    expect(await page.inputValue('#address-line1')).toBe('Neue Straße 7');
    const events = await stripe.events.list({ type: 'customer.updated', limit: 1 });
    expect(events.data[0]?.data.object).toMatchObject({ id: customer, address: { line1: 'Neue Straße 7' } });
    expect((events.data[0]?.request as unknown as { actor: string }).actor).toMatch(/^portal session bps_/);

    await page.selectOption('#tax_id-type', 'eu_vat');
    await page.fill('#tax_id-value', 'ATU12345675');
    await Promise.all([page.waitForURL(/saved=tax_id/), page.click('#tax-ids form[action="/portal/tax-ids"] button')]);
    await expect(page.locator('#tax-ids li.row').count()).resolves.toBe(1);
    await Promise.all([page.waitForURL(/saved=tax_id/), page.click('#tax-ids li.row button')]);
    await expect(page.locator('#tax-ids li.row').count()).resolves.toBe(0);

    await Promise.all([page.waitForURL(/saved=payment_method/), page.click(`li[data-payment-method="${pms[1]}"] form[action$="/default"] button`)]);
    await expect(page.locator(`li[data-payment-method="${pms[1]}"]`).getAttribute('data-default')).resolves.toBe('true');
    await Promise.all([page.waitForURL(/saved=payment_method/), page.click(`li[data-payment-method="${pms[0]}"] form[action$="/detach"] button`)]);
    await expect(page.locator(`li[data-payment-method="${pms[0]}"]`).count()).resolves.toBe(0);
    expect((await stripe.customers.retrieve(customer)) as Stripe.Customer).toMatchObject({ invoice_settings: { default_payment_method: pms[1] } });
    await expect(page.getByTestId('cards-elsewhere').isVisible()).resolves.toBe(true);
    await expect(page.locator('input[name=number], input[autocomplete^="cc-"]').count()).resolves.toBe(0);

    await expect(page.locator('#invoices tbody tr').count()).resolves.toBe(1);
    await expect(page.locator('#invoices').textContent()).resolves.toContain('€25.00');
    await expect(page.locator('#charges').textContent()).resolves.toContain('Refunded €10.00');
    await expect(page.getByTestId('return').getAttribute('href')).resolves.toBe('https://shop.example/account');
    expect(page.url()).not.toContain('mara');
    expect(foreign).toEqual([]);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('shows a clear page without customer data for a used, an expired and a forged link', async () => {
    const link = await portalLink();
    await page.goto(link);
    await chromium.context.clearCookies();
    const reused = await page.goto(link);
    expect(reused?.status()).toBe(410);
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).toContain('already been used');
    expect(text).not.toContain('Mara');
    await expect(page.getByTestId('return').getAttribute('href')).resolves.toBe('https://shop.example/account');
    expect(await seriousViolations(page)).toEqual([]);

    const later = await portalLink();
    offset += 601;
    expect((await page.goto(later))?.status()).toBe(410);
    await expect(page.locator('main').textContent()).resolves.toContain('expired');
    offset -= 601;

    const forged = later.replace(/[0-9A-Za-z]{43}$/, 'x'.repeat(43));
    expect((await page.goto(forged))?.status()).toBe(404);
    await expect(page.locator('main').textContent()).resolves.toContain('not valid');
  });

  it('answers an id of another customer swapped into a form with a 404 page, changing nothing', async () => {
    const theirs = (await t.api().post(`/v1/customers/${other}/tax_ids`, { type: 'eu_vat', value: 'ATU12345675' })).body.id;
    await page.goto(await portalLink());
    await page.selectOption('#tax_id-type', 'eu_vat');
    await page.fill('#tax_id-value', 'ATU12345675');
    await Promise.all([page.waitForURL(/saved=tax_id/), page.click('#tax-ids form[action="/portal/tax-ids"] button')]);
    // What a person with the developer tools would do: put the other customer's id in the form.
    await page.locator('#tax-ids li.row input[name=tax_id]').evaluate((el, id) => el.setAttribute('value', id), theirs);
    const [response] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/portal/tax-ids/remove')), page.click('#tax-ids li.row button')]);
    expect(response.status()).toBe(404);
    expect((await page.locator('main').textContent()) ?? '').not.toContain('Someone Else');
    expect((await t.api().get(`/v1/customers/${other}/tax_ids/${theirs}`)).status).toBe(200);
  });

  it('is usable at 390 px: no horizontal scroll, keyboard reachable, no serious axe violation; a German session', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(await portalLink({ locale: 'de' }));
    await expect(page.locator('h1').textContent()).resolves.toBe('Ihre Rechnungsdaten');
    await expectNoHorizontalScroll(page);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'portal-narrow', { fullPage: true, docs: true, area: 'portal' });
    await page.keyboard.press('Tab');
    await expect(page.evaluate('document.activeElement.className')).resolves.toBe('skip');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await expect(page.evaluate('document.activeElement.textContent')).resolves.toBe('Abmelden');
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.reload();
    await screenshot(page, 'portal', { fullPage: true, docs: true, area: 'portal' });
  });
});
