/**
 * `npm run bench`: seeds a database with generated customers and their payment history, runs
 * the real server and measures retrieve (plain and with stats), create, update, a charge's
 * create, two list pages and three searches, beside the
 * ceilings they are judged against (a bare Fastify server returning the same bytes, the
 * disk's fdatasync rate, the same server with synchronous=OFF), then prints a table and
 * writes a JSON file. See bench/README.md.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release as osRelease, tmpdir, totalmem } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { activityAt, contactsAt, createBodies, customerAt, customerIdAt, DEFAULT_SEED, mulberry32, statsOfActivity, treeOf } from './dataset.mjs';
import { CHECKOUT, checkoutBuild, chooseSeeder, compareRuns, prepareBuild, prepareSides, resolveRef } from './lib/compare.mjs';
import { CACHE_DIR, startPostgres } from './lib/data.mjs';
import { makeRequest, runLoad, wrkAvailable } from './lib/load.mjs';
import { CLI, cpuSeconds, diskBytesWritten, ROOT, runNode, sampleRss, setInterruptHandler, startBareFastify, startClientele, startPlainSqlite, stop } from './lib/processes.mjs';
import { formatProfile, summariseProfile } from './lib/profile.mjs';
import { evaluateReferences, evaluateTargets, formatCompareTable, formatTable } from './lib/report.mjs';
import { bulkTargets, formatBulk, runBulkBench } from './bulk.mjs';

const USAGE = `usage: npm run bench -- [options]
  --size N          customers to seed (default 100000; the issue's sizes: 10000, 100000, 1000000)
  --duration S      seconds measured per scenario (default 10)
  --connections C   concurrent connections (default 50)
  --warmup S        seconds of unmeasured load before each scenario (default 2, --quick 0)
  --postgres        seed and run on a throwaway embedded PostgreSQL instead of SQLite
  --quick           smoke mode: no seed cache (unless --cache), data in the temp dir, short fdatasync probe
  --cache DIR       where seeded SQLite files are kept (default bench/.cache/; with --quick, only if given)
  --slices N        CPU ratios (stats vs plain retrieve, root vs leaf) are also measured paired:
                    both scenarios alternate in N short slices on one server, so a machine whose
                    load changes affects both alike (default 10; 0 with --quick; 0 to skip)
  --skip-checks     do not read the seeded data back through the API before measuring (a cached
                    file a checked run made: the smoke test checks it once)
  --out FILE        where the JSON goes (default bench/results/<timestamp>.json)
  --only A,B        run only these scenarios (names as in the JSON)
  --repeat N        run every scenario N times, in rounds, each on a fresh server, and report
                    the run with the median req/s (default 1); rounds interleave the scenarios,
                    so a ratio compares runs taken under the same conditions
  --tool T          wrk or autocannon (default: wrk when installed)
  --cpu-prof        write a V8 CPU profile of the server per scenario beside the JSON, and summarise it
  --keep            keep the run's data directory
  --seed N          dataset seed (default ${DEFAULT_SEED})
  --import-rows N   rows of the import scenario's NDJSON file (default: --size)
  --compare A B     measure two git refs side by side: each is exported and built in a directory
                    of its own, and every scenario runs for A and for B in turn (each round, each
                    on a fresh server, on the same seeded data); the table shows both and B/A.
                    '.' is this checkout as built (uncommitted changes included): --compare main .`;

const { values: opts, positionals } = parseArgs({
  options: {
    size: { type: 'string', default: '100000' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    warmup: { type: 'string' },
    postgres: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    cache: { type: 'string' },
    'skip-checks': { type: 'boolean', default: false },
    slices: { type: 'string' },
    out: { type: 'string' },
    only: { type: 'string' },
    repeat: { type: 'string', default: '1' },
    tool: { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    seed: { type: 'string' },
    'import-rows': { type: 'string' },
    compare: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
  allowPositionals: true,
});
if (opts.help) {
  console.log(USAGE);
  process.exit(0);
}

function positiveNumber(name, raw, integer = false) {
  const n = Number(raw);
  if (!(n > 0) || (integer && !Number.isInteger(n))) {
    console.error(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got '${raw}'\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

if (opts.compare ? positionals.length !== 2 : positionals.length !== 0) {
  console.error(`${opts.compare ? '--compare takes two git refs' : `unexpected argument(s) ${positionals.join(' ')}`}\n${USAGE}`);
  process.exit(2);
}
const size = positiveNumber('size', opts.size, true);
const duration = positiveNumber('duration', opts.duration);
const connections = positiveNumber('connections', opts.connections, true);
const repeat = positiveNumber('repeat', opts.repeat, true);
const warmup = opts.warmup === undefined ? (opts.quick ? 0 : 2) : Number(opts.warmup);
const seed = opts.seed === undefined ? DEFAULT_SEED : positiveNumber('seed', opts.seed, true);
const slices = opts.slices === undefined ? (opts.quick ? 0 : 10) : opts.slices === '0' ? 0 : positiveNumber('slices', opts.slices, true);
if (size < 100) {
  console.error('--size must be at least 100 (the deep list page starts 20 customers from the end)');
  process.exit(2);
}
const tool = opts.tool ?? (wrkAvailable() ? 'wrk' : 'autocannon');
if (tool !== 'wrk' && tool !== 'autocannon') {
  console.error(`--tool must be wrk or autocannon, got '${tool}'`);
  process.exit(2);
}
const store = opts.postgres ? 'postgres' : 'sqlite';
const startedAt = new Date();
const out = opts.out ?? join(ROOT, 'bench', 'results', `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
const log = (line) => console.error(line);

/** Customer index whose id the deep list page starts after: among the oldest (list order is newest first). */
const DEEP_INDEX = 20;

