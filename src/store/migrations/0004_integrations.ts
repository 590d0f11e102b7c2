import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/** Frozen. A customer's records in other systems (SPEC I-1, I-2). */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const pg = dialect === 'postgres';
  const statements = [
    `CREATE TABLE integrations (
      ${pg ? 'seq bigint GENERATED ALWAYS AS IDENTITY' : 'seq INTEGER PRIMARY KEY'},
      account_id text NOT NULL REFERENCES accounts(id),
      livemode smallint NOT NULL,
      id text NOT NULL,
      created ${pg ? 'bigint' : 'integer'} NOT NULL,
      customer_id text NOT NULL,
      provider text NOT NULL,
      provider_id text NOT NULL,
      metadata ${pg ? 'jsonb' : 'text'} NOT NULL,
      ${pg ? 'PRIMARY KEY (account_id, id)' : 'UNIQUE (account_id, id)'}
    )`,
    `CREATE UNIQUE INDEX integrations_provider ON integrations (account_id, livemode, provider, provider_id)`,
    `CREATE INDEX integrations_customer ON integrations (account_id, livemode, customer_id, created, seq)`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}
