import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestApp, databaseUrl, type StoreKind, type TestApp } from '../../helpers/harness.js';
import { CLI, runCli, type CliResult } from '../../helpers/processes.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** `npm test` builds first; a bare `vitest run` on a fresh clone builds here. */
export function ensureBuilt(): void {
  if (existsSync(CLI)) return;
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'pipe', timeout: 180_000 });
}

/** A test app (for looking through the API) and `clientele import/export` on the same database. */
export interface BulkContext {
  t: TestApp;
  env: Record<string, string>;
  dir: string;
  file(name: string, content: string | Buffer): string;
  /** `clientele <args>` against this database; the account and mode are added unless given. */
  run(args: string[], options?: { account?: string; mode?: string; timeoutMs?: number }): Promise<CliResult>;
}

export async function bulkContext(kind: StoreKind): Promise<BulkContext> {
  const t = await createTestApp(kind);
  const env = { DATABASE_URL: databaseUrl(t.database) };
  const dir = mkdtempSync(join(tmpdir(), 'clientele-bulk-'));
  return {
    t,
    env,
    dir,
    file(name, content) {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    },
    run(args, options = {}) {
      const scoped = [
        ...args,
        ...(args.includes('--account') ? [] : ['--account', options.account ?? t.account.id]),
        ...(args.includes('--mode') ? [] : ['--mode', options.mode ?? 'test']),
      ];
      return runCli(scoped, env, options.timeoutMs ?? 30_000);
    },
  };
}

export function ndjson(rows: readonly unknown[]): string {
  return rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
}

/** Parses the import's closing summary line. */
export function summary(stdout: string): Record<'rows' | 'created' | 'updated' | 'unchanged' | 'skipped' | 'failed', number> {
  const m = /(\d+) rows in .*: (\d+) created, (\d+) updated, (\d+) unchanged, (\d+) skipped, (\d+) failed/.exec(stdout);
  if (!m) throw new Error(`no summary line in: ${stdout}`);
  const [, rows, created, updated, unchanged, skipped, failed] = m.map(Number) as number[];
  return { rows: rows!, created: created!, updated: updated!, unchanged: unchanged!, skipped: skipped!, failed: failed! };
}

/** Every live customer of the test account, through the API (pages of 100). */
export async function allCustomers(t: TestApp, key = t.account.test): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  let after: string | undefined;
  for (;;) {
    const page = await t.api(key).get('/v1/customers', { limit: 100, ...(after && { starting_after: after }) });
    if (page.status !== 200) throw new Error(`list answered ${page.status}: ${JSON.stringify(page.body)}`);
    out.push(...(page.body.data as Array<Record<string, unknown>>));
    if (!page.body.has_more) return out;
    after = (page.body.data.at(-1) as { id: string }).id;
  }
}
