import { existsSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteGroupCommit } from '../../src/store/kysely/sqlite-group-commit.js';
import { openSqlite } from '../../src/store/sqlite.js';
import type { Kysely } from 'kysely';
import type { WriteRepositories } from '../../src/store/port.js';
import type { Database } from '../../src/store/schema.js';
import { createTestApp, freshDatabase, STORES, type TestApp } from '../helpers/harness.js';

/**
 * SQLite durability: the WAL is fdatasynced (off the event loop) after each group commit and
 * no write is answered before that sync returns; checkpoints run on a background thread.
 */
describe.skipIf(!STORES.includes('sqlite'))('SQLite durability', () => {
  type Write = (fn: (conn: Kysely<Database>) => Promise<unknown>) => Promise<unknown>;
  async function withWriter<T>(run: (write: Write, syncs: Gate) => Promise<T>): Promise<T> {
    const target = await freshDatabase('sqlite');
    if (target.kind !== 'sqlite') throw new Error('unreachable');
    const sqlite = openSqlite({ path: target.path, synchronous: 'FULL' });
    await sql`create table t (v integer not null)`.execute(sqlite.db);
    const syncs = new Gate();
    // The transaction's connection stands in for the repositories.
    const groupCommit = sqliteGroupCommit(sqlite.db, () => syncs.wait(), (conn) => conn as unknown as WriteRepositories);
    const write: Write = (fn) => groupCommit((repos) => fn(repos as unknown as Kysely<Database>), null);
    try {
      return await run(write, syncs);
    } finally {
      await sqlite.close();
    }
  }

  it('answers a write only after the sync that follows its commit has returned', async () => {
    await withWriter(async (write, syncs) => {
      let answered = 0;
      const writes = [1, 2, 3].map((v) =>
        write((conn) => sql`insert into t (v) values (${v})`.execute(conn)).then(() => answered++),
      );
      await syncs.requested();
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(answered).toBe(0);
      syncs.open();
      await Promise.all(writes);
      expect(answered).toBe(3);
    });
  });

  it.skipIf(!existsSync('/proc/self/fd'))('keeps a write\'s savepoint journal in memory, not in a temporary file', async () => {
    await withWriter(async (write, syncs) => {
      // About 400 KiB of committed rows, so that changing them all inside one write's savepoint
      // journals far more than SQLite's 64 KiB in-memory limit for a statement journal.
      const rows = write((conn) => sql`with recursive s(n) as (select 1 union all select n + 1 from s where n < 50000) insert into t (v) select n from s`.execute(conn));
      await syncs.requested();
      syncs.open();
      await rows;
      let openDuringWrite: string[] = [];
      const changed = write(async (conn) => {
        await sql`update t set v = v + 1`.execute(conn);
        openDuringWrite = openTemporaryFiles();
      });
      await syncs.requested();
      syncs.open();
      await changed;
      expect(openDuringWrite).toEqual([]);
    });
  });

  it('answers no write of a batch whose sync fails', async () => {
    await withWriter(async (write, syncs) => {
      const outcome = write((conn) => sql`insert into t (v) values (1)`.execute(conn));
      await syncs.requested();
      syncs.fail(new Error('EIO: fdatasync failed'));
      await expect(outcome).rejects.toThrow('EIO');
    });
  });
});

describe.skipIf(!STORES.includes('sqlite'))('SQLite background checkpoints', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('sqlite');
  });
  afterAll(async () => t?.close());

  it('copies committed writes from the WAL into the database file without the writer doing it', async () => {
    if (t.database.kind !== 'sqlite') throw new Error('unreachable');
    const path = t.database.path;
    const before = statSync(path).size;
    const api = t.api();
    for (let round = 0; round < 10; round++) {
      const created = await Promise.all(Array.from({ length: 20 }, (_, i) => api.post('/v1/customers', { name: `Customer ${round}-${i}` })));
      expect(created.every((r) => r.status === 200)).toBe(true);
    }
    // The writer's own threshold is 10,000 pages, far above what these writes produced.
    const deadline = Date.now() + 5000;
    while (statSync(path).size <= before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(statSync(path).size).toBeGreaterThan(before);
    const listed = await api.get('/v1/customers', { limit: 100 });
    expect(listed.body.data).toHaveLength(100);
  });
});

/** Files SQLite opened as temporary ones (unlinked at once, named etilqs_*) that are open now. */
function openTemporaryFiles(): string[] {
  const targets: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      targets.push(readlinkSync(`/proc/self/fd/${fd}`));
    } catch {
      // Closed since the directory was read.
    }
  }
  return targets.filter((target) => target.includes('etilqs_'));
}

/** A controllable stand-in for the WAL sync. */
class Gate {
  private waiters: { resolve: () => void; reject: (error: Error) => void }[] = [];
  private onRequest: (() => void) | undefined;

  wait(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.onRequest?.();
    });
  }

  requested(): Promise<void> {
    if (this.waiters.length > 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.onRequest = resolve;
    });
  }

  open(): void {
    for (const w of this.waiters.splice(0)) w.resolve();
  }

  fail(error: Error): void {
    for (const w of this.waiters.splice(0)) w.reject(error);
  }
}
