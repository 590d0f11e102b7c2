/**
 * All settings, parsed once at start from the environment and CLI flags, then frozen and
 * passed in. Nothing else in the code reads process.env.
 */
import { loadOperationsConfig, type OperationsConfig } from './config-operations.js';
import { ConfigError, parseBoolean, parseInteger } from './config-values.js';

export { ConfigError };

export type DatabaseTarget =
  | { kind: 'sqlite'; path: string }
  | { kind: 'postgres'; url: string };

export interface Config extends OperationsConfig {
  readonly host: string;
  readonly port: number;
  /**
   * The base URL clients reach this server at (no trailing slash): error `doc_url`s point at
   * `<publicUrl>/docs/errors#<code>`. Defaults to the listen address.
   */
  readonly publicUrl: string;
  readonly database: DatabaseTarget;
  readonly bootstrap: boolean;
  readonly logLevel: string;
  readonly pgPoolMax: number;
  /** Bench-only escape hatch; the default (and the only documented production value) is FULL. */
  readonly sqliteSynchronous: 'FULL' | 'OFF';
  readonly bodyLimitBytes: number;
  readonly apiKeyCacheMs: number;
  /** SPEC H-2: levels a customer hierarchy may have (a root is level 1). */
  readonly maxHierarchyDepth: number;
  /** SPEC E-1: events (and their deliveries) are kept at least this many days. */
  readonly eventRetentionDays: number;
  /** SPEC E-3: delays (ms) before each retry of a failed delivery; after the last, it is failed. */
  readonly webhookRetrySchedule: readonly number[];
  /** SPEC E-4: deliver to loopback and private networks too (local development and tests only). */
  readonly webhookAllowPrivateNetworks: boolean;
  /** How often the delivery worker looks for due deliveries (it is also woken by new events). */
  readonly webhookPollMs: number;
  /** SPEC E-3: an endpoint has this long to answer a delivery. */
  readonly webhookTimeoutMs: number;
  /** How long a claim holds a delivery: a crashed process's deliveries are sent again after it. */
  readonly webhookLeaseMs: number;
  /** Deliveries in flight at once per server process. */
  readonly webhookConcurrency: number;
  /** SPEC U-1: a support-console session ends after this many seconds without a request. */
  readonly consoleIdleTimeoutSeconds: number;
  /**
   * Issue 19: the SMTP server the portal's sign-in mails go through (`smtp://` or `smtps://`,
   * credentials in the URL); null: no sign-in by email. Never logged (it may hold a password).
   */
  readonly smtpUrl: string | null;
  /** The From of those mails. */
  readonly mailFrom: string;
}

export interface ConfigOverrides {
  host?: string | undefined;
  port?: string | undefined;
  database?: string | undefined;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function parseDatabaseUrl(raw: string): DatabaseTarget {
  const value = raw.trim();
  if (value === '') throw new ConfigError('DATABASE_URL is empty');
  if (/^postgres(ql)?:\/\//i.test(value)) {
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      throw new ConfigError('DATABASE_URL is not a valid postgres:// URL');
    }
    if (!parsed.hostname && !parsed.searchParams.get('host')) {
      throw new ConfigError('DATABASE_URL has no host (expected postgres://user:password@host:5432/database)');
    }
    return { kind: 'postgres', url: value };
  }
  if (value.startsWith('sqlite:')) {
    let path = value.slice('sqlite:'.length);
    if (path.startsWith('//')) path = path.slice(2);
    if (path === '') throw new ConfigError('DATABASE_URL sqlite: needs a file path, e.g. sqlite:./data/clientele.db');
    return { kind: 'sqlite', path };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value);
  if (scheme) {
    throw new ConfigError(`DATABASE_URL scheme '${scheme[1]}' is not supported (use sqlite:PATH or postgres://…)`);
  }
  return { kind: 'sqlite', path: value };
}

/** PUBLIC_URL: absolute http(s), no trailing slash, nothing after the path (it is a prefix). */
export function parsePublicUrl(raw: string): string {
  const name = 'PUBLIC_URL';
  const value = raw.trim();
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(`${name} must be an absolute http:// or https:// URL such as https://clientele.example.com, got '${raw}'`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(`${name} must use http:// or https://, got '${raw}'`);
  }
  if (parsed.username || parsed.password) throw new ConfigError(`${name} must not contain a user name or password`);
  if (parsed.search || parsed.hash || value.includes('?') || value.includes('#')) {
    throw new ConfigError(`${name} must not have a query string or fragment, got '${raw}'`);
  }
  if (value.endsWith('/')) {
    throw new ConfigError(`${name} must not end with a slash (use ${value.replace(/\/+$/, '')}), got '${raw}'`);
  }
  return value;
}

/** SMTP_URL: smtp:// or smtps://, with a host; credentials and nodemailer's options may follow. */
export function parseSmtpUrl(raw: string): string | null {
  const name = 'SMTP_URL';
  const value = raw.trim();
  if (value === '') return null;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    // The value is not echoed: it may hold a password.
    throw new ConfigError(`${name} must be a URL such as smtp://user:password@mail.example.com:587 or smtps://mail.example.com:465`);
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') {
    throw new ConfigError(`${name} must use smtp:// or smtps://, got '${parsed.protocol}//…'`);
  }
  if (!parsed.hostname) throw new ConfigError(`${name} has no host (expected smtp://user:password@mail.example.com:587)`);
  return value;
}

