import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type Api, type TestApp } from '../../helpers/harness.js';
import { createCustomer, expectError, postForm, restoreClock, setClock } from '../customers/support.js';
import { chain } from '../hierarchy/support.js';
import { createCharge, createInvoice, createRefund, listIds, statsOf, transition } from '../charges/support.js';

const EMPTY = { invoice_count: 0, charge_count: 0, total_spent: {}, open_invoice_amount: {} };

/** SPEC S-2, H-4: stats on a customer, exact at read time, rolled up its tree. */
describe.each(STORES)('customer stats (%s)', (kind) => {
  let t: TestApp;
  let api: Api;
  beforeAll(async () => {
    t = await createTestApp(kind);
    api = t.api();
  });
  afterAll(async () => t?.close());
  afterEach(() => restoreClock());

  it('counts every charge and invoice, spends succeeded charges net of refunds, owes open invoices', async () => {
    const customer = (await createCustomer(api)).id;
    expect(await statsOf(api, customer)).toEqual({ ...EMPTY, tree: EMPTY });
    const usd = await createCharge(api, customer, { amount: 5000 });
    await createCharge(api, customer, { amount: 700, status: 'pending' });
    await createCharge(api, customer, { amount: 900, status: 'failed' });
    await createCharge(api, customer, { amount: 1200, currency: 'jpy' });
    await createRefund(api, usd.id, { amount: 1500 });
    const pending = await createCharge(api, customer, { amount: 300, status: 'pending' });
    await api.post(`/v1/charges/${pending.id}`, { status: 'succeeded' });
    await createInvoice(api, customer); // a draft counts, owes nothing yet
    const open = await transition(api, (await createInvoice(api, customer, { currency: 'eur', lines: [{ unit_amount: 4000 }] })).id, 'finalize');
    const paid = await transition(api, (await createInvoice(api, customer)).id, 'finalize');
    await transition(api, paid.id, 'pay');
    const voided = await transition(api, (await createInvoice(api, customer)).id, 'finalize');
    await transition(api, voided.id, 'void');
    const doomed = await createInvoice(api, customer);
    expect((await api.del(`/v1/invoices/${doomed.id}`)).status).toBe(200);
    const own = { invoice_count: 4, charge_count: 5, total_spent: { jpy: 1200, usd: 3800 }, open_invoice_amount: { eur: 4000 } };
    expect(await statsOf(api, customer)).toEqual({ ...own, tree: own });
    await transition(api, open.id, 'mark_uncollectible');
    expect((await statsOf(api, customer)).open_invoice_amount).toEqual({});
  });

  it('expand=stats as a plain string, and expand[] on retrieve, list, search, update and create', async () => {
    const customer = await createCustomer(api, { email: `stats-${Date.now()}@example.com` });
    await createCharge(api, customer.id, { amount: 250 });
    const expected = { invoice_count: 0, charge_count: 1, total_spent: { usd: 250 }, open_invoice_amount: {} };
    const stats = { ...expected, tree: expected };
    expect((await api.get(`/v1/customers/${customer.id}?expand=stats`)).body.stats).toEqual(stats);
    expect((await api.get(`/v1/customers/${customer.id}?expand[]=stats`)).body.stats).toEqual(stats);
    const listed = await api.get(`/v1/customers?email=${encodeURIComponent(customer.email as string)}&expand=data.stats`);
    expect(listed.body.data[0].stats).toEqual(stats);
    const found = await api.get(`/v1/customers/search?query=${encodeURIComponent(`email:"${customer.email as string}"`)}&expand=data.stats`);
    expect(found.body.data[0].stats).toEqual(stats);
    const updated = await postForm(api, `/v1/customers/${customer.id}`, 'name=Renamed&expand=stats');
    expect(updated.body).toMatchObject({ name: 'Renamed', stats });
    expect((await api.post('/v1/customers', { expand: ['stats'] })).body.stats).toEqual({ ...EMPTY, tree: EMPTY });
    expect((await api.get(`/v1/customers/${customer.id}/children`, { expand: ['data.stats'] })).status).toBe(200);
    // With other includable fields; and the stored representation is otherwise what a plain retrieve sends.
    const both = await api.get(`/v1/customers/${customer.id}`, { expand: ['stats', 'children_count', 'tax_ids'] });
    expect(both.body).toMatchObject({ stats, children_count: 0, tax_ids: { object: 'list', data: [] } });
    const plain = (await api.get(`/v1/customers/${customer.id}`)).body;
    const { stats: _s, children_count: _c, tax_ids: _x, ...rest } = both.body;
    expect(rest).toEqual(plain);
    expect(both.headers.etag).toBe((await api.get(`/v1/customers/${customer.id}`)).headers.etag);
    // A list endpoint still takes paths behind data. only.
    expectError(await api.get('/v1/customers?expand=stats'), 400, { code: 'expand_invalid', param: 'expand' });
    // A tombstone shows no stats.
    expect((await api.del(`/v1/customers/${customer.id}`)).status).toBe(200);
    expect((await api.get(`/v1/customers/${customer.id}?expand=stats`)).body).toEqual({ id: customer.id, object: 'customer', deleted: true });
  });

  describe('delinquent', () => {
    it('follows open invoices past their due date and uncollectible ones', async () => {
      const customer = (await createCustomer(api)).id;
      const delinquent = async () => (await api.get(`/v1/customers/${customer}`)).body.delinquent as boolean;
      const past = Math.floor(Date.now() / 1000) - 3600;
      const overdue = await transition(api, (await createInvoice(api, customer, { due_date: past })).id, 'finalize');
      expect(await delinquent()).toBe(true);
      const event = (await api.get('/v1/events', { type: 'customer.updated', limit: 5 })).body.data.find(
        (e: { data: { object: { id: string } } }) => e.data.object.id === customer,
      );
      expect(event.data.previous_attributes).toMatchObject({ delinquent: false });
      await transition(api, overdue.id, 'pay');
      expect(await delinquent()).toBe(false);
      const bad = await transition(api, (await createInvoice(api, customer)).id, 'finalize');
      expect(await delinquent()).toBe(false);
      await transition(api, bad.id, 'mark_uncollectible');
      expect(await delinquent()).toBe(true);
      await transition(api, bad.id, 'void');
      expect(await delinquent()).toBe(false);
    });

    it('turns true when a due date passes with no write: in the stored representation, its ETag and lists', async () => {
      const start = Math.floor(Date.now() / 1000);
      setClock(start);
      const customer = (await createCustomer(api)).id;
      const invoice = await createInvoice(api, customer, { due_date: start + 86_400 });
      await transition(api, invoice.id, 'finalize');
      const before = await api.get(`/v1/customers/${customer}`);
      expect(before.body.delinquent).toBe(false);
      const etag = String(before.headers.etag);
      setClock(start + 86_400);
      expect((await api.get(`/v1/customers/${customer}`)).body.delinquent).toBe(false);
      setClock(start + 86_401);
      const after = await api.get(`/v1/customers/${customer}`);
      expect(after.body).toEqual({ ...before.body, delinquent: true });
      expect(after.headers.etag).not.toBe(etag);
      expect(after.headers.etag).toBe(`"${customer}.v${/\.v(\d+)"$/.exec(etag)?.[1] ?? ''}.overdue"`);
      // If-None-Match with the old tag is not a 304 any more; with the new one it is.
      expect((await api.get(`/v1/customers/${customer}`, {}, { 'if-none-match': etag })).status).toBe(200);
      expect((await api.get(`/v1/customers/${customer}`, {}, { 'if-none-match': String(after.headers.etag) })).status).toBe(304);
      expect((await api.get(`/v1/customers/${customer}`, { expand: ['stats'] })).body.delinquent).toBe(true);
      expect((await api.get(`/v1/customers/${customer}`, { expand: ['parent'] })).body.delinquent).toBe(true);
      const listed = (await api.get('/v1/customers', { limit: 100 })).body.data.find((c: { id: string }) => c.id === customer);
      expect(listed.delinquent).toBe(true);
      // If-Match takes the tag a retrieve gave now.
      expectError(await api.post(`/v1/customers/${customer}`, { name: 'x' }, { 'if-match': etag }), 412, { code: 'precondition_failed' });
      const written = await api.post(`/v1/customers/${customer}`, { name: 'x' }, { 'if-match': String(after.headers.etag) });
      expect(written.status).toBe(200);
      expect(written.body.delinquent).toBe(true);
      expect((await api.get(`/v1/customers/${customer}`)).body.delinquent).toBe(true);
      await transition(api, invoice.id, 'pay');
      expect((await api.get(`/v1/customers/${customer}`)).body.delinquent).toBe(false);
    });
  });

  describe('the tree (H-4)', () => {
    it('stats.tree sums the customer and every descendant; a parent’s tree lists newest first with cursors', async () => {
      const [root, mid, leaf] = await chain(api, 3);
      const sibling = (await createCustomer(api, { parent: root })).id;
      const charges: string[] = [];
      for (const [customer, amount] of [[root, 100], [mid, 200], [leaf, 400], [sibling, 800], [leaf, 1600]] as const) {
        charges.push((await createCharge(api, customer as string, { amount })).id);
      }
      const inv = await transition(api, (await createInvoice(api, leaf as string)).id, 'finalize');
      const r = await statsOf(api, root as string);
      expect(r).toMatchObject({ charge_count: 1, total_spent: { usd: 100 } });
      expect(r.tree).toEqual({ invoice_count: 1, charge_count: 5, total_spent: { usd: 3100 }, open_invoice_amount: { usd: 1000 } });
      expect((await statsOf(api, mid as string)).tree).toMatchObject({ charge_count: 3, total_spent: { usd: 2200 } });
      expect((await statsOf(api, leaf as string)).tree).toMatchObject({ charge_count: 2, total_spent: { usd: 2000 } });

      expect(await listIds(api, '/v1/charges', { customer: root, include_descendants: true })).toEqual([...charges].reverse());
      expect(await listIds(api, '/v1/charges', { customer: mid, include_descendants: 'true' })).toEqual([charges[4], charges[2], charges[1]]);
      expect(await listIds(api, '/v1/charges', { customer: root })).toEqual([charges[0]]);
      const page = await api.get('/v1/charges', { customer: root, include_descendants: true, limit: 2, starting_after: charges[3] });
      expect(page.body.data.map((c: { id: string }) => c.id)).toEqual([charges[2], charges[1]]);
      expect(page.body.has_more).toBe(true);
      const back = await api.get('/v1/charges', { customer: root, include_descendants: true, limit: 2, ending_before: charges[1] });
      expect(back.body.data.map((c: { id: string }) => c.id)).toEqual([charges[3], charges[2]]);
      expect(await listIds(api, '/v1/invoices', { customer: root, include_descendants: true })).toEqual([inv.id]);
      expect(await listIds(api, '/v1/invoices', { customer: root, include_descendants: true, status: 'draft' })).toEqual([]);
      expect(await listIds(api, '/v1/invoices', { customer: root, include_descendants: true, status: 'open' })).toEqual([inv.id]);
      await createCharge(api, leaf as string, { status: 'pending' });
      expect(await listIds(api, '/v1/charges', { customer: root, include_descendants: true, status: 'pending' })).toHaveLength(1);
    });

    it('re-parenting or detaching a subtree moves its totals and its listing; deleting takes a customer out', async () => {
      const [a, a1, a2] = await chain(api, 3);
      const b = (await createCustomer(api)).id;
      const charge = await createCharge(api, a2 as string, { amount: 1000 });
      await createCharge(api, a1 as string, { amount: 10 });
      const tree = async (id: string) => (await statsOf(api, id)).tree;
      expect((await tree(a as string)).total_spent).toEqual({ usd: 1010 });
      // a1 (with a2) moves under b.
      expect((await api.post(`/v1/customers/${a1}`, { parent: b })).status).toBe(200);
      expect((await tree(a as string)).total_spent).toEqual({});
      expect(await tree(b)).toMatchObject({ charge_count: 2, total_spent: { usd: 1010 } });
      expect(await listIds(api, '/v1/charges', { customer: b, include_descendants: true })).toHaveLength(2);
      expect(await listIds(api, '/v1/charges', { customer: a, include_descendants: true })).toEqual([]);
      // Later activity counts along the new path.
      await createRefund(api, charge.id, { amount: 400 });
      expect((await tree(b)).total_spent).toEqual({ usd: 610 });
      expect((await tree(a as string)).total_spent).toEqual({});
      // a2 is detached: b keeps only a1's.
      expect((await api.post(`/v1/customers/${a2}`, { parent: '' })).status).toBe(200);
      expect((await tree(b)).total_spent).toEqual({ usd: 10 });
      expect((await tree(a2 as string)).total_spent).toEqual({ usd: 600 });
      // a2 goes back under a1; then deleting a2 takes its totals out of the tree but keeps its history.
      expect((await api.post(`/v1/customers/${a2}`, { parent: a1 })).status).toBe(200);
      expect((await tree(b)).total_spent).toEqual({ usd: 610 });
      expect((await api.del(`/v1/customers/${a2}`)).status).toBe(200);
      expect((await tree(b)).total_spent).toEqual({ usd: 10 });
      expect(await listIds(api, '/v1/charges', { customer: b, include_descendants: true })).toHaveLength(1);
      expect((await api.get(`/v1/charges/${charge.id}`)).body.customer).toBe(a2);
      expect(await listIds(api, '/v1/charges', { customer: a2 })).toEqual([charge.id]);
      // A refund reported after the delete changes nobody's tree but the tombstone's own figures.
      await createRefund(api, charge.id, { amount: 100 });
      expect((await tree(b)).total_spent).toEqual({ usd: 10 });
    });
  });
});
