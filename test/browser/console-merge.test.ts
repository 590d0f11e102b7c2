/**
 * Issue 24 item 3 in a real browser: the profile's possible duplicates (the API's own lookup)
 * and merging one through a confirmation step — what survives, what moves, the choices, the
 * 412 flow, the merge's refusals on the page, CSRF, a restricted key's read-only view, the
 * merged source's profile, accessibility and the docs' screenshot.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HAS_CHROMIUM, launchChromium, type LaunchedBrowser } from '../helpers/browser.js';
import { STORES } from '../helpers/harness.js';
import { consoleApp, expectNoHorizontalScroll, screenshot, seriousViolations, signIn, type ConsoleApp } from './support.js';

let chromium: LaunchedBrowser;
beforeAll(async () => {
  if (HAS_CHROMIUM) chromium = await launchChromium();
});
afterAll(async () => chromium?.close());

describe.runIf(HAS_CHROMIUM).each(STORES)('console duplicates and merge in Chromium (%s)', (kind) => {
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
    // A step that does not go through fails at once, not at the test's timeout.
    page.setDefaultTimeout(5000);
    await signIn(page, c.url, c.t.account.test, 'ada@example.com');
  });

  let serial = 0;
  /** A customer made through the API; emails are unique per test through `tag`. */
  const customer = async (params: Record<string, unknown>) => {
    const made = await c.t.api().post('/v1/customers', params);
    expect(made.status).toBe(200);
    return made.body.id as string;
  };
  const tag = () => `t${++serial}-${kind}`;
  const profile = (id: string) => page.goto(`${c.url}/console/test/customers/${id}`);
  const confirmPage = (target: string, source: string) => page.goto(`${c.url}/console/test/customers/${target}/merge?source=${source}`);
  /** Submits the confirmation; the answer (a redirect's target, or the re-rendered page). */
  async function confirm() {
    const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.click('[data-testid=confirm-merge]')]);
    await page.waitForLoadState('load');
    return response;
  }

  it('lists a customer with the same email as a possible duplicate, and merges it after the confirmation step', async () => {
    const t = tag();
    const target = await customer({ name: 'Ada Target', email: `ada.${t}@example.com` });
    const source = await customer({ name: 'Ada Source', email: `Ada.${t}@Example.com`, phone: '+14155550100', tax_id_data: [{ type: 'eu_vat', value: 'DE811907980' }], metadata: { from: 'guest-checkout' } });
    const api = c.t.api();
    const pm = (await api.post('/v1/payment_methods', { type: 'card', card: { number: '4242424242424242', exp_month: 1, exp_year: 2031, cvc: '123' } })).body.id as string;
    await api.post(`/v1/payment_methods/${pm}/attach`, { customer: source });
    await api.post('/v1/charges', { amount: 1500, currency: 'eur', customer: source });
    await api.post(`/v1/customers/${source}/contacts`, { name: 'Guest', email: `guest.${t}@example.com` });
    const child = await customer({ name: 'Source Child', parent: source });

    await profile(target);
    const row = page.locator(`[data-section=duplicates] [data-testid=duplicate][data-id=${source}]`);
    await expect(row.textContent()).resolves.toMatch(new RegExp(`${source}.*Ada Source.*Ada\\.${t}@Example\\.com.*0\\.90.*same email`, 's'));
    await expect(row.locator(`a[href="/console/test/customers/${source}"]`).count()).resolves.toBe(1);
    expect(JSON.stringify(await seriousViolations(page), null, 1)).toBe('[]');
    if (kind === 'sqlite') {
      await page.evaluate("document.getElementById('sec-duplicates').scrollIntoView()");
      await screenshot(page, 'profile-duplicates', { docs: true });
    }
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await expectNoHorizontalScroll(page);
    await page.setViewportSize({ width: 1280, height: 900 });

    await Promise.all([page.waitForURL(/\/merge\?source=/), row.getByTestId('merge-link').click()]);
    await expect(page.locator('[data-section=target]').textContent()).resolves.toMatch(new RegExp(`Survives.*${target}.*Ada Target`, 's'));
    await expect(page.locator('[data-section=source]').textContent()).resolves.toMatch(new RegExp(`Becomes a tombstone.*${source}.*Ada Source`, 's'));
    const moving = async (k: string) => page.getByTestId(`move-${k}`).textContent();
    expect(await Promise.all(['payment_methods', 'tax_ids', 'charges', 'invoices', 'contacts', 'children'].map(moving))).toEqual(['1', '1', '1', '0', '1', '1']);
    expect(await page.getByTestId('external-id-choice').count()).toBe(0);
    await expect(page.locator('#prefer-target').isChecked()).resolves.toBe(true);
    expect(JSON.stringify(await seriousViolations(page), null, 1)).toBe('[]');
    if (kind === 'sqlite') await screenshot(page, 'merge-confirmation', { docs: true, fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await expectNoHorizontalScroll(page);
    await page.setViewportSize({ width: 1280, height: 900 });
    // Nothing happens until Confirm.
    expect((await api.get(`/v1/customers/${source}`)).body.deleted).toBeUndefined();

    await page.check('#prefer-source');
    const done = await confirm();
    expect(done.status()).toBe(303);
    expect(page.url()).toMatch(new RegExp(`/customers/${target}\\?merged=${source}$`));
    await expect(page.getByTestId('merge-done').textContent()).resolves.toContain(`${source} was merged into this customer`);
    await expect(page.getByTestId('merged-from').textContent()).resolves.toBe(source);
    const first = page.locator('[data-section=timeline] [data-testid=event]').first();
    await expect(first.getAttribute('data-type')).resolves.toBe('customer.merged');
    await expect(first.textContent()).resolves.toMatch(new RegExp(`Customer merged.*by ada@example\\.com.*Absorbed ${source}`, 's'));
    await expect(page.locator('[data-section=duplicates] .empty').textContent()).resolves.toBe('No possible duplicates.');
    await expect(page.locator('[data-section=payment-methods]').textContent()).resolves.toContain(pm);
    await expect(page.locator('[data-section=hierarchy]').textContent()).resolves.toContain('Source Child');

    const survivor = (await api.get(`/v1/customers/${target}`)).body;
    // prefer=source: the source's name and email won; its phone filled the target's empty one.
    expect(survivor).toMatchObject({ name: 'Ada Source', email: `Ada.${t}@Example.com`, phone: '+14155550100', metadata: { from: 'guest-checkout' }, merged_from: [source] });
    expect((await api.get(`/v1/customers/${source}`)).body).toEqual({ id: source, object: 'customer', deleted: true, merged_into: target });
    expect((await api.get(`/v1/customers/${child}`)).body.parent).toBe(target);
    const events = (await api.get('/v1/events', { type: 'customer.merged', limit: 1 })).body.data;
    expect(events[0]).toMatchObject({ data: { object: { id: target } }, request: { actor: 'ada@example.com' } });

    // The source's own profile says where it went, with a link.
    await profile(source);
    await expect(page.getByTestId('merged-into').textContent()).resolves.toContain(`merged into ${target}`);
    await expect(page.locator('[data-section=timeline] [data-testid=event]').first().textContent()).resolves.toContain(`Merged into ${target}`);
    await Promise.all([page.waitForURL(new RegExp(`customers/${target}$`)), page.click(`[data-testid=merged-into] a`)]);
    await expect(page.getByTestId('customer-title').textContent()).resolves.toBe('Ada Source');
  });

  it('asks which external id survives when both have one, and says so at the field when none was chosen', async () => {
    const t = tag();
    const target = await customer({ name: 'Ext Target', phone: '+4930111222', external_id: `crm-${t}` });
    const source = await customer({ name: 'Ext Source', phone: '+49 30 111222', external_id: `shop-${t}` });
    await profile(target);
    await expect(page.locator(`[data-testid=duplicate][data-id=${source}]`).textContent()).resolves.toMatch(/0\.80.*same phone/s);
    await Promise.all([page.waitForURL(/\/merge\?source=/), page.locator(`[data-testid=duplicate][data-id=${source}] [data-testid=merge-link]`).click()]);
    const choice = page.getByTestId('external-id-choice');
    await expect(choice.textContent()).resolves.toMatch(new RegExp(`crm-${t}.*shop-${t}`, 's'));
    await expect(page.locator('#external_id-target').getAttribute('required')).resolves.toBe('');
    // Past the browser's own check (a forged or scripted submit): the merge's refusal, at the field.
    await page.evaluate("document.querySelectorAll('input[name=external_id]').forEach((e) => e.removeAttribute('required'))");
    const refused = await confirm();
    expect(refused.status()).toBe(400);
    await expect(page.locator('#external-id-error').textContent()).resolves.toMatch(/external_id/);
    expect((await c.t.api().get(`/v1/customers/${source}`)).body.deleted).toBeUndefined();
    expect(JSON.stringify(await seriousViolations(page), null, 1)).toBe('[]');

    await page.check('#external_id-source');
    await confirm();
    await expect(page.getByTestId('merge-done').count()).resolves.toBe(1);
    expect((await c.t.api().get(`/v1/customers/${target}`)).body.external_id).toBe(`shop-${t}`);
    expect((await c.t.api().get(`/v1/customers/external/crm-${t}`)).body.id).toBe(target);
  });

  it('on a change meanwhile (412) merges nothing and shows both as they are now; confirming again merges', async () => {
    const t = tag();
    const target = await customer({ name: 'Race Target', email: `race.${t}@example.com` });
    const source = await customer({ name: 'Race Source', email: `race.${t}@example.com` });
    await confirmPage(target, source);
    const shown = await page.locator('[data-section=source] [data-testid=version]').textContent();
    await c.t.api().post(`/v1/customers/${source}`, { name: 'Race Source (renamed)' });
    const conflict = await confirm();
    expect(conflict.status()).toBe(412);
    await expect(page.getByTestId('merge-conflict').textContent()).resolves.toMatch(/changed since this page was opened, so nothing was merged/);
    await expect(page.locator('[data-section=source]').textContent()).resolves.toContain('Race Source (renamed)');
    expect(await page.locator('[data-section=source] [data-testid=version]').textContent()).not.toBe(shown);
    expect((await c.t.api().get(`/v1/customers/${source}`)).body.deleted).toBeUndefined();
    // The target changing is caught the same way (If-Match).
    await c.t.api().post(`/v1/customers/${target}`, { description: 'changed too' });
    expect((await confirm()).status()).toBe(412);
    const merged = await confirm();
    expect(merged.status()).toBe(303);
    expect((await c.t.api().get(`/v1/customers/${source}`)).body.merged_into).toBe(target);
  });

  it('shows the merge’s refusals on the confirmation page: a cycle, an already merged source', async () => {
    const t = tag();
    const parent = await customer({ name: 'Cycle Parent', email: `cycle.${t}@example.com` });
    const child = await customer({ name: 'Cycle Child', email: `cycle.${t}@example.com`, parent });
    await confirmPage(child, parent);
    const cycle = await confirm();
    expect(cycle.status()).toBe(400);
    await expect(page.getByTestId('merge-error').getAttribute('data-code')).resolves.toBe('merge_would_create_cycle');
    await expect(page.getByTestId('merge-error').textContent()).resolves.toMatch(/Nothing was merged.*descendant/s);
    expect((await c.t.api().get(`/v1/customers/${parent}`)).body.deleted).toBeUndefined();

    const target = await customer({ name: 'Late Target', email: `late.${t}@example.com` });
    const source = await customer({ name: 'Late Source', email: `late.${t}@example.com` });
    const elsewhere = await customer({ name: 'Elsewhere', email: `late.${t}@example.com` });
    await confirmPage(target, source);
    expect((await c.t.api().post(`/v1/customers/${elsewhere}/merge`, { source })).status).toBe(200);
    const late = await confirm();
    expect(late.status()).toBe(400);
    await expect(page.getByTestId('merge-error').getAttribute('data-code')).resolves.toBe('customer_merged');
    await expect(page.getByTestId('merge-error').textContent()).resolves.toContain(`merged into ${elsewhere}`);
    expect((await c.t.api().get(`/v1/customers/${target}`)).body.merged_from).toBeUndefined();
  });

  it('refuses a merge without the session’s CSRF token', async () => {
    const t = tag();
    const target = await customer({ name: 'Csrf Target', email: `csrf.${t}@example.com` });
    const source = await customer({ name: 'Csrf Source', email: `csrf.${t}@example.com` });
    await confirmPage(target, source);
    const version = await page.locator('input[name=version]').inputValue();
    const sourceVersion = await page.locator('input[name=source_version]').inputValue();
    const url = `${c.url}/console/test/customers/${target}/merge`;
    for (const csrf of [undefined, 'forged-token']) {
      const r = await page.request.post(url, { form: { source, version, source_version: sourceVersion, ...(csrf && { csrf }) }, maxRedirects: 0 });
      expect(r.status()).toBe(403);
    }
    expect((await c.t.api().get(`/v1/customers/${source}`)).body.deleted).toBeUndefined();
  });

  it('gives a restricted key the duplicates without merge controls, and refuses its merge', async () => {
    const t = tag();
    const target = await customer({ name: 'Read Target', email: `read.${t}@example.com` });
    const source = await customer({ name: 'Read Source', email: `read.${t}@example.com` });
    const restricted = await c.t.services.accounts.createKey(c.t.account.id, 'test', true, null);
    await signIn(page, c.url, restricted.secret);
    await profile(target);
    await expect(page.locator(`[data-testid=duplicate][data-id=${source}]`).textContent()).resolves.toContain('Read Source');
    expect(await page.locator('[data-section=duplicates] a.button, [data-testid=merge-link]').count()).toBe(0);
    const opened = await confirmPage(target, source);
    expect(opened?.status()).toBe(403);
    expect(await page.locator('form[aria-label="Confirm the merge"]').count()).toBe(0);
    const csrf = await page.locator('header input[name=csrf]').inputValue();
    const url = `${c.url}/console/test/customers/${target}/merge`;
    const r = await page.request.post(url, { form: { csrf, source, version: '"x"', source_version: '"y"' }, maxRedirects: 0 });
    expect(r.status()).toBe(403);
    expect((await c.t.api().get(`/v1/customers/${source}`)).body.deleted).toBeUndefined();
  });
});
