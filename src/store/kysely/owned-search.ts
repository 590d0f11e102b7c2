import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { Scope } from '../../domain/scope.js';
import type { Dialect } from '../dialect.js';
import type { CustomerSearchClause } from '../port.js';
import type { Database } from '../schema.js';
import type { TenantDb } from './tenant.js';

/**
 * Search fields answered by what a customer owns (SPEC K-1, Q-1): its contacts' emails and
 * phones, its address book's postal codes. A clause matches the customer when one of its
 * objects matches; every value is a bound parameter. Beside the per-customer condition (read
 * through each table's customer index, at most 100 rows a customer), `holders` finds the
 * customers holding a match through the field's own index, for the search to start from when
 * they are few (customer-search.ts).
 */
export type OwnedField = 'contact_email' | 'contact_phone' | 'address_postal_code';

export function isOwnedField(field: string): field is OwnedField {
  return field === 'contact_email' || field === 'contact_phone' || field === 'address_postal_code';
}

type Condition = RawBuilder<SqlBool>;

const TABLE = { contact_email: 'contacts', contact_phone: 'contacts', address_postal_code: 'addresses' } as const;
/** The column whose absence `field:null` asks for. */
const PRESENT = { contact_email: 'email_key', contact_phone: 'phone', address_postal_code: 'postal_code_key' } as const;

/** A LIKE pattern matching `text` anywhere, with the LIKE metacharacters escaped (PostgreSQL's escape is \). */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** An FTS5 string: double quotes, embedded quotes doubled; the trigram tokenizer makes it a substring. */
function ftsPhrase(text: string): string {
  return `email : "${text.replaceAll('"', '""')}"`;
}

export function ownedSearch(db: Kysely<Database>, tenant: TenantDb, dialect: Dialect) {
  const pg = dialect === 'postgres';
  const text = (clause: CustomerSearchClause) => String(clause.value);
  const folded = (clause: CustomerSearchClause) => clause.folded ?? text(clause);

  /** What one owned row must satisfy, the row named `o`. */
  function rowMatches(clause: CustomerSearchClause & { field: OwnedField }): Condition {
    switch (clause.field) {
      case 'contact_email':
        if (clause.op === 'contains') {
          // email_key holds the address lower-cased (emails are ASCII): fold the text the same way.
          return pg ? sql<SqlBool>`o.email_key LIKE lower(${containsPattern(text(clause))})` : sql<SqlBool>`instr(o.email_key, lower(${text(clause)})) > 0`;
        }
        return sql<SqlBool>`o.email_key = ${folded(clause)}`;
      case 'contact_phone': {
        const asGiven = sql<SqlBool>`lower(o.phone) = lower(${text(clause)})`;
        return clause.e164 ? sql<SqlBool>`(${asGiven} OR o.phone_e164 = ${clause.e164})` : asGiven;
      }
      case 'address_postal_code':
        return sql<SqlBool>`o.postal_code_key = ${folded(clause)}`;
    }
  }

  /** The customer (the row `customers` of the enclosing query) owns a row satisfying `condition`. */
  function owns(field: OwnedField, condition: Condition): Condition {
    return sql<SqlBool>`EXISTS (SELECT 1 FROM ${sql.raw(TABLE[field])} o
      WHERE o.account_id = customers.account_id AND o.livemode = customers.livemode AND o.customer_id = customers.id
        AND ${condition})`;
  }

  /**
   * SQLite without statistics (nothing runs ANALYZE) prefers a covering index that matches only
   * (account_id, livemode) — contacts_customer_email for an email, contacts_search_phone_e164
   * with `lower(phone)` rechecked for a phone — and so reads every contact of the account (1 s
   * for an email, 40 s for a phone at 2·10⁶ contacts). Each value is read through its own index
   * by name instead; the phone's two forms are two index reads.
   */
  function sqliteHolders(clause: CustomerSearchClause & { field: OwnedField }, owned: Condition, limit: number) {
    switch (clause.field) {
      case 'contact_email':
        return sql<{ customer_id: string }>`SELECT o.customer_id FROM contacts o INDEXED BY contacts_search_email
          WHERE ${owned} AND o.email_key = ${folded(clause)} LIMIT ${limit + 1}`;
      case 'contact_phone': {
        const asGiven = sql<{ customer_id: string }>`SELECT o.customer_id FROM contacts o INDEXED BY contacts_search_phone
          WHERE ${owned} AND lower(o.phone) = lower(${text(clause)})`;
        return clause.e164
          ? sql<{ customer_id: string }>`${asGiven} UNION ALL SELECT o.customer_id FROM contacts o INDEXED BY contacts_search_phone_e164
          WHERE ${owned} AND o.phone_e164 = ${clause.e164} LIMIT ${limit + 1}`
          : sql<{ customer_id: string }>`${asGiven} LIMIT ${limit + 1}`;
      }
      case 'address_postal_code':
        return sql<{ customer_id: string }>`SELECT o.customer_id FROM addresses o INDEXED BY addresses_search_postal_code
          WHERE ${owned} AND o.postal_code_key = ${folded(clause)} LIMIT ${limit + 1}`;
    }
  }

  return {
    /** The positive condition of a clause on an owned field (negation is the caller's). */
    condition(clause: CustomerSearchClause & { field: OwnedField }): Condition {
      if (clause.value === null) {
        // `field:null`: none of the customer's objects has the field.
        return sql<SqlBool>`NOT ${owns(clause.field, sql<SqlBool>`${sql.ref(`o.${PRESENT[clause.field]}`)} IS NOT NULL`)}`;
      }
      return owns(clause.field, rowMatches(clause));
    },

    /**
     * The ids of the customers holding a match, through the field's own index (a substring
     * through the trigram index: FTS5 on SQLite, pg_trgm on PostgreSQL); undefined when more
     * than `limit` rows match, i.e. too many to start from.
     */
    async holders(scope: Scope, clause: CustomerSearchClause & { field: OwnedField }, limit: number): Promise<string[] | undefined> {
      const owned = tenant(scope).owns('o');
      const query =
        clause.field === 'contact_email' && clause.op === 'contains' && !pg
          ? sql<{ customer_id: string }>`SELECT o.customer_id FROM contacts_search
              CROSS JOIN contacts o ON o.seq = contacts_search.rowid
            WHERE contacts_search MATCH ${ftsPhrase(text(clause))} AND ${owned}
            LIMIT ${limit + 1}`
          : pg
            ? sql<{ customer_id: string }>`SELECT o.customer_id FROM ${sql.raw(TABLE[clause.field])} o
            WHERE ${owned} AND ${rowMatches(clause)}
            LIMIT ${limit + 1}`
            : sqliteHolders(clause, owned, limit);
      const rows = (await query.execute(db)).rows;
      return rows.length > limit ? undefined : [...new Set(rows.map((r) => r.customer_id))];
    },

    /**
     * `id IN (…)`: the customers of the contacts holding `email` (case-folded), for the list's
     * filter; on SQLite through the email's index by name, as sqliteHolders reads it.
     */
    contactEmailHolders(scope: Scope, emailKey: string) {
      const owned = tenant(scope).owns('o');
      return pg
        ? sql<{ customer_id: string }>`SELECT o.customer_id FROM contacts o WHERE ${owned} AND o.email_key = ${emailKey}`
        : sql<{ customer_id: string }>`SELECT o.customer_id FROM contacts o INDEXED BY contacts_search_email WHERE ${owned} AND o.email_key = ${emailKey}`;
    },
  };
}

export type OwnedSearch = ReturnType<typeof ownedSearch>;
