import { Kysely, PostgresAdapter, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';
import type { StatementObserver } from './sqlite.js';
import { reportQuery } from './telemetry.js';

// int8 columns hold unix seconds, balances and sequence numbers: all far below 2^53.
// Parse them as numbers, but refuse silently losing precision.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`int8 value ${value} exceeds the safe integer range`);
  return n;
});

export interface PostgresOptions {
  url: string;
  poolMax: number;
  /** Sees the text of every statement run (tests check each for its tenant scope). */
  onStatement?: StatementObserver | undefined;
}

/** How long opening a connection may take before it counts as failed. */
export const CONNECT_TIMEOUT_MS = 10_000;

/**
 * The store runs migrations inside a transaction that already holds a transaction-scoped
 * advisory lock (kysely-store.ts), so the migrator's own session-level lock is skipped: a
 * session lock survives a rollback and, behind PgBouncer in transaction mode, can be left
 * held on a server connection some other client gets next.
 */
class TransactionLockedAdapter extends PostgresAdapter {
  override async acquireMigrationLock(): Promise<void> {}
  override async releaseMigrationLock(): Promise<void> {}
}

class ClienteleDialect extends PostgresDialect {
  override createAdapter(): PostgresAdapter {
    return new TransactionLockedAdapter();
  }
}

export function openPostgres(options: PostgresOptions): { db: Kysely<Database>; pool: pg.Pool } {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolMax,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    idleTimeoutMillis: 30_000,
    application_name: 'clientele',
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  const { onStatement } = options;
  const db = new Kysely<Database>({
    dialect: new ClienteleDialect({ pool }),
    // Every query's duration goes to the metrics (src/store/telemetry.ts); tests also see its text.
    log: (event) => {
      onStatement?.(event.query.sql);
      reportQuery(event.queryDurationMillis / 1000);
    },
  });
  return { db, pool };
}

interface PgErrorLike {
  code?: string;
  message?: string;
}

/**
 * One clear line for a failed first connection: no stack, no driver dump, never the password.
 * Network errors carry errno codes, server refusals SQLSTATEs; pg's own failures only a message.
 */
export function describePostgresError(error: unknown, url: string): string {
  let target = 'PostgreSQL';
  let user = '';
  let database = '';
  try {
    const parsed = new URL(url);
    target = `PostgreSQL at ${parsed.hostname || 'localhost'}:${parsed.port || '5432'}`;
    user = decodeURIComponent(parsed.username);
    database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  } catch {
    // keep the generic target
  }
  const e = (error ?? {}) as PgErrorLike;
  const said = (e.message ?? '').split('\n')[0]?.trim() ?? '';
  const why = (() => {
    switch (e.code) {
      case 'ECONNREFUSED':
        return 'connection refused (is PostgreSQL running and listening on that port?)';
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return 'host not found';
      case 'ETIMEDOUT':
        return 'timed out';
      case 'EHOSTUNREACH':
      case 'ENETUNREACH':
        return 'host unreachable';
      case 'ECONNRESET':
        return 'the server closed the connection (is it PostgreSQL?)';
      case '28P01':
        return `authentication failed for user '${user}' (check the password in DATABASE_URL)`;
      case '28000': // e.g. no pg_hba.conf entry, or the role does not exist
        return `access refused: ${said}`;
      case '3D000':
        return `database '${database}' does not exist (create it first, e.g. createdb ${database})`;
      case '53300':
        return `too many connections: ${said} (lower PG_POOL_MAX or raise max_connections)`;
      case '57P03':
        return `the server is not accepting connections yet: ${said}`;
      case undefined:
        break;
      default:
        return said ? `${said} (${e.code})` : e.code;
    }
    if (/connection timeout|timeout expired|timeout exceeded/i.test(said)) {
      return `timed out after ${CONNECT_TIMEOUT_MS / 1000} s`;
    }
    if (/terminated unexpectedly/i.test(said)) return 'the server closed the connection (is it PostgreSQL?)';
    if (/client password must be a string/i.test(said)) {
      return `the server wants a password for user '${user}' and DATABASE_URL has none`;
    }
    return said || 'unknown error';
  })();
  return `cannot connect to ${target}: ${why}`;
}
