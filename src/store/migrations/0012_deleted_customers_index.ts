import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Frozen. Deleted customers (tombstones) in list order, for FlexPrice's search with
 * `status: archived` (SPEC D-1): every other list index covers live rows only (`deleted = 0`).
 * Tombstones hold no personal data, so the index holds none either.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await sql`CREATE INDEX customers_deleted ON customers (account_id, livemode, created, seq) WHERE deleted = 1`.execute(db);
}
