import parsePrometheusTextFormat, { type PrometheusFamily } from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountService } from '../../src/domain/accounts/account-service.js';
import { createTestApp, STORES } from '../helpers/harness.js';
import { sleep, startInProcess, type InProcessServer } from './support.js';

/**
 * SPEC R-3 / R-5, issue #21 §1: GET /metrics in Prometheus text format, scraped from the real
 * server and parsed with a Prometheus text-format parser. Counters move with requests; no label
 * carries an id, a key, an email or any other unbounded value.
 */
const TOKEN = 'metrics-token-0123456789abcdef';

let lastScrape = '';

async function scrape(url: string, token: string | null = TOKEN): Promise<PrometheusFamily[]> {
  const response = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  lastScrape = await response.text();
  return parsePrometheusTextFormat(lastScrape);
}

function family(families: PrometheusFamily[], name: string): PrometheusFamily {
  const found = families.find((f) => f.name === name);
  if (!found) throw new Error(`no metric ${name} in the scrape`);
  return found;
}

/** A counter's or gauge's value with these labels; for a histogram, its total count. */
function counter(families: PrometheusFamily[], name: string, labels: Record<string, string>): number {
  const sample = family(families, name).metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return Number(sample?.value ?? sample?.count ?? sample?.buckets?.['+Inf'] ?? 0);
}

/** Values that would make a label unbounded: ids, keys, emails, raw numbers in paths. */
const UNBOUNDED = /(cus|pm|txi|evt|key|acct|req|we|whd)_[0-9A-Za-z]{6,}|sk_|rk_|@|\/v1\/customers\/[^:]/;

