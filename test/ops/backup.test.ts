import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseUrl, freshDatabase, STORES } from '../helpers/harness.js';
import { cli, killAll, runCli, startServerProcess, waitReady, type ServerProcess } from '../helpers/processes.js';

/**
 * Issue #21 §6, SPEC R-5: `clientele backup --to FILE` copies a running SQLite database while
 * writes go on, and the copy holds every write acknowledged before the backup started;
 * `clientele restore FILE` refuses while a server has the file open, and otherwise puts the
 * copy back after an integrity check. All as CLI processes beside a real server process.
 */

async function create(server: ServerProcess, key: string, name: string): Promise<{ id: string; ms: number }> {
  const started = performance.now();
  const response = await fetch(`${server.url}/v1/customers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: `name=${encodeURIComponent(name)}`,
  });
  const body = (await response.json()) as { id: string };
  if (response.status !== 200) throw new Error(`create answered ${response.status}`);
  return { id: body.id, ms: performance.now() - started };
}

function idsIn(path: string, ids: string[]): Set<string> {
  const db = new BetterSqlite3(path, { readonly: true });
  try {
    const found = new Set<string>();
    const query = db.prepare('select id from customers where id = ?');
    for (const id of ids) if (query.get(id)) found.add(id);
    return found;
  } finally {
    db.close();
  }
}

describe.skipIf(!STORES.includes('sqlite'))('clientele backup and restore (SQLite)', () => {
  afterAll(async () => killAll());

  it('backs up under a write load with every acknowledged write, refuses to restore under a server, restores when stopped', async () => {
    const database = await freshDatabase('sqlite');
    if (database.kind !== 'sqlite') throw new Error('expected SQLite');
    const env = { DATABASE_URL: databaseUrl(database), CLIENTELE_BOOTSTRAP: 'false', LOG_LEVEL: 'warn' };
    const key = (JSON.parse(await cli(['accounts', 'create', '--name', 'Backup', '--json'], env)) as { keys: { test: string } }).keys.test;
    let server = await startServerProcess(env);
    await waitReady(server);
    const copy = join(mkdtempSync(join(tmpdir(), 'clientele-backup-')), 'copy.db');

    const acked: string[] = [];
    const latencies: { before: number[]; during: number[] } = { before: [], during: [] };
    let phase: 'before' | 'during' | 'done' = 'before';
    const writers = Array.from({ length: 3 }, async (_, w) => {
      for (let i = 0; phase !== 'done'; i++) {
        const at: 'before' | 'during' = phase === 'before' ? 'before' : 'during';
        const { id, ms } = await create(server, key, `Writer ${w} #${i}`);
        acked.push(id);
        latencies[at].push(ms);
      }
    });
    while (acked.length < 40) await new Promise((resolve) => setTimeout(resolve, 20));
    // Everything acknowledged up to here must be in the copy.
    const ackedBefore = [...acked];
    phase = 'during';
    const backup = await runCli(['backup', '--to', copy], env);
    phase = 'done';
    await Promise.all(writers);
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stdout).toMatch(/^Backed up .+ to .+copy\.db: [\d.]+ MiB in \d+ ms \(integrity ok\)\.\n$/);
    const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * 0.99) - 1] ?? NaN;
    process.stdout.write(
      `backup: ${ackedBefore.length} writes before, ${latencies.during.length} during the backup; create p99 ${p99(latencies.before).toFixed(1)} ms before, ${p99(latencies.during).toFixed(1)} ms during\n`,
    );
    expect(idsIn(copy, ackedBefore).size).toBe(ackedBefore.length);

    // The backup refuses to overwrite a file, and a restore refuses while the server has the database open.
    expect((await runCli(['backup', '--to', copy], env)).stderr).toBe(`clientele: ${copy} already exists (choose a new file name, or remove it first)\n`);
    const refused = await runCli(['restore', copy], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `clientele: ${database.path} is in use by a running server or another clientele command: stop it first (or pass --force)\n`,
    );
    const lateId = acked[acked.length - 1] as string;

    await server.stop();
    const restored = await runCli(['restore', copy], env);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toMatch(/^Restored .+ \(integrity ok, migrations up to 0\d{3}_\w+\)\. Start the server\.\n$/);
    expect(existsSync(`${database.path}-wal`)).toBe(false);

    server = await startServerProcess(env);
    await waitReady(server);
    for (const id of [ackedBefore[0], ackedBefore[ackedBefore.length - 1]] as string[]) {
      const response = await fetch(`${server.url}/v1/customers/${id}`, { headers: { authorization: `Bearer ${key}` } });
      expect(response.status).toBe(200);
    }
    // A write made after the copy was taken is not in the restored database (unless it made it into the snapshot).
    const late = await fetch(`${server.url}/v1/customers/${lateId}`, { headers: { authorization: `Bearer ${key}` } });
    expect(late.status === 404 || idsIn(copy, [lateId]).size === 1).toBe(true);
    await server.stop();
  });

  it('refuses a file that is not an intact Clientele database', async () => {
    const database = await freshDatabase('sqlite');
    const env = { DATABASE_URL: databaseUrl(database) };
    const dir = mkdtempSync(join(tmpdir(), 'clientele-restore-'));
    const other = join(dir, 'other.db');
    new BetterSqlite3(other).exec('create table t (x)').close();
    expect((await runCli(['restore', other], env)).stderr).toBe(`clientele: ${other} is not a Clientele database (it has no clientele_migrations table)\n`);
    expect((await runCli(['restore', join(dir, 'missing.db')], env)).stderr).toBe(`clientele: the backup ${join(dir, 'missing.db')} does not exist\n`);
    expect((await runCli(['backup', '--to', join(dir, 'x.db')], env)).stderr).toBe(`clientele: the database ${database.kind === 'sqlite' ? database.path : ''} does not exist\n`);
  });
});

describe.skipIf(!STORES.includes('postgres'))('clientele backup on PostgreSQL', () => {
  it('points at pg_dump instead', async () => {
    const database = await freshDatabase('postgres');
    const result = await runCli(['backup', '--to', join(tmpdir(), 'never.db')], { DATABASE_URL: databaseUrl(database) });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'clientele: backup is for the embedded SQLite database; for PostgreSQL use pg_dump / pg_restore (see docs/deployment.md#backups)\n',
    );
  });
});
