import { sql, type Kysely, type RawBuilder, type Selectable, type SqlBool } from 'kysely';
import type { Scope } from '../../domain/customers/customer.js';
import type { Dialect } from '../dialect.js';
import type { Cursor, CustomerSearchClause, CustomerSearchQuery, SearchPage } from '../port.js';
import type { CustomersTable, Database } from '../schema.js';
import { flag } from './codec.js';

/**
 * Customer search (SPEC Q-1, Q-2) as SQL over the indexes of migration 0005. Every value is a
 * bound parameter; only operators and column names (from fixed tables below) are spliced in.
 *
 * SQLite: `~` goes through the FTS5 trigram table customers_search, whose rowid is the search
 * key created * 2^31 + seq. When the query is driven by substrings (AND with a positive `~`,
 * or OR of positive `~` only) the FTS index is the outer loop, read by rowid descending: that
 * is newest-first order, so a page stops after limit + 1 matches however many there are.
 * Everything else is a WHERE over customers in (created, seq) order, which the planner of
 * either database serves from the exact-lookup indexes.
 *
 * PostgreSQL: `~` is LIKE '%…%' on lower(column), served by the pg_trgm GIN indexes.
 */

/** 2^31: the search key of migration 0005 is created * SEARCH_KEY_FACTOR + seq. */
const SEARCH_KEY_FACTOR = 2147483648;
const SEARCH_KEY = sql`(customers.created * ${sql.lit(SEARCH_KEY_FACTOR)} + customers.seq)`;

const COMPARISONS = { eq: '=', gt: '>', lt: '<', gte: '>=', lte: '<=' } as const;

/** FTS5 column filters per searchable field (phone matches the number as given or in E.164). */
const FTS_COLUMNS = { email: 'email', name: 'name', phone: '{phone phone_e164}' } as const;

type Condition = RawBuilder<SqlBool>;

/** An FTS5 string: double quotes, with embedded quotes doubled; the trigram tokenizer makes it a substring. */
function ftsPhrase(field: keyof typeof FTS_COLUMNS, text: string): string {
  return `${FTS_COLUMNS[field]} : "${text.replaceAll('"', '""')}"`;
}

/** A LIKE pattern matching `text` anywhere, with the LIKE metacharacters escaped (PostgreSQL's escape is \). */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

// eslint-disable-next-line no-control-regex -- ASCII is exactly the range SQLite's lower() folds
const ASCII = /^[\u0000-\u007f]*$/;

function textOf(clause: CustomerSearchClause): string {
  return String(clause.value);
}

function isSubstringField(field: string): field is keyof typeof FTS_COLUMNS {
  return field === 'email' || field === 'name' || field === 'phone';
}