describe.each(STORES)('metrics (%s)', (kind) => {
  let s: InProcessServer;
  beforeAll(async () => {
    s = await startInProcess(kind, { METRICS_TOKEN: TOKEN, METRICS_SAMPLE_MS: '200', RATE_LIMIT_TEST: '50' });
  });
  afterAll(async () => s?.close());

  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${s.server.url}${path}`, { ...init, headers: { authorization: `Bearer ${s.key}`, ...init.headers } }).then(async (r) => {
      await r.arrayBuffer();
      return r.status;
    });

  it('needs the token on the main port: 401 api_key_invalid without it', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token-0123456789', `Basic ${Buffer.from(`${TOKEN}:`).toString('base64')}`]) {
      const response = await fetch(`${s.server.url}/metrics`, authorization ? { headers: { authorization } } : {});
      expect(response.status).toBe(401);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('api_key_invalid');
    }
  });

  it('counts requests by route template, method and status class, and their latency', async () => {
    const before = await scrape(`${s.server.url}/metrics`);
    const created = await fetch(`${s.server.url}/v1/customers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.key}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=metrics%40example.com',
    });
    const id = ((await created.json()) as { id: string }).id;
    for (let i = 0; i < 3; i++) expect(await call(`/v1/customers/${id}`)).toBe(200);
    expect(await call('/v1/customers/cus_doesnotexist123')).toBe(404);
    expect(await call('/v1/nothing/here')).toBe(404);
    const after = await scrape(`${s.server.url}/metrics`);

    const route = { route: '/v1/customers/:id', method: 'GET' };
    const delta = (labels: Record<string, string>) =>
      counter(after, 'clientele_http_requests_total', labels) - (before.length ? counter(before, 'clientele_http_requests_total', labels) : 0);
    expect(delta({ ...route, status: '2xx' })).toBe(3);
    expect(delta({ ...route, status: '4xx' })).toBe(1);
    expect(delta({ route: '/v1/customers', method: 'POST', status: '2xx' })).toBe(1);
    expect(delta({ route: 'unmatched', method: 'GET', status: '4xx' })).toBe(1);
    expect(family(after, 'clientele_http_request_duration_seconds').type).toBe('HISTOGRAM');
    // The parser loses a labelled histogram's labels (prom-client writes `le` first): read its _count line.
    const count = /^clientele_http_request_duration_seconds_count\{route="\/v1\/customers\/:id",method="GET",status="2xx"\} (\d+)$/m.exec(lastScrape);
    expect(Number(count?.[1])).toBeGreaterThanOrEqual(3);
  });

  it('exposes the store, outbox, rate-limit, event-loop and process metrics', async () => {
    // A 429 and a pending webhook delivery (to an endpoint that does not answer) to count. The
    // 429 comes from a key of its own limited to 1 request/s, so a burst of 10 meets it however
    // slowly the machine answers.
    const throttled = await accountService(s.server.store, { keyCacheMs: 500 }).createKey(s.accountId, 'test', false, null, { rateLimit: 1 });
    const burst = await Promise.all(
      Array.from({ length: 10 }, () => fetch(`${s.server.url}/v1/customers?limit=1`, { headers: { authorization: `Bearer ${throttled.secret}` } }).then(async (r) => {
        await r.arrayBuffer();
        return r.status;
      })),
    );
    expect(burst).toContain(429);
    await fetch(`${s.server.url}/v1/webhook_endpoints`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.key}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'url=https%3A%2F%2Fexample.invalid%2Fhook&enabled_events[]=*',
    });
    await sleep(1100);
    expect(await call('/v1/customers', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'name=Hooked' })).toBe(200);

    // The sampled gauges are read every METRICS_SAMPLE_MS (200 ms here): wait for a sample that saw the delivery.
    let families: PrometheusFamily[] = [];
    const deadline = Date.now() + 5_000;
    do {
      await sleep(100);
      families = await scrape(`${s.server.url}/metrics`);
    } while (counter(families, 'clientele_table_rows', { table: 'events' }) < 1 && Date.now() < deadline);

    expect(counter(families, 'clientele_rate_limit_rejections_total', { budget: 'api', mode: 'test' })).toBeGreaterThan(0);
    expect(counter(families, 'clientele_table_rows', { table: 'events' })).toBeGreaterThanOrEqual(1);
    expect(counter(families, 'clientele_table_rows', { table: 'idempotency_keys' })).toBeGreaterThanOrEqual(0);
    for (const name of [
      'clientele_webhook_outbox_pending',
      'clientele_webhook_outbox_oldest_pending_age_seconds',
      'clientele_webhook_attempts_total',
      'clientele_http_connections',
      'clientele_sample_timestamp_seconds',
      'nodejs_eventloop_lag_seconds',
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
    ]) {
      expect(families.map((f) => f.name)).toContain(name);
    }
    expect(counter(families, 'clientele_http_connections', {})).toBeGreaterThanOrEqual(1);
    if (kind === 'sqlite') {
      expect(counter(families, 'clientele_sqlite_group_commit_writes', {})).toBeGreaterThan(0);
      expect(counter(families, 'clientele_sqlite_fsync_duration_seconds', {})).toBeGreaterThan(0);
    } else {
      expect(counter(families, 'clientele_pg_query_duration_seconds', {})).toBeGreaterThan(0);
      expect(counter(families, 'clientele_pg_pool_connections', { state: 'total' })).toBeGreaterThan(0);
    }
  });

  it('no label carries an id, a key, an email or a raw path', async () => {
    const families = await scrape(`${s.server.url}/metrics`);
    const values = families.flatMap((f) => f.metrics.flatMap((m) => Object.values(m.labels ?? {})));
    expect(values.length).toBeGreaterThan(10);
    expect(values.filter((v) => UNBOUNDED.test(v))).toEqual([]);
    const routes = new Set(families.flatMap((f) => f.metrics.map((m) => m.labels?.route).filter(Boolean)));
    for (const route of routes) expect(route === 'unmatched' || /^\/[a-z0-9_/:.-]*$/.test(route as string), String(route)).toBe(true);
  });
});

describe.each(STORES)('metrics on METRICS_PORT (%s)', (kind) => {
  let s: InProcessServer;
  beforeAll(async () => {
    s = await startInProcess(kind, { METRICS_PORT: '0' });
  });
  afterAll(async () => s?.close());

  it('serves /metrics on its own listener only, without a token; the API port has none', async () => {
    const url = s.server.metricsUrl as string;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const families = await scrape(`${url}/metrics`, null);
    expect(families.map((f) => f.name)).toContain('clientele_http_requests_total');
    expect((await fetch(`${url}/v1/customers`)).status).toBe(404);
    const onApi = await fetch(`${s.server.url}/metrics`);
    expect(onApi.status).toBe(404);
    expect(((await onApi.json()) as { error: { code: string } }).error.code).toBe('route_unknown');
  });
});

describe.each(STORES)('metrics off by default (%s)', (kind) => {
  it('GET /metrics is route_unknown without METRICS_PORT or METRICS_TOKEN', async () => {
    const t = await createTestApp(kind);
    try {
      const r = await t.api(null).get('/metrics');
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('route_unknown');
    } finally {
      await t.close();
    }
  });
});
