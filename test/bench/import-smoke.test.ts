import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Keeps the bench's import scenario (`npm run bench -- --only import`, bench/bulk.mjs) from
 * rotting: a 4,000-row NDJSON import beside a serving server, then the export, on SQLite. The
 * figures are printed, never compared with the targets: a loaded machine says nothing about
 * them. Only that the import and export ran, counted every row and the server answered 2xx.
 */
const RUN = fileURLToPath(new URL('../../bench/run.mjs', import.meta.url));
/**
 * Enough rows for four batches of the default 1,000, the journal and the retrieves beside it.
 * The issue asked for 10⁵; at ~2,900 rows per CPU-second that alone was two minutes of the
 * suite's ten (docs/performance.md), and 2·10⁴ kept this one test at ~19 s, 8,000 at ~11 s on an
 * idle machine (generating the file is a third of it; the suite keeps every test under 10 s). The speeds come from `npm run bench -- --only import`, not from here.
 */
const ROWS = 4_000;
const LIMIT_MS = 240_000;

interface BulkResult {
  settings: { store: string };
  bulk: {
    rows: number;
    import: { rows_per_s: number; rows_per_cpu_s: number | null; max_rss_mb: number; imported: number | null; seconds: number };
    retrieve_during_import: { windows: number; requests: number; non2xx: number; p99_ms_worst_window: number | null };
    export: { customers_per_s: number; max_rss_mb: number };
  };
  targets: Array<{ name: string; value: number; pass: boolean }>;
}

function runBench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name === 'DATABASE_URL' || name.startsWith('CLIENTELE_') || name === 'TEST_DB') continue;
    env[name] = value;
  }
  const child = spawn(process.execPath, [RUN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
    }, LIMIT_MS);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('bench import scenario smoke', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clientele-bench-import-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(
    `imports ${ROWS.toLocaleString('en')} NDJSON rows beside a serving server and exports them`,
    async () => {
      const out = join(dir, 'import.json');
      const run = await runBench(['--quick', '--size', '1000', '--duration', '1', '--only', 'import', '--import-rows', String(ROWS), '--out', out]);
      expect(run.code, `bench exited ${String(run.code)}\n${run.stderr}`).toBe(0);
      const result = JSON.parse(readFileSync(out, 'utf8')) as BulkResult;
      const { bulk } = result;
      expect(result.settings.store).toBe('sqlite');
      expect(bulk.rows).toBe(ROWS);
      expect(bulk.import.imported).toBe(ROWS);
      expect(bulk.import.rows_per_s).toBeGreaterThan(0);
      expect(bulk.export.customers_per_s).toBeGreaterThan(0);
      expect(bulk.retrieve_during_import.non2xx).toBe(0);
      expect(result.targets.map((t) => t.name).sort()).toEqual(['export_per_s', 'import_max_rss_mb', 'import_rows_per_s', 'retrieve_p99_during_import_ms'].filter((n) => n !== 'retrieve_p99_during_import_ms' || bulk.retrieve_during_import.windows > 0));
      expect(run.stdout).toContain(`Bulk (sqlite, ${ROWS.toLocaleString('en')} rows)`);
      // Reported, not asserted.
      process.stdout.write(`\n${run.stdout.slice(run.stdout.indexOf('Bulk ('))}\n`);
    },
    LIMIT_MS + 10_000,
  );
});
