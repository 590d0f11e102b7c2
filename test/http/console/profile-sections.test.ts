import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type TestApp } from '../../helpers/harness.js';
import { consoleGet, signIn } from './support.js';

/** The rows of one generic section's table, each as its cells' text (tags stripped). */
function rowsOf(html: string, object: string): string[][] {
  const table = new RegExp(`<table class="rows" data-testid="rows-${object}">([\\s\\S]*?)</table>`).exec(html)?.[1] ?? '';
  return [...table.matchAll(/<tr data-id="[^"]*">([\s\S]*?)<\/tr>/g)].map((row) =>
    [...(row[1] as string).matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => (c[1] as string).replace(/<[^>]+>/g, '').trim()),
  );
}

function statsOf(html: string): Record<string, string> {
  const dl = /<dl class="fields" data-testid="stats">([\s\S]*?)<\/dl>/.exec(html)?.[1] ?? '';
  return Object.fromEntries([...dl.matchAll(/<dt>([^<]*)<\/dt><dd>([^<]*)<\/dd>/g)].map((m) => [m[1], m[2]]));
}

/** SPEC U-1 item 3: charges with their refunds, refunds, invoices and the stats, on the rendered profile. */
describe.each(STORES)('console profile sections (%s)', (kind) => {
  let t: TestApp;
  let cookie: string;
  beforeAll(async () => {
    t = await createTestApp(kind);
    cookie = await signIn(t.app, t.account.test, 'ada@example.com');
  });
  afterAll(async () => t?.close());

  it('shows the customer’s charges with their refunds, its refunds and invoices, newest first, and its own and tree stats', async () => {
    const parent = (await t.api().post('/v1/customers', { name: 'Parent Co' })).body.id as string;
    const child = (await t.api().post('/v1/customers', { name: 'Child Co', parent })).body.id as string;
    const first = (await t.api().post('/v1/charges', { amount: 4200, currency: 'eur', customer: parent, description: 'First <b>order</b>' })).body;
    const second = (await t.api().post('/v1/charges', { amount: 1500, currency: 'usd', customer: parent, status: 'failed', failure_code: 'card_declined' })).body;
    const refund = (await t.api().post('/v1/refunds', { charge: first.id, amount: 1000, reason: 'requested_by_customer' })).body;
    expect(refund.object).toBe('refund');
    await t.api().post('/v1/charges', { amount: 500, currency: 'jpy', customer: child });
    const draft = (await t.api().post('/v1/invoices', { customer: parent, currency: 'eur', lines: [{ description: 'Seats', unit_amount: 1200, quantity: 3 }] })).body;
    const open = (await t.api().post(`/v1/invoices/${draft.id}/finalize`, {})).body;
    expect(open.status).toBe('open');

    const page = await consoleGet(t.app, cookie, `/console/test/customers/${parent}`);
    expect(page.statusCode).toBe(200);
    const charges = rowsOf(page.body, 'charge');
    expect(charges.map((r) => r[0])).toEqual([second.id, first.id]);
    expect(charges[0]?.slice(1, 3)).toEqual(['15.00 usd', 'failed']);
    expect(charges[1]?.slice(1, 6)).toEqual(['42.00 eur', 'succeeded', '10.00 eur', `${refund.id} (10.00 eur)`, 'First &lt;b&gt;order&lt;/b&gt;']);
    expect(page.body).not.toContain('<b>order</b>');
    expect(rowsOf(page.body, 'refund').map((r) => r.slice(0, 5))).toEqual([[refund.id, first.id, '10.00 eur', 'requested_by_customer', 'succeeded']]);
    const invoices = rowsOf(page.body, 'invoice');
    expect(invoices.map((r) => r.slice(0, 5))).toEqual([[open.id, open.number, '36.00 eur', '36.00 eur', 'open']]);
    expect(statsOf(page.body)).toEqual({
      Charges: '2',
      Invoices: '1',
      'Total spent': '32.00 eur',
      'Open invoices': '36.00 eur',
      'Tree: charges': '3',
      'Tree: invoices': '1',
      'Tree: total spent': '32.00 eur, 500 jpy',
      'Tree: open invoices': '36.00 eur',
    });
    const childPage = await consoleGet(t.app, cookie, `/console/test/customers/${child}`);
    expect(rowsOf(childPage.body, 'charge')).toHaveLength(1);
    expect(childPage.body).toContain('No refunds.');
    expect(childPage.body).toContain('No invoices.');
    expect(statsOf(childPage.body)['Total spent']).toBe('500 jpy');
  });

  it('shows the newest ten of each, and says there are more', async () => {
    const id = (await t.api().post('/v1/customers', { name: 'Many Charges' })).body.id as string;
    const made: string[] = [];
    for (let i = 0; i < 12; i++) made.push((await t.api().post('/v1/charges', { amount: 100 + i, currency: 'usd', customer: id })).body.id as string);
    const page = await consoleGet(t.app, cookie, `/console/test/customers/${id}`);
    expect(rowsOf(page.body, 'charge').map((r) => r[0])).toEqual(made.slice(2).reverse());
    expect(page.body).toContain('Showing the newest 10.');
    expect(statsOf(page.body).Charges).toBe('12');
  });

  it('shows another account’s charges nowhere', async () => {
    const other = await t.newAccount();
    const theirs = (await t.api(other.test).post('/v1/customers', { name: 'Theirs' })).body.id as string;
    await t.api(other.test).post('/v1/charges', { amount: 999, currency: 'usd', customer: theirs });
    const mine = (await t.api().post('/v1/customers', { name: 'Mine' })).body.id as string;
    const page = await consoleGet(t.app, cookie, `/console/test/customers/${mine}`);
    expect(page.body).toContain('No charges.');
    expect(statsOf(page.body).Charges).toBe('0');
  });
});
