import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

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
}

export function openPostgres(options: PostgresOptions): { db: Kysely<Database>; pool: pg.Pool } {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolMax,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    application_name: 'clientele',
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, pool };
}

interface PgErrorLike {
  code?: string;
  message?: string;
}

/** One clear line for a failed first connection: no stack, no driver dump. */
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
  switch (e.code) {
    case 'ECONNREFUSED':
      return `cannot connect to ${target}: connection refused`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot connect to ${target}: host not found`;
    case 'ETIMEDOUT':
      return `cannot connect to ${target}: timed out`;
    case '28P01':
    case '28000':
      return `cannot connect to ${target}: authentication failed for user '${user}'`;
    case '3D000':
      return `cannot connect to ${target}: database '${database}' does not exist`;
    default:
      return `cannot connect to ${target}: ${e.code ?? 'error'}${e.message && !e.code ? ` (${e.message.split('\n')[0]})` : ''}`;
  }
}
