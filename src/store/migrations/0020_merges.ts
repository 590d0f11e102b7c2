import { sql, type Kysely } from 'kysely';
import { emailMatchKey, nameAddressKey } from '../../domain/duplicates/match-keys.js';
import type { Address } from '../../domain/customers/customer.js';
import type { Dialect } from '../dialect.js';

/**
 * Frozen. Merging duplicate customers (SPEC issue 24).
 *
 * A merged source stays a tombstone with `merged_into` (its survivor) and keeps, as an alias,
 * the external id that no longer lives: customers_merged_alias finds the survivor from it. The
 * survivor lists what it absorbed in `merged_from`. customer_merges keeps, per absorbed
 * customer, what moved (the export's provenance).
 *
 * Finding duplicates: every signal is an index. `email_match` (customers and contacts) is the
 * email as emailMatchKey folds it, `name_address_key` the folded name, postal code and country
 * (nameAddressKey); both are written by the repositories with every row and filled here for
 * the rows that exist. Phones use the E.164 indexes of 0005 and 0017; tax ids get one on
 * (type, value).
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const pg = dialect === 'postgres';
  const json = pg ? 'jsonb' : 'text';
  const int8 = pg ? 'bigint' : 'integer';
  const statements = [
    `ALTER TABLE customers ADD COLUMN merged_into text`,
    `ALTER TABLE customers ADD COLUMN merged_from ${json}`,
    `CREATE INDEX customers_merged_alias ON customers (account_id, livemode, external_id)
      WHERE deleted = 1 AND merged_into IS NOT NULL AND external_id IS NOT NULL`,
    `CREATE INDEX customers_merged_into ON customers (account_id, livemode, merged_into) WHERE merged_into IS NOT NULL`,
    `CREATE TABLE customer_merges (
      account_id text NOT NULL REFERENCES accounts(id),
      livemode smallint NOT NULL,
      source_id text NOT NULL,
      target_id text NOT NULL,
      created ${int8} NOT NULL,
      moved ${json} NOT NULL,
      PRIMARY KEY (account_id, livemode, source_id)
    )`,
    `CREATE INDEX customer_merges_target ON customer_merges (account_id, livemode, target_id, created)`,
    `ALTER TABLE customers ADD COLUMN email_match text`,
    `ALTER TABLE customers ADD COLUMN name_address_key text`,
    `ALTER TABLE contacts ADD COLUMN email_match text`,
    `CREATE INDEX customers_duplicates_email ON customers (account_id, livemode, email_match, id) WHERE deleted = 0 AND email_match IS NOT NULL`,
    `CREATE INDEX customers_duplicates_name_address ON customers (account_id, livemode, name_address_key, id)
      WHERE deleted = 0 AND name_address_key IS NOT NULL`,
    `CREATE INDEX customers_duplicates_phone ON customers (account_id, livemode, phone_e164, id) WHERE deleted = 0 AND phone_e164 IS NOT NULL`,
    `CREATE INDEX contacts_duplicates_email ON contacts (account_id, livemode, email_match, customer_id) WHERE email_match IS NOT NULL`,
    `CREATE INDEX contacts_duplicates_phone ON contacts (account_id, livemode, phone_e164, customer_id) WHERE phone_e164 IS NOT NULL`,
    `CREATE INDEX tax_ids_duplicates ON tax_ids (account_id, livemode, type, value, customer_id)`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
  await backfill(db);
}

const PAGE = 1000;

/** The match keys of the rows written before this migration, a page at a time. */
async function backfill(db: Kysely<unknown>): Promise<void> {
  for (let after = -1; ; ) {
    const { rows } = await sql<{ seq: number | string; account_id: string; id: string; email: string | null; name: string | null; address: unknown }>`
      SELECT seq, account_id, id, email, name, address FROM customers WHERE seq > ${after} ORDER BY seq LIMIT ${PAGE}`.execute(db);
    for (const row of rows) {
      const address = (typeof row.address === 'string' ? JSON.parse(row.address) : row.address) as Address | null;
      const email = emailMatchKey(row.email);
      const nameAddress = nameAddressKey(row.name, address);
      if (email !== null || nameAddress !== null) {
        await sql`UPDATE customers SET email_match = ${email}, name_address_key = ${nameAddress} WHERE account_id = ${row.account_id} AND id = ${row.id}`.execute(db);
      }
    }
    if (rows.length < PAGE) break;
    after = Number(rows[rows.length - 1]?.seq);
  }
  for (let after = -1; ; ) {
    const { rows } = await sql<{ seq: number | string; account_id: string; id: string; email: string | null }>`
      SELECT seq, account_id, id, email FROM contacts WHERE seq > ${after} AND email IS NOT NULL ORDER BY seq LIMIT ${PAGE}`.execute(db);
    for (const row of rows) {
      await sql`UPDATE contacts SET email_match = ${emailMatchKey(row.email)} WHERE account_id = ${row.account_id} AND id = ${row.id}`.execute(db);
    }
    if (rows.length < PAGE) break;
    after = Number(rows[rows.length - 1]?.seq);
  }
}
