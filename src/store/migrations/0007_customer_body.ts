import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Frozen. The customer's API representation (unexpanded), written by every change to the row
 * in the same statement, so a retrieve sends stored bytes instead of rebuilding them. Rows
 * written before this migration have none until their next change; a retrieve renders those.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await sql`ALTER TABLE customers ADD COLUMN body text`.execute(db);
}
