import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createTestApp, STORES, type TestApp } from '../../helpers/harness.js';
import { buildProfile, person, type Person } from './support.js';

/** Every row of every table, as text, keyed by table name (read straight from the database). */
async function dumpTables(t: TestApp): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  if (t.database.kind === 'sqlite') {
    const raw = new BetterSqlite3(t.database.path, { readonly: true });
    try {
      const tables = raw.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as Array<{ name: string }>;
      for (const { name } of tables) {
        const rows = raw.prepare(`SELECT * FROM "${name.replace(/"/g, '""')}"`).all() as Array<Record<string, unknown>>;
        out[name] = rows
          .map((row) => Object.values(row).map((v) => (Buffer.isBuffer(v) ? v.toString('latin1') : String(v))).join('\u0001'))
          .join('\n');
      }
    } finally {
      raw.close();
    }
    return out;
  }
  const client = new pg.Client({ connectionString: t.database.url });
  await client.connect();
  try {
    const tables = await client.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`);
    for (const { tablename } of tables.rows) {
      const rows = await client.query<{ row: string }>(`SELECT t::text AS row FROM "${tablename.replace(/"/g, '""')}" t`);
      out[tablename] = rows.rows.map((r) => r.row).join('\n');
    }
  } finally {
    await client.end();
  }
  return out;
}

function whereFound(tables: Record<string, string>, p: Person): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  for (const value of p.values) {
    const where = Object.entries(tables)
      .filter(([, text]) => text.includes(value))
      .map(([name]) => name);
    if (where.length > 0) found[value] = where;
  }
  return found;
}

/**
 * SPEC C-7 at the row level, on both stores: after the delete, no row of any table — customers,
 * their metadata index, payment methods, tax ids, integrations, events, idempotency records,
 * search tables — holds an erased value, while a live customer's values are all still there.
 */
describe.each(STORES)('erasure: no table holds an erased value (%s)', (kind) => {
  it('reads every row of every table after the delete', async () => {
    const t = await createTestApp(kind);
    try {
      const gone = person('gone');
      const kept = person('kept');
      const profile = await buildProfile(t.api(), gone);
      await buildProfile(t.api(), kept);
      expect(Object.keys(whereFound(await dumpTables(t), gone)).sort()).toEqual([...gone.values].sort());
      expect((await t.api().del(`/v1/customers/${profile.customerId}`)).status).toBe(200);
      const tables = await dumpTables(t);
      expect(whereFound(tables, gone), 'erased values still in rows').toEqual({});
      expect(Object.keys(whereFound(tables, kept)).sort()).toEqual([...kept.values].sort());
      // The tombstone row is still there.
      expect(tables.customers).toContain(profile.customerId);
    } finally {
      await t.close();
    }
  });
});
