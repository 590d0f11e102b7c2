import { describe, expect, it } from 'vitest';
import type { Scope } from '../../../src/domain/scope.js';
import { parseStats } from '../../../src/domain/stats/stats.js';
import type { ChargeRecord } from '../../../src/domain/charges/charge.js';
import type { InvoiceRecord } from '../../../src/domain/invoices/invoice.js';
import type { CustomerRecord } from '../../../src/domain/customers/customer.js';
import { createTestApp, STORES, type Api, type ApiResponse, type TestApp } from '../../helpers/harness.js';
import { listIds } from '../charges/support.js';

/** mulberry32: a seeded PRNG, so a failing sequence can be replayed from its seed. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
    chance: (p: number) => next() < p,
  };
}

interface Figures {
  invoice_count: number;
  charge_count: number;
  total_spent: Record<string, number>;
  open_invoice_amount: Record<string, number>;
}

const empty = (): Figures => ({ invoice_count: 0, charge_count: 0, total_spent: {}, open_invoice_amount: {} });

function add(into: Figures, from: Figures): void {
  into.invoice_count += from.invoice_count;
  into.charge_count += from.charge_count;
  for (const [key, map] of [['total_spent', from.total_spent], ['open_invoice_amount', from.open_invoice_amount]] as const) {
    for (const [currency, amount] of Object.entries(map)) into[key][currency] = (into[key][currency] ?? 0) + amount;
  }
}

/** Amount maps as the API shows them: currencies with a non-zero amount only. */
function shown(f: Figures): Figures {
  const nonZero = (m: Record<string, number>) => Object.fromEntries(Object.entries(m).filter(([, v]) => v !== 0).sort());
  return { invoice_count: f.invoice_count, charge_count: f.charge_count, total_spent: nonZero(f.total_spent), open_invoice_amount: nonZero(f.open_invoice_amount) };
}

/**
 * The stats as they must be, recomputed from the raw rows read through the store port: each
 * customer's charges and invoices, and the tree as the customers' parent links and deletions
 * make it (a deleted customer is out of its tree).
 */
async function recompute(t: TestApp, scope: Scope, ids: readonly string[]) {
  return t.store.read(async (repos) => {
    const customers = await repos.customers.findByIds(scope, [...ids]);
    // Every row at once (the forest is small): the store's own list, newest first.
    const allCharges: ChargeRecord[] = await repos.charges.list(scope, {}, { limit: 10_000 });
    const allInvoices: InvoiceRecord[] = await repos.invoices.list(scope, {}, { limit: 10_000 });
    const own = new Map<string, Figures>(ids.map((id) => [id, empty()]));
    for (const c of allCharges) {
      const f = own.get(c.customer_id) as Figures;
      f.charge_count++;
      if (c.status === 'succeeded') f.total_spent[c.currency] = (f.total_spent[c.currency] ?? 0) + c.amount - c.amount_refunded;
    }
    for (const i of allInvoices) {
      const f = own.get(i.customer_id) as Figures;
      f.invoice_count++;
      if (i.status === 'open') f.open_invoice_amount[i.currency] = (f.open_invoice_amount[i.currency] ?? 0) + i.total - i.amount_paid;
    }
    const childrenOf = (id: string) => [...customers.values()].filter((c: CustomerRecord) => c.parent_id === id && !c.deleted).map((c) => c.id);
    const subtree = (id: string): string[] => (customers.get(id)?.deleted ? [id] : [id, ...childrenOf(id).flatMap(subtree)]);
    const tree = (id: string): Figures => {
      const f = empty();
      for (const member of subtree(id)) add(f, own.get(member) ?? empty());
      return f;
    };
    const chargesOfTree = (id: string) => {
      const members = new Set(subtree(id));
      return allCharges.filter((c) => members.has(c.customer_id)).map((c) => c.id);
    };
    return { customers, own, tree, chargesOfTree };
  });
}

const CURRENCIES = ['usd', 'eur', 'jpy'];

