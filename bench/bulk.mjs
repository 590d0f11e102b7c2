/**
 * The `import` scenario of `npm run bench` (SPEC B-1, B-2): `clientele import` of an NDJSON file
 * of generated customers into a new account of the seeded database while `clientele serve`
 * answers retrieves of the seeded customers at 10 connections, then `clientele export` of what
 * was imported. Both commands run as a user runs them (child processes of the built CLI).
 */
import { join } from 'node:path';
import { writeImportFile } from './import-data.mjs';
import { runLoad } from './lib/load.mjs';
import { CLI, cpuSeconds, ROOT, rssMiB, startClientele, stop, track } from './lib/processes.mjs';

const LOAD_CONNECTIONS = 10;
/** Seconds per load window while the import runs (percentiles are per window). */
/** Seconds per retrieve window beside the import (at most --duration: the smoke's 1 s ends soon after a short import). */
const WINDOW_S = 3;

function cleanEnv(extra) {
  const env = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name === 'DATABASE_URL' || name.startsWith('CLIENTELE_') || name.startsWith('PG') || name === 'NODE_OPTIONS') continue;
    env[name] = value;
  }
  return { ...env, ...extra };
}

/** Runs one CLI command to the end, sampling its RSS and CPU time; resolves with its figures. */
function runMeasured(args, databaseUrl) {
  const started = Date.now();
  const child = track(process.execPath, [CLI, ...args], { cwd: ROOT, env: cleanEnv({ DATABASE_URL: databaseUrl }) });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s) => (stderr = (stderr + s).slice(-20_000)));
  let maxRss = 0;
  let cpu = 0;
  const sample = () => {
    const rss = rssMiB(child.pid);
    if (rss !== null && rss > maxRss) maxRss = rss;
    const used = cpuSeconds(child.pid);
    if (used !== null) cpu = used;
  };
  const timer = setInterval(sample, 200);
  const done = new Promise((resolve) => {
    child.once('close', (code) => {
      clearInterval(timer);
      resolve({ code, stdout, stderr, seconds: (Date.now() - started) / 1000, max_rss_mb: Number(maxRss.toFixed(1)), cpu_s: cpu });
    });
  });
  return { child, done };
}

async function json(url, key) {
  const response = await fetch(url, { headers: { authorization: `Bearer ${key}` }, signal: AbortSignal.timeout(30_000) });
  return { status: response.status, body: await response.json() };
}

/**
 * `rows` customers imported (generated after the seeded ones, so none collides with them).
 * Returns the figures for the JSON and the targets.
 */
export async function runBulkBench({ databaseUrl, workDir, rows, seed, size, tool, auth, ids, idsFile, postgres, duration, log }) {
  const windowS = Math.min(WINDOW_S, duration);
  const file = join(workDir, `import-${rows}.ndjson`);
  log(`import: generating ${rows.toLocaleString('en')} NDJSON rows`);
  await writeImportFile(file, { count: rows, size: size + rows, offset: size, seed });

  const created = runMeasured(['accounts', 'create', '--name', 'bench import', '--json'], databaseUrl);
  const account = await created.done;
  if (account.code !== 0) throw new Error(`accounts create failed: ${account.stderr}`);
  const { id: accountId, keys } = JSON.parse(account.stdout);

  const server = await startClientele({ databaseUrl });
  let importRun;
  const windows = [];
  try {
    log(`import: ${rows.toLocaleString('en')} rows into ${accountId} while the server answers retrieves at ${LOAD_CONNECTIONS} connections`);
    const importing = runMeasured(['import', file, '--account', accountId, '--mode', 'test', '--progress-interval', '3600'], databaseUrl);
    let finished = false;
    const ended = importing.done.then((r) => {
      finished = true;
      return r;
    });
    const scenario = { name: 'retrieve_during_import', mode: 'by-id', auth, ids, idsFile, size, tag: `imp${Date.now().toString(36)}` };
    while (!finished) {
      const m = await runLoad({ tool, baseUrl: server.url, connections: LOAD_CONNECTIONS, seconds: windowS, scenario: { ...scenario, tag: `${scenario.tag}${windows.length}` } });
      if (!finished) windows.push(m);
    }
    importRun = await ended;
    if (importRun.code !== 0) throw new Error(`import exited ${importRun.code}: ${importRun.stderr.slice(-2000)}`);
    // The imported customers answer through the API.
    const first = await json(`${server.url}/v1/customers/external/ext_${size + 1}`, keys.test);
    if (first.status !== 200) throw new Error(`an imported customer is not found through the API: ${JSON.stringify(first.body).slice(0, 300)}`);
    const list = await json(`${server.url}/v1/customers?limit=1`, keys.test);
    if (list.body.data?.[0]?.external_id !== `ext_${size + rows}`) throw new Error(`the newest imported customer is not the file's last row: ${JSON.stringify(list.body).slice(0, 300)}`);
  } finally {
    await stop(server.child);
  }

  log('export: every imported customer, NDJSON');
  const exportFile = join(workDir, 'export.ndjson');
  const exported = await runMeasured(['export', '--account', accountId, '--mode', 'test', '--out', exportFile, '--progress-interval', '3600'], databaseUrl).done;
  if (exported.code !== 0) throw new Error(`export exited ${exported.code}: ${exported.stderr.slice(-2000)}`);
  const exportedCount = Number(/exported (\d+) customers/.exec(exported.stderr)?.[1] ?? NaN);
  if (exportedCount !== rows) throw new Error(`export wrote ${exportedCount} customers, expected ${rows}`);

  const p99s = windows.map((w) => w.p99_ms).sort((a, b) => a - b);
  const summary = /imported (\d+) rows/.exec(importRun.stdout);
  return {
    store: postgres ? 'postgres' : 'sqlite',
    rows,
    import: {
      seconds: Number(importRun.seconds.toFixed(2)),
      rows_per_s: Math.round(rows / importRun.seconds),
      cpu_s: importRun.cpu_s,
      // Rows per second of CPU the import itself used: what it would do with a core to itself.
      rows_per_cpu_s: importRun.cpu_s > 0 ? Math.round(rows / importRun.cpu_s) : null,
      max_rss_mb: importRun.max_rss_mb,
      summary: importRun.stdout.trim(),
      imported: summary ? Number(summary[1]) : null,
    },
    retrieve_during_import: {
      connections: LOAD_CONNECTIONS,
      windows: windows.length,
      window_s: windowS,
      requests: windows.reduce((n, w) => n + w.requests, 0),
      non2xx: windows.reduce((n, w) => n + w.non2xx, 0),
      p50_ms_median_window: windows.length ? windows.map((w) => w.p50_ms).sort((a, b) => a - b)[Math.floor(windows.length / 2)] : null,
      p99_ms_median_window: p99s.length ? p99s[Math.floor(p99s.length / 2)] : null,
      p99_ms_worst_window: p99s.length ? p99s[p99s.length - 1] : null,
    },
    export: {
      seconds: Number(exported.seconds.toFixed(2)),
      customers_per_s: Math.round(rows / exported.seconds),
      cpu_s: exported.cpu_s,
      max_rss_mb: exported.max_rss_mb,
    },
  };
}

