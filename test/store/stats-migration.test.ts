import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, sql, SqliteDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { up as statsInCustomerRow } from '../../src/store/migrations/0023_stats_in_customer_row.js';
import { createTestApp, STORES, type TestApp } from '../helpers/harness.js';
import { createCustomer } from '../http/customers/support.js';
import { createCharge, createInvoice, createRefund, transition } from '../http/charges/support.js';

/** customer_stats as migration 0010 made it (frozen), with the rows 0009–0022 writes kept in it. */
const CUSTOMER_STATS = (pg: boolean) => `CREATE TABLE customer_stats (
  account_id text NOT NULL, livemode smallint NOT NULL, customer_id text NOT NULL, currency text NOT NULL,
  charge_count ${pg ? 'bigint' : 'integer'} NOT NULL DEFAULT 0, invoice_count ${pg ? 'bigint' : 'integer'} NOT NULL DEFAULT 0,
  total_spent ${pg ? 'bigint' : 'integer'} NOT NULL DEFAULT 0, open_invoice_amount ${pg ? 'bigint' : 'integer'} NOT NULL DEFAULT 0,
  tree_charge_count ${pg ? 'bigint' : 'integer'} NOT NULL DEFAULT 0, tree_invoice_count ${pg ? 'bigint' : 'integer'} NOT NULL DEFAULT 0,
  tree_total_spent ${pg ? 'bigint' : 'integer'} NOT NULL DEFAULT 0, tree_open_invoice_amount ${pg ? 'bigint' : 'integer'} NOT NULL DEFAULT 0,
  PRIMARY KEY (account_id, livemode, customer_id, currency))`;

/**
 * Migration 0023 moves the stats from customer_stats into the customers' rows, rendered: on a
 * database as 0022 left it (the column dropped again, customer_stats holding the per-currency
 * counters of some real activity), its backfill must give exactly the bytes the writes keep.
 */
describe.each(STORES)('migration 0023: the stats backfilled into the customers’ rows (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());

  it('renders each customer’s customer_stats rows as expand[]=stats shows them, then drops the table', async () => {
    const api = t.api();
    const parent = (await createCustomer(api)).id;
    const child = (await createCustomer(api, { parent })).id;
    const idle = (await createCustomer(api)).id;
    const usd = await createCharge(api, parent, { amount: 5000 });
    await createRefund(api, usd.id, { amount: 1200 });
    await createCharge(api, child, { amount: 700, currency: 'eur' });
    await createCharge(api, child, { amount: 300, status: 'pending' });
    await createCharge(api, child, { amount: 900, currency: 'jpy', status: 'failed' });
    await transition(api, (await createInvoice(api, child, { currency: 'gbp', lines: [{ unit_amount: 4000 }] })).id, 'finalize');
    await createInvoice(api, parent);
    const scope = { accountId: t.account.id, livemode: false };
    const ids = [parent, child, idle];
    const kept = await t.store.read((repos) => repos.stats.textsOf(scope, ids));
    expect(kept.get(idle)).toBeNull();

    // The per-currency counters customer_stats held for the same activity.
    const own = {
      [parent]: { usd: [1, 1, 3800, 0] },
      [child]: { eur: [1, 0, 700, 0], usd: [1, 0, 0, 0], jpy: [1, 0, 0, 0], gbp: [0, 1, 0, 4000] },
    } as Record<string, Record<string, number[]>>;
    const tree = { [parent]: { ...own[child], usd: [2, 1, 3800, 0] }, [child]: own[child] } as Record<string, Record<string, number[]>>;
    const none = [0, 0, 0, 0];
    const rows = Object.keys(own).flatMap((customer) =>
      [...new Set([...Object.keys(own[customer] ?? {}), ...Object.keys(tree[customer] ?? {})])].map((currency) => [
        t.account.id, 0, customer, currency, ...(own[customer]?.[currency] ?? none), ...(tree[customer]?.[currency] ?? none),
      ]),
    );
    const insert = `INSERT INTO customer_stats VALUES (${Array.from({ length: 12 }, (_, i) => (kind === 'postgres' ? `$${i + 1}` : '?')).join(', ')})`;

    let db: Kysely<unknown>;
    if (t.database.kind === 'sqlite') {
      const raw = new BetterSqlite3(t.database.path);
      raw.exec('ALTER TABLE customers DROP COLUMN stats');
      raw.exec(CUSTOMER_STATS(false));
      for (const row of rows) raw.prepare(insert).run(...row);
      raw.close();
      db = new Kysely({ dialect: new SqliteDialect({ database: new BetterSqlite3(t.database.path) }) });
    } else {
      const client = new pg.Client({ connectionString: t.database.url });
      await client.connect();
      await client.query('ALTER TABLE customers DROP COLUMN stats');
      await client.query(CUSTOMER_STATS(true));
      for (const row of rows) await client.query(insert, row);
      await client.end();
      db = new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: t.database.url, max: 1 }) }) });
    }
    try {
      await statsInCustomerRow(db, kind);
      await expect(sql`select count(*) from customer_stats`.execute(db)).rejects.toThrow(/customer_stats/);
    } finally {
      await db.destroy();
    }

    const backfilled = await t.store.read((repos) => repos.stats.textsOf(scope, ids));
    expect(backfilled.get(parent)).toBe(kept.get(parent));
    expect(backfilled.get(child)).toBe(kept.get(child));
    expect(backfilled.get(idle)).toBeNull();
    // The wire: the parent's stats through the API, from the backfilled text.
    const shown = await api.get(`/v1/customers/${parent}`, { expand: ['stats'] });
    expect(shown.body.stats.tree).toEqual({ invoice_count: 2, charge_count: 4, total_spent: { eur: 700, usd: 3800 }, open_invoice_amount: { gbp: 4000 } });
  });
});
