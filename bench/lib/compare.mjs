/**
 * `--compare A B`: two builds of the project measured side by side in one run. Each git ref is
 * exported (`git archive`, so the repository's worktree list is left alone) into a directory of
 * its own, given this checkout's node_modules when its package-lock.json is the same (else
 * `npm ci` there), and built; the runner then starts each build's own `clientele serve`.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareSqlite, seedWith } from './data.mjs';
import { ROOT } from './processes.mjs';

function run(command, args, cwd, what, env = process.env) {
  const done = spawnSync(command, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 2 ** 20 });
  if (done.status !== 0) throw new Error(`${what} failed (${command} ${args.join(' ')}): ${(done.stderr || done.stdout).trim().slice(-2000)}`);
  return done.stdout;
}

/** `.`: this checkout as it is built (its dist/, uncommitted changes included), not a commit. */
export const CHECKOUT = '.';

/** This checkout's own build as a side: nothing to export or build (`npm run build` made it). */
export function checkoutBuild() {
  const cli = join(ROOT, 'dist', 'cli', 'main.js');
  if (!existsSync(cli)) throw new Error(`--compare .: this checkout has no build (${cli}); run npm run build first`);
  return { ref: CHECKOUT, commit: null, dir: ROOT, cli, cleanup: () => undefined };
}

/** The commit a ref names in this checkout's repository (a clear error for a ref that names none). */
export function resolveRef(ref) {
  const found = spawnSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: ROOT, encoding: 'utf8' });
  if (found.status !== 0) throw new Error(`--compare: '${ref}' is not a commit in ${ROOT}`);
  return found.stdout.trim();
}

const BUILT_MARK = '.bench-build-complete';

/**
 * The ref's tree exported and built. With `cacheDir`, builds are kept per commit under
 * `<cacheDir>/builds/<commit>` and reused (a commit's build never changes); otherwise they go
 * to the temp dir and `cleanup` removes them.
 */
