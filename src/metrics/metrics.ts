import client from 'prom-client';
import type { PoolStats, StoreSample } from '../store/port.js';
import { GROUP_COMMIT_CHANNEL, QUERY_CHANNEL, type GroupCommitReport, type QueryReport } from '../store/telemetry.js';

/**
 * The Prometheus metrics of one server process (SPEC; docs/operations.md#metrics).
 * Every label has a small, fixed set of values: route templates (`/v1/customers/:id`), never a
 * URL, an id, a key or an email.
 */

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export type TimeoutKind = 'headers_or_request' | 'body_idle' | 'body';
export type AttemptOutcome = 'succeeded' | 'retrying' | 'failed' | 'lease_lost';

export interface MetricsSources {
  /** Open HTTP connections right now (the listener's count). */
  connections?: () => number;
  poolStats?: () => PoolStats | null;
}

export function createMetrics(sources: MetricsSources = {}) {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });

  const requests = new client.Counter({
    name: 'clientele_http_requests_total',
    help: 'HTTP requests answered, by route template, method and status class.',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  });
  const latency = new client.Histogram({
    name: 'clientele_http_request_duration_seconds',
    help: 'Time from receiving a request to sending its response, by route template, method and status class.',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  new client.Gauge({
    name: 'clientele_http_connections',
    help: 'Open HTTP connections.',
    registers: [registry],
    collect() {
      if (sources.connections) this.set(sources.connections());
    },
  });
  const rejectedConnections = new client.Counter({
    name: 'clientele_http_connections_rejected_total',
    help: 'Connections answered 503 because MAX_CONNECTIONS were already open.',
    registers: [registry],
  });
  const timeouts = new client.Counter({
    name: 'clientele_http_request_timeouts_total',
    help: 'Requests answered 408: headers or the whole request too slow, a body paused too long, or a body too slow.',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const rateLimited = new client.Counter({
    name: 'clientele_rate_limit_rejections_total',
    help: 'Requests refused with 429 rate_limit, by budget and mode.',
    labelNames: ['budget', 'mode'] as const,
    registers: [registry],
  });
  const attempts = new client.Counter({
    name: 'clientele_webhook_attempts_total',
    help: 'Webhook delivery attempts by outcome (retrying: failed, will be retried; failed: no retries left).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const outboxPending = new client.Gauge({
    name: 'clientele_webhook_outbox_pending',
    help: 'Webhook deliveries waiting to be sent (sampled every METRICS_SAMPLE_MS).',
    registers: [registry],
  });
  const oldestPending = new client.Gauge({
    name: 'clientele_webhook_outbox_oldest_pending_age_seconds',
    help: 'Age of the event of the oldest pending webhook delivery; 0 when none is pending (sampled).',
    registers: [registry],
  });
  const tableRows = new client.Gauge({
    name: 'clientele_table_rows',
    help: 'Estimated rows of the tables that grow with traffic (sampled).',
    labelNames: ['table'] as const,
    registers: [registry],
  });
  const sampledAt = new client.Gauge({
    name: 'clientele_sample_timestamp_seconds',
    help: 'When the sampled gauges were last read (0: not yet).',
    registers: [registry],
  });
  const groupCommitSize = new client.Histogram({
    name: 'clientele_sqlite_group_commit_writes',
    help: 'Writes committed together in one SQLite transaction.',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128],
    registers: [registry],
  });
  const commitSeconds = new client.Histogram({
    name: 'clientele_sqlite_commit_duration_seconds',
    help: 'SQLite group commit: BEGIN to COMMIT.',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  const syncSeconds = new client.Histogram({
    name: 'clientele_sqlite_fsync_duration_seconds',
    help: 'SQLite: the fdatasync of the WAL after each group commit.',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  const querySeconds = new client.Histogram({
    name: 'clientele_pg_query_duration_seconds',
    help: 'PostgreSQL: time of each query, as the client sees it.',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: [registry],
  });
  const pool = new client.Gauge({
    name: 'clientele_pg_pool_connections',
    help: 'PostgreSQL connections of this process: open (total), idle, and requests waiting for one (waiting).',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const stats = sources.poolStats?.();
      if (!stats) return;
      this.set({ state: 'total' }, stats.total);
      this.set({ state: 'idle' }, stats.idle);
      this.set({ state: 'waiting' }, stats.waiting);
    },
  });
  void pool;

  const onCommit = (message: unknown) => {
    const report = message as GroupCommitReport;
    groupCommitSize.observe(report.writes);
    commitSeconds.observe(report.commitSeconds);
    if (report.syncSeconds > 0) syncSeconds.observe(report.syncSeconds);
  };
  const onQuery = (message: unknown) => querySeconds.observe((message as QueryReport).seconds);
  GROUP_COMMIT_CHANNEL.subscribe(onCommit);
  QUERY_CHANNEL.subscribe(onQuery);

  return {
    registry,
    contentType: registry.contentType,
    render: () => registry.metrics(),

    /** `route` is the matched template, or null when no route matched. */
    request(route: string | null, method: string, statusCode: number, seconds: number): void {
      const labels = {
        route: route ?? 'unmatched',
        method: METHODS.has(method) ? method : 'OTHER',
        status: `${Math.floor(statusCode / 100)}xx`,
      };
      requests.inc(labels);
      latency.observe(labels, seconds);
    },
    connectionRejected: () => rejectedConnections.inc(),
    timeout: (kind: TimeoutKind) => timeouts.inc({ kind }),
    rateLimited: (budget: 'api' | 'search', livemode: boolean) => rateLimited.inc({ budget, mode: livemode ? 'live' : 'test' }),
    webhookAttempt: (outcome: AttemptOutcome) => attempts.inc({ outcome }),

    sampled(sample: StoreSample, nowSeconds: number): void {
      outboxPending.set(sample.outboxPending);
      oldestPending.set(sample.oldestPendingCreated === null ? 0 : Math.max(0, nowSeconds - sample.oldestPendingCreated));
      tableRows.set({ table: 'events' }, sample.events);
      tableRows.set({ table: 'idempotency_keys' }, sample.idempotencyRecords);
      sampledAt.set(nowSeconds);
    },

    close(): void {
      GROUP_COMMIT_CHANNEL.unsubscribe(onCommit);
      QUERY_CHANNEL.unsubscribe(onQuery);
      registry.clear();
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * Reads the store's sampled gauges now and every `everyMs` (never per scrape); returns stop().
 * A failed sample (database down) keeps the last values and is logged at debug.
 */
export function sampleEvery(
  metrics: Metrics,
  sample: () => Promise<StoreSample>,
  everyMs: number,
  log: { debug(object: object, message: string): void },
): () => void {
  let running = false;
  const tick = () => {
    if (running) return;
    running = true;
    sample()
      .then((s) => metrics.sampled(s, Date.now() / 1000))
      .catch((error: unknown) => log.debug({ err: error }, 'metrics sample failed'))
      .finally(() => {
        running = false;
      });
  };
  tick();
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