export function customerSearch(db: Kysely<Database>, dialect: Dialect) {
  const pg = dialect === 'postgres';

  function ftsMatches(match: string): Condition {
    return sql<SqlBool>`${SEARCH_KEY} IN (SELECT rowid FROM customers_search WHERE customers_search MATCH ${match})`;
  }

  function metadataHolders(scope: Scope, key: string, value?: string): RawBuilder<unknown> {
    const withValue = value === undefined ? sql`` : sql` AND value = ${value}`;
    return sql`SELECT customer_id FROM customer_metadata
      WHERE account_id = ${scope.accountId} AND livemode = ${flag(scope.livemode)} AND key = ${key}${withValue}`;
  }

  /** `:` on name: case-insensitive. SQLite's lower() folds ASCII only, so other letters go through FTS5's folding. */
  function nameEquals(text: string): Condition {
    const folded = sql<SqlBool>`lower(customers.name) = lower(${text})`;
    const length = Array.from(text).length;
    if (pg || ASCII.test(text) || length < 3) return folded;
    // Same length and containing the value (case-folded) means equal to it, case-folded.
    return sql<SqlBool>`(${folded} OR (${ftsMatches(ftsPhrase('name', text))} AND length(customers.name) = ${length}))`;
  }

  function equals(scope: Scope, clause: CustomerSearchClause): Condition {
    const text = textOf(clause);
    switch (clause.field) {
      case 'email':
        // email_key is the address lower-cased by the service (emailKey): fold the value the same way.
        return sql<SqlBool>`customers.email_key = ${text.toLowerCase()}`;
      case 'name':
        return nameEquals(text);
      case 'phone': {
        const asGiven = sql<SqlBool>`lower(customers.phone) = lower(${text})`;
        return clause.e164 ? sql<SqlBool>`(${asGiven} OR customers.phone_e164 = ${clause.e164})` : asGiven;
      }
      case 'external_id':
        return sql<SqlBool>`lower(customers.external_id) = lower(${text})`;
      case 'metadata':
        return sql<SqlBool>`customers.id IN (${metadataHolders(scope, clause.key ?? '', text)})`;
      default:
        throw new Error(`search: no exact match for ${clause.field}`);
    }
  }

  function isAbsent(scope: Scope, clause: CustomerSearchClause): Condition {
    switch (clause.field) {
      case 'email':
      case 'name':
      case 'phone':
      case 'external_id':
        return sql<SqlBool>`customers.${sql.ref(clause.field)} IS NULL`;
      case 'metadata':
        return sql<SqlBool>`customers.id NOT IN (${metadataHolders(scope, clause.key ?? '')})`;
      default:
        throw new Error(`search: ${clause.field} cannot be null`);
    }
  }

  function contains(clause: CustomerSearchClause): Condition {
    const field = clause.field;
    if (!isSubstringField(field)) throw new Error(`search: no substring match for ${field}`);
    const text = textOf(clause);
    if (!pg) return ftsMatches(ftsPhrase(field, text));
    const pattern = containsPattern(text);
    if (field === 'phone') {
      return sql<SqlBool>`(lower(customers.phone) LIKE lower(${pattern}) OR customers.phone_e164 LIKE ${pattern})`;
    }
    return sql<SqlBool>`lower(customers.${sql.ref(field)}) LIKE lower(${pattern})`;
  }

  function condition(scope: Scope, clause: CustomerSearchClause): Condition {
    let positive: Condition;
    if (clause.field === 'created') {
      if (typeof clause.value !== 'number' || clause.op === 'contains') throw new Error('search: created takes an integer comparison');
      positive = sql<SqlBool>`customers.created ${sql.raw(COMPARISONS[clause.op])} ${clause.value}`;
    } else if (clause.value === null) {
      positive = isAbsent(scope, clause);
    } else if (clause.op === 'contains') {
      positive = contains(clause);
    } else if (clause.op === 'eq') {
      positive = equals(scope, clause);
    } else {
      throw new Error(`search: ${clause.op} applies to created only`);
    }
    // A comparison with a missing value is NULL, not false: coalesce so negation keeps those rows.
    return clause.negated ? sql<SqlBool>`NOT COALESCE(${positive}, FALSE)` : positive;
  }

  function combine(conditions: Condition[], combinator: 'AND' | 'OR'): Condition {
    return sql<SqlBool>`(${sql.join(conditions, sql.raw(` ${combinator} `))})`;
  }

  function scoped(scope: Scope): Condition {
    return sql<SqlBool>`customers.account_id = ${scope.accountId} AND customers.livemode = ${flag(scope.livemode)} AND customers.deleted = 0`;
  }

  /** The FTS5 expression that can drive the query on SQLite, and the clauses left to filter by. */
  function ftsDriver(query: CustomerSearchQuery): { match: string; rest: CustomerSearchClause[] } | undefined {
    if (pg) return undefined;
    const drives = (c: CustomerSearchClause) => c.op === 'contains' && !c.negated && isSubstringField(c.field);
    const driving = query.clauses.filter(drives);
    if (driving.length === 0) return undefined;
    if (query.combinator === 'OR' && driving.length !== query.clauses.length) return undefined;
    const match = driving.map((c) => ftsPhrase(c.field as keyof typeof FTS_COLUMNS, textOf(c))).join(` ${query.combinator} `);
    return { match, rest: query.clauses.filter((c) => !drives(c)) };
  }

  async function bySubstringIndex(scope: Scope, match: string, rest: CustomerSearchClause[], page: SearchPage) {
    const filters = rest.map((c) => condition(scope, c));
    // The key exceeds 2^53: compute it exactly.
    const key = (c: Cursor) => BigInt(c.created) * BigInt(SEARCH_KEY_FACTOR) + BigInt(c.seq);
    const after = page.after ? sql`AND customers_search.rowid < ${key(page.after)}` : sql``;
    const result = await sql<Selectable<CustomersTable>>`
      SELECT customers.* FROM customers_search
        CROSS JOIN customers ON customers.seq = customers_search.rowid % ${sql.lit(SEARCH_KEY_FACTOR)}
      WHERE customers_search MATCH ${match} ${after}
        AND ${scoped(scope)}
        ${filters.length > 0 ? sql`AND ${combine(filters, 'AND')}` : sql``}
      ORDER BY customers_search.rowid DESC
      LIMIT ${page.limit + 1}`.execute(db);
    return result.rows;
  }

  async function byCustomers(scope: Scope, query: CustomerSearchQuery, page: SearchPage) {
    const where = combine(
      query.clauses.map((c) => condition(scope, c)),
      query.combinator,
    );
    const after = page.after
      ? sql`AND customers.created <= ${page.after.created}
          AND (customers.created < ${page.after.created} OR customers.seq < ${page.after.seq})`
      : sql``;
    const result = await sql<Selectable<CustomersTable>>`
      SELECT customers.* FROM customers
      WHERE ${scoped(scope)} AND ${where} ${after}
      ORDER BY customers.created DESC, customers.seq DESC
      LIMIT ${page.limit + 1}`.execute(db);
    return result.rows;
  }

  return async function search(scope: Scope, query: CustomerSearchQuery, page: SearchPage) {
    const driver = ftsDriver(query);
    return driver ? bySubstringIndex(scope, driver.match, driver.rest, page) : byCustomers(scope, query, page);
  };
}
