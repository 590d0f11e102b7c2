import { closeSync, fdatasync, fsyncSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from './schema.js';
import { sqliteCheckpointer } from './sqlite-checkpointer.js';

export interface SqliteOptions {
  path: string;
  synchronous: 'FULL' | 'OFF';
  /** Sees the text of every statement prepared (tests check each for its tenant scope). */
  onStatement?: StatementObserver | undefined;
}

/** Called with the SQL text of every statement a store runs, before it runs. */
export type StatementObserver = (sql: string) => void;

const SAFETY_NET_CHECKPOINT_PAGES = 10_000;

/**
 * An open SQLite writer. `makeDurable()` resolves once every commit made so far is on disk; the
 * store calls it after each (group) commit and answers no write before it resolves.
 */
export interface OpenedSqlite {
  db: Kysely<Database>;
  raw: BetterSqlite3.Database;
  makeDurable: () => Promise<void>;
  /** Closes the connection (and the WAL handle used for syncing). */
  close: () => Promise<void>;
}

/**
 * Opens the SQLite file with the pragmas every connection needs: WAL, foreign keys, a busy
 * timeout for the CLI and server sharing one file, and secure_delete so erased values do not
 * linger in free pages.
 *
 * Durability (`synchronous: 'FULL'`, the default): every acknowledged commit is on disk. SQLite
 * itself runs with synchronous=NORMAL, which syncs the WAL before each checkpoint but not at
 * commit; instead, after each commit the store fdatasyncs the WAL file on libuv's thread pool
 * and answers the commit's writes only when that returns. The commit's frames are then on disk
 * exactly as synchronous=FULL would leave them (SQLite's recovery replays every complete commit
 * in the WAL), but the event loop keeps parsing requests while the disk flushes, and writes that
 * commit meanwhile share the next sync. `'OFF'` (a benchmark-only setting) never syncs.
 */
export function openSqlite(options: SqliteOptions): OpenedSqlite {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const raw = new BetterSqlite3(options.path);
  // First, so that even switching to WAL waits for another process opening the file at once.
  raw.pragma('busy_timeout = 5000');
  withBusyRetry(() => raw.pragma('journal_mode = WAL'));
  raw.pragma(`synchronous = ${options.synchronous === 'FULL' ? 'NORMAL' : 'OFF'}`);
  raw.pragma('foreign_keys = ON');
  raw.pragma('secure_delete = ON');
  // Each write of a group commit runs in a savepoint, whose journal (the pages it changed, as
  // they were) outgrows SQLite's 64 KiB in-memory limit for a create; spilled, it costs ~80
  // small writes to a temporary file per create. Keep it in memory: it lives only until the
  // savepoint is released. The writer's only large sorts are a migration building an index on
  // existing rows, which then sorts in memory (up to ~100 MB for 10^6 customers), once.
  raw.pragma('temp_store = MEMORY');
  const file = options.path !== ':memory:';
  // Checkpoints run on a background thread (sqlite-checkpointer.ts); the writer checkpoints by
  // itself only if the WAL ever reaches this many pages (about 40 MB).
  if (file) raw.pragma(`wal_autocheckpoint = ${SAFETY_NET_CHECKPOINT_PAGES}`);
  const level = raw.pragma('synchronous', { simple: true });
  const expected = options.synchronous === 'FULL' ? 1 : 0;
  if (level !== expected) {
    raw.close();
    throw new Error(`SQLite refused synchronous=${options.synchronous} (reports ${String(level)})`);
  }
  cacheStatements(raw, options.onStatement);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });
  const wal = options.synchronous === 'FULL' && file ? walSyncer(options.path) : null;
  const checkpointer = file
    ? sqliteCheckpointer(options.path, options.synchronous === 'FULL' ? 'NORMAL' : 'OFF', (message) =>
        process.emitWarning(`SQLite background checkpoint failed: ${message}`),
      )
    : null;
  return {
    db,
    raw,
    makeDurable() {
      checkpointer?.start();
      return wal ? wal.sync() : Promise.resolve();
    },
    async close() {
      await checkpointer?.stop();
      await db.destroy();
      wal?.close();
    },
  };
}

