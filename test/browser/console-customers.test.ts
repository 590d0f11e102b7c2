/**
 * SPEC U-1 in a real browser: finding a customer, every section of the profile against data
 * made through the API, editing notes and metadata (with the 412 flow), who changed what
 * (SPEC U-3), escaping, accessibility, the narrow viewport, page weight and render time.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HAS_CHROMIUM, launchChromium, type LaunchedBrowser } from '../helpers/browser.js';
import { STORES } from '../helpers/harness.js';
import {
  consoleApp,
  expectNoHorizontalScroll,
  renderTime,
  report,
  sameOriginOnly,
  screenshot,
  seriousViolations,
  signIn,
  type ConsoleApp,
} from './support.js';

let chromium: LaunchedBrowser;
beforeAll(async () => {
  if (HAS_CHROMIUM) chromium = await launchChromium();
});
afterAll(async () => chromium?.close());

interface Made {
  id: string;
  pm: string;
  child: string;
  parent: string;
}

describe.runIf(HAS_CHROMIUM).each(STORES)('console customers in Chromium (%s)', (kind) => {
  let c: ConsoleApp;
  let page: Page;
  let jenny: Made;

  /** A customer with something in every section, made through the API as an integration would. */
  async function makeJenny(): Promise<Made> {
    const api = c.t.api();
    const parent = (await api.post('/v1/customers', { name: 'Rosen Holding', email: 'holding@rosen.example' })).body;
    const created = await api.post(
      '/v1/customers',
      {
        name: 'Jenny Rosen',
        business_name: 'Rosen GmbH',
        individual_name: 'Jenny R.',
        email: 'Jenny.Rosen@Example.com',
        phone: '+14155552671',
        external_id: 'ORD-99172',
        address: { line1: '1 Unter den Linden', city: 'Berlin', postal_code: '10117', country: 'DE' },
        shipping: { name: 'Jenny at work', phone: '+4930123456', address: { line1: '2 Friedrichstraße', city: 'Berlin', country: 'DE' } },
        tax_exempt: 'reverse',
        tax_id_data: [{ type: 'eu_vat', value: 'DE811907980' }],
        metadata: { tier: 'gold', region: 'emea' },
        notes: 'Prefers email.',
        parent: parent.id,
      },
      { 'clientele-actor': 'onboarding-script' },
    );
    expect(created.status).toBe(200);
    const id = created.body.id as string;
    const pm = (await api.post('/v1/payment_methods', { type: 'card', card: { number: '5555555555554444', exp_month: 7, exp_year: 2031, cvc: '123' } })).body.id as string;
    await api.post(`/v1/payment_methods/${pm}/attach`, { customer: id });
    const other = (await api.post('/v1/payment_methods', { type: 'card', card: { number: '4242424242424242', exp_month: 1, exp_year: 2030, cvc: '123' } })).body.id as string;
    await api.post(`/v1/payment_methods/${other}/attach`, { customer: id });
    await api.post(`/v1/customers/${id}`, { invoice_settings: { default_payment_method: pm } });
    await api.post(`/v1/customers/${id}/integrations`, { provider: 'hubspot', provider_id: 'hs-4711' });
    const child = (await api.post('/v1/customers', { name: 'Jenny Junior', parent: id })).body.id as string;
    // Billing (SPEC S-1): a charge partly refunded, a failed one, an open invoice; and one charge of the child's, for the tree stats.
    const charge = (await api.post('/v1/charges', { amount: 4200, currency: 'eur', customer: id, payment_method: pm, description: 'Seats, March' })).body.id as string;
    await api.post('/v1/charges', { amount: 990, currency: 'eur', customer: id, status: 'failed', failure_code: 'card_declined' });
    await api.post('/v1/refunds', { charge, amount: 1200, reason: 'requested_by_customer' });
    const invoice = (await api.post('/v1/invoices', { customer: id, lines: [{ description: 'Support plan', unit_amount: 5000 }], currency: 'eur' })).body.id as string;
    await api.post(`/v1/invoices/${invoice}/finalize`, {});
    await api.post('/v1/charges', { amount: 700, currency: 'eur', customer: child });
    // SPEC K-1: a contact and an entry of the address book.
    await api.post(`/v1/customers/${id}/contacts`, { name: 'Paula Payables', email: 'ap@rosen.example', roles: ['billing'], receives_invoices: true });
    await api.post(`/v1/customers/${id}/addresses`, { label: 'Warehouse', name: 'Rosen Lager', address: { line1: '5 Hafenstraße', city: 'Hamburg', postal_code: '20457', country: 'DE' } });
    return { id, pm, child, parent: parent.id as string };
  }

  beforeAll(async () => {
    c = await consoleApp(kind);
    jenny = await makeJenny();
  });
  afterAll(async () => c?.close());
  beforeEach(async () => {
    await chromium.context.clearCookies();
    for (const open of chromium.context.pages()) await open.close();
    page = await chromium.context.newPage();
    await signIn(page, c.url, c.t.account.test, 'ada@example.com');
  });

  async function search(q: string): Promise<string[]> {
    await page.fill('#q', q);
    await Promise.all([page.waitForLoadState('load'), page.press('#q', 'Enter')]);
    return page.locator('[data-testid=results] tbody tr td:first-child a').allTextContents();
  }

  it('finds a customer by plain text: part of the email, name, phone, external id or id, any case', async () => {
    for (const q of ['jenny.rosen@', 'ROSEN GMBH'.slice(0, 5), '555267', 'ord-991', jenny.id.slice(4, 14).toLowerCase(), jenny.id]) {
      const found = await search(q);
      expect(found, q).toContain('Jenny Rosen');
    }
    expect(await search('zz-nobody-zz')).toEqual([]);
    await expect(page.locator('[data-testid=results] .empty').textContent()).resolves.toBe('No customers match.');
  });

  it('finds customers with the query language, shows its errors under the box, and opens a result', async () => {
    expect(await search('metadata["tier"]:"gold" AND email~"example.com"')).toEqual(['Jenny Rosen']);
    await expect(page.locator('#results-title').textContent()).resolves.toMatch(/query language/);
    await search('name~"ab"');
    await expect(page.locator('#q-error').textContent()).resolves.toMatch(/needs at least 3 characters/);
    await expect(page.locator('#q').getAttribute('aria-invalid')).resolves.toBe('true');
    await search('external_id:"ord-99172"');
    await Promise.all([page.waitForURL(new RegExp(jenny.id)), page.click('text=Jenny Rosen')]);
    await expect(page.getByTestId('customer-title').textContent()).resolves.toBe('Jenny Rosen');
  });

  it('pages through results newest first, both ways of searching', async () => {
    const api = c.t.api();
    const names: string[] = [];
    for (let i = 0; i < 23; i++) {
      names.push(`Pager ${String(i).padStart(2, '0')}`);
      await api.post('/v1/customers', { name: names[i], email: `pager${i}@pages.example` });
    }
    const newestFirst = [...names].reverse();
    for (const q of ['pages.example', 'email~"@pages.example"']) {
      const first = await search(q);
      expect(first, q).toEqual(newestFirst.slice(0, 20));
      await Promise.all([page.waitForLoadState('load'), page.click('a[rel=next]')]);
      expect(await page.locator('[data-testid=results] tbody tr td:first-child a').allTextContents()).toEqual(newestFirst.slice(20));
      expect(await page.locator('a[rel=next]').count()).toBe(0);
    }
  });

  it('shows every section of the profile from data made through the API, loading nothing from elsewhere', async () => {
    const foreign = sameOriginOnly(page, c.url);
    const response = await page.goto(`${c.url}/console/test/customers/${jenny.id}`);
    expect(response?.status()).toBe(200);
    const text = async (section: string) => (await page.locator(`[data-section=${section}]`).textContent()) ?? '';
    const identity = await text('identity');
    for (const v of ['Jenny Rosen', 'Rosen GmbH', 'Jenny R.', 'Jenny.Rosen@Example.com', '+14155552671', 'ORD-99172', jenny.id]) expect(identity).toContain(v);
    const addresses = await text('addresses');
    for (const v of ['1 Unter den Linden', '10117 Berlin', 'Jenny at work', '+4930123456', '2 Friedrichstraße']) expect(addresses).toContain(v);
    const tax = await text('tax');
    for (const v of ['reverse', 'eu_vat', 'DE811907980', 'unverified']) expect(tax).toContain(v);
    const methods = page.locator('[data-section=payment-methods] tbody tr');
    expect(await methods.count()).toBe(2);
    const defaultRow = page.locator('[data-section=payment-methods] tr[data-default=true]');
    await expect(defaultRow.textContent()).resolves.toMatch(/mastercard\s*Default.*•••• 4444.*07\/2031/s);
    expect(await text('payment-methods')).not.toMatch(/5555555555554444|fingerprint/);
    const hierarchy = await text('hierarchy');
    expect(hierarchy).toContain('Rosen Holding');
    await expect(page.getByTestId('children-count').textContent()).resolves.toBe('1');
    expect(hierarchy).toContain('Jenny Junior');
    expect(await text('integrations')).toMatch(/hubspot\s*hs-4711/);
    await expect(page.locator('#notes').inputValue()).resolves.toBe('Prefers email.');
    await expect(page.locator('#meta-0').inputValue()).resolves.toBe('emea');
    await expect(page.locator('label[for=meta-1]').textContent()).resolves.toBe('tier');
    const charges = page.locator('[data-section=section-charge] tbody tr');
    expect(await charges.count()).toBe(2);
    await expect(charges.nth(0).textContent()).resolves.toMatch(/9\.90 eur.*failed/s);
    await expect(charges.nth(1).textContent()).resolves.toMatch(/42\.00 eur.*succeeded.*12\.00 eur.*re_\w+ \(12\.00 eur\).*Seats, March/s);
    expect(await text('section-refund')).toMatch(/re_\w+.*ch_\w+.*12\.00 eur.*requested_by_customer/s);
    expect(await text('section-invoice')).toMatch(/in_\w+.*50\.00 eur.*50\.00 eur.*open/s);
    const stats = await text('stats');
    expect(stats).toMatch(/Charges\s*2.*Invoices\s*1.*Total spent\s*30\.00 eur.*Open invoices\s*50\.00 eur/s);
    expect(stats).toMatch(/Tree: charges\s*3.*Tree: total spent\s*37\.00 eur/s);
    expect(await text('contacts')).toMatch(/Paula Payables\s*billing.*ap@rosen\.example.*Receives invoices/s);
    expect(await text('address-book')).toMatch(/Warehouse.*Rosen Lager.*5 Hafenstraße.*20457 Hamburg/s);
    const types = await page.locator('[data-section=timeline] [data-testid=event]').evaluateAll((els) => els.map((e) => e.getAttribute('data-type')));
    expect(types).toEqual([
      'customer.address.created',
      'customer.contact.created',
      'invoice.finalized',
      // The open invoice made the customer delinquent.
      'customer.updated',
      'invoice.created',
      'charge.refunded',
      'charge.failed',
      'charge.succeeded',
      'customer.integration.created',
      'customer.updated',
      'payment_method.attached',
      'payment_method.attached',
      'customer.tax_id.created',
      'customer.created',
    ]);
    expect(foreign).toEqual([]);
    // Links: the parent, a child, and the integration's reverse lookup.
    await Promise.all([page.waitForURL(new RegExp(jenny.parent)), page.click('[data-section=hierarchy] >> text=Rosen Holding')]);
    await page.goto(`${c.url}/console/test/customers/${jenny.id}`);
    await Promise.all([page.waitForURL(new RegExp(jenny.child)), page.click('text=Jenny Junior')]);
    await page.goto(`${c.url}/console/test/customers/${jenny.id}`);
    await Promise.all([page.waitForURL(new RegExp(`customers/${jenny.id}$`)), page.click('text=hs-4711')]);
  });

  it('shows field-level changes with who made them: the actor, else the key name, else the key id', async () => {
    const named = await c.t.services.accounts.createKey(c.t.account.id, 'test', false, null, { name: 'billing-service' });
    const customer = (await c.t.api().post('/v1/customers', { name: 'Tim Line', metadata: { plan: 'basic' } })).body;
    await c.t.api(named.secret).post(`/v1/customers/${customer.id}`, { name: 'Tim Lines' });
    await c.t.api().post(`/v1/customers/${customer.id}`, { metadata: { plan: 'pro' } }, { 'clientele-actor': 'Grace (support)' });
    await page.goto(`${c.url}/console/test/customers/${customer.id}`);
    const events = page.locator('[data-section=timeline] [data-testid=event]');
    await expect(events.nth(0).textContent()).resolves.toMatch(/Customer updated.*by Grace \(support\).*metadata\[plan\]: basic → pro/s);
    await expect(events.nth(1).textContent()).resolves.toMatch(/by key “billing-service”.*name: Tim Line → Tim Lines/s);
    await expect(events.nth(2).getByTestId('who').textContent()).resolves.toMatch(/^key key_/);
  });

  it('edits notes in place; the change is the API’s, with the signed-in person as its actor', async () => {
    const customer = (await c.t.api().post('/v1/customers', { name: 'Nora Notes', notes: 'old note' })).body;
    await page.goto(`${c.url}/console/test/customers/${customer.id}`);
    await page.fill('#notes', 'Called on Monday: <b>refund</b> promised.');
    await Promise.all([page.waitForURL(/saved=notes/), page.click('text=Save notes')]);
    await expect(page.locator('[data-section=notes] [role=status]').textContent()).resolves.toBe('Notes saved.');
    expect((await c.t.api().get(`/v1/customers/${customer.id}`)).body.notes).toBe('Called on Monday: <b>refund</b> promised.');
    const first = page.locator('[data-section=timeline] [data-testid=event]').first();
    await expect(first.textContent()).resolves.toMatch(/by ada@example\.com.*notes: old note → Called on Monday: <b>refund<\/b> promised\./s);
    const events = (await c.t.api().get('/v1/events', { limit: 1 })).body.data;
    expect(events[0].request.actor).toBe('ada@example.com');
  });

  it('edits metadata in place: adds, changes and removes keys; a validation error stays at its field with the typing kept', async () => {
    const customer = (await c.t.api().post('/v1/customers', { name: 'Meta Mo', metadata: { a: '1', b: '2' } })).body;
    await page.goto(`${c.url}/console/test/customers/${customer.id}`);
    await page.fill('#meta-0', '10');
    await page.check('input[name="meta[1][remove]"]');
    await page.fill('#new-key', 'c');
    await page.fill('#new-value', '3');
    await Promise.all([page.waitForURL(/saved=metadata/), page.click('text=Save metadata')]);
    expect((await c.t.api().get(`/v1/customers/${customer.id}`)).body.metadata).toEqual({ a: '10', c: '3' });
    // The field's maxlength keeps keys to 40 characters; brackets are refused by the service.
    const long = 'bad[key]';
    await page.fill('#new-key', long);
    await page.fill('#new-value', 'v');
    const [refused] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.click('text=Save metadata')]);
    expect(refused.status()).toBe(400);
    await page.waitForLoadState('load');
    await expect(page.locator('#new-key-error').textContent()).resolves.toMatch(/keys must be 1–40 characters without '\[' or '\]'/);
    await expect(page.locator('#new-key').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.locator('#new-key').inputValue()).resolves.toBe(long);
    expect((await c.t.api().get(`/v1/customers/${customer.id}`)).body.metadata).toEqual({ a: '10', c: '3' });
  });

  it('on a conflicting change (412) shows the newer version and keeps what was typed; saving again applies it', async () => {
    const customer = (await c.t.api().post('/v1/customers', { name: 'Con Flict', notes: 'v1' })).body;
    await page.goto(`${c.url}/console/test/customers/${customer.id}`);
    await page.fill('#notes', 'typed by the agent');
    await c.t.api().post(`/v1/customers/${customer.id}`, { notes: 'changed meanwhile' });
    const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.click('text=Save notes')]);
    expect(response.status()).toBe(412);
    await expect(page.getByTestId('conflict').textContent()).resolves.toMatch(/Someone else changed.*changed meanwhile/s);
    await expect(page.locator('#notes').inputValue()).resolves.toBe('typed by the agent');
    expect((await c.t.api().get(`/v1/customers/${customer.id}`)).body.notes).toBe('changed meanwhile');
    await Promise.all([page.waitForURL(/saved=notes/), page.click('text=Save notes')]);
    expect((await c.t.api().get(`/v1/customers/${customer.id}`)).body.notes).toBe('typed by the agent');
    // The same for metadata: the typed rows survive the conflict.
    await c.t.api().post(`/v1/customers/${customer.id}`, { metadata: { k: 'server' } });
    await page.goto(`${c.url}/console/test/customers/${customer.id}`);
    await c.t.api().post(`/v1/customers/${customer.id}`, { metadata: { k: 'server2' } });
    await page.fill('#meta-0', 'agent');
    await page.click('text=Save metadata');
    await expect(page.getByTestId('conflict').textContent()).resolves.toContain('server2');
    await expect(page.locator('#meta-0').inputValue()).resolves.toBe('agent');
  });

  it('shows hostile names as text: nothing they contain runs or becomes markup', async () => {
    const hostile = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2">"\'&';
    const customer = (await c.t.api().post('/v1/customers', { name: hostile, email: 'xss@example.com', metadata: { '<b>k</b>': '<i>v</i>' } })).body;
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    await search('xss@example');
    await expect(page.locator('[data-testid=results] tbody a').first().textContent()).resolves.toBe(hostile);
    await page.goto(`${c.url}/console/test/customers/${customer.id}`);
    await expect(page.getByTestId('customer-title').textContent()).resolves.toBe(hostile);
    await expect(page.locator('label[for=meta-0]').textContent()).resolves.toBe('<b>k</b>');
    expect(await page.locator('main script, main img, main b, main i').count()).toBe(0);
    expect(await page.evaluate('window.pwned')).toBeUndefined();
    expect(dialogs).toBe(0);
  });

  it('has no serious accessibility violations on search and profile, fits 390 px, weighs little, and reports its render time', async () => {
    await page.goto(`${c.url}/console/test/customers?q=jenny`);
    expect(JSON.stringify(await seriousViolations(page), null, 1)).toBe("[]");
    const profile = `${c.url}/console/test/customers/${jenny.id}`;
    let bytes = 0;
    page.on('response', (r) => {
      void r.body().then((b) => (bytes += b.length), () => undefined);
    });
    await page.goto(profile);
    const ms = await renderTime(page);
    expect(JSON.stringify(await seriousViolations(page), null, 1)).toBe("[]");
    await expectNoHorizontalScroll(page);
    const searchMs = await (async () => {
      await page.goto(`${c.url}/console/test/customers?q=rosen`);
      return renderTime(page);
    })();
    report(`console render (${kind}, ${(await c.t.api().get("/v1/customers", { limit: 100 })).body.data.length} customers): profile ${ms.toFixed(1)} ms, search ${searchMs.toFixed(1)} ms (navigation start to load end)`);
    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThan(300 * 1024);
    if (kind === 'sqlite') {
      await page.goto(profile);
      await screenshot(page, 'profile', { docs: true });
      await page.evaluate("document.getElementById('sec-section-charge').scrollIntoView()");
      await screenshot(page, 'profile-billing', { docs: true });
      await screenshot(page, `profile-full-${kind}`, { fullPage: true });
      await page.goto(`${c.url}/console/test/customers?q=rosen`);
      await screenshot(page, 'search', { docs: true });
    }
    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of [`/console/test/customers?q=rosen`, `/console/test/customers/${jenny.id}`]) {
      await page.goto(`${c.url}${path}`);
      await expectNoHorizontalScroll(page);
    }
    await screenshot(page, `profile-390-${kind}`, { fullPage: true });
    if (kind === 'sqlite') await screenshot(page, 'profile-narrow', { docs: true });
    await page.setViewportSize({ width: 1280, height: 900 });
  });
});