export function prepareBuild({ ref, commit, cacheDir, log }) {
  const dir = cacheDir ? join(cacheDir, 'builds', commit) : mkdtempSync(join(tmpdir(), `clientele-compare-${commit.slice(0, 8)}-`));
  const build = { ref, commit, dir, cli: join(dir, 'dist', 'cli', 'main.js'), cleanup: () => !cacheDir && rmSync(dir, { recursive: true, force: true }) };
  if (cacheDir && existsSync(join(dir, BUILT_MARK))) {
    log(`compare: ${ref} (${commit.slice(0, 10)}) already built in ${dir}`);
    return build;
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log(`compare: exporting ${ref} (${commit.slice(0, 10)}) into ${dir}`);
  const archive = join(dir, '.export.tar');
  run('git', ['archive', '--format=tar', '-o', archive, commit], ROOT, `exporting ${ref}`);
  run('tar', ['-xf', archive, '-C', dir], ROOT, `unpacking ${ref}`);
  rmSync(archive);
  const lock = (root) => (existsSync(join(root, 'package-lock.json')) ? readFileSync(join(root, 'package-lock.json')) : null);
  const ours = lock(ROOT);
  const theirs = lock(dir);
  if (ours && theirs && ours.equals(theirs)) {
    // Same lockfile, same dependency tree: this checkout's node_modules serves both builds.
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  } else {
    log(`compare: ${ref}'s package-lock.json differs from this checkout's: npm ci in ${dir}`);
    run('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], dir, `npm ci for ${ref}`);
  }
  log(`compare: building ${ref}`);
  run('npm', ['run', 'build'], dir, `npm run build for ${ref}`);
  if (!existsSync(build.cli)) throw new Error(`--compare: ${ref} built no ${build.cli}`);
  writeFileSync(join(dir, BUILT_MARK), `${commit}\n`);
  return build;
}

/** Each migration a build applies: file name → content digest. */
function migrationsOf(build) {
  const dir = join(build.dir, 'dist', 'store', 'migrations');
  const out = new Map();
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.js')).sort()) {
    out.set(name, createHash('sha256').update(readFileSync(join(dir, name))).digest('hex'));
  }
  return out;
}

const within = (small, large) => [...small].every(([name, digest]) => large.get(name) === digest);

/**
 * Which build seeds the dataset both measure. Migrations are frozen and only ever appended, so
 * when one build's migrations are a prefix of the other's, the older build seeds (its seeder
 * knows its schema) and the newer one migrates its copy forward, as a deployment would. When
 * neither contains the other (two branches that each added migrations), each seeds its own.
 */
export function chooseSeeder(a, b) {
  const ma = migrationsOf(a);
  const mb = migrationsOf(b);
  if (within(ma, mb)) return { seeder: 'a', reason: ma.size === mb.size ? 'both builds have the same migrations' : `A's ${ma.size} migrations are the first of B's ${mb.size}: A seeds, B migrates its copy` };
  if (within(mb, ma)) return { seeder: 'b', reason: `B's ${mb.size} migrations are the first of A's ${ma.size}: B seeds, A migrates its copy` };
  return { seeder: 'each', reason: 'the builds have diverging migrations: each seeds its own copy' };
}

/** The runner's generator must be the one the seeding build used, or its requests miss. */
export function assertSameDataset(build) {
  const file = (root) => readFileSync(join(root, 'bench', 'dataset.mjs'));
  if (!existsSync(join(build.dir, 'bench', 'dataset.mjs')) || !file(ROOT).equals(file(build.dir))) {
    throw new Error(`--compare: ${build.ref}'s bench/dataset.mjs differs from this checkout's, so the runner's requests would not match its seeded data; run the comparison from a checkout whose generator is the same`);
  }
}

/** Applies a build's pending migrations to a database (a no-op when it is up to date). */
export function migrateWith(build, databaseUrl) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('CLIENTELE_') && !name.startsWith('PG') && name !== 'NODE_OPTIONS'));
  return run(process.execPath, [build.cli, 'migrate'], build.dir, `migrating with ${build.ref}`, { ...env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' }).trim();
}

/** A copied file forced to disk, so its write-back does not land in a measured window. */
export function syncFile(path) {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The ratio B/A of one figure, or null where either is missing or A is 0. */
export function ratio(a, b) {
  if (typeof a !== 'number' || typeof b !== 'number' || a === 0) return null;
  return Number((b / a).toFixed(3));
}

export const COMPARED_FIGURES = ['rps', 'p50_ms', 'p99_ms', 'server_cpu_ms_per_req', 'disk_write_kb_per_req'];

const median = (values) => {
  const sorted = values.filter((v) => v !== null).sort((x, y) => x - y);
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return Number((sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2).toFixed(3));
};

/**
 * B/A of every compared figure of every scenario both sides ran: the ratio within each round
 * (A's and B's runs of one round were taken minutes apart, under the same machine conditions),
 * and their median over the rounds. With one round it is simply B's figure over A's.
 */
export function compareRuns(runsA, runsB) {
  const ratios = {};
  const byRound = {};
  for (const name of Object.keys(runsA)) {
    const [a, b] = [runsA[name], runsB[name] ?? []];
    if (b.length === 0) continue;
    const rounds = a.slice(0, b.length).map((ra, k) => Object.fromEntries(COMPARED_FIGURES.map((f) => [f, ratio(ra[f], b[k][f])])));
    byRound[name] = rounds;
    ratios[name] = Object.fromEntries(COMPARED_FIGURES.map((f) => [f, median(rounds.map((r) => r[f]))]));
  }
  return { ratios, byRound };
}

/**
 * The database each side measures. One side per build (a: A, b: B) with --compare, else one
 * side (key null) running this checkout's build. SQLite: each side gets its own copy of the
 * seeded file, migrated by its own build and forced to disk; PostgreSQL: one cluster, the
 * seeded database copied per side as a template, migrated by each side's build.
 */
export async function prepareSides({ sides, seeder, size, seed, workDir, useCache, cacheDir, postgres, log }) {
  const seederOf = (side) => (side.build === null ? null : seeder === 'each' ? side.build : sides[seeder === 'a' ? 0 : 1].build);
  for (const side of sides) {
    const build = seederOf(side);
    if (build) assertSameDataset(build);
  }
  if (postgres) {
    // The first side of a seeder gets the seeded database itself; a later one a copy of it.
    const seeded = new Map();
    for (const side of sides) {
      const build = seederOf(side);
      const root = build ? build.dir : ROOT;
      side.dbName = side.key === null ? 'bench' : `bench_${side.key}`;
      side.databaseUrl = postgres.urlOf(side.dbName);
      side.dataDir = postgres.dataDir;
      if (seeded.has(root)) {
        await postgres.admin(`CREATE DATABASE ${side.dbName} TEMPLATE ${seeded.get(root).name}`);
      } else {
        await postgres.admin(`CREATE DATABASE ${side.dbName}`);
        log(`seeding ${size.toLocaleString('en')} customers${build ? ` with ${build.ref}'s seeder` : ''}`);
        seeded.set(root, { name: side.dbName, meta: await seedWith({ root, databaseUrl: side.databaseUrl, size, seed, log }) });
      }
      side.meta = { ...seeded.get(root).meta };
    }
    // Migrated only once every copy is made: a template must be the seeder's schema.
    for (const side of sides) if (side.build) log(`compare: ${side.build.ref} migrates its copy: ${migrateWith(side.build, side.databaseUrl)}`);
    await postgres.admin('CHECKPOINT');
    return;
  }
  for (const side of sides) {
    const build = seederOf(side);
    side.dataDir = join(workDir, side.key === null ? 'data' : `data-${side.key}`);
    const prepared = await prepareSqlite({ size, seed, dataDir: side.dataDir, useCache, log, ...(cacheDir !== undefined && { cacheDir }), ...(build && { root: build.dir }) });
    side.databaseUrl = prepared.databaseUrl;
    side.meta = { ...prepared.meta, cached: prepared.cached };
    if (side.build) {
      log(`compare: ${side.build.ref} migrates its copy: ${migrateWith(side.build, side.databaseUrl)}`);
      syncFile(side.databaseUrl.slice('sqlite:'.length));
    }
  }
}
