import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Frozen. Idempotency records: the first response to a keyed POST, stored in the same
 * transaction as the write it describes. Only a hash of the parameters is kept, never the body.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const int8 = dialect === 'postgres' ? 'bigint' : 'integer';
  const json = dialect === 'postgres' ? 'jsonb' : 'text';
  const statements = [
    `CREATE TABLE idempotency_keys (
      account_id text NOT NULL,
      livemode smallint NOT NULL,
      key text NOT NULL,
      endpoint text NOT NULL,
      params_hash text NOT NULL,
      status_code integer NOT NULL,
      headers ${json} NOT NULL,
      body text NOT NULL,
      request_id text NOT NULL,
      created ${int8} NOT NULL,
      PRIMARY KEY (account_id, livemode, key)
    )`,
    `CREATE INDEX idempotency_keys_created ON idempotency_keys (created)`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}
