import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { DatabaseTarget } from '../../src/config.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/port.js';
import { openSqlite } from '../../src/store/sqlite.js';
import { databaseUrl, freshDatabase, STORES, testConfig } from '../helpers/harness.js';
import { killAll, runCli } from '../helpers/processes.js';

/**
 * The frozen migrations: re-running them changes nothing, the schema keeps every customer-data
 * key distributable by account (docs/deployment.md), and SQLite opens durable.
 */

/** Small, unpartitioned tables: tenants, their keys, and the migrator's own bookkeeping. */
const REFERENCE_TABLES = ['accounts', 'api_keys', 'clientele_migrations', 'clientele_migrations_lock'];

/** Every table and index definition, in a stable order. */
async function schemaOf(target: DatabaseTarget): Promise<string[]> {
  if (target.kind === 'sqlite') {
    const raw = new BetterSqlite3(target.path, { readonly: true });
    try {
      const rows = raw.prepare(`select type, name, sql from sqlite_master order by type, name`).all() as Array<Record<string, unknown>>;
      return rows.map((r) => `${String(r.type)} ${String(r.name)}: ${String(r.sql)}`);
    } finally {
      raw.close();
    }
  }
  return withPg(target.url, async (client) => {
    const columns = await client.query<{ line: string }>(
      `select table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') as line
         from information_schema.columns where table_schema = 'public' order by table_name, ordinal_position`,
    );
    const indexes = await client.query<{ line: string }>(
      `select indexname || ': ' || indexdef as line from pg_indexes where schemaname = 'public' order by indexname`,
    );
    return [...columns.rows, ...indexes.rows].map((r) => r.line);
  });
}

async function withPg<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const stores: Store[] = [];
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close().catch(() => undefined)));
});

async function open(target: DatabaseTarget): Promise<Store> {
  const store = await openStore(testConfig(target));
  stores.push(store);
  return store;
}

describe.each(STORES)('migrations (%s)', (kind) => {
  it('a second run, in the same process or a new one, applies nothing and changes nothing', async () => {
    const target = await freshDatabase(kind);
    const first = await open(target);
    const applied = await first.migrate();
    expect(applied[0]).toBe('0001_initial');
    expect([...applied].sort()).toEqual(applied);
    const schema = await schemaOf(target);
    expect(schema.length).toBeGreaterThan(10);

    expect(await first.migrate()).toEqual([]);
    const second = await open(target);
    expect(await second.migrate()).toEqual([]);
    expect(await schemaOf(target)).toEqual(schema);
  });
});

describe.each(STORES)('a failed migration (%s)', (kind) => {
  it('leaves nothing behind: no table, no bookkeeping, no lock; the next run starts clean', async () => {
    const target = await freshDatabase(kind);
    // A stray table in the way makes 0001_initial fail after it has created a few tables.
    const stray = 'CREATE TABLE customer_metadata (x integer)';
    if (target.kind === 'sqlite') {
      const raw = new BetterSqlite3(target.path);
      raw.exec(stray);
      raw.close();
    } else {
      await withPg(target.url, (client) => client.query(stray));
    }
    const store = await open(target);
    await expect(store.migrate()).rejects.toThrow(/0001_initial failed/);

    // Checked while the failed store (and its pooled connection) is still open.
    const schema = await schemaOf(target);
    expect(schema.some((line) => /accounts|clientele_migrations/.test(line))).toBe(false);
    if (target.kind === 'postgres') {
      const held = await withPg(target.url, async (client) => {
        const locks = await client.query(
          `select l.pid from pg_locks l join pg_database d on d.oid = l.database
            where l.locktype = 'advisory' and d.datname = current_database()`,
        );
        await client.query('DROP TABLE customer_metadata');
        return locks.rows;
      });
      expect(held).toEqual([]);
    } else {
      const raw = new BetterSqlite3(target.path);
      raw.exec('DROP TABLE customer_metadata');
      raw.close();
    }
    expect((await store.migrate())[0]).toBe('0001_initial');
  });
});

