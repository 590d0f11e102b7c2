import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Keeps `npm run bench` from rotting: the whole harness (seeding, the real server, every
 * scenario and ceiling, the table and the JSON) on a tiny SQLite dataset for a fraction of a
 * second per scenario, in groups so each run stays short. The figures are never compared with
 * the targets: a loaded CI machine says nothing about them. Only that every scenario ran and
 * answered 2xx, and that each target and reference was computed.
 */
const RUN = fileURLToPath(new URL('../../bench/run.mjs', import.meta.url));
/**
 * A guard against a hung run, not a pass criterion: each group takes a few seconds on an idle
 * machine, and a loaded one only slows it down.
 */
const LIMIT_MS = 120_000;
/** Two sides of two scenarios: a guard, as above. */
const COMPARE_LIMIT_MS = LIMIT_MS;
/** Covered by import-smoke.test.ts: it runs clientele import and export, not a load. */
const COVERED_ELSEWHERE = ['import'];

interface Group {
  label: string;
  scenarios: string[];
  targets: string[];
  references: string[];
}

/**
 * Every scenario of bench/run.mjs, each in one group (a group starts one kind of server, but the
 * ceilings'), with the targets its figures give.
 */
const GROUPS: Group[] = [
  {
    label: 'retrieves with stats',
    scenarios: ['retrieve', 'retrieve_with_stats', 'stats_tree_root', 'stats_leaf'],
    targets: ['max_rss_mb', 'retrieve_p99_ms', 'retrieve_with_stats_vs_retrieve_cpu', 'stats_tree_root_vs_leaf_cpu'],
    references: [],
  },
  {
    label: 'the retrieve ceilings',
    scenarios: ['bare_fastify', 'plain_sqlite'],
    targets: [],
    references: ['plain_sqlite_vs_bare_fastify'],
  },
  {
    label: 'lookups',
    scenarios: ['retrieve_external', 'charges_tree'],
    targets: ['max_rss_mb'],
    references: [],
  },
  {
    label: 'lists',
    scenarios: ['list_first', 'list_deep'],
    targets: ['list_deep_vs_first_p50', 'max_rss_mb'],
    references: [],
  },
  {
    label: 'searches',
    scenarios: ['search_substring', 'search_substring_rare', 'search_email'],
    targets: ['max_rss_mb', 'search_email_p50_ms', 'search_substring_p50_ms', 'search_substring_rare_p50_ms'],
    references: [],
  },
  {
    label: 'duplicates',
    scenarios: ['duplicates'],
    targets: ['duplicates_p50_ms', 'max_rss_mb'],
    references: [],
  },
  {
    label: 'contact searches',
    scenarios: ['search_contact_email', 'search_contact_phone'],
    targets: ['max_rss_mb', 'search_contact_email_p50_ms', 'search_contact_phone_p50_ms'],
    references: [],
  },
  {
    label: 'writes',
    scenarios: ['update', 'create', 'create_charge'],
    targets: ['create_vs_fdatasync', 'max_rss_mb'],
    references: [],
  },
  {
    label: 'the write ceiling',
    scenarios: ['create_sync_off'],
    targets: ['max_rss_mb'],
    references: [],
  },
];

interface BenchResult {
  settings: { size: number; store: string; repeat: number };
  ceilings: { fdatasync: { ops_per_sec: number } };
  scenarios: Record<
    string,
    {
      rps: number;
      requests: number;
      p50_ms: number;
      p99_ms: number;
      non2xx: number;
      max_rss_mb: number | null;
      disk_write_kb_per_req: number | null;
      disk_write_mb_per_s: number | null;
      runs?: Array<{ rps: number; max_rss_mb: number | null }>;
    }
  >;
  targets: Array<{ name: string; value: number; pass: boolean }>;
  references: Array<{ name: string; value: number }>;
}

type Scenarios = BenchResult['scenarios'];

interface CompareResult {
  compare: { a: { ref: string; commit: string | null }; b: { ref: string; commit: string | null }; seeded_with: string };
  sides: Record<'a' | 'b', { ref: string; commit: string | null; scenarios: Scenarios; targets: BenchResult['targets'] }>;
  ratios: Record<string, Record<'rps' | 'p50_ms' | 'p99_ms' | 'server_cpu_ms_per_req' | 'disk_write_kb_per_req', number | null>>;
}

function runBench(args: string[], limitMs = LIMIT_MS): Promise<{ code: number | null; stdout: string; stderr: string }> {
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
      setTimeout(() => child.kill('SIGKILL'), 2_000).unref();
    }, limitMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'clientele-bench-smoke-'));
/** The dataset is seeded and checked once (beforeAll); every run copies it and skips the checks. */
const SEEDED = ['--quick', '--cache', join(dir, 'cache'), '--size', '1000', '--duration', '0.3'];
const QUICK = [...SEEDED, '--skip-checks'];

