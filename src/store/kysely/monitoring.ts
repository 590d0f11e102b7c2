import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';
import type { StoreSample } from '../port.js';
import type { Database } from '../schema.js';
import { ACROSS_ACCOUNTS_MARK } from './tenant.js';

/**
 * The database-backed gauges of GET /metrics, read every METRICS_SAMPLE_MS (never per scrape),
 * across all accounts. The outbox is counted exactly (the pending rows are a partial index);
 * table sizes are estimates that cost nothing to read: on SQLite the span of rowids (events and
 * idempotency records are deleted oldest first, so the span is the row count within the rows
 * swept mid-range), on PostgreSQL the statistics collector's live-row count.
 */
export async function sampleStore(db: Kysely<Database>, dialect: Dialect): Promise<StoreSample> {
  const outbox = await sql<{ pending: number | string; oldest: number | string | null }>`
    select count(*) as pending, min(created) as oldest from webhook_deliveries
    where status = 'pending' ${sql.raw(ACROSS_ACCOUNTS_MARK)}`.execute(db);
  const row = outbox.rows[0];
  const sizes = dialect === 'sqlite' ? await sqliteSizes(db) : await postgresSizes(db);
  return {
    outboxPending: Number(row?.pending ?? 0),
    oldestPendingCreated: row?.oldest === null || row?.oldest === undefined ? null : Number(row.oldest),
    ...sizes,
  };
}

async function sqliteSizes(db: Kysely<Database>): Promise<Pick<StoreSample, 'events' | 'idempotencyRecords'>> {
  const span = async (table: 'events' | 'idempotency_keys') => {
    const result = await sql<{ n: number | null }>`
      select max(rowid) - min(rowid) + 1 as n from ${sql.table(table)} ${sql.raw(ACROSS_ACCOUNTS_MARK)}`.execute(db);
    return Number(result.rows[0]?.n ?? 0);
  };
  return { events: await span('events'), idempotencyRecords: await span('idempotency_keys') };
}

async function postgresSizes(db: Kysely<Database>): Promise<Pick<StoreSample, 'events' | 'idempotencyRecords'>> {
  const result = await sql<{ relname: string; n: number | string }>`
    select relname, n_live_tup as n from pg_stat_user_tables where relname in ('events', 'idempotency_keys')`.execute(db);
  const of = (name: string) => Number(result.rows.find((r) => r.relname === name)?.n ?? 0);
  return { events: of('events'), idempotencyRecords: of('idempotency_keys') };
}
