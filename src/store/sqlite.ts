import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from './schema.js';

export interface SqliteOptions {
  path: string;
  synchronous: 'FULL' | 'OFF';
}

/**
 * Opens the SQLite file with the pragmas every connection needs: WAL, synchronous=FULL
 * (better-sqlite3 leaves NORMAL, which can lose acknowledged commits on power loss), foreign
 * keys, a busy timeout for the CLI and server sharing one file, and secure_delete so erased
 * values do not linger in free pages.
 */
export function openSqlite(options: SqliteOptions): { db: Kysely<Database>; raw: BetterSqlite3.Database } {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const raw = new BetterSqlite3(options.path);
  raw.pragma('journal_mode = WAL');
  raw.pragma(`synchronous = ${options.synchronous}`);
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  raw.pragma('secure_delete = ON');
  const level = raw.pragma('synchronous', { simple: true });
  const expected = options.synchronous === 'FULL' ? 2 : 0;
  if (level !== expected) {
    raw.close();
    throw new Error(`SQLite refused synchronous=${options.synchronous} (reports ${String(level)})`);
  }
  cacheStatements(raw);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });
  return { db, raw };
}

/**
 * A second connection for reads. In WAL mode readers never wait for the writer, so reads are
 * not queued behind a group commit; they see every committed write (a response is only sent
 * after its commit). An in-memory database has no second connection: the writer reads too.
 */
export function openSqliteReader(path: string, writer: Kysely<Database>): Kysely<Database> {
  if (path === ':memory:') return writer;
  const raw = new BetterSqlite3(path);
  raw.pragma('busy_timeout = 5000');
  raw.pragma('query_only = ON');
  cacheStatements(raw);
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });
}

/**
 * Kysely prepares a statement for every query; better-sqlite3 statements are reusable, so
 * keep each distinct SQL text prepared once (the set of query shapes is small and bounded).
 */
function cacheStatements(raw: BetterSqlite3.Database): void {
  const prepare = raw.prepare.bind(raw);
  const cache = new Map<string, BetterSqlite3.Statement>();
  raw.prepare = ((source: string) => {
    let statement = cache.get(source);
    if (!statement) {
      statement = prepare(source);
      if (cache.size < 2000) cache.set(source, statement);
    }
    return statement;
  }) as typeof raw.prepare;
}