describe.each(STORES)('concurrent migrations (%s)', (kind) => {
  afterAll(async () => {
    await killAll();
  });

  it('two `clientele migrate` processes on one empty database: one applies, the other finds it done', async () => {
    // The race window is narrow; a few rounds make an unserialised migrator fail reliably.
    for (let round = 0; round < (kind === 'sqlite' ? 4 : 2); round++) {
      const env = { DATABASE_URL: databaseUrl(await freshDatabase(kind)) };
      const results = await Promise.all([runCli(['migrate'], env), runCli(['migrate'], env)]);
      for (const r of results) expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
      const outputs = results.map((r) => r.stdout.trim()).sort();
      expect(outputs[0]).toMatch(/^Applied 0001_initial, /);
      expect(outputs[1]).toBe('Database is up to date.');
    }
  });
});

describe.skipIf(!STORES.includes('postgres'))('PostgreSQL keys are distributable by account', () => {
  interface KeyRow {
    table: string;
    index: string;
    primary: boolean;
    columns: string[];
  }

  async function migratedKeys(): Promise<{ keys: KeyRow[]; tables: string[]; constraints: KeyRow[] }> {
    const target = await freshDatabase('postgres');
    if (target.kind !== 'postgres') throw new Error('unreachable');
    await (await open(target)).migrate();
    return withPg(target.url, async (client) => {
      const tables = await client.query<{ table: string }>(
        `select c.relname as table from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and c.relkind in ('r', 'p') order by 1`,
      );
      // Unique and primary-key indexes, with their key columns in order (0 = an expression).
      const keys = await client.query<KeyRow>(
        `select t.relname as table, i.relname as index, ix.indisprimary as primary,
                array(select coalesce(a.attname::text, '(expression)')
                        from unnest(ix.indkey[0:ix.indnkeyatts - 1]) with ordinality as k(attnum, ord)
                        left join pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum
                       order by k.ord) as columns
           from pg_index ix
           join pg_class t on t.oid = ix.indrelid
           join pg_class i on i.oid = ix.indexrelid
           join pg_namespace n on n.oid = t.relnamespace
          where n.nspname = 'public' and (ix.indisunique or ix.indisprimary)
          order by 1, 2`,
      );
      // Declared PRIMARY KEY and UNIQUE constraints (pg_constraint.conkey keeps declaration order).
      const constraints = await client.query<KeyRow>(
        `select t.relname as table, c.conname as index, c.contype = 'p' as primary,
                array(select a.attname::text from unnest(c.conkey) with ordinality as k(attnum, ord)
                        join pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum
                       order by k.ord) as columns
           from pg_constraint c
           join pg_class t on t.oid = c.conrelid
           join pg_namespace n on n.oid = t.relnamespace
          where n.nspname = 'public' and c.contype in ('p', 'u')
          order by 1, 2`,
      );
      return { keys: keys.rows, tables: tables.rows.map((r) => r.table), constraints: constraints.rows };
    });
  }

  it('every primary key and unique index of a customer-data table leads with account_id', async () => {
    const { keys, tables, constraints } = await migratedKeys();
    for (const reference of ['accounts', 'api_keys']) expect(tables).toContain(reference);
    const dataTables = tables.filter((t) => !REFERENCE_TABLES.includes(t));
    // Not vacuous: the customer-data tables this rule protects are there.
    expect(dataTables).toEqual(expect.arrayContaining(['customers', 'customer_metadata', 'idempotency_keys']));

    for (const table of dataTables) {
      expect(keys.some((k) => k.table === table && k.primary), `${table} has a primary key`).toBe(true);
    }
    const offenders = [...keys, ...constraints]
      .filter((k) => dataTables.includes(k.table) && k.columns[0] !== 'account_id')
      .map((k) => `${k.table}.${k.index} (${k.columns.join(', ')})`);
    expect(offenders).toEqual([]);
  });
});

describe.skipIf(!STORES.includes('sqlite'))('SQLite connection settings', () => {
  it('opens with WAL, foreign keys on and synchronous=NORMAL (the store fdatasyncs the WAL after each commit)', async () => {
    const target = await freshDatabase('sqlite');
    if (target.kind !== 'sqlite') throw new Error('unreachable');
    const sqlite = openSqlite({ path: target.path, synchronous: 'FULL' });
    try {
      expect(sqlite.raw.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(sqlite.raw.pragma('synchronous', { simple: true })).toBe(1);
      expect(sqlite.raw.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(sqlite.raw.pragma('wal_autocheckpoint', { simple: true })).toBe(10_000);
    } finally {
      await sqlite.close();
    }
  });

  it('the server configuration defaults to synchronous=FULL', () => {
    expect(testConfig({ kind: 'sqlite', path: ':memory:' }).sqliteSynchronous).toBe('FULL');
  });
});
