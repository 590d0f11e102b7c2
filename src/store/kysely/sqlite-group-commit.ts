import { AsyncLocalStorage } from 'node:async_hooks';
import { sql, type Kysely } from 'kysely';
import type { WriteRepositories } from '../port.js';
import type { Database } from '../schema.js';
import { reportGroupCommit } from '../telemetry.js';
import type { BeforeCommit } from '../unit-of-work.js';

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

interface Job {
  fn: (repos: WriteRepositories) => Promise<unknown>;
  beforeCommit: BeforeCommit | null;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  /** Runs a callback in the async context of the request that queued the write. */
  inContext: <R>(callback: () => R) => R;
  /** A large write (a bulk import's batch): a transaction of its own, without a savepoint around it. */
  alone: boolean;
}

/** Writes per transaction at most; keeps one commit's work (and its hold on the lock) short. */
const MAX_BATCH = 128;

/**
 * Group commit for SQLite: writes that arrive while a transaction is running wait and are
 * committed together in the next one, so one commit and one fsync cover many writes. Each write
 * runs in its own SAVEPOINT: one that fails is rolled back alone and its caller gets its error,
 * while its neighbours commit. Every caller is answered only after `makeDurable()` (an
 * fdatasync of the WAL off the event loop, see openSqlite) has returned for a point after the
 * COMMIT that contains its write, i.e. once the write is on disk.
 */
export function sqliteGroupCommit(
  db: Kysely<Database>,
  makeDurable: () => Promise<void>,
  repositoriesOf: (conn: Kysely<Database>) => WriteRepositories) {
  const queue: Job[] = [];
  let scheduled = false;
  let running = false;

  const schedule = () => {
    if (scheduled || running || queue.length === 0) return;
    scheduled = true;
    // After the current I/O phase: every request already parsed gets into this batch.
    setImmediate(() => {
      scheduled = false;
      void flush();
    });
  };

  async function runJob(conn: Kysely<Database>, repos: WriteRepositories, job: Job): Promise<Outcome> {
    if (job.alone) {
      // Alone in its transaction, it needs no savepoint: a failure rolls the transaction back.
      // A savepoint would make SQLite keep a copy of every page the batch changes in memory.
      const value = await job.inContext(() => job.fn(repos));
      return { ok: true, value };
    }
    await sql`savepoint clientele_write`.execute(conn);
    try {
      const value = await job.inContext(async () => {
        const result = await job.fn(repos);
        if (job.beforeCommit) await job.beforeCommit(repos, result);
        return result;
      });
      await sql`release clientele_write`.execute(conn);
      return { ok: true, value };
    } catch (error) {
      await sql`rollback to clientele_write`.execute(conn);
      await sql`release clientele_write`.execute(conn);
      return { ok: false, error };
    }
  }

  async function flush(): Promise<void> {
    if (running || queue.length === 0) return;
    running = true;
    const alone = queue.findIndex((job) => job.alone);
    const batch = alone === 0 ? queue.splice(0, 1) : queue.splice(0, Math.min(MAX_BATCH, alone === -1 ? MAX_BATCH : alone));
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      running = false;
      schedule();
    };
    try {
      const began = performance.now();
      const outcomes = await db.connection().execute(async (conn) => {
        // IMMEDIATE takes the write lock up front, so a read-then-write never deadlocks
        // against another process (the CLI) upgrading its own lock.
        await sql`begin immediate`.execute(conn);
        try {
          const repos = repositoriesOf(conn);
          const results: Outcome[] = [];
          for (const job of batch) results.push(await runJob(conn, repos, job));
          await sql`commit`.execute(conn);
          return results;
        } catch (error) {
          await sql`rollback`.execute(conn).catch(() => undefined);
          throw error;
        }
      });
      // The next batch may run while this one's WAL frames are flushed; its own sync follows
      // its own commit, so it is never answered before the writes it may have read are durable.
      release();
      const committed = performance.now();
      await makeDurable();
      reportGroupCommit({ writes: batch.length, commitSeconds: (committed - began) / 1000, syncSeconds: (performance.now() - committed) / 1000 });
      batch.forEach((job, i) => {
        const outcome = outcomes[i] as Outcome;
        if (outcome.ok) job.resolve(outcome.value);
        else job.reject(outcome.error);
      });
    } catch (error) {
      // The transaction failed (e.g. the disk is full) or could not be made durable: no write
      // of the batch is acknowledged.
      for (const job of batch) job.reject(error);
    } finally {
      release();
    }
  }

  return function write<T>(fn: (repos: WriteRepositories) => Promise<T>, beforeCommit: BeforeCommit | null, alone = false): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      queue.push({
        fn,
        beforeCommit,
        alone,
        resolve: resolve as (value: unknown) => void,
        reject,
        inContext: AsyncLocalStorage.snapshot(),
      });
      schedule();
    });
  };
}
