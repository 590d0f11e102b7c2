import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type LogEvent } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kyselyStore } from '../../src/store/kysely/kysely-store.js';
import type { Scope } from '../../src/domain/scope.js';
import type { ChargeFilters, InvoiceFilters, Store } from '../../src/store/port.js';
import type { Database } from '../../src/store/schema.js';
import { createTestApp, STORES, type TestApp } from '../helpers/harness.js';

/**
 * Every filter of the charge and invoice lists is answered through an index, in list order (no
 * sort of the matching rows): the queries the repositories really send are captured and
 * explained on the store itself, as test/store/list-indexes.test.ts does for customers. A
 * parent's whole tree (include_descendants) reads one range of the tree paths' primary key:
 * no query per descendant, no OFFSET, no sort.
 */
describe.each(STORES)('store: charge and invoice list filters use an index (%s)', (kind) => {
  let t: TestApp;
  let store: Store;
  let scope: Scope;
  let root: string;
  let leaf: string;
  let explain: (sql: string, parameters: readonly unknown[]) => Promise<string>;
  let close: () => Promise<void> = async () => undefined;
  const queries: Array<{ sql: string; parameters: readonly unknown[] }> = [];
  const log = (event: LogEvent) => {
    queries.push({ sql: event.query.sql, parameters: event.query.parameters });
  };

  beforeAll(async () => {
    t = await createTestApp(kind);
    scope = { accountId: t.account.id, livemode: false };
    const api = t.api();
    root = (await api.post('/v1/customers', { name: 'Root' })).body.id;
    const children = [];
    for (let i = 0; i < 6; i++) children.push((await api.post('/v1/customers', { parent: root })).body.id as string);
    leaf = (await api.post('/v1/customers', { parent: children[0] })).body.id;
    const owners = [root, ...children, leaf];
    for (let chunk = 0; chunk < 4; chunk++) {
      const made = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          api.post('/v1/charges', {
            amount: 100 + i,
            currency: 'usd',
            customer: owners[(chunk * 50 + i) % owners.length],
            status: i % 10 === 0 ? 'pending' : 'succeeded',
            provider: { name: 'stripe', reference: `ch_${chunk}_${i}` },
          }),
        ),
      );
      expect(made.every((r) => r.status === 200)).toBe(true);
      const invoices = await Promise.all(owners.map((customer) => api.post('/v1/invoices', { customer, currency: 'usd' })));
      expect(invoices.every((r) => r.status === 200)).toBe(true);
    }
    const target = t.database;
    if (target.kind === 'sqlite') {
      const raw = new BetterSqlite3(target.path);
      raw.exec('ANALYZE');
      const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }), log });
      store = kyselyStore(db, 'sqlite', { onClose: () => db.destroy() });
      explain = (sql, parameters) =>
        Promise.resolve((raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...parameters) as Array<{ detail: string }>).map((row) => row.detail).join('\n'));
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

  /** The plan of the first statement the read sent on `table`, and what it found. */
  async function planOf(table: string, read: () => Promise<unknown[]>): Promise<{ plan: string; found: number }> {
    queries.length = 0;
    const found = (await read()).length;
    const query = queries.find((q) => new RegExp(`from "${table}"`, 'i').test(q.sql));
    expect(query, queries.map((q) => q.sql).join('\n')).toBeDefined();
    return { plan: await explain(query!.sql, query!.parameters), found };
  }

  function expectInOrder(plan: string): void {
    if (kind === 'sqlite') expect(plan).not.toMatch(/TEMP B-TREE|^SCAN (charges|invoices|charge_paths|invoice_paths)$/m);
    else expect(plan).not.toMatch(/^\s*(->\s*)?Sort\b/m);
  }

  // The processor's id is a unique key: at most one row, whose order is nothing to serve.
  const chargeCases: Array<{ label: string; filters: () => ChargeFilters; index: string; expected: number; ordered: boolean }> = [
    { label: 'customer', filters: () => ({ customerId: leaf }), index: 'charges_customer', expected: 11, ordered: true },
    { label: 'status', filters: () => ({ status: 'pending' }), index: 'charges_status', expected: 11, ordered: true },
    { label: 'provider and reference', filters: () => ({ provider: { name: 'stripe', reference: 'ch_2_7' } }), index: 'charges_provider', expected: 1, ordered: false },
    { label: 'no filter', filters: () => ({}), index: 'charges_list', expected: 11, ordered: true },
  ];

  it.each(chargeCases)('charges by $label → $index', async ({ filters, index, expected, ordered }) => {
    const { plan, found } = await planOf('charges', () => store.read((repos) => repos.charges.list(scope, filters(), { limit: 10 })));
    expect(found).toBe(expected);
    expect(plan).toContain(index);
    if (ordered) expectInOrder(plan);
  });

  it.each([
    { label: 'charges', table: 'charge_paths' },
    { label: 'invoices', table: 'invoice_paths' },
  ] as const)('a parent’s whole tree of $label reads one primary-key range, newest first', async ({ label, table }) => {
    const read = (filters: ChargeFilters & InvoiceFilters): Promise<unknown[]> =>
      store.read<unknown[]>((repos) => (label === 'charges' ? repos.charges.list(scope, filters, { limit: 10 }) : repos.invoices.list(scope, filters, { limit: 10 })));
    const { plan, found } = await planOf(table, () => read({ treeOf: root }));
    expect(found).toBe(11);
    expect(plan).toContain(kind === 'sqlite' ? 'USING PRIMARY KEY' : `${table}_pkey`);
    expectInOrder(plan);
    // The rows a page names are then read by id, in one statement.
    const rowsQuery = queries.find((q) => new RegExp(`from "${label}"`, 'i').test(q.sql));
    expect(rowsQuery?.sql).toMatch(/"id" in \(/i);
    expect(queries.filter((q) => new RegExp(`from "${label}"`, 'i').test(q.sql))).toHaveLength(1);
  });

  it('invoices by customer and status use their indexes', async () => {
    for (const [filters, index] of [[{ customerId: leaf }, 'invoices_customer'], [{ status: 'draft' }, 'invoices_status']] as const) {
      const { plan } = await planOf('invoices', () => store.read((repos) => repos.invoices.list(scope, filters, { limit: 10 })));
      expect(plan).toContain(index);
      expectInOrder(plan);
    }
  });

  it('a customer’s delinquency is read from its partial index', async () => {
    const { plan } = await planOf('invoices', async () => [await store.read((repos) => repos.invoices.delinquentAfter(scope, leaf))]);
    expect(plan).toContain('invoices_delinquency');
  });

  it('a customer’s stats are its own row’s column, read through the unique key', async () => {
    const { plan, found } = await planOf('customers', async () => [...(await store.read((repos) => repos.stats.textsOf(scope, [root, leaf]))).keys()]);
    expect(found).toBe(2);
    expect(plan).toMatch(kind === 'sqlite' ? /customers_account_id_id|sqlite_autoindex_customers/ : /customers_pkey/);
  });
});
