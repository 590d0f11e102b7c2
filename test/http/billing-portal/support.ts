import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import type { DatabaseTarget } from '../../../src/config.js';

/** Every row of `tables` as JSON text, read from disk outside the app (to look for what must not be stored). */
export async function storedText(database: DatabaseTarget, tables: readonly string[]): Promise<string> {
  const out: unknown[] = [];
  if (database.kind === 'sqlite') {
    const db = new BetterSqlite3(database.path, { readonly: true });
    try {
      for (const table of tables) out.push(db.prepare(`SELECT * FROM ${table}`).all());
    } finally {
      db.close();
    }
  } else {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      for (const table of tables) out.push((await client.query(`SELECT * FROM ${table}`)).rows);
    } finally {
      await client.end();
    }
  }
  return JSON.stringify(out);
}
