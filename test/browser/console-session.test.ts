/**
 * SPEC U-1 in a real browser: signing in and out of the support console, sessions, CSRF, the
 * security headers, keyboard use, accessibility and the narrow viewport of the sign-in page.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HAS_CHROMIUM, launchChromium, type LaunchedBrowser } from '../helpers/browser.js';
import { STORES } from '../helpers/harness.js';
import { consoleApp, expectNoHorizontalScroll, sameOriginOnly, screenshot, seriousViolations, signIn, type ConsoleApp } from './support.js';

let chromium: LaunchedBrowser;
beforeAll(async () => {
  if (HAS_CHROMIUM) chromium = await launchChromium();
});
afterAll(async () => chromium?.close());

describe.runIf(HAS_CHROMIUM).each(STORES)('console sessions in Chromium (%s)', (kind) => {
  let c: ConsoleApp;
  let page: Page;
  beforeAll(async () => {
    c = await consoleApp(kind);
  });
  afterAll(async () => c?.close());
  beforeEach(async () => {
    await chromium.context.clearCookies();
    for (const open of chromium.context.pages()) await open.close();
    page = await chromium.context.newPage();
  });

  it('signs in with a secret key: an HttpOnly, SameSite=Strict session cookie under /console, the key nowhere in the browser', async () => {
    const foreign = sameOriginOnly(page, c.url);
    await signIn(page, c.url, c.t.account.test, 'ada@example.com');
    expect(new URL(page.url()).pathname).toBe('/console/test/customers');
    await expect(page.getByTestId('mode').textContent()).resolves.toBe('Test mode');
    await expect(page.locator('header').textContent()).resolves.toContain('Signed in as ada@example.com');
    const cookies = await chromium.context.cookies(`${c.url}/console/`);
    const session = cookies.find((k) => k.name === 'clientele_console');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/console', secure: false });
    expect(session?.value).not.toContain(c.t.account.test);
    expect(page.url()).not.toContain(c.t.account.test);
    expect(await page.content()).not.toContain(c.t.account.test);
    const stored = (await page.evaluate('JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })')) as string;
    expect(stored).not.toContain(c.t.account.test);
    expect(foreign).toEqual([]);
  });

  it('answers every console page with a strict CSP, no framing and no referrer', async () => {
    for (const path of ['/console/sign-in', '/console/assets/console.css', '/console/nope']) {
      const r = await page.request.get(`${c.url}${path}`);
      const h = r.headers();
      expect(h['content-security-policy'], path).toBe(
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      );
      expect(h['x-frame-options']).toBe('DENY');
      expect(h['referrer-policy']).toBe('no-referrer');
    }
    expect((await page.request.get(`${c.url}/console/nope`)).status()).toBe(404);
  });

  it('refuses a bad key next to the field, keeps the name typed, and sets no session', async () => {
    await page.goto(`${c.url}/console/sign-in`);
    await page.fill('#key', `sk_test_${'x'.repeat(48)}`);
    await page.fill('#actor', 'Ada');
    await page.click('button[type=submit]');
    await expect(page.locator('#key-error').textContent()).resolves.toMatch(/not accepted/);
    await expect(page.locator('#key').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.locator('#actor').inputValue()).resolves.toBe('Ada');
    await expect(page.locator('#key').inputValue()).resolves.toBe('');
    expect((await chromium.context.cookies(`${c.url}/console/`)).some((k) => k.name === 'clientele_console')).toBe(false);
    await page.fill('#key', c.t.account.test);
    await page.fill('#actor', '');
    await page.click('button[type=submit]');
    await expect(page.locator('#actor-error').textContent()).resolves.toMatch(/must not be empty/);
  });

  it('gives a restricted key a read-only console: no edit controls, and the server refuses its writes', async () => {
    const customer = (await c.t.api().post('/v1/customers', { name: 'Read Only', notes: 'keep' })).body;
    const restricted = await c.t.services.accounts.createKey(c.t.account.id, 'test', true, null);
    await signIn(page, c.url, restricted.secret);
    await expect(page.getByTestId('read-only').isVisible()).resolves.toBe(true);
    await page.goto(`${c.url}/console/test/customers/${customer.id}`);
    await expect(page.getByTestId('notes-text').textContent()).resolves.toBe('keep');
    expect(await page.locator('main form').count()).toBe(0);
    expect(await page.locator('textarea, #new-key').count()).toBe(0);
    // A hand-made request with the session and its CSRF token is still refused.
    const csrf = await page.locator('header input[name=csrf]').inputValue();
    const r = await page.request.post(`${c.url}/console/test/customers/${customer.id}/notes`, {
      form: { csrf, version: `"${customer.id}.v1"`, notes: 'changed' },
    });
    expect(r.status()).toBe(403);
    expect((await c.t.api().get(`/v1/customers/${customer.id}`)).body.notes).toBe('keep');
  });

  it('refuses a change without the CSRF token or with a wrong one, and a sign-in without its token', async () => {
    const customer = (await c.t.api().post('/v1/customers', { name: 'Csrf', notes: 'before' })).body;
    await signIn(page, c.url, c.t.account.test);
    const path = `${c.url}/console/test/customers/${customer.id}/notes`;
    const forms: Array<Record<string, string>> = [{ version: `"${customer.id}.v1"`, notes: 'x' }, { csrf: 'forged', version: `"${customer.id}.v1"`, notes: 'x' }];
    for (const form of forms) {
      const r = await page.request.post(path, { form });
      expect(r.status()).toBe(403);
      expect(await r.text()).toMatch(/CSRF token/);
    }
    expect((await c.t.api().get(`/v1/customers/${customer.id}`)).body.notes).toBe('before');
    const signInWithout = await page.request.post(`${c.url}/console/sign-in`, { form: { key: c.t.account.test, actor: 'x' } });
    expect(signInWithout.status()).toBe(403);
  });

  it('ends a session after 30 idle minutes (the clock moved, not waited for), and on sign-out', async () => {
    await signIn(page, c.url, c.t.account.test);
    c.advance(29 * 60);
    await page.goto(`${c.url}/console/test/customers`);
    expect(new URL(page.url()).pathname).toBe('/console/test/customers');
    c.advance(31 * 60);
    await page.goto(`${c.url}/console/test/customers`);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    await expect(page.locator('[role=status]').textContent()).resolves.toMatch(/session ended/);
    // Signed in again; sign-out ends it for good (the old cookie no longer opens anything).
    await signIn(page, c.url, c.t.account.test);
    const cookie = (await chromium.context.cookies(`${c.url}/console/`)).find((k) => k.name === 'clientele_console');
    await Promise.all([page.waitForURL(/sign-in/), page.click('header button[type=submit]')]);
    await expect(page.locator('[role=status]').textContent()).resolves.toMatch(/signed out/);
    await chromium.context.addCookies([{ ...(cookie as NonNullable<typeof cookie>) }]);
    await page.goto(`${c.url}/console/test/customers`);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
  });

  it('shows the mode, and a switch once a key of the other mode is signed in too', async () => {
    const live = (await c.t.api(c.t.account.live).post('/v1/customers', { name: 'Live Larry' })).body;
    await signIn(page, c.url, c.t.account.test);
    expect(await page.getByTestId('mode-switch').count()).toBe(0);
    await signIn(page, c.url, c.t.account.live);
    await expect(page.getByTestId('mode').textContent()).resolves.toBe('Live mode');
    await expect(page.locator('[data-testid=results]').textContent()).resolves.toContain('Live Larry');
    await Promise.all([page.waitForURL(/\/console\/test\//), page.getByTestId('mode-switch').click()]);
    await expect(page.getByTestId('mode').textContent()).resolves.toBe('Test mode');
    await expect(page.locator('[data-testid=results]').textContent()).resolves.not.toContain('Live Larry');
    // A live customer does not exist in test mode.
    const r = await page.goto(`${c.url}/console/test/customers/${live.id}`);
    expect(r?.status()).toBe(404);
  });

  it('works from the keyboard alone, with the focus visible', async () => {
    await page.goto(`${c.url}/console/sign-in`);
    await expect(page.evaluate('document.activeElement.id')).resolves.toBe('key');
    await page.keyboard.type(c.t.account.test);
    await page.keyboard.press('Tab');
    await expect(page.evaluate('document.activeElement.id')).resolves.toBe('actor');
    const outline = (await page.evaluate('getComputedStyle(document.activeElement).outlineStyle')) as string;
    expect(outline).not.toBe('none');
    await page.keyboard.type('kay@example.com');
    await Promise.all([page.waitForURL(/customers/), page.keyboard.press('Enter')]);
    await page.keyboard.press('Tab');
    await expect(page.evaluate('document.activeElement.textContent')).resolves.toBe('Skip to content');
  });

  it('has no serious accessibility violations on the sign-in page, and fits 390 px', async () => {
    await page.goto(`${c.url}/console/sign-in`);
    expect(await seriousViolations(page)).toEqual([]);
    await page.setViewportSize({ width: 390, height: 844 });
    await expectNoHorizontalScroll(page);
    await screenshot(page, `sign-in-390-${kind}`);
    if (kind === 'sqlite') await screenshot(page, 'sign-in', { docs: true });
    await page.setViewportSize({ width: 1280, height: 900 });
  });
});