/**
 * Search queries: a surname fragment many customers share (the trigram index is read newest
 * first until a page is full), the local part of one customer's email (a rare substring:
 * many trigrams, one match) and that customer's exact email.
 */
const SEARCH_INDEX = Math.floor(size / 3);
const searchTarget = customerAt(SEARCH_INDEX, size, seed);
const SEARCH = {
  substring: 'name~"rosen"',
  rare: `email~"${searchTarget.email.split('@')[0]}@"`,
  email: `email:"${searchTarget.email.toUpperCase()}"`,
};
const searchPath = (query) => `/v1/customers/search?query=${encodeURIComponent(query)}`;

/**
 * Contact searches (SPEC K-1, docs/search.md): the first contact with a phone of the customers
 * from SEARCH_INDEX on (dataset.mjs contactsAt: 0–4 contacts each, 60 % with a phone), found by
 * its email upper-cased and by its phone written as a person would, with spaces.
 */
const CONTACT_TARGET = (() => {
  for (let index = SEARCH_INDEX; index < size; index++) {
    const contact = contactsAt(index, customerAt(index, size, seed), seed).find((c) => c.phone !== null);
    if (contact) return { contact, holder: customerIdAt(index, seed) };
  }
  throw new Error('the dataset has no contact with a phone');
})();
const spacedPhone = (e164) => `${e164.slice(0, 3)} ${e164.slice(3, 6)} ${e164.slice(6)}`;
SEARCH.contact_email = `contact_email:"${CONTACT_TARGET.contact.email.toUpperCase()}"`;
SEARCH.contact_phone = `contact_phone:"${spacedPhone(CONTACT_TARGET.contact.phone)}"`;

/** The dataset's tree (dataset.mjs treeOf): the stats of its root and of a leaf cost the same. */
const TREE = treeOf(size);
const statsPath = (index) => `/v1/customers/${customerIdAt(index, seed)}?expand%5B%5D=stats`;

const SCENARIOS = [
  { name: 'bare_fastify', label: 'bare Fastify (ceiling)', server: 'bare', mode: 'by-id' },
  // SQLite only: the issue's reference design, no auth or logging (plain-sqlite.mjs).
  ...(opts.postgres ? [] : [{ name: 'plain_sqlite', label: 'plain Fastify + SQLite read (reference)', server: 'plain', mode: 'by-id' }]),
  { name: 'retrieve', label: 'retrieve', server: 'durable', mode: 'by-id' },
  { name: 'retrieve_with_stats', label: 'retrieve with expand[]=stats', server: 'durable', mode: 'by-id-stats' },
  { name: 'stats_tree_root', label: `stats of a root of ${TREE.descendants.toLocaleString('en')} descendants`, server: 'durable', mode: 'static', path: statsPath(TREE.root) },
  { name: 'stats_leaf', label: 'stats of a leaf', server: 'durable', mode: 'static', path: statsPath(TREE.leaf) },
  // The tree's whole payment history, newest first (charge_paths, then the charges by id).
  {
    name: 'charges_tree', label: `charges of a root's whole tree (${TREE.descendants.toLocaleString('en')} descendants)`, server: 'durable', mode: 'static',
    path: `/v1/charges?customer=${customerIdAt(TREE.root, seed)}&include_descendants=true&limit=10`,
  },
  { name: 'retrieve_external', label: 'retrieve by external_id', server: 'durable', mode: 'by-external-id' },
  { name: 'list_first', label: 'list, first page', server: 'durable', mode: 'static', path: '/v1/customers?limit=10' },
  {
    name: 'list_deep', label: 'list, deep page', server: 'durable', mode: 'static',
    path: `/v1/customers?limit=10&starting_after=${customerIdAt(DEEP_INDEX, seed)}`,
  },
  // Search (docs/search.md): latency at one connection, the figure its targets are about.
  { name: 'search_substring', label: 'search, common substring', server: 'durable', mode: 'static', connections: 1, path: searchPath(SEARCH.substring) },
  { name: 'search_substring_rare', label: 'search, rare substring', server: 'durable', mode: 'static', connections: 1, path: searchPath(SEARCH.rare) },
  { name: 'search_email', label: 'search, exact email', server: 'durable', mode: 'static', connections: 1, path: searchPath(SEARCH.email) },
  // Duplicates (docs/merging.md): every signal of one customer (its email, phone, contacts, tax ids, name and address) looked up.
  { name: 'duplicates', label: 'duplicates of a customer', server: 'durable', mode: 'static', connections: 1, path: `/v1/customers/${customerIdAt(SEARCH_INDEX, seed)}/duplicates` },
  { name: 'search_contact_email', label: 'search, a contact’s email', server: 'durable', mode: 'static', connections: 1, path: searchPath(SEARCH.contact_email) },
  { name: 'search_contact_phone', label: 'search, a contact’s phone', server: 'durable', mode: 'static', connections: 1, path: searchPath(SEARCH.contact_phone) },
  { name: 'update', label: 'update (metadata)', server: 'durable', mode: 'update' },
  { name: 'create', label: `create (${opts.postgres ? 'synchronous_commit=on' : 'durable: WAL synced'})`, server: 'durable', mode: 'create' },
  { name: 'create_sync_off', label: `create (${opts.postgres ? 'synchronous_commit=off' : 'synchronous=OFF'})`, server: 'sync-off', mode: 'create' },
  { name: 'create_charge', label: 'create a charge (with its stats)', server: 'durable', mode: 'create-charge' },
  // Not a load scenario: clientele import and export as child processes (bulk.mjs).
  { name: 'import', label: 'bulk import and export', server: 'bulk' },
];
/** Reads before writes, durable before the ceilings that need a recorded response or another setting. */
const RUN_ORDER = [
  'retrieve', 'retrieve_with_stats', 'stats_tree_root', 'stats_leaf', 'charges_tree', 'retrieve_external', 'list_first', 'list_deep',
  'search_substring', 'search_substring_rare', 'search_email', 'search_contact_email', 'search_contact_phone', 'duplicates', 'update', 'create', 'create_charge', 'bare_fastify', 'plain_sqlite', 'create_sync_off',
]
  .map((name) => SCENARIOS.find((s) => s.name === name))
  .filter(Boolean);
