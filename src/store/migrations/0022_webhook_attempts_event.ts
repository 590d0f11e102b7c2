import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Frozen. The webhook attempts of an event, by index: the retention sweep deletes an old event's
 * attempts by `event_id`, which no index held, so every deletion read all of the account's
 * attempts (and a sweep of n events read them n times). The mode is in the index so that it
 * matches more terms than webhook_attempts_endpoint's (account_id, livemode, …) for SQLite's
 * planner, which has no statistics here.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await sql.raw(`CREATE INDEX webhook_attempts_event ON webhook_attempts (account_id, livemode, event_id)`).execute(db);
}
