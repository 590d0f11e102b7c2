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
];

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

  it.each(FILTERS)('$label → $index', async ({ filters, index }) => {
    queries.length = 0;
    await store.read((repos) => repos.customers.list(scope, filters, { limit: 10 }));
    const listQuery = queries.find((q) => /from "customers"/i.test(q.sql));
    expect(listQuery, queries.map((q) => q.sql).join('\n')).toBeDefined();
    const plan = await explain(listQuery!.sql, listQuery!.parameters);
    expect(plan).toContain(index);
    if (kind === 'sqlite') expect(plan).not.toMatch(/^SCAN customers$/m);
  });
});
