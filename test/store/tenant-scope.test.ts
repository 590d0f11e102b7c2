import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler, DummyDriver } from 'kysely';
import type { Database } from '../../src/store/schema.js';
import { acrossAccounts, tenantDb } from '../../src/store/kysely/tenant.js';
import { createTestApp, STORES, type TestApp } from '../helpers/harness.js';
import { tenantTablesOf, unscopedReason } from '../helpers/tenant-scope.js';
import { createCustomer } from '../http/customers/support.js';

/** Kysely that only compiles: the statements as each dialect would send them. */
function compiler(dialect: 'sqlite' | 'postgres'): Kysely<Database> {
  return new Kysely<Database>({
    dialect: {
      createAdapter: () => (dialect === 'sqlite' ? new SqliteAdapter() : new PostgresAdapter()),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => (dialect === 'sqlite' ? new SqliteIntrospector(db) : new PostgresIntrospector(db)),
      createQueryCompiler: () => (dialect === 'sqlite' ? new SqliteQueryCompiler() : new PostgresQueryCompiler()),
    },
  });
}

const scope = { accountId: 'acct_1', livemode: false };
const TABLES = new Set(['customers', 'customer_metadata', 'payment_methods', 'tax_ids', 'integrations', 'events', 'webhook_attempts']);

describe.each(['sqlite', 'postgres'] as const)('the tenant-scope check (%s statements)', (dialect) => {
  const db = compiler(dialect);
  const tenant = tenantDb(db, dialect)(scope);

  it('passes statements built through tenant()', () => {
    const statements = [
      tenant.selectFrom('customers').selectAll().where('id', '=', 'cus_1').compile().sql,
      tenant.updateTable('tax_ids').set({ value: 'x' }).where('id', '=', 'txi_1').compile().sql,
      tenant.deleteFrom('integrations').where('customer_id', '=', 'cus_1').compile().sql,
      tenant.insertInto('customer_metadata', { customer_id: 'cus_1', key: 'k', value: 'v' }).compile().sql,
      tenant
        .selectFrom('customers')
        .select('id')
        .where('id', 'in', tenant.selectFrom('customer_metadata').select('customer_id').where('key', '=', 'k'))
        .compile().sql,
    ];
    for (const statement of statements) expect(unscopedReason(statement, TABLES), statement).toBeNull();
  });

  it('fails a statement on an account-owned table that lacks a predicate', () => {
    const statements = [
      db.selectFrom('customers').selectAll().where('id', '=', 'cus_1').compile().sql,
      db.selectFrom('customers').selectAll().where('account_id', '=', 'acct_1').where('id', '=', 'cus_1').compile().sql,
      db.updateTable('payment_methods').set({ version: 2 }).where('id', '=', 'pm_1').compile().sql,
      db.deleteFrom('webhook_attempts').where('account_id', '=', 'acct_1').where('endpoint_id', '=', 'we_1').compile().sql,
      db.insertInto('events').values({ id: 'evt_1' } as never).compile().sql,
      // The outer query is scoped, the subquery is not.
      tenant
        .selectFrom('customers')
        .select('id')
        .where('id', 'in', db.selectFrom('customer_metadata').select('customer_id').where('key', '=', 'k'))
        .compile().sql,
    ];
    for (const statement of statements) expect(unscopedReason(statement, TABLES), statement).not.toBeNull();
  });

  it('lets a statement marked as spanning accounts through, and ignores tables that are not account-owned', () => {
    expect(unscopedReason(acrossAccounts(db.selectFrom('events').select('id').where('created', '<', 1)).compile().sql, TABLES)).toBeNull();
    expect(unscopedReason(db.selectFrom('api_keys').selectAll().where('digest', '=', 'd').compile().sql, TABLES)).toBeNull();
  });
});

describe.each(STORES)('every statement of a request is scoped (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());

  it('knows every account-owned table of the migrated database', async () => {
    const tables = await tenantTablesOf(t.database);
    for (const table of ['customers', 'customer_metadata', 'idempotency_keys', 'payment_methods', 'tax_ids', 'integrations', 'events']) {
      expect(tables.has(table), table).toBe(true);
    }
    expect(tables.has('api_keys')).toBe(false);
    expect(tables.has('accounts')).toBe(false);
  });

  it('sees the statements the app sends, and finds none unscoped', async () => {
    const api = t.api();
    const customer = await createCustomer(api, { email: 'scope@example.com', metadata: { tier: 'gold' } });
    await api.get('/v1/customers', { metadata: { tier: 'gold' } });
    await api.get(`/v1/customers/${customer.id}`, { expand: ['tax_ids'] });
    await api.get('/v1/customers/search', { query: 'email~"scope"' });
    await api.del(`/v1/customers/${customer.id}`);
    // SQLite sees prepares of each distinct statement; PostgreSQL every query.
    expect(t.tenantScope.seen).toBeGreaterThan(5);
    expect(t.tenantScope.violations).toEqual([]);
  });
});
