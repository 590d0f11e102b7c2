import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Frozen. A customer's contacts (SPEC K-1): the people of a business customer, each with its
 * own email, phone and roles. Emails are unique per customer, case-folded (email_key, lower-cased
 * by the service). Search (`contact_email:`, `contact_email~`, `contact_phone:`) reads the
 * exact-lookup indexes below and, for substrings, a trigram index kept in the writing
 * transaction: on SQLite an FTS5 trigram table over the contacts' emails (external content, so
 * it holds no copy of them; secure-delete removes an erased email's terms), on PostgreSQL a
 * pg_trgm GIN index (the extension comes from 0005).
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const statements = [...table(dialect), ...(dialect === 'postgres' ? postgres() : sqlite())];
  for (const statement of statements) await sql.raw(statement).execute(db);
}

function table(dialect: Dialect): string[] {
  const pg = dialect === 'postgres';
  const json = pg ? 'jsonb' : 'text';
  const int8 = pg ? 'bigint' : 'integer';
  return [
    `CREATE TABLE contacts (
      ${pg ? 'seq bigint GENERATED ALWAYS AS IDENTITY' : 'seq INTEGER PRIMARY KEY'},
      account_id text NOT NULL REFERENCES accounts(id),
      livemode smallint NOT NULL,
      id text NOT NULL,
      created ${int8} NOT NULL,
      updated ${int8} NOT NULL,
      version integer NOT NULL DEFAULT 1,
      customer_id text NOT NULL,
      name text,
      email text,
      email_key text,
      phone text,
      phone_e164 text,
      roles ${json} NOT NULL,
      receives_invoices smallint NOT NULL DEFAULT 0,
      notes text,
      metadata ${json} NOT NULL,
      ${pg ? 'PRIMARY KEY (account_id, id)' : 'UNIQUE (account_id, id)'}
    )`,
    `CREATE INDEX contacts_customer ON contacts (account_id, livemode, customer_id, created, seq)`,
    // NULLs are distinct in a unique index (both databases): contacts without an email are many.
    `CREATE UNIQUE INDEX contacts_customer_email ON contacts (account_id, livemode, customer_id, email_key)`,
    `CREATE INDEX contacts_search_email ON contacts (account_id, livemode, email_key)`,
    `CREATE INDEX contacts_search_phone ON contacts (account_id, livemode, lower(phone))`,
    `CREATE INDEX contacts_search_phone_e164 ON contacts (account_id, livemode, phone_e164)`,
  ];
}

function postgres(): string[] {
  return [`CREATE INDEX contacts_search_email_trgm ON contacts USING gin (email_key gin_trgm_ops)`];
}

function sqlite(): string[] {
  const indexNew = `INSERT INTO contacts_search (rowid, email) SELECT new.seq, new.email WHERE new.email IS NOT NULL;`;
  // The 'delete' command of an external-content table takes the values that were indexed.
  const unindexOld = `INSERT INTO contacts_search (contacts_search, rowid, email)
      SELECT 'delete', old.seq, old.email WHERE old.email IS NOT NULL;`;
  return [
    `CREATE VIRTUAL TABLE contacts_search USING fts5(
      email, content = 'contacts', content_rowid = 'seq', tokenize = 'trigram', columnsize = 0
    )`,
    `INSERT INTO contacts_search (contacts_search, rank) VALUES ('secure-delete', 1)`,
    `CREATE TRIGGER contacts_search_insert AFTER INSERT ON contacts BEGIN
      ${indexNew}
    END`,
    `CREATE TRIGGER contacts_search_update AFTER UPDATE OF email ON contacts WHEN old.email IS NOT new.email BEGIN
      ${unindexOld}
      ${indexNew}
    END`,
    `CREATE TRIGGER contacts_search_delete AFTER DELETE ON contacts BEGIN
      ${unindexOld}
    END`,
  ];
}
