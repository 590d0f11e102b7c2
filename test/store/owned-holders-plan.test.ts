import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, type LogEvent } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e164 } from '../../src/domain/customers/customer-rules.js';
import type { Scope } from '../../src/domain/scope.js';
import { kyselyStore } from '../../src/store/kysely/kysely-store.js';
import type { CustomerSearchClause, Store } from '../../src/store/port.js';
import type { Database } from '../../src/store/schema.js';
import { createTestApp, type TestApp } from '../helpers/harness.js';

/**
 * SQLite has no statistics here (nothing runs ANALYZE), and without them its planner took an
 * index that matches only (account_id, livemode) for the holders of a contact's email or phone,
 * reading every contact of the account (2·10⁶ at the bench's size: 1 s, and 40 s for a phone).
 * The holders' statements, as the store sends them, must each search their own index on the
 * value. (PostgreSQL plans from its statistics; its plans are covered by owned-search.test.ts's
 * results only.)
 */
const CASES: Array<{ label: string; clause: CustomerSearchClause; plans: RegExp[] }> = [
  {
    label: 'contact_email:',
    clause: { field: 'contact_email', op: 'eq', negated: false, value: 'AP@Acme.test', folded: 'ap@acme.test' },
    plans: [/SEARCH o USING (COVERING )?INDEX contacts_search_email \(account_id=\? AND livemode=\? AND email_key=\?\)/],
  },
  {
    label: 'contact_phone: (as given, and its E.164 form)',
    clause: { field: 'contact_phone', op: 'eq', negated: false, value: '+49 30 1234567', e164: e164('+49 30 1234567') },
    plans: [
      /SEARCH o USING INDEX contacts_search_phone \(account_id=\? AND livemode=\? AND <expr>=\?\)/,
      /SEARCH o USING INDEX contacts_search_phone_e164 \(account_id=\? AND livemode=\? AND phone_e164=\?\)/,
    ],
  },
  {
    label: 'address_postal_code:',
    clause: { field: 'address_postal_code', op: 'eq', negated: false, value: '10115', folded: '10115' },
    plans: [/SEARCH o USING INDEX addresses_search_postal_code \(account_id=\? AND livemode=\? AND postal_code_key=\?\)/],
  },
];

describe('store: the holders of a contact or address value are read through its index (sqlite)', () => {
  let t: TestApp;
  let store: Store;
  let raw: BetterSqlite3.Database;
  let scope: Scope;
  const queries: Array<{ sql: string; parameters: readonly unknown[] }> = [];

  beforeAll(async () => {
    t = await createTestApp('sqlite');
    scope = { accountId: t.account.id, livemode: false };
    const id = (await t.api().post('/v1/customers', { name: 'Acme' })).body.id as string;
    await t.api().post(`/v1/customers/${id}/contacts`, { email: 'ap@acme.test', phone: '+49 30 1234567' });
    await t.api().post(`/v1/customers/${id}/addresses`, { label: 'HQ', address: { postal_code: '10115', country: 'DE' } });
    const target = t.database;
    if (target.kind !== 'sqlite') throw new Error('expected a SQLite test database');
    raw = new BetterSqlite3(target.path);
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }), log: (e: LogEvent) => void queries.push({ sql: e.query.sql, parameters: e.query.parameters }) });
    store = kyselyStore(db, 'sqlite', { onClose: () => db.destroy() });
  });
  afterAll(async () => {
    await store?.close();
    await t?.close();
  });

  it.each(CASES)('$label', async ({ clause, plans }) => {
    queries.length = 0;
    const hits = await store.read((repos) => repos.customers.search(scope, { combinator: 'AND', clauses: [clause] }, { limit: 10 }));
    expect(hits.map((h) => h.customer.name)).toEqual(['Acme']);
    const holders = queries.find((q) => /SELECT o\.customer_id FROM (contacts|addresses) o/.test(q.sql));
    expect(holders, queries.map((q) => q.sql).join('\n')).toBeDefined();
    const plan = (raw.prepare(`EXPLAIN QUERY PLAN ${holders!.sql}`).all(...holders!.parameters) as Array<{ detail: string }>).map((r) => r.detail).join('\n');
    for (const expected of plans) expect(plan).toMatch(expected);
  });
});
