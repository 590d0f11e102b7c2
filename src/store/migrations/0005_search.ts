import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Frozen. Customer search (SPEC ): indexes for exact `:` lookups on name, phone and
 * external_id, and substring (`~`) indexes on email, name and phone kept in the writing
 * transaction, so a customer is searchable the moment the request that wrote it returns.
 *
 * SQLite: an FTS5 trigram index (case-insensitive) maintained by triggers. It is an external-
 * content table over a view of the live customers, so it holds no copy of the text; its rowid
 * is the search key created * 2^31 + seq, so iterating it by rowid descending is exactly
 * newest-first order (created, seq) and a page stops after `limit` matches. secure-delete
 * removes an erased customer's terms from the index instead of masking them.
 *
 * PostgreSQL: pg_trgm GIN indexes on the folded columns (live rows only) serve LIKE '%…%'.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const statements = dialect === 'postgres' ? postgres() : sqlite();
  for (const statement of statements) await sql.raw(statement).execute(db);
}

/**
 * Exact `:` lookups, each ending in (created, seq) so the index also yields newest-first order
 * and a page is read straight off it. The email one replaces 0001's customers_email_key, which
 * serves the unique-email check just as well with the order columns added.
 */
function exactLookups(): string[] {
  return [
    `DROP INDEX customers_email_key`,
    `CREATE INDEX customers_search_email ON customers (account_id, livemode, email_key, created, seq) WHERE deleted = 0`,
    `CREATE INDEX customers_search_name ON customers (account_id, livemode, lower(name), created, seq) WHERE deleted = 0`,
    `CREATE INDEX customers_search_phone ON customers (account_id, livemode, lower(phone), created, seq) WHERE deleted = 0`,
    `CREATE INDEX customers_search_phone_e164 ON customers (account_id, livemode, phone_e164, created, seq) WHERE deleted = 0`,
    `CREATE INDEX customers_search_external_id ON customers (account_id, livemode, lower(external_id), created, seq)
      WHERE deleted = 0`,
  ];
}

function postgres(): string[] {
  return [
    // Trusted since PostgreSQL 13: the database owner may create it without superuser rights.
    `CREATE EXTENSION IF NOT EXISTS pg_trgm`,
    ...exactLookups(),
    `CREATE INDEX customers_search_email_trgm ON customers USING gin (lower(email) gin_trgm_ops) WHERE deleted = 0`,
    `CREATE INDEX customers_search_name_trgm ON customers USING gin (lower(name) gin_trgm_ops) WHERE deleted = 0`,
    `CREATE INDEX customers_search_phone_trgm ON customers USING gin (lower(phone) gin_trgm_ops) WHERE deleted = 0`,
    `CREATE INDEX customers_search_phone_e164_trgm ON customers USING gin (phone_e164 gin_trgm_ops) WHERE deleted = 0`,
  ];
}

/** rowid of a customer in customers_search; created < 2^32 (year 2106), seq < 2^31. */
const KEY = (row: 'new' | 'old') => `${row}.created * 2147483648 + ${row}.seq`;
const COLUMNS = 'email, name, phone, phone_e164';
const VALUES = (row: 'new' | 'old') => `${row}.email, ${row}.name, ${row}.phone, ${row}.phone_e164`;

function sqlite(): string[] {
  const indexNew = `INSERT INTO customers_search (rowid, ${COLUMNS}) SELECT ${KEY('new')}, ${VALUES('new')} WHERE new.deleted = 0;`;
  // The 'delete' command of an external-content table takes the values that were indexed.
  const unindexOld = `INSERT INTO customers_search (customers_search, rowid, ${COLUMNS})
      SELECT 'delete', ${KEY('old')}, ${VALUES('old')} WHERE old.deleted = 0;`;
  const seqInRange = `SELECT RAISE(ABORT, 'customers.seq is beyond the search index range (2^31)') WHERE new.seq >= 2147483648;`;
  return [
    ...exactLookups(),
    `CREATE VIEW customers_search_source AS
      SELECT created * 2147483648 + seq AS search_key, ${COLUMNS} FROM customers WHERE deleted = 0`,
    `CREATE VIRTUAL TABLE customers_search USING fts5(
      ${COLUMNS},
      content = 'customers_search_source', content_rowid = 'search_key',
      tokenize = 'trigram', columnsize = 0
    )`,
    `INSERT INTO customers_search (customers_search, rank) VALUES ('secure-delete', 1)`,
    `CREATE TRIGGER customers_search_insert AFTER INSERT ON customers BEGIN
      ${seqInRange}
      ${indexNew}
    END`,
    `CREATE TRIGGER customers_search_update AFTER UPDATE ON customers
      WHEN old.deleted IS NOT new.deleted OR old.email IS NOT new.email OR old.name IS NOT new.name
        OR old.phone IS NOT new.phone OR old.phone_e164 IS NOT new.phone_e164
        OR old.created IS NOT new.created OR old.seq IS NOT new.seq
    BEGIN
      ${unindexOld}
      ${indexNew}
    END`,
    `CREATE TRIGGER customers_search_delete AFTER DELETE ON customers BEGIN
      ${unindexOld}
    END`,
    // Existing customers, read through the view.
    `INSERT INTO customers_search (customers_search) VALUES ('rebuild')`,
  ];
}
