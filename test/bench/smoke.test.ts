import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Keeps `npm run bench` from rotting: the whole harness (seeding, the real server, every
 * scenario and ceiling, the table and the JSON) on a tiny SQLite dataset for a second per
 * scenario. The figures are never compared with the targets: a loaded CI machine says
 * nothing about them. Only that every scenario ran and answered 2xx.
 */
const RUN = fileURLToPath(new URL('../../bench/run.mjs', import.meta.url));
const LIMIT_MS = 60_000;
const SCENARIOS = [
  'retrieve',
  'retrieve_external',
  'list_first',
  'list_deep',
  'search_substring',
  'search_substring_rare',
  'search_email',
  'update',
  'create',
  'bare_fastify',
  'plain_sqlite',
  'create_sync_off',
];

interface BenchResult {
  settings: { size: number; store: string };
  ceilings: { fdatasync: { ops_per_sec: number } };
  scenarios: Record<
    string,
    { rps: number; requests: number; p50_ms: number; p99_ms: number; non2xx: number; disk_write_kb_per_req: number | null; disk_write_mb_per_s: number | null }
  >;
  targets: Array<{ name: string; value: number; pass: boolean }>;
  references: Array<{ name: string; value: number }>;
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
    // SIGTERM lets the runner stop the servers it started; SIGKILL if it does not go.
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

describe('bench smoke', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clientele-bench-smoke-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(
    'runs every scenario on a tiny dataset and writes the JSON',
    async () => {
      const out = join(dir, 'result.json');
      const run = await runBench(['--quick', '--size', '1000', '--duration', '1', '--out', out]);
      expect(run.code, `bench exited ${String(run.code)}\n${run.stderr}`).toBe(0);
      expect(run.stdout).toContain('retrieve');
      const result = JSON.parse(readFileSync(out, 'utf8')) as BenchResult;
      expect(result.settings).toMatchObject({ size: 1000, store: 'sqlite' });
      expect(result.ceilings.fdatasync.ops_per_sec).toBeGreaterThan(0);
      expect(Object.keys(result.scenarios).sort()).toEqual([...SCENARIOS].sort());
      for (const [name, m] of Object.entries(result.scenarios)) {
        expect(m.requests, name).toBeGreaterThan(0);
        expect(m.rps, name).toBeGreaterThan(0);
        expect(m.p99_ms, name).toBeGreaterThanOrEqual(m.p50_ms);
        expect(m.non2xx, `${name}: requests answered other than 2xx`).toBe(0);
        // Device writes are read from /proc/diskstats; elsewhere they are unknown, not zero.
        if (existsSync('/proc/diskstats')) {
          expect(m.disk_write_kb_per_req, name).toBeGreaterThanOrEqual(0);
          expect(m.disk_write_mb_per_s, name).toBeGreaterThanOrEqual(0);
        } else expect(m.disk_write_kb_per_req, name).toBeNull();
      }
      expect(run.stdout).toContain('disk KB/req');
      expect(result.targets.map((t) => t.name).sort()).toEqual(
        [
          'create_vs_fdatasync',
          'create_vs_sync_off',
          'list_deep_vs_first_p50',
          'max_rss_mb',
          'retrieve_p99_ms',
          'retrieve_vs_bare_fastify',
          'search_email_p50_ms',
          'search_substring_p50_ms',
          'search_substring_rare_p50_ms',
        ].sort(),
      );
      for (const t of result.targets) expect(typeof t.pass).toBe('boolean');
      // Reported beside the targets, judged against nothing.
      expect(result.references.map((r) => r.name).sort()).toEqual(['plain_sqlite_vs_bare_fastify', 'retrieve_vs_plain_sqlite']);
      for (const r of result.references) expect(r.value).toBeGreaterThan(0);
      expect(run.stdout).toContain('plain Fastify + SQLite read (reference)');
    },
    LIMIT_MS + 10_000,
  );

  it(
    'with --repeat runs every scenario in rounds and reports the median run with all runs beside it',
    async () => {
      const out = join(dir, 'repeat.json');
      const run = await runBench(['--quick', '--size', '1000', '--duration', '1', '--repeat', '3', '--only', 'retrieve', '--out', out]);
      expect(run.code, `bench exited ${String(run.code)}\n${run.stderr}`).toBe(0);
      expect(run.stderr).toContain('[3/3] retrieve');
      expect(run.stdout).toContain('median of 3 runs');
      const result = JSON.parse(readFileSync(out, 'utf8')) as BenchResult & {
        settings: { repeat: number };
        scenarios: Record<string, { runs?: Array<{ rps: number; max_rss_mb: number | null }>; max_rss_mb: number | null }>;
      };
      expect(result.settings.repeat).toBe(3);
      const retrieve = result.scenarios.retrieve;
      const runs = retrieve?.runs ?? [];
      expect(runs).toHaveLength(3);
      const sorted = runs.map((r) => r.rps).sort((a, b) => a - b);
      expect(retrieve?.rps).toBeCloseTo(sorted[1] as number, 0);
      expect(retrieve?.max_rss_mb).toBe(Math.max(...runs.map((r) => r.max_rss_mb ?? 0)));
    },
    LIMIT_MS + 10_000,
  );
});