/** The bounds for the scenario. */
export function bulkTargets(bulk) {
  if (!bulk) return [];
  const targets = [];
  const add = (t) => targets.push({ ...t, pass: t.comparison === '>=' ? t.value >= t.limit : t.value <= t.limit });
  const sqlite = bulk.store === 'sqlite';
  add({
    name: 'import_rows_per_s', scenario: 'import', comparison: '>=', limit: sqlite ? 20_000 : 8_000, value: bulk.import.rows_per_s,
    text: 'rows/s', description: `import of ${bulk.rows.toLocaleString('en')} NDJSON rows with events ≥ ${sqlite ? '20,000' : '8,000'}/s`,
  });
  add({ name: 'import_max_rss_mb', scenario: 'import', comparison: '<=', limit: 250, value: bulk.import.max_rss_mb, unit: 'MB', text: 'MB', description: 'import RSS ≤ 250 MB' });
  if (bulk.retrieve_during_import.p99_ms_worst_window !== null) {
    add({
      name: 'retrieve_p99_during_import_ms', scenario: 'import', comparison: '<=', limit: 50, value: bulk.retrieve_during_import.p99_ms_worst_window, unit: 'ms',
      text: 'ms p99 (worst window)', description: 'retrieve p99 at 10 connections while importing ≤ 50 ms',
    });
  }
  if (sqlite) {
    add({ name: 'export_per_s', scenario: 'import', comparison: '>=', limit: 50_000, value: bulk.export.customers_per_s, text: 'customers/s', description: 'export ≥ 50,000 customers/s' });
  }
  return targets;
}

export function formatBulk(bulk) {
  if (!bulk) return '';
  const targets = bulkTargets(bulk).map((t) => `  target ${t.description}: ${t.value} ${t.text} — ${t.pass ? 'pass' : 'FAIL'}`);
  const r = bulk.retrieve_during_import;
  return [
    `Bulk (${bulk.store}, ${bulk.rows.toLocaleString('en')} rows):`,
    `  import  ${bulk.import.rows_per_s} rows/s (${bulk.import.seconds} s; ${bulk.import.rows_per_cpu_s ?? '-'} rows per CPU-second), max RSS ${bulk.import.max_rss_mb} MB`,
    `  retrieve during the import, ${r.connections} connections: p50 ${r.p50_ms_median_window ?? '-'} ms, p99 ${r.p99_ms_median_window ?? '-'} ms (median of ${r.windows} windows of ${r.window_s} s), worst p99 ${r.p99_ms_worst_window ?? '-'} ms, ${r.non2xx} non-2xx`,
    `  export  ${bulk.export.customers_per_s} customers/s (${bulk.export.seconds} s), max RSS ${bulk.export.max_rss_mb} MB`,
    ...targets,
  ].join('\n');
}