describe('bench smoke', () => {
  beforeAll(async () => {
    // A whole run: it seeds the cache, checks the seeded data through the API, and one scenario.
    const run = await runBench([...SEEDED, '--only', 'retrieve', '--out', join(dir, 'seeding.json')], 110_000);
    expect(run.code, `bench exited ${String(run.code)}\n${run.stderr}`).toBe(0);
    expect(run.stderr).toContain('seeding 1,000 customers');
    expect(run.stderr).toContain('checking the seeded data through the API');
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('covers every scenario the runner knows, once', () => {
    const source = readFileSync(RUN, 'utf8');
    const known = [...source.matchAll(/name: '([a-z_]+)', label:/g)].map((m) => m[1]).filter((name) => !COVERED_ELSEWHERE.includes(name as string));
    expect(GROUPS.flatMap((g) => g.scenarios).sort()).toEqual([...known].sort());
  });

  it.each(GROUPS)(
    'runs $label on a tiny dataset and writes the JSON',
    async ({ scenarios, targets, references }) => {
      const out = join(dir, `${scenarios[0]}.json`);
      const run = await runBench([...QUICK, '--only', scenarios.join(','), '--out', out]);
      expect(run.code, `bench exited ${String(run.code)}\n${run.stderr}`).toBe(0);
      const result = JSON.parse(readFileSync(out, 'utf8')) as BenchResult;
      expect(result.settings).toMatchObject({ size: 1000, store: 'sqlite' });
      expect(run.stderr).toContain('using the seeded database cached');
      expect(result.ceilings.fdatasync.ops_per_sec).toBeGreaterThan(0);
      expect(Object.keys(result.scenarios).sort()).toEqual([...scenarios].sort());
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
      // CPU ratios need /proc/<pid>/stat; where it is missing they are left out.
      const cpuTargets = existsSync('/proc/self/stat') ? targets : targets.filter((t) => !t.endsWith('_cpu'));
      expect(result.targets.map((t) => t.name).sort()).toEqual(cpuTargets);
      for (const t of result.targets) {
        expect(typeof t.pass, t.name).toBe('boolean');
        expect(t.value, t.name).toBeGreaterThan(0);
      }
      // Reported beside the targets, judged against nothing.
      expect(result.references.map((r) => r.name).sort()).toEqual(references);
      for (const r of result.references) expect(r.value).toBeGreaterThan(0);
    },
    LIMIT_MS + 5_000,
  );

  it(
    'with --compare . . runs both sides in turn on one dataset, reporting each figure for A and B and B/A',
    async () => {
      const out = join(dir, 'compare.json');
      // `.` is this checkout's own build on both sides: exporting and building a ref is a full
      // tsc build (a minute or more here), so it is left to the runs it is for (bench/README.md);
      // one scenario, as each side of each scenario starts a server of its own.
      const run = await runBench([...QUICK, '--compare', '.', '.', '--only', 'retrieve', '--out', out], COMPARE_LIMIT_MS);
      expect(run.code, `bench exited ${String(run.code)}\n${run.stderr}`).toBe(0);
      expect(run.stderr).not.toContain('exporting');
      expect(run.stderr).toContain('both builds have the same migrations');
      for (const line of ['A retrieve', 'B retrieve']) expect(run.stderr).toContain(line);
      expect(run.stdout).toMatch(/B\/A/);
      const result = JSON.parse(readFileSync(out, 'utf8')) as CompareResult;
      expect(result.compare).toMatchObject({ a: { ref: '.', commit: null }, b: { ref: '.', commit: null }, seeded_with: 'a' });
      for (const side of ['a', 'b'] as const) {
        const { scenarios, targets } = result.sides[side];
        expect(Object.keys(scenarios)).toEqual(['retrieve']);
        for (const [name, m] of Object.entries(scenarios)) {
          expect(m.requests, `${side} ${name}`).toBeGreaterThan(0);
          expect(m.non2xx, `${side} ${name}: requests answered other than 2xx`).toBe(0);
        }
        expect(targets.map((t) => t.name).sort()).toEqual(['max_rss_mb', 'retrieve_p99_ms']);
      }
      // Each ratio is B's figure over A's (null only where A's is 0 or unknown, as disk writes can be).
      for (const name of ['retrieve']) {
        const ratios = result.ratios[name];
        expect(Object.keys(ratios ?? {}).sort()).toEqual(['disk_write_kb_per_req', 'p50_ms', 'p99_ms', 'rps', 'server_cpu_ms_per_req']);
        const [a, b] = [result.sides.a.scenarios[name], result.sides.b.scenarios[name]];
        expect(ratios?.rps).toBeCloseTo((b?.rps ?? 0) / (a?.rps ?? 1), 2);
        expect(ratios?.p50_ms).toBeCloseTo((b?.p50_ms ?? 0) / (a?.p50_ms ?? 1), 2);
      }
    },
    COMPARE_LIMIT_MS + 5_000,
  );

  it(
    'with --repeat runs every scenario in rounds and reports the median run with all runs beside it',
    async () => {
      const out = join(dir, 'repeat.json');
      const run = await runBench([...QUICK, '--repeat', '3', '--only', 'retrieve', '--out', out]);
      expect(run.code, `bench exited ${String(run.code)}\n${run.stderr}`).toBe(0);
      expect(run.stderr).toContain('[3/3] retrieve');
      expect(run.stdout).toContain('median of 3 runs');
      const result = JSON.parse(readFileSync(out, 'utf8')) as BenchResult;
      expect(result.settings.repeat).toBe(3);
      const retrieve = result.scenarios.retrieve;
      const runs = retrieve?.runs ?? [];
      expect(runs).toHaveLength(3);
      const sorted = runs.map((r) => r.rps).sort((a, b) => a - b);
      expect(retrieve?.rps).toBeCloseTo(sorted[1] as number, 0);
      expect(retrieve?.max_rss_mb).toBe(Math.max(...runs.map((r) => r.max_rss_mb ?? 0)));
    },
    LIMIT_MS + 5_000,
  );
});
