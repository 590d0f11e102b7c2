import { closeSync, copyFileSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

/** A backup or restore that cannot go ahead; its message is the one line `clientele` prints. */
export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Opens a file that must already be a SQLite database, read-only (never creating one). */
function openExisting(path: string, what: string): BetterSqlite3.Database {
  if (!existsSync(path)) throw new BackupError(`${what} ${path} does not exist`);
  try {
    const db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    return db;
  } catch (error) {
    throw new BackupError(`${what} ${path} cannot be opened: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** `PRAGMA integrity_check` and the migrations recorded: what makes a file a usable Clientele database. */
function check(db: BetterSqlite3.Database, path: string): string {
  let verdict: unknown;
  try {
    verdict = db.pragma('integrity_check', { simple: true });
  } catch (error) {
    throw new BackupError(`${path} is not a readable SQLite database: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (verdict !== 'ok') throw new BackupError(`${path} fails SQLite's integrity check: ${String(verdict)}`);
  const table = db.prepare(`select 1 from sqlite_master where type = 'table' and name = 'clientele_migrations'`).get();
  if (!table) throw new BackupError(`${path} is not a Clientele database (it has no clientele_migrations table)`);
  const latest = db.prepare(`select max(name) as name from clientele_migrations`).get() as { name: string | null } | undefined;
  return latest?.name ?? 'none';
}

/**
 * `clientele backup --to FILE`: a consistent copy of the database while servers keep running.
 * VACUUM INTO reads the whole database inside one read transaction, so the copy is one
 * snapshot: every write committed (and so every write acknowledged) before it began is in it,
 * none that commits later is. In WAL mode a reader never blocks writers; they go on meanwhile
 * (the WAL grows until the copy ends, then checkpoints catch up). The copy is written beside
 * FILE, checked, synced and renamed into place, so FILE is never half-written.
 */
export async function backupSqlite(source: string, target: string): Promise<{ bytes: number; ms: number }> {
  const started = Date.now();
  if (resolve(source) === resolve(target)) throw new BackupError('backup --to must name another file than the database');
  if (existsSync(target)) throw new BackupError(`${target} already exists (choose a new file name, or remove it first)`);
  if (!existsSync(dirname(resolve(target)))) throw new BackupError(`the directory of ${target} does not exist`);
  const partial = `${target}.partial-${process.pid}`;
  const db = openExisting(source, 'the database');
  try {
    check(db, source);
    db.prepare('VACUUM INTO ?').run(partial);
  } catch (error) {
    rmSync(partial, { force: true });
    if (error instanceof BackupError) throw error;
    throw new BackupError(`backup failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    db.close();
  }
  const copy = openExisting(partial, 'the copy');
  try {
    check(copy, partial);
  } finally {
    copy.close();
  }
  fsyncPath(partial);
  renameSync(partial, target);
  fsyncPath(dirname(resolve(target)));
  return { bytes: statSync(target).size, ms: Date.now() - started };
}

/**
 * Whether another connection (a running server, the CLI) has the database open: leaving WAL
 * mode needs the only connection, so SQLite refuses it with SQLITE_BUSY otherwise. When it is
 * free this also folds its WAL into the file and removes it.
 */
function inUse(path: string): boolean {
  const db = new BetterSqlite3(path, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 0');
    db.pragma('journal_mode = DELETE');
    return false;
  } catch (error) {
    if (String((error as { code?: string }).code).startsWith('SQLITE_BUSY')) return true;
    throw error;
  } finally {
    db.close();
  }
}

/**
 * `clientele restore FILE`: replaces the database with a backup, after checking the backup's
 * integrity. Refuses while another process has the database open (a server would go on writing
 * to the file it opened, and those writes would be lost), unless `force`. The backup is copied
 * beside the database, synced and renamed over it; the old WAL and shared-memory files go first,
 * so no frame of the old database is ever replayed into the restored one.
 */
export async function restoreSqlite(backup: string, target: string, options: { force: boolean }): Promise<{ latestMigration: string }> {
  if (resolve(backup) === resolve(target)) throw new BackupError('restore needs a backup file other than the database itself');
  const source = openExisting(backup, 'the backup');
  let latestMigration: string;
  try {
    latestMigration = check(source, backup);
  } finally {
    source.close();
  }
  if (existsSync(target) && !options.force && inUse(target)) {
    throw new BackupError(`${target} is in use by a running server or another clientele command: stop it first (or pass --force)`);
  }
  const staging = `${target}.restore-${process.pid}`;
  copyFileSync(backup, staging);
  fsyncPath(staging);
  for (const suffix of ['-wal', '-shm']) rmSync(`${target}${suffix}`, { force: true });
  renameSync(staging, target);
  fsyncPath(dirname(resolve(target)));
  return { latestMigration };
}
