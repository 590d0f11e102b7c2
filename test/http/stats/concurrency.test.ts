import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type ApiResponse, type TestApp } from '../../helpers/harness.js';
import { createCustomer } from '../customers/support.js';
import { createCharge, createInvoice, statsOf } from '../charges/support.js';

const ROUNDS = 8;

const statusOf = (res: ApiResponse) => `${res.status}${res.status === 200 ? '' : ` ${JSON.stringify(res.body?.error ?? res.body)}`}`;

/**
 * The stats live in the customers' rows (migration 0023), so every charge, refund and invoice
 * write locks its customer's row and its ancestors'. Racing those writes on a parent's children
 * against moves of the parent and of a child (which move tree totals between ancestors),
 * invoice transitions (which lock the customer's row for its numbering) and refunds: every
 * request succeeds (no deadlock on PostgreSQL, where the requests really overlap on a pool of
 * connections), and the stats and tree stats add up afterwards.
 */
describe.each(STORES)('stats under concurrent writes and moves (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());

  it(`charges on a parent's children, refunds and finalisations racing re-parentings (${ROUNDS} rounds)`, async () => {
    const api = t.api();
    const [rootA, rootB] = [(await createCustomer(api)).id, (await createCustomer(api)).id];
    const parent = (await createCustomer(api, { parent: rootA })).id;
    const children = [] as string[];
    for (let i = 0; i < 3; i++) children.push((await createCustomer(api, { parent })).id);
    const mover = children[0] as string;
    const ownCharges = new Map<string, number>();
    const ownSpent = new Map<string, number>();
    const count = (id: string, amount: number) => {
      ownCharges.set(id, (ownCharges.get(id) ?? 0) + 1);
      ownSpent.set(id, (ownSpent.get(id) ?? 0) + amount);
    };
    for (const child of children) count(child, (await createCharge(api, child, { amount: 5000 })).amount as number);

    for (let round = 0; round < ROUNDS; round++) {
      const refundable = await createCharge(api, parent, { amount: 4000 });
      count(parent, 4000);
      const draft = await createInvoice(api, children[1] as string);
      const requests: Array<Promise<ApiResponse>> = [
        api.post(`/v1/customers/${parent}`, { parent: round % 2 === 0 ? rootB : rootA }),
        api.post(`/v1/customers/${mover}`, { parent: round % 2 === 0 ? rootB : parent }),
        api.post('/v1/refunds', { charge: refundable.id, amount: 1000 }),
        api.post(`/v1/invoices/${draft.id}/finalize`, {}),
        api.post(`/v1/customers/${parent}`, { metadata: { round: String(round) } }),
      ];
      for (const child of children) {
        for (let i = 0; i < 2; i++) {
          requests.push(api.post('/v1/charges', { amount: 100 + i, currency: i === 0 ? 'usd' : 'eur', customer: child }));
        }
      }
      const results = await Promise.all(requests);
      expect(results.map(statusOf), `round ${round}`).toEqual(results.map(() => '200'));
      ownSpent.set(parent, (ownSpent.get(parent) ?? 0) - 1000);
      for (const child of children) {
        count(child, 100);
        count(child, 101);
      }
    }

    // Where the last round left them: an odd round puts the parent under rootA and the mover back under the parent.
    const placement = new Map<string, string | null>([
      [rootA, null],
      [rootB, null],
      [parent, ROUNDS % 2 === 0 ? rootA : rootB],
      [mover, ROUNDS % 2 === 0 ? parent : rootB],
      [children[1] as string, parent],
      [children[2] as string, parent],
    ]);
    const subtree = (id: string): string[] => [id, ...[...placement].filter(([, p]) => p === id).flatMap(([c]) => subtree(c))];
    const all = [...placement.keys()];
    for (const id of all) {
      const stats = await statsOf(api, id);
      expect(stats.charge_count, `own charges of ${id}`).toBe(ownCharges.get(id) ?? 0);
      const members = subtree(id);
      const treeCharges = members.reduce((n, m) => n + (ownCharges.get(m) ?? 0), 0);
      expect(stats.tree.charge_count, `tree charges of ${id}`).toBe(treeCharges);
      const spent = (stats.tree.total_spent as Record<string, number>) ?? {};
      const treeSpent = members.reduce((n, m) => n + (ownSpent.get(m) ?? 0), 0);
      expect((spent.usd ?? 0) + (spent.eur ?? 0), `tree spent of ${id}`).toBe(treeSpent);
    }
    expect((await statsOf(api, children[1] as string)).invoice_count).toBe(ROUNDS);
  });
});