/**
 * Switching to WAL (or opening a WAL database while another process closes it, which
 * checkpoints and removes the WAL) can report SQLITE_BUSY without consulting the busy handler;
 * such a startup race is retried for up to 5 s.
 */
function withBusyRetry<T>(fn: () => T): T {
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      return fn();
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      if (!code.startsWith('SQLITE_BUSY') || Date.now() > deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

/**
 * fdatasync of the database's WAL file, off the event loop. The WAL exists once the first
 * commit in WAL mode has run and stays (same inode) while the database is open: SQLite resets
 * it in place after a checkpoint, and no journal_size_limit or TRUNCATE checkpoint is used. The
 * directory is synced once when the file is first opened, so its entry is durable too.
 */
function walSyncer(path: string) {
  let fd: number | undefined;
  const open = (): number => {
    if (fd === undefined) {
      fd = openSync(`${path}-wal`, 'r');
      const dir = openSync(dirname(path), 'r');
      try {
        fsyncSync(dir);
      } finally {
        closeSync(dir);
      }
    }
    return fd;
  };
  return {
    sync: () =>
      new Promise<void>((resolve, reject) => {
        let handle: number;
        try {
          handle = open();
        } catch (error) {
          reject(error as Error);
          return;
        }
        fdatasync(handle, (error) => (error ? reject(error) : resolve()));
      }),
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

/**
 * A single-row read answered synchronously by a prepared statement on a SQLite connection,
 * without Kysely's connection queue and promise chain: the hot point reads (a retrieve) use it.
 */
export type RowReader = <R>(sql: string, parameters: readonly unknown[]) => R | undefined;

/** Every row of a read answered synchronously, as RowReader answers one. */
export type RowsReader = <R>(sql: string, parameters: readonly unknown[]) => R[];

export interface OpenedSqliteReader {
  db: Kysely<Database>;
  /** Absent for an in-memory database, whose only connection may be inside a write. */
  readRow?: RowReader;
  readRows?: RowsReader;
}

/**
 * A second connection for reads. In WAL mode readers never wait for the writer, so reads are
 * not queued behind a group commit; they see every committed write (a response is only sent
 * after its commit). An in-memory database has no second connection: the writer reads too.
 */
export function openSqliteReader(path: string, writer: Pick<OpenedSqlite, 'db'>, onStatement?: StatementObserver): OpenedSqliteReader {
  // Reads through Kysely wait for the writer's transaction to end; a direct read would not.
  if (path === ':memory:') return { db: writer.db };
  const raw = new BetterSqlite3(path);
  raw.pragma('busy_timeout = 5000');
  raw.pragma('query_only = ON');
  cacheStatements(raw, onStatement);
  return {
    db: new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) }),
    readRow: rowReader(raw),
    // prepare() is the caching one installed by cacheStatements.
    readRows: <R>(source: string, parameters: readonly unknown[]) => raw.prepare(source).all(...parameters) as R[],
  };
}

function rowReader(raw: BetterSqlite3.Database): RowReader {
  // prepare() is the caching one installed by cacheStatements.
  return <R>(source: string, parameters: readonly unknown[]) => raw.prepare(source).get(...parameters) as R | undefined;
}

/**
 * Kysely prepares a statement for every query; better-sqlite3 statements are reusable, so
 * keep each distinct SQL text prepared once (the set of query shapes is small and bounded).
 */
function cacheStatements(raw: BetterSqlite3.Database, onStatement?: StatementObserver): void {
  const prepare = raw.prepare.bind(raw);
  const cache = new Map<string, BetterSqlite3.Statement>();
  raw.prepare = ((source: string) => {
    onStatement?.(source);
    let statement = cache.get(source);
    if (!statement) {
      statement = prepare(source);
      if (cache.size < 2000) cache.set(source, statement);
    }
    return statement;
  }) as typeof raw.prepare;
}
