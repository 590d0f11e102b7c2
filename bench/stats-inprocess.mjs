/**
 * A retrieve with `expand[]=stats` against a plain retrieve, in process and interleaved: blocks
 * of 200 of each for random seeded ids, alternating, the process's CPU time per block (no
 * network, no load generator, no kernel socket work on either side). docs/performance.md
 * "Charges and stats" reports it beside the bench's HTTP-paired figure, which swings with load.
 *
 *   node bench/stats-inprocess.mjs <root of a built checkout> bench/.cache/sqlite-100000-<key>.json
 *
 * The root is this checkout (`.`) or another build (e.g. one `--compare` made under
 * bench/.cache/builds/<commit>); the seeded file beside the JSON is copied, never written.
 */
import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
const [given, metaPath] = process.argv.slice(2);
if (!given || !metaPath) {
  console.error('usage: node bench/stats-inprocess.mjs <root of a built checkout> <seeded cache .json>');
  process.exit(2);
}
const root = resolve(given);
const meta = JSON.parse(readFileSync(metaPath, 'utf8'));
const db = metaPath.replace(/\.json$/, '.db');
const copy = join(tmpdir(), `clientele-stats-inprocess-${process.pid}.db`);
copyFileSync(db, copy);
const { loadConfig } = await import(`${root}/dist/config.js`);
const { openStore } = await import(`${root}/dist/store/open-store.js`);
const { createServices } = await import(`${root}/dist/compose.js`);
const { buildApp } = await import(`${root}/dist/app.js`);
const { customerIdAt } = await import(`${root}/bench/dataset.mjs`);
const config = { ...loadConfig({ CLIENTELE_BOOTSTRAP: 'false', LOG_LEVEL: 'silent', RATE_LIMIT_LIVE: '1000000', RATE_LIMIT_TEST: '1000000' }), database: { kind: 'sqlite', path: copy } };
const store = await openStore(config);
await store.migrate();
const app = await buildApp({ config, unitOfWork: store.unitOfWork, services: createServices(store, config), logger: false });
await app.ready();
const headers = { authorization: `Bearer ${meta.testKey}` };
let x = 12345;
const rnd = () => ((x = (x * 1103515245 + 12345) % 2147483648), x / 2147483648);
const id = () => customerIdAt(Math.floor(rnd() * meta.size), meta.seed);
const kinds = { plain: (i) => `/v1/customers/${i}`, stats: (i) => `/v1/customers/${i}?expand%5B%5D=stats` };
const cpu = { plain: 0, stats: 0 }, n = { plain: 0, stats: 0 };
const BLOCK = 200;
const check = await app.inject({ method: 'GET', url: kinds.stats(id()), headers });
if (check.statusCode !== 200) throw new Error(check.body);
for (let warm = 0; warm < 2000; warm++) await app.inject({ method: 'GET', url: kinds[warm % 2 ? 'plain' : 'stats'](id()), headers });
for (let round = 0; round < 60; round++) {
  for (const kind of round % 2 ? ['plain', 'stats'] : ['stats', 'plain']) {
    const before = process.cpuUsage();
    for (let i = 0; i < BLOCK; i++) {
      const res = await app.inject({ method: 'GET', url: kinds[kind](id()), headers });
      if (res.statusCode !== 200) throw new Error(res.body);
    }
    const used = process.cpuUsage(before);
    cpu[kind] += used.user + used.system;
    n[kind] += BLOCK;
  }
}
const per = (k) => cpu[k] / n[k];
console.log(JSON.stringify({ root, plain_us: per('plain').toFixed(1), stats_us: per('stats').toFixed(1), ratio: (per('stats') / per('plain')).toFixed(3) }));
await app.close();
await store.close();
for (const suffix of ['', '-wal', '-shm']) rmSync(`${copy}${suffix}`, { force: true });
