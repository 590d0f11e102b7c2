import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Frozen. Lists filtered by `email` use 0005's customers_search_email (on the lower-cased
 * address, then `created, seq`) and compare the exact address on its rows, so 0001's
 * customers_email, the same shape on the address as given, is dropped: every create and every
 * change of address wrote a random page of both.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await sql`DROP INDEX customers_email`.execute(db);
}
