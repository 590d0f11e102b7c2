import { describe, expect, it } from 'vitest';
import { createTestApp, STORES } from '../../helpers/harness.js';
import { createCustomer } from '../customers/support.js';
import { createInvoice } from '../charges/support.js';

/**
 * SPEC S-1: invoice numbers come from the customer's prefix and next_invoice_sequence at
 * finalisation. Finalising many of one customer's drafts at once gives each a distinct number,
 * with no gap, and leaves the sequence just past the last; concurrent charges and customer
 * updates meanwhile change nothing about that.
 */
describe.each(STORES)('invoice numbers under concurrent finalisations (%s)', (kind) => {
  it('are distinct and gap-free', async () => {
    const t = await createTestApp(kind);
    try {
      const api = t.api();
      const customer = await createCustomer(api, { invoice_prefix: 'RACE1' });
      const drafts = [];
      for (let i = 0; i < 12; i++) drafts.push((await createInvoice(api, customer.id)).id);
      const results = await Promise.all([
        ...drafts.map((id) => api.post(`/v1/invoices/${id}/finalize`, {})),
        ...drafts.slice(0, 4).map((_, i) => api.post(`/v1/customers/${customer.id}`, { metadata: { [`k${i}`]: 'v' } })),
        ...drafts.slice(0, 4).map(() => api.post('/v1/charges', { amount: 100, currency: 'usd', customer: customer.id })),
      ]);
      for (const r of results) expect(r.status, JSON.stringify(r.body)).toBe(200);
      const numbers = results.slice(0, drafts.length).map((r) => r.body.number as string);
      expect([...numbers].sort()).toEqual(Array.from({ length: drafts.length }, (_, i) => `RACE1-${String(i + 1).padStart(4, '0')}`));
      const after = (await api.get(`/v1/customers/${customer.id}`, { expand: ['stats'] })).body;
      expect(after.next_invoice_sequence).toBe(drafts.length + 1);
      expect(Object.keys(after.metadata)).toHaveLength(4);
      expect(after.stats).toMatchObject({ invoice_count: 12, charge_count: 4, open_invoice_amount: { usd: 12_000 }, total_spent: { usd: 400 } });
    } finally {
      await t.close();
    }
  });
});
