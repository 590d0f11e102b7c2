import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Frozen. Who changed what (SPEC U-3) and the support console's sessions (SPEC U-1).
 *
 * - api_keys.name: a key's human name (`clientele keys create --name billing-service`).
 * - events.actor / events.key_id: the Clientele-Actor of the request that wrote the event (or the
 *   console user's name), and the key it authenticated with, whose name stands in for a missing actor.
 * - events_customer_timeline: one customer's events newest first, a page at a time (the console's
 *   timeline); it serves every lookup of 0006's events_customer, which it replaces.
 * - console_sessions: signed-in console users. Only the SHA-256 digest of a session's token is
 *   stored; a row belongs to one account and mode like every customer-data row.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const int8 = dialect === 'postgres' ? 'bigint' : 'integer';
  const statements = [
    `ALTER TABLE api_keys ADD COLUMN name text`,
    `ALTER TABLE events ADD COLUMN actor text`,
    `ALTER TABLE events ADD COLUMN key_id text`,
    `CREATE INDEX events_customer_timeline ON events (account_id, livemode, customer_id, created, seq) WHERE customer_id IS NOT NULL`,
    `DROP INDEX events_customer`,
    `CREATE TABLE console_sessions (
      account_id text NOT NULL REFERENCES accounts(id),
      livemode smallint NOT NULL,
      id text NOT NULL,
      token_digest text NOT NULL,
      key_id text NOT NULL,
      actor text NOT NULL,
      created ${int8} NOT NULL,
      last_seen ${int8} NOT NULL,
      PRIMARY KEY (account_id, id)
    )`,
    `CREATE UNIQUE INDEX console_sessions_token ON console_sessions (account_id, livemode, token_digest)`,
    `CREATE INDEX console_sessions_idle ON console_sessions (account_id, livemode, last_seen)`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}
