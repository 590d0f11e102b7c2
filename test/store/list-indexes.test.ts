import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type LogEvent } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kyselyStore } from '../../src/store/kysely/kysely-store.js';
import type { Scope } from '../../src/domain/scope.js';
import type { CustomerFilters, Store } from '../../src/store/port.js';
import type { Database } from '../../src/store/schema.js';
import { createTestApp, STORES, type TestApp } from '../helpers/harness.js';

/**
 * Every filter of the customer list is answered through an index (SPEC: indexes for every
 * filter): the list query the repository really sends is captured and explained on the store
 * itself. On PostgreSQL sequential scans are disabled for the EXPLAIN, so the plan shows which
 * index the query can use at all rather than what a near-empty table makes cheapest.
 */
const FILTERS: Array<{ label: string; filters: CustomerFilters; index: string }> = [
  { label: 'email (exact, over the lower-cased address index)', filters: { email: 'Ada.Lovelace@Example.com' }, index: 'customers_search_email' },
  { label: 'external_id', filters: { externalId: 'crm-42' }, index: 'customers_external_id' },
  { label: 'parent', filters: { parentId: 'cus_parent' }, index: 'customers_parent' },
  { label: 'metadata', filters: { metadata: [['tier', 'gold']] }, index: 'customer_metadata_lookup' },
  // FlexPrice's search (SPEC D-1).
  { label: 'external ids (any of)', filters: { externalIds: ['crm-1', 'crm-2'] }, index: 'customers_external_id' },
  { label: 'parents (any of)', filters: { parentIds: ['cus_parent', 'cus_other'] }, index: 'customers_parent' },
  { label: 'deleted customers (tombstones)', filters: { deleted: true }, index: 'customers_deleted' },
];

/** Filters by id go through the table's own key, named per store. */
const ID_KEY = { sqlite: 'sqlite_autoindex_customers_1', postgres: 'customers_pkey' };

describe.each(STORES)('store: customer list filters use an index (%s)', (kind) => {
  let t: TestApp;
  let store: Store;
  let scope: Scope;
  let explain: (sql: string, parameters: readonly unknown[]) => Promise<string>;
  let close: () => Promise<void> = async () => undefined;
  const queries: Array<{ sql: string; parameters: readonly unknown[] }> = [];
  const log = (event: LogEvent) => {
    queries.push({ sql: event.query.sql, parameters: event.query.parameters });
  };

  beforeAll(async () => {
    t = await createTestApp(kind);
    scope = { accountId: t.account.id, livemode: false };
    // Enough customers, each with its own address, external id and metadata, that PostgreSQL's
    // statistics tell a selective index from a scan in list order.
    const api = t.api();
    const parent = await api.post('/v1/customers', { name: 'Parent' });
    for (let chunk = 0; chunk < 6; chunk++) {
      const created = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          api.post('/v1/customers', {
            email: `Person.${chunk * 50 + i}@Example.com`,
            external_id: `crm-${chunk * 50 + i}`,
            metadata: { tier: `tier-${chunk * 50 + i}` },
            ...(i === 0 && { parent: parent.body.id as string }),
          }),
        ),
      );
      expect(created.every((r) => r.status === 200)).toBe(true);
    }
    const target = t.database;
    if (target.kind === 'sqlite') {
      const raw = new BetterSqlite3(target.path);
      const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }), log });
      store = kyselyStore(db, 'sqlite', { onClose: () => db.destroy() });
      explain = (sql, parameters) =>
        Promise.resolve(
          (raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...parameters) as Array<{ detail: string }>).map((row) => row.detail).join('\n'),
        );
    } else {
      const pool = new pg.Pool({ connectionString: target.url, max: 2 });
      const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log });
      store = kyselyStore(db, 'postgres', { onClose: () => db.destroy() });
      await pool.query('ANALYZE');
      explain = async (sql, parameters) => {
        const client = await pool.connect();
        try {
          await client.query('SET enable_seqscan = off');
          const plan = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, parameters as unknown[]);
          await client.query('RESET enable_seqscan');
          return plan.rows.map((row) => row['QUERY PLAN']).join('\n');
        } finally {
          client.release();
        }
      };
    }
    close = () => store.close();
  });
  afterAll(async () => {
    await close();
    await t?.close();
  });

  /** The plan of the customers query `run` sends. */
  async function planOf(run: () => Promise<unknown>): Promise<string> {
    queries.length = 0;
    await run();
    const listQuery = queries.find((q) => /from "customers"/i.test(q.sql));
    expect(listQuery, queries.map((q) => q.sql).join('\n')).toBeDefined();
    const plan = await explain(listQuery!.sql, listQuery!.parameters);
    if (kind === 'sqlite') expect(plan).not.toMatch(/^SCAN customers$/m);
    return plan;
  }

  it.each(FILTERS)('$label → $index', async ({ filters, index }) => {
    const plan = await planOf(() => store.read((repos) => repos.customers.list(scope, filters, { limit: 10 })));
    expect(plan, plan).toContain(index);
  });

  it('ids (any of) → the table key', async () => {
    const plan = await planOf(() => store.read((repos) => repos.customers.list(scope, { ids: ['cus_a', 'cus_b'] }, { limit: 10 })));
    expect(plan, plan).toContain(ID_KEY[kind]);
  });

  it.each(FILTERS)("FlexPrice's window and count of $label → $index", async ({ filters, index }) => {
    const window = { offset: 20, limit: 10, order: 'oldest_first' as const };
    expect(await planOf(() => store.read((repos) => repos.customers.listWindow(scope, filters, window)))).toContain(index);
    expect(await planOf(() => store.read((repos) => repos.customers.count(scope, filters)))).toContain(index);
  });

  it('an unfiltered window walks the list index; the count reads an index of live customers', async () => {
    expect(await planOf(() => store.read((repos) => repos.customers.listWindow(scope, {}, { offset: 5, limit: 5, order: 'newest_first' })))).toContain('customers_list');
    const count = await planOf(() => store.read((repos) => repos.customers.count(scope, {})));
    expect(count, count).toMatch(kind === 'sqlite' ? /USING (COVERING )?INDEX/ : /Index (Only )?Scan/);
  });
});