const only = opts.only ? new Set(opts.only.split(',').map((s) => s.trim())) : null;
if (only) {
  const unknown = [...only].filter((name) => !SCENARIOS.some((s) => s.name === name));
  if (unknown.length) {
    console.error(`unknown scenario(s) ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
    process.exit(2);
  }
}
// The import scenario runs only when asked for (--only import): it writes a second dataset.
const selected = SCENARIOS.filter((s) => (only ? only.has(s.name) : s.server !== 'bulk'));
if (opts.compare && (selected.some((s) => s.server === 'bulk') || opts['cpu-prof'])) {
  console.error('--compare measures load scenarios: leave out --only import and --cpu-prof');
  process.exit(2);
}

function ensureBuilt() {
  if (existsSync(CLI)) return;
  log('dist/ is missing: npm run build');
  const built = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (built.status !== 0) throw new Error('npm run build failed');
}

function gitInfo() {
  const git = (args) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
  const commit = git(['rev-parse', 'HEAD']);
  if (commit.status !== 0) return null;
  return { commit: commit.stdout.trim(), dirty: git(['status', '--porcelain', '--', 'src']).stdout.trim() !== '' };
}

/** Sample of existing customer ids for random retrieves and updates (deterministic). */
function sampleIds(count) {
  const rng = mulberry32(seed ^ 0x5bd1e995);
  const ids = [];
  for (let k = 0; k < count; k++) ids.push(customerIdAt(Math.floor(rng() * size), seed));
  return ids;
}

async function request(baseUrl, auth, { method, path, body }) {
  const headers = { authorization: auth };
  if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
  const started = performance.now();
  try {
    const response = await fetch(baseUrl + path, { method, headers, body, signal: AbortSignal.timeout(30_000) });
    return { status: response.status, headers: response.headers, text: await response.text() };
  } catch (error) {
    // Name the request: "aborted due to timeout" alone does not say which check was slow.
    throw new Error(`${method} ${path} after ${((performance.now() - started) / 1000).toFixed(1)} s: ${error.message}`, { cause: error });
  }
}

/** Deep equality that ignores key order (the API orders address fields its own way). */
function same(a, b) {
  const canonical = (v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k])]))
      : Array.isArray(v) ? v.map(canonical) : v;
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/** The seeded rows must come back through the API as the generator made them. */
async function verifySeed(baseUrl, auth, ids) {
  const indexes = [0, 1, Math.floor(size / 2), size - 1];
  for (const index of indexes) {
    const expected = customerAt(index, size, seed);
    const r = await request(baseUrl, auth, { method: 'GET', path: `/v1/customers/${expected.id}` });
    if (r.status !== 200) throw new Error(`seeded customer ${expected.id} answered ${r.status}: ${r.text.slice(0, 300)}`);
    const got = JSON.parse(r.text);
    for (const field of ['id', 'email', 'name', 'external_id', 'created', 'phone', 'invoice_prefix', 'metadata', 'address', 'shipping', 'preferred_locales', 'tax_exempt', 'balance']) {
      if (!same(got[field], expected[field])) {
        throw new Error(`seeded customer ${expected.id}: ${field} is ${JSON.stringify(got[field])}, expected ${JSON.stringify(expected[field])}`);
      }
    }
  }
  const byExternal = JSON.parse((await request(baseUrl, auth, { method: 'GET', path: '/v1/customers/external/ext_1' })).text);
  if (byExternal.id !== customerIdAt(0, seed)) throw new Error(`GET /v1/customers/external/ext_1 gave ${byExternal.id ?? byExternal.error?.message}`);
  const first = JSON.parse((await request(baseUrl, auth, { method: 'GET', path: '/v1/customers?limit=10' })).text);
  if (first.data?.[0]?.id !== customerIdAt(size - 1, seed) || !first.has_more) {
    throw new Error(`the first list page does not start with the newest seeded customer: ${JSON.stringify(first).slice(0, 300)}`);
  }
  const deep = JSON.parse((await request(baseUrl, auth, { method: 'GET', path: SCENARIOS.find((s) => s.name === 'list_deep').path })).text);
  if (deep.data?.length !== 10 || deep.data[0].id !== customerIdAt(DEEP_INDEX - 1, seed)) {
    throw new Error(`the deep list page is not the expected one: ${JSON.stringify(deep).slice(0, 300)}`);
  }
  for (const [what, query] of Object.entries(SEARCH)) {
    const found = JSON.parse((await request(baseUrl, auth, { method: 'GET', path: searchPath(query) })).text);
    const ok =
      what === 'substring'
        ? found.data?.length > 0 && found.data.every((c) => c.name.toLowerCase().includes('rosen'))
        : found.data?.some((c) => c.id === (what.startsWith('contact_') ? CONTACT_TARGET.holder : searchTarget.id));
    if (!ok) throw new Error(`search ${query} does not find what the generator made: ${JSON.stringify(found).slice(0, 300)}`);
  }
  await verifyHistory(baseUrl, auth);
  const sample = await request(baseUrl, auth, { method: 'GET', path: `/v1/customers/${ids[0]}` });
  if (sample.status !== 200) throw new Error(`sampled customer ${ids[0]} answered ${sample.status}`);
  return sample;
}

/** The seeded payment history and its stats, as the generator made them: a few customers, the tree's root and leaf. */
async function verifyHistory(baseUrl, auth) {
  const activityOf = (index) => activityAt(customerAt(index, size, seed), size, seed);
  const get = async (path) => {
    const r = await request(baseUrl, auth, { method: 'GET', path });
    if (r.status !== 200) throw new Error(`GET ${path} answered ${r.status}: ${r.text.slice(0, 300)}`);
    return JSON.parse(r.text);
  };
  for (const index of [0, Math.floor(size / 3), TREE.leaf]) {
    const expected = activityOf(index);
    const customer = customerIdAt(index, seed);
    const charges = await get(`/v1/charges?customer=${customer}&limit=10`);
    const want = expected.charges.map((c) => c.id).sort();
    if (!same(charges.data.map((c) => c.id).sort(), want)) throw new Error(`the charges of ${customer} are not the generated ones: ${JSON.stringify(charges).slice(0, 300)}`);
    const got = (await get(statsPath(index))).stats;
    const own = statsOfActivity([expected]);
    if (!same(got, { ...own, tree: own })) throw new Error(`the stats of ${customer} are ${JSON.stringify(got)}, expected ${JSON.stringify(own)}`);
  }
  const tree = Array.from({ length: TREE.descendants + 1 }, (_, k) => activityOf(TREE.root + k));
  const rootStats = (await get(statsPath(TREE.root))).stats;
  if (!same(rootStats.tree, statsOfActivity(tree))) {
    throw new Error(`the root's stats.tree is ${JSON.stringify(rootStats.tree)}, expected ${JSON.stringify(statsOfActivity(tree))}`);
  }
  const listed = await get(`/v1/charges?customer=${customerIdAt(TREE.root, seed)}&include_descendants=true&limit=100`);
  const newest = tree.flatMap((a) => a.charges).sort((a, b) => b.created - a.created)[0];
  if (listed.data.length !== 100 || listed.data[0].created !== newest.created) {
    throw new Error(`the root's tree of charges does not list newest first: ${JSON.stringify(listed).slice(0, 300)}`);
  }
}

/** The retrieve response the bare Fastify ceiling replays: same body, same headers. */
function recordResponse(sample, file) {
  const skip = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);
  const headers = {};
  for (const [name, value] of sample.headers) if (!skip.has(name)) headers[name] = value;
  writeFileSync(file, JSON.stringify({ body: sample.text, headers }));
}