/**
 * SPEC S-2, H-4: a random sequence of charges, refunds, charge status changes, invoice
 * transitions, re-parentings and deletes over a small forest; after every step each customer's
 * stats and stats.tree equal a recomputation from the raw rows, and a random customer's
 * include_descendants list is its live subtree's charges.
 */
describe.each(STORES)('stats property: random activity over a forest (%s)', (kind) => {
  it.each([[20240611], [7]])('seed %i', async (seed) => {
    const t = await createTestApp(kind);
    try {
      const api: Api = t.api();
      const scope: Scope = { accountId: t.account.id, livemode: false };
      const r = rng(seed);
      const ids: string[] = [];
      const deleted = new Set<string>();
      for (let i = 0; i < 7; i++) {
        const parent = i > 0 && r.chance(0.6) ? r.pick(ids) : undefined;
        const res = await api.post('/v1/customers', parent ? { parent } : {});
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        ids.push(res.body.id);
      }
      const live = () => ids.filter((id) => !deleted.has(id));
      const charges: ChargeRecord[] = [];
      const invoices: Array<{ id: string; status: string }> = [];
      const expectOk = (res: ApiResponse, step: string) => expect(res.status, `${step}: ${JSON.stringify(res.body)}`).toBe(200);
      // What the sequence did, so a seed that never moved or deleted anything cannot pass unnoticed.
      const done = new Map<string, number>();
      const did = (what: string) => done.set(what, (done.get(what) ?? 0) + 1);

      // Operation kinds drawn from a shuffled bag, so every kind runs in every few steps.
      const KINDS = ['charge', 'charge', 'refund', 'status', 'invoice', 'transition', 'transition', 'move', 'delete'];
      let bag: string[] = [];
      for (let step = 0; step < 30; step++) {
        if (bag.length === 0) bag = [...KINDS].sort(() => r.int(0, 1) * 2 - 1);
        const kindOfStep = bag.pop() as string;
        let label = '';
        // Mostly valid operations (refunds of succeeded charges, deletes of leaves), some refused ones.
        const succeeded = charges.filter((c) => c.status === 'succeeded');
        const pending = charges.filter((c) => c.status === 'pending');
        if (kindOfStep === 'charge' || charges.length === 0) {
          const customer = r.pick(live());
          const status = r.pick(['succeeded', 'succeeded', 'pending', 'failed']);
          label = `charge ${status} for ${customer}`;
          const res = await api.post('/v1/charges', { amount: r.int(1, 5000), currency: r.pick(CURRENCIES), customer, status });
          expectOk(res, label);
          charges.push(res.body);
          did('charge');
        } else if (kindOfStep === 'refund') {
          const charge = r.pick(r.chance(0.8) && succeeded.length > 0 ? succeeded : charges);
          label = `refund of ${charge.id}`;
          const current = (await api.get(`/v1/charges/${charge.id}`)).body;
          const left = current.amount - current.amount_refunded;
          const res = await api.post('/v1/refunds', { charge: charge.id, ...(r.chance(0.5) && left > 0 && { amount: r.int(1, left) }) });
          if (current.status !== 'succeeded' || left === 0) expect(res.status, label).toBe(400);
          else {
            expectOk(res, label);
            did('refund');
          }
        } else if (kindOfStep === 'status') {
          const charge = r.pick(r.chance(0.8) && pending.length > 0 ? pending : charges);
          label = `status of ${charge.id}`;
          const res = await api.post(`/v1/charges/${charge.id}`, { status: r.pick(['succeeded', 'failed']) });
          expect([200, 400], label).toContain(res.status);
          if (res.status === 400) expect(res.body.error.code).toBe('charge_status_transition_invalid');
          else if (charge.status === 'pending') {
            charge.status = res.body.status;
            did('status');
          } else expect(res.body.status, `${label}: asking for the status it has changes nothing`).toBe(charge.status);
        } else if (kindOfStep === 'invoice' || invoices.length === 0) {
          const customer = r.pick(live());
          label = `invoice for ${customer}`;
          const lines = Array.from({ length: r.int(0, 3) }, () => ({ quantity: r.int(1, 3), unit_amount: r.int(0, 2000) }));
          const res = await api.post('/v1/invoices', { customer, currency: r.pick(CURRENCIES), lines, due_date: r.chance(0.3) ? 1 : null });
          expectOk(res, label);
          invoices.push({ id: res.body.id, status: 'draft' });
          did('invoice');
        } else if (kindOfStep === 'transition') {
          const invoice = r.pick(invoices);
          const action = r.pick(['finalize', 'pay', 'void', 'mark_uncollectible', 'delete']);
          label = `${action} ${invoice.id} (${invoice.status})`;
          const res = action === 'delete' ? await api.del(`/v1/invoices/${invoice.id}`) : await api.post(`/v1/invoices/${invoice.id}/${action}`, {});
          if (res.status === 200) {
            invoice.status = action === 'delete' ? 'deleted' : String(res.body.status);
            did('transition');
          } else expect(['invoice_status_transition_invalid', 'invoice_not_editable', 'resource_missing'], label).toContain(res.body.error.code);
        } else if (kindOfStep === 'move') {
          const customer = r.pick(live());
          const parent = r.chance(0.2) ? '' : r.pick(live());
          label = `move ${customer} under ${parent || 'nobody'}`;
          const res = await api.post(`/v1/customers/${customer}`, { parent });
          if (res.status === 200) did('move');
          else expect(['hierarchy_cycle', 'hierarchy_too_deep'], label).toContain(res.body.error.code);
        } else if (live().length > 2) {
          const rows = await t.store.read((repos) => repos.customers.findByIds(scope, live()));
          const parents = new Set([...rows.values()].map((c) => c.parent_id));
          const leaves = live().filter((id) => !parents.has(id));
          const customer = r.pick(r.chance(0.8) && leaves.length > 0 ? leaves : live());
          label = `delete ${customer}`;
          const res = await api.del(`/v1/customers/${customer}`);
          if (res.status === 200) {
            deleted.add(customer);
            did('delete');
          } else expect(res.body.error.code, label).toBe('customer_has_children');
        }

        const expected = await recompute(t, scope, ids);
        const listed = await api.get('/v1/customers', { limit: 100, expand: ['data.stats'] });
        const stats = new Map<string, unknown>(listed.body.data.map((c: { id: string; stats: unknown }) => [c.id, c.stats]));
        for (const id of live()) {
          const own = shown(expected.own.get(id) ?? empty());
          expect(stats.get(id), `step ${step} (${label}): stats of ${id}`).toEqual({ ...own, tree: shown(expected.tree(id)) });
        }
        // A tombstone shows no stats; its own figures are still kept (read through the port), and it is its own tree.
        const texts = await t.store.read((repos) => repos.stats.textsOf(scope, [...deleted]));
        for (const id of deleted) {
          const { tree, ...own } = parseStats(texts.get(id));
          expect(own, `step ${step}: deleted ${id}`).toEqual(shown(expected.own.get(id) ?? empty()));
          expect(tree.charge_count, `step ${step}: deleted ${id}`).toBe(own.charge_count);
          expect(tree.total_spent, `step ${step}: deleted ${id}`).toEqual(own.total_spent);
        }
        const someone = r.pick(live());
        const tree = await listIds(api, '/v1/charges', { customer: someone, include_descendants: true });
        expect(tree, `step ${step} (${label}): the tree of ${someone}, newest first`).toEqual(expected.chargesOfTree(someone));
      }
      expect(Object.fromEntries(done), 'what the sequence did').toEqual(
        Object.fromEntries(['charge', 'refund', 'status', 'invoice', 'transition', 'move', 'delete'].map((k) => [k, expect.any(Number)])),
      );
    } finally {
      await t.close();
    }
  });
});
