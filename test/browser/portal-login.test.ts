/**
 * Issue 19, item 4 in a real browser, against a real SMTP server started here: a configuration
 * with its login page (made with the stripe SDK), the page opened in Chromium, a customer's
 * address typed and sent, the mail received, its link opened, and the portal of that customer
 * shown; an unknown address gets the same page byte for byte and no mail; the rate limit's page;
 * the page once disabled; axe-core on each; 390 px (screenshots in test-artifacts/portal/,
 * docs/portal/ with CONSOLE_DOCS_SCREENSHOTS=1).
 */
import type { Page, Response } from 'playwright-core';
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LOGIN_LIMIT_PER_EMAIL } from '../../src/domain/billing-portal/portal-login-service.js';
import { HAS_CHROMIUM, launchChromium, type LaunchedBrowser } from '../helpers/browser.js';
import { createTestApp, STORES, type TestApp } from '../helpers/harness.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';
import { expectNoHorizontalScroll, sameOriginOnly, screenshot, seriousViolations } from './support.js';

let chromium: LaunchedBrowser;
beforeAll(async () => {
  if (HAS_CHROMIUM) chromium = await launchChromium();
});
afterAll(async () => chromium?.close());

describe.runIf(HAS_CHROMIUM).each(STORES)('portal sign-in by email in Chromium (%s)', (kind) => {
  let t: TestApp;
  let smtp: TestSmtp;
  let url: string;
  let stripe: Stripe;
  let page: Page;
  let loginPath: string;
  let configuration: string;
  let customer: string;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await createTestApp(kind, { SMTP_URL: smtp.url });
    const base = await t.listen();
    url = base.url;
    stripe = new Stripe(t.account.test, { host: base.host, port: base.port, protocol: 'http' });
    customer = (await stripe.customers.create({ name: 'Lena Login', email: 'lena@example.com' })).id;
    await stripe.customers.create({ name: 'Someone Else', email: 'someone@example.com' });
    const made = await stripe.billingPortal.configurations.create({
      business_profile: { headline: 'Acme billing' },
      default_return_url: 'https://shop.example/account',
      features: { invoice_history: { enabled: true } },
      login_page: { enabled: true },
    });
    configuration = made.id;
    expect(made.login_page.url).toMatch(/\/portal\/login\/acct_/);
    loginPath = new URL(made.login_page.url as string).pathname;
  });
  afterAll(async () => {
    const closing = t?.close();
    t?.app.server.closeAllConnections();
    await closing;
    await smtp?.close();
  });
  beforeEach(async () => {
    await chromium.context.clearCookies();
    for (const open of chromium.context.pages()) await open.close();
    page = await chromium.context.newPage();
  });

  /** Types an address into the login form and sends it; the POST's answer. */
  async function ask(email: string): Promise<Response> {
    await page.fill('#login-email', email);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.waitForEvent('framenavigated', (frame) => frame === page.mainFrame()),
      page.click('button[type=submit]'),
    ]);
    await page.waitForLoadState();
    return response;
  }

  it('mails a link to a known address; the link opens the portal of that customer', async () => {
    const foreign = sameOriginOnly(page, url);
    await page.goto(`${url}${loginPath}`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Sign in to your billing details');
    await expect(page.locator('.brand').textContent()).resolves.toBe('Acme billing');
    expect(await seriousViolations(page)).toEqual([]);

    const answer = await ask('Lena@Example.com');
    expect(answer.status()).toBe(200);
    await expect(page.locator('h1').textContent()).resolves.toBe('Check your email');
    expect(await seriousViolations(page)).toEqual([]);

    const mail = await smtp.next();
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : '').toBe('lena@example.com');
    const link = /https?:\/\/\S+\/portal\/session\/\S+/.exec(mail.text ?? '')?.[0];
    if (!link) throw new Error('no link in the mail');
    await page.goto(`${url}${new URL(link).pathname}`);
    expect(new URL(page.url()).pathname).toBe('/portal');
    await expect(page.locator('h1').textContent()).resolves.toBe('Your billing details');
    expect(await page.inputValue('#details-email')).toBe('lena@example.com');
    expect(await page.inputValue('#details-name')).toBe('Lena Login');
    await expect(page.getByTestId('return').getAttribute('href')).resolves.toBe('https://shop.example/account');
    // The session is an ordinary portal session of that customer: a change made in it is its own.
    await page.fill('#details-name', 'Lena Changed');
    await Promise.all([page.waitForURL(/saved=details/), page.click('#details button[type=submit]')]);
    expect(((await stripe.customers.retrieve(customer)) as Stripe.Customer).name).toBe('Lena Changed');
    expect(foreign).toEqual([]);
  });

  it('answers an unknown address with the same page, byte for byte, and sends no mail', async () => {
    await page.goto(`${url}${loginPath}`);
    await t.services.portalLogin.settled();
    smtp.takeAll();
    const known = await ask('someone@example.com');
    const knownBody = await known.text();
    await page.goto(`${url}${loginPath}`);
    const unknown = await ask('no-one-at-all@example.com');
    expect(unknown.status()).toBe(known.status());
    expect(await unknown.text()).toBe(knownBody);
    await t.services.portalLogin.settled();
    expect(smtp.takeAll().map((m) => (m.to && !Array.isArray(m.to) ? m.to.text : ''))).toEqual(['someone@example.com']);
  });

  it('shows the rate limit’s page, and the page of a disabled login page', async () => {
    await page.goto(`${url}${loginPath}`);
    // The allowed requests from this browser (its cookies, the form's fields), then the one too many in the page.
    const csrf = await page.inputValue('input[name=csrf]');
    for (let i = 0; i < LOGIN_LIMIT_PER_EMAIL; i++) {
      const sent = await page.request.post(`${url}${loginPath}`, { form: { csrf, locale: 'en', email: 'limited@example.com' } });
      expect(sent.status()).toBe(200);
    }
    const limited = await ask('limited@example.com');
    expect(limited.status()).toBe(429);
    await expect(page.locator('[role=alert]').textContent()).resolves.toContain('Too many sign-in requests');
    expect(await seriousViolations(page)).toEqual([]);

    await stripe.billingPortal.configurations.update(configuration, { login_page: { enabled: false } });
    const dead = await page.goto(`${url}${loginPath}`);
    expect(dead?.status()).toBe(404);
    await expect(page.locator('main').textContent()).resolves.toContain('Sign-in by email is not available here');
    await expect(page.locator('form').count()).resolves.toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await stripe.billingPortal.configurations.update(configuration, { login_page: { enabled: true } });
  });

  it('is usable at 390 px and from the keyboard, in the visitor’s language', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${url}${loginPath}`);
    await expectNoHorizontalScroll(page);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'portal-login-narrow', { fullPage: true, docs: true, area: 'portal' });
    await page.keyboard.press('Tab');
    await expect(page.evaluate('document.activeElement.className')).resolves.toBe('skip');
    await page.keyboard.press('Tab');
    await expect(page.evaluate('document.activeElement.id')).resolves.toBe('login-email');
    await page.keyboard.type('lena@example.com');
    await page.keyboard.press('Tab');
    await expect(page.evaluate('document.activeElement.textContent')).resolves.toBe('Email me a link');
    // The answer is a new document: wait for it to commit, then to load (waitForLoadState alone
    // can return on the form's own page before the submission navigates).
    await Promise.all([page.waitForEvent('framenavigated', (frame) => frame === page.mainFrame()), page.keyboard.press('Enter')]);
    await page.waitForLoadState();
    await expect(page.locator('h1').textContent()).resolves.toBe('Check your email');
    await expectNoHorizontalScroll(page);
    await t.services.portalLogin.settled();
    smtp.takeAll();

    await page.setExtraHTTPHeaders({ 'accept-language': 'de-DE,de;q=0.9' });
    await page.goto(`${url}${loginPath}`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Bei Ihren Rechnungsdaten anmelden');
    await expectNoHorizontalScroll(page);
    expect(await seriousViolations(page)).toEqual([]);
  });
});
