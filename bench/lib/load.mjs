/**
 * Fixed-concurrency load against one URL, with wrk when it is installed (a C client on one
 * thread: it leaves the most CPU to the server sharing the machine) and autocannon otherwise.
 * Both run the same scenarios (bench/wrk/scenario.lua mirrors makeRequest below) and report
 * the same figures: requests, req/s, p50/p99 latency, non-2xx answers and socket errors.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { track } from './processes.mjs';

const LUA = fileURLToPath(new URL('../wrk/scenario.lua', import.meta.url));

export function wrkAvailable() {
  const found = spawnSync('sh', ['-c', 'command -v wrk'], { encoding: 'utf8' });
  return found.status === 0 && found.stdout.trim() !== '';
}

/**
 * A scenario, as both load generators take it:
 *   mode: 'static' (GET path) | 'by-id' | 'by-id-stats' | 'by-external-id' | 'update' | 'create' | 'create-charge'
 *   path (static), ids + idsFile (by-id, by-id-stats, update, create-charge), size (by-external-id),
 *   bodies + bodiesFile (create: form bodies with {n} for a unique tag), auth, tag.
 */
export async function runLoad({ tool, baseUrl, connections, seconds, scenario }) {
  return tool === 'wrk' ? runWrk(baseUrl, connections, seconds, scenario) : runAutocannon(baseUrl, connections, seconds, scenario);
}

function runWrk(baseUrl, connections, seconds, scenario) {
  const args = ['-t1', `-c${connections}`, `-d${Math.max(1, Math.round(seconds))}s`, '--timeout', '10s', '-s', LUA];
  args.push(baseUrl + (scenario.mode === 'static' ? scenario.path : '/'));
  const env = {
    ...process.env,
    BENCH_MODE: scenario.mode,
    BENCH_AUTH: scenario.auth ?? '',
    BENCH_IDS: scenario.idsFile ?? '',
    BENCH_BODIES: scenario.bodiesFile ?? '',
    BENCH_SIZE: String(scenario.size ?? 0),
    BENCH_TAG: scenario.tag ?? 't',
  };
  return new Promise((resolve, reject) => {
    const child = track('wrk', args, { env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s) => (stderr += s));
    child.once('error', reject);
    child.once('close', (code) => {
      const line = /BENCH_RESULT (\{.*\})/.exec(stdout);
      if (code !== 0 || !line) {
        reject(new Error(`wrk exited ${code} without a result: ${(stderr || stdout).trim().slice(0, 2000)}`));
        return;
      }
      const r = JSON.parse(line[1]);
      const elapsed = r.duration_us / 1e6;
      resolve({
        requests: r.requests,
        seconds: elapsed,
        rps: r.requests / elapsed,
        p50_ms: r.p50_us / 1000,
        p99_ms: r.p99_us / 1000,
        mean_ms: r.mean_us / 1000,
        max_ms: r.max_us / 1000,
        non2xx: r.errors.status,
        socket_errors: r.errors.connect + r.errors.read + r.errors.write + r.errors.timeout,
      });
    });
  });
}

const TIERS = ['free', 'starter', 'pro', 'business', 'enterprise'];
const CHARGE_CURRENCIES = ['usd', 'eur', 'gbp', 'jpy'];
const FORM = 'application/x-www-form-urlencoded';

/** One request of a scenario (method, path, body), as the Lua script builds it. */
export function makeRequest(scenario, unique) {
  const random = (n) => Math.floor(Math.random() * n);
  switch (scenario.mode) {
    case 'static':
      return { method: 'GET', path: scenario.path };
    case 'by-id':
      return { method: 'GET', path: `/v1/customers/${scenario.ids[random(scenario.ids.length)]}` };
    case 'by-id-stats':
      return { method: 'GET', path: `/v1/customers/${scenario.ids[random(scenario.ids.length)]}?expand%5B%5D=stats` };
    case 'by-external-id':
      return { method: 'GET', path: `/v1/customers/external/ext_${1 + random(scenario.size)}` };
    case 'update':
      return {
        method: 'POST',
        path: `/v1/customers/${scenario.ids[random(scenario.ids.length)]}`,
        body: `metadata%5Btier%5D=${TIERS[random(TIERS.length)]}&metadata%5Blast_seen%5D=${unique()}`,
      };
    case 'create':
      return { method: 'POST', path: '/v1/customers', body: scenario.bodies[random(scenario.bodies.length)].replaceAll('{n}', unique()) };
    case 'create-charge':
      return {
        method: 'POST',
        path: '/v1/charges',
        body: `amount=${100 + random(50_000)}&currency=${CHARGE_CURRENCIES[random(CHARGE_CURRENCIES.length)]}&customer=${scenario.ids[random(scenario.ids.length)]}&description=Bench%20charge&metadata%5Border%5D=${unique()}`,
      };
    default:
      throw new Error(`unknown scenario mode ${scenario.mode}`);
  }
}

function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

async function runAutocannon(baseUrl, connections, seconds, scenario) {
  const { default: autocannon } = await import('autocannon');
  let counter = 0;
  const unique = () => `${scenario.tag ?? 't'}a${++counter}`;
  const headers = { authorization: scenario.auth ?? '' };
  const request = {
    setupRequest: (req) => {
      const next = makeRequest(scenario, unique);
      return {
        ...req,
        method: next.method,
        path: next.path,
        body: next.body,
        headers: next.body === undefined ? headers : { ...headers, 'content-type': FORM },
      };
    },
  };
  // autocannon's own histogram has 1 ms resolution; keep every latency instead (µs-exact).
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  let non2xx = 0;
  const started = performance.now();
  const instance = autocannon({ url: baseUrl, connections, duration: seconds, timeout: 10, requests: [request] });
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (count === latencies.length) {
      const bigger = new Float64Array(latencies.length * 2);
      bigger.set(latencies);
      latencies = bigger;
    }
    latencies[count++] = responseTime;
    if (statusCode < 200 || statusCode > 299) non2xx++;
  });
  const result = await new Promise((resolve, reject) => {
    instance.once('done', resolve);
    instance.once('error', reject);
  });
  const elapsed = (performance.now() - started) / 1000;
  const sorted = latencies.subarray(0, count).sort();
  let sum = 0;
  for (const value of sorted) sum += value;
  return {
    requests: count,
    seconds: elapsed,
    rps: count / elapsed,
    p50_ms: percentile(sorted, 50),
    p99_ms: percentile(sorted, 99),
    mean_ms: count ? sum / count : 0,
    max_ms: count ? sorted[count - 1] : 0,
    non2xx,
    socket_errors: (result.errors ?? 0) + (result.timeouts ?? 0),
  };
}
