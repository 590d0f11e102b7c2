import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Frozen. A customer's address book (SPEC K-1). An entry may be the customer's default billing
 * address (its `address`) and its default shipping address (its `shipping`): one of each per
 * customer at most, which the partial unique indexes hold whatever the writers do.
 * `postal_code_key` is the postal code folded by the service (upper case, no spaces or dashes),
 * for `address_postal_code:` search.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const pg = dialect === 'postgres';
  const json = pg ? 'jsonb' : 'text';
  const int8 = pg ? 'bigint' : 'integer';
  const statements = [
    `CREATE TABLE addresses (
      ${pg ? 'seq bigint GENERATED ALWAYS AS IDENTITY' : 'seq INTEGER PRIMARY KEY'},
      account_id text NOT NULL REFERENCES accounts(id),
      livemode smallint NOT NULL,
      id text NOT NULL,
      created ${int8} NOT NULL,
      updated ${int8} NOT NULL,
      version integer NOT NULL DEFAULT 1,
      customer_id text NOT NULL,
      label text,
      name text,
      phone text,
      address ${json} NOT NULL,
      postal_code_key text,
      default_billing smallint NOT NULL DEFAULT 0,
      default_shipping smallint NOT NULL DEFAULT 0,
      metadata ${json} NOT NULL,
      ${pg ? 'PRIMARY KEY (account_id, id)' : 'UNIQUE (account_id, id)'}
    )`,
    `CREATE INDEX addresses_customer ON addresses (account_id, livemode, customer_id, created, seq)`,
    `CREATE UNIQUE INDEX addresses_default_billing ON addresses (account_id, livemode, customer_id) WHERE default_billing = 1`,
    `CREATE UNIQUE INDEX addresses_default_shipping ON addresses (account_id, livemode, customer_id) WHERE default_shipping = 1`,
    `CREATE INDEX addresses_search_postal_code ON addresses (account_id, livemode, postal_code_key)`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}
