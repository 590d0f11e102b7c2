import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CustomerRecord } from '../../src/domain/customers/customer.js';
import type { Scope } from '../../src/domain/scope.js';
import { parseSearchQuery } from '../../src/domain/search/query-parser.js';
import { newId } from '../../src/lib/ids.js';
import type { Cursor } from '../../src/store/port.js';
import { createTestApp, STORES, type TestApp } from '../helpers/harness.js';

const T0 = 1_700_500_000;
const DENSE = 1_050;

/**
 * The search plans of the store at a size where they differ (SPEC Q-2): a metadata value held
 * by more customers than the store drives a query from, creation times that do not follow
 * insertion order (so newest-first is by created, then seq), and OR merging clause pages.
 * Every plan must give exactly what a filter over all rows in (created, seq) order gives.
 */
describe.each(STORES)('store: customer search plans (%s)', (kind) => {
  let t: TestApp;
  let scope: Scope;
  /** Inserted customers with their list position, in insertion order. */
  const rows: Array<{ customer: CustomerRecord; position: Cursor }> = [];

  function record(i: number): CustomerRecord {
    const rare = i % 211 === 0;
    return {
      id: newId('cus'),
      livemode: false,
      // Out of insertion order, with many ties in each second.
      created: T0 + ((i * 7919) % 97),
      updated: T0,
      deleted: false,
      version: 1,
      external_id: `ext-${i}`,
      email: `user${i}@${i % 3 === 0 ? 'three' : 'other'}.example`,
      email_key: `user${i}@${i % 3 === 0 ? 'three' : 'other'}.example`,
      name: `Dense Person ${i}`,
      business_name: null,
      individual_name: null,
      first_name: null,
      last_name: null,
      phone: null,
      phone_e164: null,
      description: null,
      notes: null,
      address: null,
      shipping: null,
      balance: 0,
      currency: null,
      invoice_prefix: `SP${String(i).padStart(6, '0')}`,
      invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
      next_invoice_sequence: 1,
      preferred_locales: [],
      tax_exempt: 'none',
      metadata: { tier: rare ? 'rare' : 'dense', ...(i % 2 === 0 && { even: 'yes' }) },
      parent_id: null,
      delinquent_after: null,
      created_by: null,
      updated_by: null,
    };
  }

  beforeAll(async () => {
    t = await createTestApp(kind);
    scope = { accountId: t.account.id, livemode: false };
    const customers = Array.from({ length: DENSE }, (_, i) => record(i));
    await t.store.write(async (repos) => {
      for (const customer of customers) {
        await repos.customers.insert(scope, customer);
        await repos.customers.replaceMetadataIndex(scope, customer.id, customer.metadata);
      }
    });
    for (const customer of customers) {
      const position = await t.store.read((repos) => repos.customers.cursorOf(scope, customer.id));
      rows.push({ customer, position: position! });
    }
  }, 120_000 /* inserts 1,050 customers and reads each one's position: ~2 s idle */);
  afterAll(async () => t?.close());

  /** Every match through the store, `limit` at a time, following the last position. */
  async function searchAll(query: string, limit: number): Promise<string[]> {
    const parsed = parseSearchQuery(query);
    const ids: string[] = [];
    let after: Cursor | undefined;
    for (let pages = 0; pages < 1000; pages++) {
      const hits = await t.store.read((repos) => repos.customers.search(scope, parsed, { limit, ...(after && { after }) }));
      const page = hits.slice(0, limit);
      ids.push(...page.map((h) => h.customer.id));
      if (hits.length <= limit) return ids;
      after = page.at(-1)!.position;
    }
    throw new Error('too many pages');
  }

  function expected(predicate: (c: CustomerRecord) => boolean): string[] {
    return rows
      .filter((r) => predicate(r.customer))
      .sort((a, b) => b.position.created - a.position.created || b.position.seq - a.position.seq)
      .map((r) => r.customer.id);
  }

  it('creation times really are out of insertion order (the case the search key must order)', () => {
    const bySeq = [...rows].sort((a, b) => a.position.seq - b.position.seq).map((r) => r.customer.created);
    expect(bySeq).not.toEqual([...bySeq].sort((a, b) => a - b));
  });

  it.each([
    ['a common metadata value (read newest first)', 'metadata["tier"]:"dense"', (c: CustomerRecord) => c.metadata.tier === 'dense'],
    ['a rare metadata value (drives the query)', 'metadata["tier"]:"rare"', (c: CustomerRecord) => c.metadata.tier === 'rare'],
    ['two metadata values', 'metadata["tier"]:"dense" AND metadata["even"]:"yes"', (c: CustomerRecord) => c.metadata.tier === 'dense' && c.metadata.even === 'yes'],
    ['a substring (FTS5 / trigram)', 'name~"person 1"', (c: CustomerRecord) => c.name!.includes('Person 1')],
    ['a substring and a rare value', 'email~"other" AND metadata["tier"]:"rare"', (c: CustomerRecord) => c.email!.includes('other') && c.metadata.tier === 'rare'],
    ['a negated substring', '-email~"three"', (c: CustomerRecord) => !c.email!.includes('three')],
    ['OR of rare and common', 'metadata["tier"]:"rare" OR email~"user1"', (c: CustomerRecord) => c.metadata.tier === 'rare' || c.email!.startsWith('user1')],
    ['OR of exact lookups', 'external_id:"EXT-7" OR email:"user8@other.example" OR name:"dense person 9"', (c: CustomerRecord) => ['ext-7', 'ext-8', 'ext-9'].includes(c.external_id!)],
    ['a created range', `created>=${T0 + 40} AND created<${T0 + 60}`, (c: CustomerRecord) => c.created >= T0 + 40 && c.created < T0 + 60],
  ])('%s: %s gives every match once, newest first', async (_label, query, predicate) => {
    const want = expected(predicate);
    expect(want.length).toBeGreaterThan(2);
    for (const limit of [100, 7]) expect(await searchAll(query, limit)).toEqual(want);
  });
});
