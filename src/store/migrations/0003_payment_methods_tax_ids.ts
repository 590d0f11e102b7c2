import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Frozen. Payment methods (never a card number or CVC: only display details and a keyed
 * fingerprint) and customer tax ids.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const pg = dialect === 'postgres';
  const json = pg ? 'jsonb' : 'text';
  const int8 = pg ? 'bigint' : 'integer';
  const seq = pg ? 'seq bigint GENERATED ALWAYS AS IDENTITY' : 'seq INTEGER PRIMARY KEY';
  const key = pg ? 'PRIMARY KEY (account_id, id)' : 'UNIQUE (account_id, id)';
  const statements = [
    `CREATE TABLE payment_methods (
      ${seq},
      account_id text NOT NULL REFERENCES accounts(id),
      livemode smallint NOT NULL,
      id text NOT NULL,
      created ${int8} NOT NULL,
      updated ${int8} NOT NULL,
      version integer NOT NULL DEFAULT 1,
      type text NOT NULL,
      customer_id text,
      detached smallint NOT NULL DEFAULT 0,
      billing_details ${json} NOT NULL,
      card ${json},
      provider_name text,
      provider_reference text,
      metadata ${json} NOT NULL,
      ${key}
    )`,
    `CREATE INDEX payment_methods_customer ON payment_methods (account_id, livemode, customer_id, created, seq)
      WHERE customer_id IS NOT NULL`,
    `CREATE INDEX payment_methods_list ON payment_methods (account_id, livemode, created, seq)`,
    `CREATE TABLE tax_ids (
      ${seq},
      account_id text NOT NULL REFERENCES accounts(id),
      livemode smallint NOT NULL,
      id text NOT NULL,
      created ${int8} NOT NULL,
      customer_id text NOT NULL,
      type text NOT NULL,
      value text NOT NULL,
      country text,
      verification_status text NOT NULL DEFAULT 'unverified',
      ${key}
    )`,
    `CREATE INDEX tax_ids_customer ON tax_ids (account_id, livemode, customer_id, created, seq)`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}
