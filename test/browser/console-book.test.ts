/**
 * SPEC K-1 item 4 in a real browser: the profile's contacts and address book, added, edited and
 * removed through their forms (the same services as the API), errors at their field, the 412
 * flow, a restricted key's read-only view, accessibility and the narrow viewport with the forms open.
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

describe.runIf(HAS_CHROMIUM).each(STORES)('console contacts and address book in Chromium (%s)', (kind) => {
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
    // A form that does not go through fails its step at once, not at the test's timeout.
    page.setDefaultTimeout(5000);
    await signIn(page, c.url, c.t.account.test, 'ada@example.com');
  });

  const customer = async (name: string) => (await c.t.api().post('/v1/customers', { name })).body.id as string;
  const open = (id: string) => page.goto(`${c.url}/console/test/customers/${id}`);
  /** Submits a form whose answer is not a redirect (an error re-renders the page): that answer. */
  async function submit(selector: string) {
    const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.click(selector)]);
    await page.waitForLoadState('load');
    return response;
  }

  it('adds, edits and removes a contact; each change is the API’s, made by the signed-in person', async () => {
    const id = await customer('Contact Co');
    await open(id);
    await page.click('text=Add a contact');
    await page.fill('#new-contact-name', 'Bea Buyer');
    await page.fill('#new-contact-email', 'bea@contact.example');
    await page.fill('#new-contact-phone', '+49 30 1234567');
    await page.check('[data-section=contacts] form[aria-label="Add a contact"] input[value=primary]');
    await page.check('[data-section=contacts] form[aria-label="Add a contact"] input[name=receives_invoices]');
    await Promise.all([page.waitForURL(/saved=contact-added/), page.click('text=Add contact')]);
    await expect(page.locator('[data-section=contacts] [role=status]').textContent()).resolves.toBe('Contact added.');
    const [made] = (await c.t.api().get(`/v1/customers/${id}/contacts`)).body.data;
    expect(made).toMatchObject({ name: 'Bea Buyer', email: 'bea@contact.example', phone: '+49 30 1234567', roles: ['primary'], receives_invoices: true });
    const entry = page.locator(`[data-testid=contact][data-id=${made.id}]`);
    await expect(entry.textContent()).resolves.toMatch(/Bea Buyer\s*primary.*bea@contact\.example · \+49 30 1234567.*Receives invoices/s);

    await entry.locator('summary').click();
    await page.fill(`#contact-${made.id}-name`, 'Bea Boss');
    await page.uncheck(`[data-id=${made.id}] input[value=primary]`);
    await page.check(`[data-id=${made.id}] input[value=legal]`);
    await page.fill(`#contact-${made.id}-notes`, 'Signs the contracts');
    await Promise.all([page.waitForURL(/saved=contact-saved/), page.click(`[data-id=${made.id}] >> text=Save contact`)]);
    expect((await c.t.api().get(`/v1/customers/${id}/contacts/${made.id}`)).body).toMatchObject({ name: 'Bea Boss', roles: ['legal'], notes: 'Signs the contracts' });
    const first = page.locator('[data-section=timeline] [data-testid=event]').first();
    await expect(first.textContent()).resolves.toMatch(/by ada@example\.com/);
    await expect(first.getAttribute('data-type')).resolves.toBe('customer.contact.updated');

    await page.locator(`[data-testid=contact][data-id=${made.id}] summary`).click();
    await Promise.all([page.waitForURL(/saved=contact-removed/), page.click(`[data-id=${made.id}] button.secondary`)]);
    expect((await c.t.api().get(`/v1/customers/${id}/contacts`)).body.data).toEqual([]);
    await expect(page.locator('[data-section=contacts] .empty').textContent()).resolves.toBe('No contacts.');
  });

  it('adds an address, makes it the default for billing and shipping (the customer’s address and shipping follow), and removes it', async () => {
    const id = await customer('Address Co');
    await open(id);
    await page.click('text=Add an address');
    await page.fill('#new-address-label', 'Head office');
    await page.fill('#new-address-name', 'Address Co');
    await page.fill('#new-address-line1', '1 Rue de Rivoli');
    await page.fill('#new-address-postal_code', '75001');
    await page.fill('#new-address-city', 'Paris');
    await page.fill('#new-address-country', 'FR');
    await Promise.all([page.waitForURL(/saved=address-added/), page.click('text=Add address')]);
    const [entry] = (await c.t.api().get(`/v1/customers/${id}/addresses`)).body.data;
    expect(entry).toMatchObject({ label: 'Head office', default_for: [], address: { line1: '1 Rue de Rivoli', country: 'FR' } });
    expect((await c.t.api().get(`/v1/customers/${id}`)).body.address).toBeNull();

    await page.locator(`[data-testid=address][data-id=${entry.id}] summary`).click();
    await page.check(`[data-id=${entry.id}] input[value=billing]`);
    await page.check(`[data-id=${entry.id}] input[value=shipping]`);
    await Promise.all([page.waitForURL(/saved=address-saved/), page.click(`[data-id=${entry.id}] >> text=Save address`)]);
    const after = (await c.t.api().get(`/v1/customers/${id}`)).body;
    expect(after.address).toMatchObject({ line1: '1 Rue de Rivoli', postal_code: '75001', city: 'Paris', country: 'FR' });
    expect(after.shipping).toMatchObject({ name: 'Address Co', address: { line1: '1 Rue de Rivoli' } });
    await expect(page.locator('[data-section=addresses]').textContent()).resolves.toMatch(/Billing address\s*1 Rue de Rivoli.*Shipping name\s*Address Co/s);
    await expect(page.locator(`[data-testid=address][data-id=${entry.id}]`).textContent()).resolves.toMatch(/Default for billing.*Default for shipping/s);

    await page.locator(`[data-testid=address][data-id=${entry.id}] summary`).click();
    await Promise.all([page.waitForURL(/saved=address-removed/), page.click(`[data-id=${entry.id}] button.secondary`)]);
    expect((await c.t.api().get(`/v1/customers/${id}/addresses`)).body.data).toEqual([]);
    // Removing the entry leaves the customer's own address as it is.
    expect((await c.t.api().get(`/v1/customers/${id}`)).body.address.line1).toBe('1 Rue de Rivoli');
  });

  it('shows a validation error next to its field with the typing kept, and the 412 flow; accessible and 390 px wide with the forms open', async () => {
    const id = await customer('Careful Co');
    const contact = (await c.t.api().post(`/v1/customers/${id}/contacts`, { name: 'First', email: 'first@careful.example' })).body;
    await open(id);
    await page.click('text=Add a contact');
    await page.fill('#new-contact-name', 'Typo Tom');
    await page.fill('#new-contact-email', 'tom-at-careful');
    const refused = await submit('text=Add contact');
    expect(refused.status()).toBe(400);
    await expect(page.locator('#new-contact-email-error').textContent()).resolves.toMatch(/email/i);
    await expect(page.locator('#new-contact-email').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.locator('#new-contact-name').inputValue()).resolves.toBe('Typo Tom');
    expect(JSON.stringify(await seriousViolations(page), null, 1)).toBe('[]');

    await page.locator(`[data-testid=contact][data-id=${contact.id}] summary`).click();
    await page.fill(`#contact-${contact.id}-name`, 'Mine');
    await c.t.api().post(`/v1/customers/${id}/contacts/${contact.id}`, { name: 'Theirs' });
    const conflict = await submit(`[data-id=${contact.id}] >> text=Save contact`);
    expect(conflict.status()).toBe(412);
    await expect(page.getByTestId('book-conflict').textContent()).resolves.toMatch(/Someone else changed this contact/);
    await expect(page.locator(`[data-testid=contact][data-id=${contact.id}] strong`).first().textContent()).resolves.toBe('Theirs');
    await expect(page.locator(`#contact-${contact.id}-name`).inputValue()).resolves.toBe('Mine');
    await Promise.all([page.waitForURL(/saved=contact-saved/), page.click(`[data-id=${contact.id}] >> text=Save contact`)]);
    expect((await c.t.api().get(`/v1/customers/${id}/contacts/${contact.id}`)).body.name).toBe('Mine');

    await page.click('text=Add an address');
    await page.locator(`[data-testid=contact][data-id=${contact.id}] summary`).click();
    expect(JSON.stringify(await seriousViolations(page), null, 1)).toBe('[]');
    if (kind === 'sqlite') {
      await page.evaluate("document.getElementById('sec-contacts').scrollIntoView()");
      await screenshot(page, 'contacts-and-address-book', { docs: true });
    }
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await page.click('text=Add an address');
    await page.locator(`[data-testid=contact][data-id=${contact.id}] summary`).click();
    await expectNoHorizontalScroll(page);
    await screenshot(page, `book-390-${kind}`, { fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('gives a restricted key the contacts and address book without controls, and refuses its changes', async () => {
    const id = await customer('Read Co');
    const contact = (await c.t.api().post(`/v1/customers/${id}/contacts`, { name: 'Rita Reader', email: 'rita@read.example' })).body;
    await c.t.api().post(`/v1/customers/${id}/addresses`, { label: 'Store', address: { line1: '3 Market Sq', country: 'DE' } });
    const restricted = await c.t.services.accounts.createKey(c.t.account.id, 'test', true, null);
    await signIn(page, c.url, restricted.secret);
    await open(id);
    await expect(page.locator('[data-section=contacts]').textContent()).resolves.toContain('Rita Reader');
    await expect(page.locator('[data-section=address-book]').textContent()).resolves.toContain('3 Market Sq');
    expect(await page.locator('[data-section=contacts] form, [data-section=address-book] form, main details').count()).toBe(0);
    const csrf = await page.locator('header input[name=csrf]').inputValue();
    const tries = [
      page.request.post(`${c.url}/console/test/customers/${id}/contacts`, { form: { csrf, name: 'Sneaky' } }),
      page.request.post(`${c.url}/console/test/customers/${id}/contacts/${contact.id}/remove`, { form: { csrf } }),
    ];
    for (const r of await Promise.all(tries)) expect(r.status()).toBe(403);
    expect((await c.t.api().get(`/v1/customers/${id}/contacts`)).body.data.map((x: { name: string }) => x.name)).toEqual(['Rita Reader']);
  });
});
