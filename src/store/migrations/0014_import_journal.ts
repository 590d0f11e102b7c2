import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Frozen. Bulk import and export (SPEC B-1, B-2).
 *
 * import_journal: one row per committed batch of an import, keyed by the imported file's digest
 * (sha256 of its bytes) and the batch's first row, written in the batch's own transaction. A
 * re-run of the same file skips every row a committed batch covers, so an interrupted import
 * continues where it stopped without creating anything twice. It holds counts only, never row
 * contents (nothing to erase with a customer).
 *
 * `export --include-deleted` walks deleted customers in (created, seq) order through 0012's
 * customers_deleted index (the list index covers live ones only).
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const int8 = dialect === 'postgres' ? 'bigint' : 'integer';
  const statements = [
    `CREATE TABLE import_journal (
      account_id text NOT NULL REFERENCES accounts(id),
      livemode smallint NOT NULL,
      digest text NOT NULL,
      first_row ${int8} NOT NULL,
      last_row ${int8} NOT NULL,
      created ${int8} NOT NULL,
      created_count integer NOT NULL,
      updated_count integer NOT NULL,
      unchanged_count integer NOT NULL,
      skipped_count integer NOT NULL,
      failed_count integer NOT NULL,
      PRIMARY KEY (account_id, livemode, digest, first_row)
    )`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}
