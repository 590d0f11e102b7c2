import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Frozen. Rate limits (SPEC R-4): a key's own limit (requests per second; null: its mode's
 * setting, 0: none), and on PostgreSQL the token buckets the API processes share
 * (src/store/kysely/rate-limit-buckets.ts). Buckets are UNLOGGED: they are rebuilt within a
 * second after a crash, so they need no WAL, and leasing tokens never waits for a disk flush.
 * SQLite keeps its buckets in the process's memory (one node), so it has no such table.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await sql`ALTER TABLE api_keys ADD COLUMN rate_limit integer`.execute(db);
  if (dialect !== 'postgres') return;
  await sql`
    CREATE UNLOGGED TABLE rate_limit_buckets (
      account_id text NOT NULL,
      bucket text NOT NULL,
      tokens double precision NOT NULL,
      updated_ms double precision NOT NULL,
      granted integer NOT NULL,
      PRIMARY KEY (account_id, bucket)
    )`.execute(db);
}
