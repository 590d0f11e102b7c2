import { sql, type Kysely } from 'kysely';

/** Frozen. GET /v1/tax_ids lists every tax id of the scope newest first: an index for that order. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`CREATE INDEX tax_ids_list ON tax_ids (account_id, livemode, created, seq)`).execute(db);
}