/**
 * The run with the median req/s (the lower middle one of an even count), with every run's
 * figures beside it; RSS is the highest of all runs, since its target is a bound.
 */
function medianRun(measured) {
  if (measured.length === 1) return measured[0];
  const sorted = [...measured].sort((a, b) => a.rps - b.rps);
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  const rss = measured.map((m) => m.max_rss_mb).filter((v) => v !== null);
  return {
    ...median,
    max_rss_mb: rss.length ? Math.max(...rss) : null,
    runs: measured.map((m) => ({
      rps: Number(m.rps.toFixed(1)), p50_ms: m.p50_ms, p99_ms: m.p99_ms, max_rss_mb: m.max_rss_mb,
      server_cpu_ms_per_req: m.server_cpu_ms_per_req, disk_write_kb_per_req: m.disk_write_kb_per_req,
    })),
  };
}

/**
 * The ratios the targets compare in server CPU per request, measured paired: numerator and
 * denominator alternate (ABBA…) in short slices on one server, so both see the same machine.
 */
const PAIRS = [
  { target: 'retrieve_with_stats_vs_retrieve_cpu', numerator: 'retrieve_with_stats', denominator: 'retrieve' },
  { target: 'stats_tree_root_vs_leaf_cpu', numerator: 'stats_tree_root', denominator: 'stats_leaf' },
];

