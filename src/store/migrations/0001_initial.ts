import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Frozen. Accounts, API keys and customers. Customer-data tables lead every primary key and
 * unique constraint with account_id so they can be distributed by account (docs/deployment.md).
 * On SQLite the list order column `seq` is the rowid; on PostgreSQL an identity column.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const pg = dialect === 'postgres';
  const json = pg ? 'jsonb' : 'text';
  const int8 = pg ? 'bigint' : 'integer';
  const seq = pg ? 'seq bigint GENERATED ALWAYS AS IDENTITY' : 'seq INTEGER PRIMARY KEY';
  const customersKey = pg ? 'PRIMARY KEY (account_id, id)' : 'UNIQUE (account_id, id)';

  const statements = [
    `CREATE TABLE accounts (
      id text PRIMARY KEY,
      name text NOT NULL,
      created ${int8} NOT NULL,
      unique_emails smallint NOT NULL DEFAULT 0,
      fingerprint_secret text NOT NULL
    )`,
    `CREATE TABLE api_keys (
      account_id text NOT NULL REFERENCES accounts(id),
      id text NOT NULL,
      livemode smallint NOT NULL,
      restricted smallint NOT NULL,
      digest text NOT NULL,
      prefix text NOT NULL,
      last4 text NOT NULL,
      created ${int8} NOT NULL,
      expires_at ${int8},
      revoked_at ${int8},
      PRIMARY KEY (account_id, id)
    )`,
    `CREATE UNIQUE INDEX api_keys_digest ON api_keys (digest)`,
    `CREATE TABLE customers (
      ${seq},
      account_id text NOT NULL REFERENCES accounts(id),
      livemode smallint NOT NULL,
      id text NOT NULL,
      created ${int8} NOT NULL,
      updated ${int8} NOT NULL,
      deleted smallint NOT NULL DEFAULT 0,
      version integer NOT NULL DEFAULT 1,
      external_id text,
      email text,
      email_key text,
      name text,
      business_name text,
      individual_name text,
      first_name text,
      last_name text,
      phone text,
      phone_e164 text,
      description text,
      notes text,
      address ${json},
      shipping ${json},
      balance ${int8} NOT NULL DEFAULT 0,
      currency text,
      invoice_prefix text,
      invoice_settings ${json} NOT NULL,
      next_invoice_sequence ${int8} NOT NULL DEFAULT 1,
      preferred_locales ${json} NOT NULL,
      tax_exempt text NOT NULL DEFAULT 'none',
      metadata ${json} NOT NULL,
      parent_id text,
      created_by text,
      updated_by text,
      ${customersKey}
    )`,
    `CREATE INDEX customers_list ON customers (account_id, livemode, created, seq) WHERE deleted = 0`,
    `CREATE UNIQUE INDEX customers_external_id ON customers (account_id, livemode, external_id)
      WHERE deleted = 0 AND external_id IS NOT NULL`,
    `CREATE INDEX customers_email ON customers (account_id, livemode, email, created, seq)
      WHERE deleted = 0 AND email IS NOT NULL`,
    `CREATE INDEX customers_email_key ON customers (account_id, livemode, email_key)
      WHERE deleted = 0 AND email_key IS NOT NULL`,
    `CREATE INDEX customers_parent ON customers (account_id, livemode, parent_id, created, seq)
      WHERE deleted = 0 AND parent_id IS NOT NULL`,
    `CREATE UNIQUE INDEX customers_invoice_prefix ON customers (account_id, invoice_prefix)`,
    `CREATE TABLE customer_metadata (
      account_id text NOT NULL,
      livemode smallint NOT NULL,
      customer_id text NOT NULL,
      key text NOT NULL,
      value text NOT NULL,
      PRIMARY KEY (account_id, customer_id, key)
    )`,
    `CREATE INDEX customer_metadata_lookup ON customer_metadata (account_id, livemode, key, value, customer_id)`,
  ];
  for (const statement of statements) {
    await sql.raw(statement).execute(db);
  }
}
