import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Frozen. Substring search on external_id and the customer id too (the console's plain-text
 * search, SPEC U-1), through the same indexes as 0005's email, name and phone.
 *
 * SQLite: customers_search is rebuilt with two more columns (an FTS5 table cannot gain columns),
 * with 0005's triggers recreated to index them; the rebuild reads the live customers once.
 * PostgreSQL: pg_trgm GIN indexes on the folded columns, live rows only.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const statements = dialect === 'postgres' ? postgres() : sqlite();
  for (const statement of statements) await sql.raw(statement).execute(db);
}

function postgres(): string[] {
  return [
    `CREATE INDEX customers_search_external_id_trgm ON customers USING gin (lower(external_id) gin_trgm_ops) WHERE deleted = 0`,
    `CREATE INDEX customers_search_id_trgm ON customers USING gin (lower(id) gin_trgm_ops) WHERE deleted = 0`,
  ];
}

/** As in 0005: the rowid is created * 2^31 + seq, so rowid order is newest-first order. */
const KEY = (row: 'new' | 'old') => `${row}.created * 2147483648 + ${row}.seq`;
const COLUMNS = 'email, name, phone, phone_e164, external_id, id';
const VALUES = (row: 'new' | 'old') => `${row}.email, ${row}.name, ${row}.phone, ${row}.phone_e164, ${row}.external_id, ${row}.id`;

function sqlite(): string[] {
  const indexNew = `INSERT INTO customers_search (rowid, ${COLUMNS}) SELECT ${KEY('new')}, ${VALUES('new')} WHERE new.deleted = 0;`;
  const unindexOld = `INSERT INTO customers_search (customers_search, rowid, ${COLUMNS})
      SELECT 'delete', ${KEY('old')}, ${VALUES('old')} WHERE old.deleted = 0;`;
  const seqInRange = `SELECT RAISE(ABORT, 'customers.seq is beyond the search index range (2^31)') WHERE new.seq >= 2147483648;`;
  return [
    `DROP TRIGGER customers_search_insert`,
    `DROP TRIGGER customers_search_update`,
    `DROP TRIGGER customers_search_delete`,
    `DROP TABLE customers_search`,
    `DROP VIEW customers_search_source`,
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
        OR old.external_id IS NOT new.external_id OR old.id IS NOT new.id
        OR old.created IS NOT new.created OR old.seq IS NOT new.seq
    BEGIN
      ${unindexOld}
      ${indexNew}
    END`,
    `CREATE TRIGGER customers_search_delete AFTER DELETE ON customers BEGIN
      ${unindexOld}
    END`,
    `INSERT INTO customers_search (customers_search) VALUES ('rebuild')`,
  ];
}