/** Server CPU and answered requests of one short slice of load. */
async function slice(server, scenario, seconds) {
  const pid = server.child.pid;
  const before = cpuSeconds(pid);
  const measured = await runLoad({ tool, baseUrl: server.url, connections: scenario.connections ?? connections, seconds, scenario });
  const after = cpuSeconds(pid);
  if (measured.non2xx > 0) throw new Error(`${scenario.name}: ${measured.non2xx} requests answered other than 2xx in a paired slice`);
  return { cpu: before === null || after === null ? null : after - before, requests: measured.requests };
}

async function measurePair(server, numerator, denominator, count) {
  const seconds = Math.max(0.1, duration / count);
  if (warmup > 0) {
    for (const s of [numerator, denominator]) await runLoad({ tool, baseUrl: server.url, connections, seconds: warmup / 2, scenario: { ...s, tag: `${s.tag}w` } });
  }
  const total = new Map([[numerator.name, { cpu: 0, requests: 0 }], [denominator.name, { cpu: 0, requests: 0 }]]);
  for (let k = 0; k < count; k++) {
    const order = k % 2 === 0 ? [numerator, denominator] : [denominator, numerator];
    for (const s of order) {
      const r = await slice(server, { ...s, tag: `${s.tag}p${k}` }, seconds);
      if (r.cpu === null) return null;
      const t = total.get(s.name);
      t.cpu += r.cpu;
      t.requests += r.requests;
    }
  }
  const perRequest = (name) => (1000 * total.get(name).cpu) / total.get(name).requests;
  const n = perRequest(numerator.name);
  const d = perRequest(denominator.name);
  return {
    slices: count,
    slice_s: seconds,
    [`${numerator.name}_cpu_ms_per_req`]: Number(n.toFixed(4)),
    [`${denominator.name}_cpu_ms_per_req`]: Number(d.toFixed(4)),
    ratio: Number((n / d).toFixed(3)),
  };
}

/** One scenario against a running server: a probe, unmeasured warm-up, then the measured load. */
async function measure(server, scenario) {
  const probe = await request(server.url, scenario.auth, makeRequest(scenario, () => `${scenario.tag}probe`));
  if (probe.status < 200 || probe.status > 299) {
    throw new Error(`${scenario.name}: a probe request answered ${probe.status}: ${probe.text.slice(0, 300)}`);
  }
  const load = { tool, baseUrl: server.url, connections: scenario.connections ?? connections };
  if (warmup > 0) await runLoad({ ...load, seconds: warmup, scenario: { ...scenario, tag: `${scenario.tag}w` } });
  const pid = server.child.pid;
  // A window in which not one request completed (a short smoke window on a loaded machine, a
  // write waiting for its sync) measures nothing: it is taken again, twice as long, up to 4 times.
  let seconds = duration;
  let cpuBefore, diskBefore, stopRss, measured;
  for (let attempt = 1; ; attempt++) {
    cpuBefore = cpuSeconds(pid);
    diskBefore = diskBytesWritten();
    stopRss = sampleRss(pid);
    measured = await runLoad({ ...load, seconds, scenario: { ...scenario, tag: `${scenario.tag}m${attempt}` } });
    if (measured.requests > 0 || attempt === 5) break;
    stopRss();
    log(`${scenario.name}: no request completed in ${seconds} s; measuring again for ${seconds * 2} s`);
    seconds *= 2;
  }
  const maxRss = stopRss();
  const cpuAfter = cpuSeconds(pid);
  const diskAfter = diskBytesWritten();
  const diskWritten = diskBefore === null || diskAfter === null ? null : diskAfter - diskBefore;
  return {
    label: scenario.label,
    ...measured,
    max_rss_mb: maxRss === null ? null : Number(maxRss.toFixed(1)),
    server_cpu_pct: cpuBefore === null || cpuAfter === null ? null : Math.round((100 * (cpuAfter - cpuBefore)) / measured.seconds),
    // CPU the server spent per answered request: steadier than req/s on a shared machine.
    server_cpu_ms_per_req:
      cpuBefore === null || cpuAfter === null || measured.requests === 0
        ? null
        : Number(((1000 * (cpuAfter - cpuBefore)) / measured.requests).toFixed(3)),
    // What reached the disk meanwhile (machine-wide): where writes are bound by the disk, not
    // the CPU, this is the figure that explains it.
    disk_write_mb_per_s: diskWritten === null ? null : Number((diskWritten / 1e6 / measured.seconds).toFixed(1)),
    disk_write_kb_per_req: diskWritten === null || measured.requests === 0 ? null : Number((diskWritten / 1e3 / measured.requests).toFixed(1)),
  };
}

