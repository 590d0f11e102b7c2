import { ConfigError, parseInteger } from './config-values.js';

/**
 * Settings for running the server in production (issue #21, SPEC R-3 … R-5): timeouts and the
 * connection cap, rate limits, metrics, shutdown. Parsed with the rest of the configuration
 * (config.ts) and documented, with their ranges, in docs/deployment.md#settings.
 */
export interface OperationsConfig {
  /** Receiving a request's headers; Node's headersTimeout. */
  readonly headersTimeoutMs: number;
  /** The longest pause between two chunks of a request body. */
  readonly bodyIdleTimeoutMs: number;
  /** Receiving a request body, from its first byte to its last. */
  readonly bodyTimeoutMs: number;
  /** Receiving the whole request, headers and body (Node's requestTimeout). */
  readonly requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this long. */
  readonly keepAliveTimeoutMs: number;
  /** Open connections at most; one more is answered 503 and closed. */
  readonly maxConnections: number;
  /** Requests per second per key (token bucket of the same size); 0: no limit. */
  readonly rateLimitLive: number;
  readonly rateLimitTest: number;
  /** The search endpoints' own, lower budget per key; 0: no separate limit. */
  readonly rateLimitSearch: number;
  /** A separate listener for GET /metrics on HOST (0: any free port); null: none. */
  readonly metricsPort: number | null;
  /** Bearer token for GET /metrics (on the main port when metricsPort is null); null: none. */
  readonly metricsToken: string | null;
  /** How often the database-backed gauges (outbox, table sizes) are sampled. */
  readonly metricsSampleMs: number;
  /** After SIGTERM, /readyz answers 503 while requests are still served for this long. */
  readonly shutdownDrainMs: number;
  /** After the drain, in-flight work has this long to finish before the process exits anyway. */
  readonly shutdownTimeoutMs: number;
}

type Env = Readonly<Record<string, string | undefined>>;

const MS = 600_000;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  return parseInteger(name, env[name] ?? String(fallback), min, max);
}

export function loadOperationsConfig(env: Env, port: number): OperationsConfig {
  const headersTimeoutMs = integer(env, 'HEADERS_TIMEOUT_MS', 10_000, 100, MS);
  const requestTimeoutMs = integer(env, 'REQUEST_TIMEOUT_MS', 30_000, 1000, MS);
  // Node refuses a headers timeout longer than the whole request's.
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new ConfigError(`HEADERS_TIMEOUT_MS (${headersTimeoutMs}) must not exceed REQUEST_TIMEOUT_MS (${requestTimeoutMs})`);
  }
  const metricsPort = env.METRICS_PORT === undefined || env.METRICS_PORT === '' ? null : parseInteger('METRICS_PORT', env.METRICS_PORT, 0, 65535);
  if (metricsPort !== null && metricsPort !== 0 && metricsPort === port) throw new ConfigError(`METRICS_PORT must differ from PORT (both are ${port})`);
  const token = env.METRICS_TOKEN === undefined || env.METRICS_TOKEN === '' ? null : env.METRICS_TOKEN;
  if (token !== null && !/^[\x21-\x7e]{16,256}$/.test(token)) {
    throw new ConfigError('METRICS_TOKEN must be 16-256 printable characters without spaces (e.g. openssl rand -hex 32)');
  }
  return {
    headersTimeoutMs,
    bodyIdleTimeoutMs: integer(env, 'BODY_IDLE_TIMEOUT_MS', 10_000, 100, MS),
    bodyTimeoutMs: integer(env, 'BODY_TIMEOUT_MS', 30_000, 100, MS),
    requestTimeoutMs,
    keepAliveTimeoutMs: integer(env, 'KEEP_ALIVE_TIMEOUT_MS', 5_000, 100, MS),
    maxConnections: integer(env, 'MAX_CONNECTIONS', 10_000, 1, 1_000_000),
    rateLimitLive: integer(env, 'RATE_LIMIT_LIVE', 1000, 0, 1_000_000),
    rateLimitTest: integer(env, 'RATE_LIMIT_TEST', 1000, 0, 1_000_000),
    rateLimitSearch: integer(env, 'RATE_LIMIT_SEARCH', 100, 0, 1_000_000),
    metricsPort,
    metricsToken: token,
    metricsSampleMs: integer(env, 'METRICS_SAMPLE_MS', 15_000, 100, MS),
    shutdownDrainMs: integer(env, 'SHUTDOWN_DRAIN_MS', 5_000, 0, MS),
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 100, MS),
  };
}