/** MAIL_FROM: an address, optionally with a display name (`Acme Billing <billing@acme.example>`). */
export function parseMailFrom(raw: string): string {
  const value = raw.trim();
  const address = /<([^<>]+)>$/.exec(value)?.[1] ?? value;
  if (!/^[^\s@<>]+@[^\s@<>]+$/.test(address) || /[\r\n]/.test(value)) {
    throw new ConfigError(`MAIL_FROM must be an email address, optionally with a name (Acme Billing <billing@acme.example>), got '${raw}'`);
  }
  return value;
}

/** PUBLIC_URL's default: the listen address, an IPv6 host in brackets. */
function listenUrl(host: string, port: number): string {
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  try {
    return parsePublicUrl(url);
  } catch {
    throw new ConfigError(`HOST '${host}' does not form a URL (${url}); set PUBLIC_URL to the URL clients reach the server at`);
  }
}

/** The default retry delays: about 3 days in all (SPEC E-3). */
export const DEFAULT_WEBHOOK_RETRY_SCHEDULE = '1m,5m,30m,2h,5h,10h,24h,30h';

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `1m,5m,30m,2h` → milliseconds; a bare number is seconds. Each delay 100 ms … 7 days. */
export function parseRetrySchedule(raw: string): number[] {
  const name = 'WEBHOOK_RETRY_SCHEDULE';
  const items = raw.split(',').map((s) => s.trim());
  if (items.length > 50) throw new ConfigError(`${name} may list at most 50 delays, got ${items.length}`);
  return items.map((item) => {
    const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(item);
    if (!match) throw new ConfigError(`${name} must be comma-separated delays such as 1m,5m,30m,2h (units ms, s, m, h, d), got '${raw}'`);
    const ms = Math.round(Number(match[1]) * (DURATION_UNITS[match[2] ?? 's'] ?? 1000));
    if (ms < 100 || ms > 7 * 86_400_000) throw new ConfigError(`${name}: each delay must be between 100ms and 7d, got '${item}'`);
    return ms;
  });
}

export function loadConfig(env: NodeJS.ProcessEnv, overrides: ConfigOverrides = {}): Config {
  const host = overrides.host ?? env.HOST ?? '127.0.0.1';
  if (host.trim() === '') throw new ConfigError('HOST is empty');
  const port = parseInteger('PORT', overrides.port ?? env.PORT ?? '4242', 0, 65535);
  const publicUrl = env.PUBLIC_URL !== undefined ? parsePublicUrl(env.PUBLIC_URL) : listenUrl(host, port);
  const database = parseDatabaseUrl(overrides.database ?? env.DATABASE_URL ?? 'sqlite:./data/clientele.db');
  const logLevel = (env.LOG_LEVEL ?? 'info').toLowerCase();
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got '${env.LOG_LEVEL}'`);
  }
  const sync = (env.CLIENTELE_SQLITE_SYNCHRONOUS ?? 'FULL').toUpperCase();
  if (sync !== 'FULL' && sync !== 'OFF') {
    throw new ConfigError(`CLIENTELE_SQLITE_SYNCHRONOUS must be FULL (default) or OFF (benchmarks only)`);
  }
  const webhookTimeoutMs = parseInteger('WEBHOOK_TIMEOUT_MS', env.WEBHOOK_TIMEOUT_MS ?? '10000', 100, 60_000);
  return Object.freeze({
    host,
    port,
    publicUrl,
    database,
    bootstrap: parseBoolean('CLIENTELE_BOOTSTRAP', env.CLIENTELE_BOOTSTRAP ?? 'true'),
    logLevel,
    pgPoolMax: parseInteger('PG_POOL_MAX', env.PG_POOL_MAX ?? '10', 1, 1000),
    sqliteSynchronous: sync,
    bodyLimitBytes: 1024 * 1024,
    ...loadOperationsConfig(env, port),
    apiKeyCacheMs: 500,
    eventRetentionDays: parseInteger('EVENT_RETENTION_DAYS', env.EVENT_RETENTION_DAYS ?? '30', 1, 3650),
    maxHierarchyDepth: parseInteger('CLIENTELE_MAX_HIERARCHY_DEPTH', env.CLIENTELE_MAX_HIERARCHY_DEPTH ?? '5', 1, 20),
    webhookRetrySchedule: Object.freeze(parseRetrySchedule(env.WEBHOOK_RETRY_SCHEDULE ?? DEFAULT_WEBHOOK_RETRY_SCHEDULE)),
    webhookAllowPrivateNetworks: parseBoolean('WEBHOOK_ALLOW_PRIVATE_NETWORKS', env.WEBHOOK_ALLOW_PRIVATE_NETWORKS ?? 'false'),
    webhookPollMs: parseInteger('WEBHOOK_POLL_MS', env.WEBHOOK_POLL_MS ?? '1000', 10, 600_000),
    webhookTimeoutMs,
    webhookLeaseMs: parseInteger('WEBHOOK_LEASE_MS', env.WEBHOOK_LEASE_MS ?? String(webhookTimeoutMs * 2 + 5_000), webhookTimeoutMs + 1_000, 3_600_000),
    webhookConcurrency: parseInteger('WEBHOOK_CONCURRENCY', env.WEBHOOK_CONCURRENCY ?? '32', 1, 1000),
    consoleIdleTimeoutSeconds: 60 * parseInteger('CONSOLE_IDLE_TIMEOUT_MINUTES', env.CONSOLE_IDLE_TIMEOUT_MINUTES ?? '30', 1, 1440),
    smtpUrl: parseSmtpUrl(env.SMTP_URL ?? ''),
    mailFrom: parseMailFrom(env.MAIL_FROM ?? 'Clientele <no-reply@localhost>'),
  });
}