/** The server a side measures a scenario on (its build's CLI with --compare, else this checkout's). */
function startServerOf(side, spec, { profiling, profileDir, postgres }) {
  if (spec.server === 'bare') return startBareFastify(side.responseFile);
  if (spec.server === 'plain') return startPlainSqlite(side.databaseUrl.slice('sqlite:'.length), side.meta.accountId);
  const env = spec.server === 'sync-off' && !postgres ? { CLIENTELE_SQLITE_SYNCHRONOUS: 'OFF' } : {};
  const nodeFlags = profiling ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${spec.name}.cpuprofile`] : [];
  return startClientele({ databaseUrl: side.databaseUrl, env, nodeFlags, ...(side.build && { cli: side.build.cli, cwd: side.build.dir }) });
}

/** Rounds all figures a scenario reports, for the JSON. */
function roundFigures(scenarios) {
  for (const m of Object.values(scenarios)) {
    for (const key of ['rps', 'p50_ms', 'p99_ms', 'mean_ms', 'max_ms', 'seconds']) m[key] = Number(m[key].toFixed(3));
  }
}

async function main() {
  ensureBuilt();
  const workDir = opts.quick ? mkdtempSync(join(tmpdir(), 'clientele-bench-')) : join(CACHE_DIR, `run-${process.pid}`);
  mkdirSync(workDir, { recursive: true });
  const cleanups = [() => !opts.keep && rmSync(workDir, { recursive: true, force: true })];
  let cleaned = false;
  const cleanUp = async () => {
    if (cleaned) return;
    cleaned = true;
    for (const cleanup of cleanups) await cleanup();
  };
  setInterruptHandler(cleanUp);
  const profileDir = join(dirname(out), `${startedAt.toISOString().replace(/[:.]/g, '-')}-profiles`);
  const result = {
    version: 1,
    started_at: startedAt.toISOString(),
    settings: { store, size, duration_s: duration, connections, warmup_s: warmup, repeat, tool, quick: opts.quick, seed },
    machine: { cpus: cpus().length, cpu_model: cpus()[0]?.model ?? null, memory_mb: Math.round(totalmem() / 2 ** 20), node: process.version, kernel: osRelease(), loadavg_at_start: loadavg().map((n) => Number(n.toFixed(2))) },
    git: gitInfo(),
    dataset: null,
    ceilings: {},
    scenarios: {},
    targets: [],
    references: [],
  };
  log(`bench: ${store}, ${size.toLocaleString('en')} customers, ${duration} s × ${connections} connections per scenario${repeat > 1 ? `, ${repeat} rounds` : ''}, load by ${tool}${opts.compare ? `, comparing ${positionals[0]} (A) with ${positionals[1]} (B)` : ''}`);
  const [load1] = loadavg();
  if (load1 > 0.5) log(`note: the machine is already busy (load average ${load1.toFixed(2)}); figures will be lower and noisier`);

  /** One side per build measured: A and B with --compare, else this checkout alone. */
  let sides = [{ key: null, build: null }];
  try {
    let seeder = null;
    if (opts.compare) {
      // Builds are kept per commit beside the seeded files (with --quick only under --cache).
      const buildCache = opts.quick && opts.cache === undefined ? undefined : (opts.cache ?? CACHE_DIR);
      const builds = [];
      for (const ref of positionals) {
        const commit = ref === CHECKOUT ? null : resolveRef(ref);
        const same = builds.find((b) => b.commit === commit);
        const build = same ? { ...same, ref } : ref === CHECKOUT ? checkoutBuild() : prepareBuild({ ref, commit, cacheDir: buildCache, log });
        if (!same) cleanups.push(() => build.cleanup());
        builds.push(build);
      }
      const choice = chooseSeeder(builds[0], builds[1]);
      seeder = choice.seeder;
      log(`compare: ${choice.reason}`);
      sides = builds.map((build, k) => ({ key: k === 0 ? 'a' : 'b', build }));
      result.compare = {
        a: { ref: builds[0].ref, commit: builds[0].commit },
        b: { ref: builds[1].ref, commit: builds[1].commit },
        seeded_with: seeder,
        seeding: choice.reason,
        order: 'each scenario runs for A then B in odd rounds, B then A in even ones, each on a fresh server',
      };
    }
    let postgres = null;
    if (opts.postgres) {
      postgres = await startPostgres({ log });
      cleanups.unshift(() => postgres.stop());
    }
    await prepareSides({
      sides, seeder, size, seed, workDir, postgres, log,
      useCache: !opts.quick || opts.cache !== undefined,
      ...(opts.cache !== undefined && { cacheDir: opts.cache }),
    });
    for (const side of sides) {
      side.auth = `Bearer ${side.meta.testKey}`;
      delete side.meta.testKey;
      side.responseFile = join(workDir, `retrieve-response${side.key ? `-${side.key}` : ''}.json`);
      side.runs = {};
      side.verified = false;
    }
    result.dataset = sides[0].meta;

    log(`ceiling: fdatasync rate in ${sides[0].dataDir}`);
    const fsync = JSON.parse(await runNode([join(ROOT, 'bench', 'fsync-rate.mjs'), sides[0].dataDir, opts.quick ? '0.2' : '3']));
    result.ceilings.fdatasync = { ...fsync, dir: sides[0].dataDir };
    log(`  ${fsync.ops_per_sec} fdatasync/s`);

    const ids = sampleIds(Math.min(size, 20_000));
    const idsFile = join(workDir, 'ids.txt');
    writeFileSync(idsFile, ids.join('\n') + '\n');
    const bodies = createBodies(500, seed);
    const bodiesFile = join(workDir, 'bodies.txt');
    writeFileSync(bodiesFile, bodies.join('\n') + '\n');

    const runTag = `r${Date.now().toString(36)}`;
    if (opts['cpu-prof']) mkdirSync(profileDir, { recursive: true });
    result.profiles = opts['cpu-prof'] ? {} : undefined;
    // A fresh server per scenario keeps scenarios (and their CPU profiles) apart; --quick
    // keeps one server per kind to stay fast (never across the sides of a comparison).
    // Scenarios run durable first, so the first durable server of a side checks the seeded data
    // and records the response the bare server replays.
    let current = null;
    const releaseServer = async () => {
      if (!current) return;
      await stop(current.server.child);
      if (current.kind === 'sync-off' && postgres) await postgres.admin(`ALTER DATABASE ${current.side.dbName} RESET synchronous_commit`);
      current = null;
    };
    const verify = async (side, server) => {
      if (opts['skip-checks']) {
        const sample = await request(server.url, side.auth, { method: 'GET', path: `/v1/customers/${ids[0]}` });
        if (sample.status !== 200) throw new Error(`sampled customer ${ids[0]} answered ${sample.status}`);
        recordResponse(sample, side.responseFile);
      } else {
        log(`checking the seeded data through the API${side.build ? ` (${side.build.ref})` : ''}`);
        recordResponse(await verifySeed(server.url, side.auth, ids), side.responseFile);
      }
      side.verified = true;
    };
    cleanups.unshift(releaseServer);
    const rounds = Array.from({ length: repeat }, (_, round) =>
      RUN_ORDER.filter((s) => selected.includes(s) && s.server !== 'bulk').map((spec) => ({ spec, round })),
    );
    for (const [n, { spec, round }] of rounds.flat().entries()) {
      // Alternating which side goes first keeps a machine that drifts during a round from
      // favouring one of them.
      for (const side of round % 2 === 1 ? [...sides].reverse() : sides) {
        // Profiles are written in the first round only (one file per scenario).
        const profiling = opts['cpu-prof'] && round === 0 && spec.server !== 'bare' && spec.server !== 'plain';
        if (current && (current.side !== side || current.kind !== spec.server || !opts.quick)) await releaseServer();
        if ((spec.server === 'bare' || spec.server === 'plain') && !side.verified) {
          const server = await startServerOf(side, { server: 'durable' }, { postgres });
          try {
            await verify(side, server);
          } finally {
            await stop(server.child);
          }
        }
        if (!current) {
          if (spec.server === 'sync-off' && postgres) await postgres.admin(`ALTER DATABASE ${side.dbName} SET synchronous_commit = off`);
          current = { side, kind: spec.server, server: await startServerOf(side, spec, { profiling, profileDir, postgres }) };
          if (!side.verified && spec.server === 'durable') await verify(side, current.server);
        }
        const scenario = { ...spec, auth: side.auth, ids, idsFile, bodies, bodiesFile, size, tag: `${runTag}s${n}${side.key ?? ''}` };
        const m = await measure(current.server, scenario);
        (side.runs[spec.name] ??= []).push(m);
        const who = side.key ? `${side.key.toUpperCase()} ` : '';
        log(`  ${repeat > 1 ? `[${round + 1}/${repeat}] ` : ''}${who}${spec.label}: ${m.rps.toFixed(0)} req/s, p50 ${m.p50_ms.toFixed(2)} ms, p99 ${m.p99_ms.toFixed(2)} ms, RSS ${m.max_rss_mb ?? '-'} MB, server CPU ${m.server_cpu_pct ?? '-'}% (${m.server_cpu_ms_per_req ?? '-'} ms/request), disk ${m.disk_write_mb_per_s ?? '-'} MB/s written` +
          (m.non2xx || m.socket_errors ? `, ${m.non2xx} non-2xx, ${m.socket_errors} socket errors` : ''));
        if (profiling) {
          await releaseServer();
          const file = join(profileDir, `${spec.name}.cpuprofile`);
          if (existsSync(file)) result.profiles[spec.name] = { file: relative(ROOT, file), ...summariseProfile(file) };
        }
      }
    }
    await releaseServer();
    for (const side of sides) {
      side.scenarios = {};
      for (const [name, measured] of Object.entries(side.runs)) side.scenarios[name] = medianRun(measured);
    }

    // Paired CPU ratios, on a fresh server per side, after every scenario has run.
    for (const side of sides) {
      side.paired = {};
      for (const pair of PAIRS) {
        const [numerator, denominator] = [pair.numerator, pair.denominator].map((name) => selected.find((s) => s.name === name));
        if (!numerator || !denominator || slices === 0) continue;
        const server = await startServerOf(side, { server: 'durable' }, { postgres });
        try {
          const scenario = (spec, k) => ({ ...spec, auth: side.auth, ids, idsFile, bodies, bodiesFile, size, tag: `${runTag}q${k}${side.key ?? ''}` });
          const paired = await measurePair(server, scenario(numerator, 0), scenario(denominator, 1), slices);
          if (paired) {
            side.paired[pair.target] = paired;
            log(`  paired over ${slices} slices${side.key ? ` (${side.key.toUpperCase()})` : ''}: ${numerator.label} ÷ ${denominator.label}: ${paired.ratio} in server CPU per request`);
          }
        } finally {
          await stop(server.child);
        }
      }
    }
    if (selected.some((s) => s.server === 'bulk')) {
      const rows = opts['import-rows'] === undefined ? size : positiveNumber('import-rows', opts['import-rows'], true);
      result.bulk = await runBulkBench({ databaseUrl: sides[0].databaseUrl, workDir, rows, seed, size, tool, auth: sides[0].auth, ids, idsFile, postgres: Boolean(postgres), duration, log });
      log(formatBulk(result.bulk));
    }
  } finally {
    await cleanUp();
  }

  const judge = (side) => {
    roundFigures(side.scenarios);
    return {
      scenarios: side.scenarios,
      paired: side.paired,
      targets: [
        ...evaluateTargets({ scenarios: side.scenarios, ceilings: result.ceilings, connections, size, descendants: TREE.descendants, paired: side.paired }),
        ...(side.key === null ? bulkTargets(result.bulk) : []),
      ],
      references: evaluateReferences({ scenarios: side.scenarios }),
    };
  };
  if (opts.compare) {
    const [a, b] = sides.map(judge);
    result.sides = { a: { ...result.compare.a, ...a }, b: { ...result.compare.b, ...b } };
    const compared = compareRuns(sides[0].runs, sides[1].runs);
    result.ratios = compared.ratios;
    result.ratios_by_round = compared.byRound;
    delete result.scenarios;
    delete result.targets;
    delete result.references;
  } else {
    const only = judge(sides[0]);
    result.scenarios = only.scenarios;
    result.paired = only.paired;
    result.targets = only.targets;
    result.references = only.references;
  }
  result.finished_at = new Date().toISOString();
  result.machine.loadavg_at_end = loadavg().map((n) => Number(n.toFixed(2)));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(result, null, 2) + '\n');

  const labels = Object.fromEntries(SCENARIOS.map((s) => [s.name, s.label]));
  console.log(`\nClientele bench — ${store}, ${size.toLocaleString('en')} customers, ${connections} connections, ${duration} s per scenario${repeat > 1 ? `, median of ${repeat} runs` : ''}, ${tool}\n`);
  if (opts.compare) {
    console.log(formatCompareTable({ order: SCENARIOS.map((s) => s.name), labels, a: result.sides.a, b: result.sides.b, ratios: result.ratios, rounds: repeat }));
  } else {
    console.log(formatTable({ order: SCENARIOS.map((s) => s.name), labels, scenarios: result.scenarios, ceilings: result.ceilings, targets: result.targets, references: result.references }));
  }
  if (result.bulk) console.log(`\n${formatBulk(result.bulk)}`);
  for (const [name, summary] of Object.entries(result.profiles ?? {})) console.log('\n' + formatProfile(name, summary));
  console.log(`\nJSON: ${out}`);
  const broken = sides.flatMap((side) => Object.entries(side.scenarios ?? {}).filter(([, m]) => m.non2xx > 0).map(([name, m]) => `${side.key ? `${side.key.toUpperCase()} ` : ''}${name}: ${m.non2xx} non-2xx`));
  if (broken.length) {
    console.error(`\nsome requests failed (${broken.join(', ')}): the figures above are not trustworthy`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
