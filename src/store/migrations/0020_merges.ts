import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Frozen. Merging duplicate customers (SPEC issue 24).
 *
 * A merged source stays a tombstone with `merged_into` (its survivor) and keeps, as an alias,
 * the external id that no longer lives: customers_merged_alias finds the survivor from it. The
 * survivor lists what it absorbed in `merged_from`. customer_merges keeps, per absorbed
 * customer, what moved (the export's provenance).
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
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}
