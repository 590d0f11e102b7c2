import { sql, type Kysely } from 'kysely';
import type { RateLimitStore } from '../port.js';
import type { Database } from '../schema.js';

/**
 * The shared token buckets on PostgreSQL (migration 0011): one statement leases tokens
 * atomically — the row is refilled for the time since its last lease (by the database's clock,
 * so the processes' clocks need not agree), then `want` tokens are taken, or as many whole
 * ones as there are. A bucket seen for the first time starts full. The table is UNLOGGED: no WAL, no flush.
 */
export function postgresRateBuckets(db: Kysely<Database>): RateLimitStore {
  return {
    async lease(bucket, limit, want) {
      const refilled = sql`least(${limit}::float8, b.tokens + greatest(0, excluded.updated_ms - b.updated_ms) * ${limit}::float8 / 1000)`;
      // `want` tokens, or as many whole ones as there are.
      const grant = sql`least(${want}::int, floor(${refilled})::int)`;
      const result = await sql<{ tokens: number; granted: number }>`
        insert into rate_limit_buckets as b (account_id, bucket, tokens, updated_ms, granted)
        values (${bucket.accountId}, ${bucket.id}, ${limit}::float8 - ${want}::int, extract(epoch from clock_timestamp()) * 1000, ${want}::int)
        on conflict (account_id, bucket) do update set
          tokens = ${refilled} - ${grant},
          granted = ${grant},
          updated_ms = excluded.updated_ms
        returning tokens, granted`.execute(db);
      const row = result.rows[0];
      return { granted: Number(row?.granted ?? 0), tokens: Number(row?.tokens ?? 0) };
    },
  };
}

/** SQLite: one node, so the buckets are this process's (the same arithmetic, in memory). */
export function memoryRateBuckets(now: () => number = () => performance.now()): RateLimitStore {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    async lease(bucket, limit, want) {
      const key = `${bucket.accountId}\u0000${bucket.id}`;
      const t = now();
      const found = buckets.get(key);
      const tokens = found ? Math.min(limit, found.tokens + ((t - found.at) * limit) / 1000) : limit;
      const granted = Math.min(want, Math.floor(tokens));
      if (buckets.size >= 100_000 && !found) {
        // Buckets idle for a second are full again: forgetting them changes nothing.
        for (const [k, b] of buckets) if (t - b.at > 1000) buckets.delete(k);
      }
      buckets.set(key, { tokens: tokens - granted, at: t });
      return { granted, tokens: tokens - granted };
    },
  };
}
