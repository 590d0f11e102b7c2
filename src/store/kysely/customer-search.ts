import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { Scope } from '../../domain/scope.js';
import type { Dialect } from '../dialect.js';
import type { Cursor, CustomerSearchClause, CustomerSearchQuery, SearchPage } from '../port.js';
import type { Database } from '../schema.js';
import { customerRecordColumnsSql, type CustomerRecordRow } from './customer-columns.js';
import { isOwnedField, ownedSearch, type OwnedField } from './owned-search.js';
import type { TenantDb } from './tenant.js';

/**
 * Customer search (SPEC Q-1, Q-2) as SQL over the indexes of migrations 0005 and 0016. Every value is a
 * bound parameter; only operators and column names from the fixed tables below are spliced in.
 *
 * A page is the newest limit + 1 matches, so the cost of a plan is how many rows it reads to
 * find them. PostgreSQL's planner weighs that with its statistics (autovacuum keeps them),
 * except for substrings (byRecentThenTrigrams); on SQLite, which usually has none, the plan
 * is chosen here:
 * - OR is the merge of each clause's own page, each planned as below (on PostgreSQL too);
 * - with a positive `~` (or a name `:` that only FTS5 folds) the FTS5 trigram table
 *   customers_search is the outer loop: its rowid is the search key created * 2^31 + seq, so
 *   by rowid descending it is newest-first order and the scan stops after limit + 1 matches;
 * - exact lookups on email, name, phone and external_id have indexes ending in (created, seq);
 * - a metadata value held by few customers drives the query from customer_metadata; a common
 *   one is checked row by row while the customers are read newest first;
 * - a clause on what a customer owns (contact_email, contact_phone, address_postal_code; on
 *   both stores) starts from the customers holding a match when they are few (an exact value
 *   through its index; a substring, once the newest customers hold too few matches for a
 *   page, through the trigram index), see byOwnedHolders;
 * - anything else reads the customers newest first and filters.
 */

/** 2^31: the search key of migration 0005 is created * SEARCH_KEY_FACTOR + seq. */
const SEARCH_KEY_FACTOR = 2147483648;
const SEARCH_KEY = sql`(customers.created * ${sql.lit(SEARCH_KEY_FACTOR)} + customers.seq)`;

/** The key exceeds 2^53: computed exactly. */
function searchKey(position: Cursor): bigint {
  return BigInt(position.created) * BigInt(SEARCH_KEY_FACTOR) + BigInt(position.seq);
}

/**
 * Up to this many holders, a metadata value drives the query (reading them all and sorting is
 * cheap); beyond it, a newest-first scan finds a page of them sooner.
 */
const METADATA_DRIVER_LIMIT = 1000;

/**
 * PostgreSQL substring queries read this many of the newest customers per result wanted
 * (at most PG_WINDOW_MAX) before turning to the trigram index: a substring that fills a page
 * there is common, one that does not has at most ~1/200 of the customers to sort.
 */
const PG_WINDOW_PER_RESULT = 200;
const PG_WINDOW_MAX = 20_000;

/**
 * A substring of an owned field (a contact's email) that the newest customers do not answer
 * has few holders (at most ~1/200 of the customers, as above); up to this many, they drive the
 * query, read in one statement by id.
 */
const OWNED_SUBSTRING_HOLDER_LIMIT = 10_000;

const COMPARISONS = { eq: '=', gt: '>', lt: '<', gte: '>=', lte: '<=' } as const;

/** FTS5 column filters per searchable field (phone matches the number as given or in E.164). */
const FTS_COLUMNS = { email: 'email', name: 'name', phone: '{phone phone_e164}', external_id: 'external_id', id: 'id' } as const;
type SubstringField = keyof typeof FTS_COLUMNS;

type Condition = RawBuilder<SqlBool>;
type Row = CustomerRecordRow;

/** An FTS5 string: double quotes, with embedded quotes doubled; the trigram tokenizer makes it a substring. */
function ftsPhrase(field: SubstringField, text: string): string {
  return `${FTS_COLUMNS[field]} : "${text.replaceAll('"', '""')}"`;
}

/** `{col col …} : "text"` when every clause is a positive substring of the same text; else undefined. */
function sameSubstringEverywhere(clauses: readonly CustomerSearchClause[]): string | undefined {
  const [first] = clauses;
  if (!first || !clauses.every((c) => isPositiveSubstring(c) && c.value === first.value)) return undefined;
  const columns = clauses.map((c) => FTS_COLUMNS[c.field as SubstringField].replace(/[{}]/g, '')).join(' ');
  return `{${columns}} : "${String(first.value).replaceAll('"', '""')}"`;
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

/** external_id and id: from the console's plain-text search only (the language has `~` on the other three). */
function isSubstringField(field: string): field is SubstringField {
  return Object.hasOwn(FTS_COLUMNS, field);
}

const isPositiveSubstring = (c: CustomerSearchClause) => c.op === 'contains' && !c.negated && isSubstringField(c.field) && c.value !== null;
const isPositiveExact = (c: CustomerSearchClause) => c.op === 'eq' && !c.negated && c.value !== null;

const isOwnedClause = (c: CustomerSearchClause): c is CustomerSearchClause & { field: OwnedField } => isOwnedField(c.field);
const isPositiveOwned = (c: CustomerSearchClause) => isOwnedClause(c) && !c.negated && c.value !== null;

export function customerSearch(db: Kysely<Database>, tenant: TenantDb, dialect: Dialect) {
  const pg = dialect === 'postgres';
  const owned = ownedSearch(db, tenant, dialect);

  /** SQLite: a name value lower() would not fold, long enough for the trigram index. */
  function foldsThroughFts(text: string): boolean {
    return !pg && !ASCII.test(text) && Array.from(text).length >= 3;
  }

  /** SQLite: the FTS5 phrase by which a clause can drive the query from the trigram index. */
  function ftsDriverPhrase(c: CustomerSearchClause): string | undefined {
    if (c.negated || c.value === null) return undefined;
    if (isPositiveSubstring(c)) return ftsPhrase(c.field as SubstringField, textOf(c));
    if (c.op === 'eq' && c.field === 'name' && foldsThroughFts(textOf(c))) return ftsPhrase('name', textOf(c));
    return undefined;
  }

  /** Whether this one customer matches (a rowid seek per row: cheap when the scan is short). */
  function matchesFts(match: string): Condition {
    return sql<SqlBool>`EXISTS (SELECT 1 FROM customers_search WHERE customers_search MATCH ${match} AND rowid = ${SEARCH_KEY})`;
  }

  function hasMetadata(key: string, value?: string): Condition {
    const withValue = value === undefined ? sql`` : sql` AND m.value = ${value}`;
    return sql<SqlBool>`EXISTS (SELECT 1 FROM customer_metadata m
      WHERE m.account_id = customers.account_id AND m.livemode = customers.livemode AND m.customer_id = customers.id
        AND m.key = ${key}${withValue})`;
  }

  /**
   * `:` on name: case-insensitive. SQLite's lower() folds ASCII only, so a value with other
   * letters goes through FTS5's folding: containing the value (case-folded) and as long as it
   * means equal to it, case-folded. (The FTS5 phrase also drives such a query: ftsDriverPhrase.)
   */
  function nameEquals(text: string): Condition {
    if (!foldsThroughFts(text)) return sql<SqlBool>`lower(customers.name) = lower(${text})`;
    return sql<SqlBool>`(${matchesFts(ftsPhrase('name', text))} AND length(customers.name) = ${Array.from(text).length})`;
  }

  function equals(clause: CustomerSearchClause): Condition {
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
      case 'id':
        return sql<SqlBool>`customers.id = ${text}`;
      case 'metadata':
        return hasMetadata(clause.key ?? '', text);
      default:
        throw new Error(`search: no exact match for ${clause.field}`);
    }
  }

  function isAbsent(clause: CustomerSearchClause): Condition {
    switch (clause.field) {
      case 'email':
      case 'name':
      case 'phone':
      case 'external_id':
        return sql<SqlBool>`customers.${sql.ref(clause.field)} IS NULL`;
      case 'metadata':
        return sql<SqlBool>`NOT ${hasMetadata(clause.key ?? '')}`;
      default:
        throw new Error(`search: ${clause.field} cannot be null`);
    }
  }

  function contains(clause: CustomerSearchClause): Condition {
    const field = clause.field;
    if (!isSubstringField(field)) throw new Error(`search: no substring match for ${field}`);
    const text = textOf(clause);
    // A positive `~` drives the query from the FTS5 index (bySubstrings); this checks a negated one.
    if (!pg) return matchesFts(ftsPhrase(field, text));
    const pattern = containsPattern(text);
    if (field === 'phone') {
      return sql<SqlBool>`(lower(customers.phone) LIKE lower(${pattern}) OR customers.phone_e164 LIKE ${pattern})`;
    }
    return sql<SqlBool>`lower(customers.${sql.ref(field)}) LIKE lower(${pattern})`;
  }

  function condition(clause: CustomerSearchClause): Condition {
    let positive: Condition;
    if (isOwnedClause(clause)) {
      positive = owned.condition(clause);
    } else if (clause.field === 'created') {
      if (typeof clause.value !== 'number' || clause.op === 'contains') throw new Error('search: created takes an integer comparison');
      positive = sql<SqlBool>`customers.created ${sql.raw(COMPARISONS[clause.op])} ${clause.value}`;
    } else if (clause.value === null) {
      positive = isAbsent(clause);
    } else if (clause.op === 'contains') {
      positive = contains(clause);
    } else if (clause.op === 'eq') {
      positive = equals(clause);
    } else {
      throw new Error(`search: ${clause.op} applies to created only`);
    }
    // A comparison with a missing value is NULL, not false: coalesce so negation keeps those rows.
    return clause.negated ? sql<SqlBool>`NOT COALESCE(${positive}, FALSE)` : positive;
  }

  function combine(clauses: CustomerSearchClause[], combinator: 'AND' | 'OR'): RawBuilder<unknown> {
    if (clauses.length === 0) return sql``;
    return sql`AND (${sql.join(clauses.map(condition), sql.raw(` ${combinator} `))})`;
  }

  function scoped(scope: Scope): Condition {
    return sql<SqlBool>`${tenant(scope).owns('customers')} AND customers.deleted = 0`;
  }

  function afterPosition(page: SearchPage): RawBuilder<unknown> {
    if (!page.after) return sql``;
    const { created, seq } = page.after;
    return sql`AND customers.created <= ${created} AND (customers.created < ${created} OR customers.seq < ${seq})`;
  }

  async function rows(query: RawBuilder<Row>): Promise<Row[]> {
    return (await query.execute(db)).rows;
  }

  /** SQLite: the FTS5 index is the outer loop, newest first; the other conditions filter. */
  function bySubstrings(scope: Scope, match: string, filters: Condition[], page: SearchPage) {
    const after = page.after ? sql`AND customers_search.rowid < ${searchKey(page.after)}` : sql``;
    const rest = filters.length > 0 ? sql`AND ${sql.join(filters, sql` AND `)}` : sql``;
    return rows(sql<Row>`
      SELECT ${customerRecordColumnsSql} FROM customers_search
        CROSS JOIN customers ON customers.seq = customers_search.rowid % ${sql.lit(SEARCH_KEY_FACTOR)}
      WHERE customers_search MATCH ${match} ${after}
        AND ${scoped(scope)} ${rest}
      ORDER BY customers_search.rowid DESC
      LIMIT ${page.limit + 1}`);
  }

  /** SQLite: the few holders of a metadata value are the outer loop, then sorted. */
  function byMetadataHolders(scope: Scope, driver: CustomerSearchClause, query: CustomerSearchQuery, page: SearchPage) {
    return rows(sql<Row>`
      SELECT ${customerRecordColumnsSql} FROM customer_metadata driver
        CROSS JOIN customers ON customers.account_id = driver.account_id AND customers.id = driver.customer_id
      WHERE ${tenant(scope).owns('driver')}
        AND driver.key = ${driver.key ?? ''} AND driver.value = ${textOf(driver)}
        AND ${scoped(scope)} ${combine(query.clauses, query.combinator)} ${afterPosition(page)}
      ORDER BY customers.created DESC, customers.seq DESC
      LIMIT ${page.limit + 1}`);
  }

  /** Customers newest first (or through an exact-lookup index, which keeps that order). */
  function byCustomers(scope: Scope, query: CustomerSearchQuery, page: SearchPage) {
    return rows(sql<Row>`
      SELECT ${customerRecordColumnsSql} FROM customers
      WHERE ${scoped(scope)} ${combine(query.clauses, query.combinator)} ${afterPosition(page)}
      ORDER BY customers.created DESC, customers.seq DESC
      LIMIT ${page.limit + 1}`);
  }

  /** Customers holding metadata key = value, counted up to `limit` + 1. */
  async function holders(scope: Scope, clause: CustomerSearchClause, limit: number): Promise<number> {
    const result = await sql<{ n: number }>`
      SELECT count(*) AS n FROM (SELECT 1 FROM customer_metadata
        WHERE ${tenant(scope).owns('customer_metadata')}
          AND key = ${clause.key ?? ''} AND value = ${textOf(clause)}
        LIMIT ${limit + 1}) AS sample`.execute(db);
    return Number(result.rows[0]?.n ?? 0);
  }

  /** SQLite: the metadata clause to drive an AND query from, if one is rare enough and nothing better exists. */
  async function metadataDriver(scope: Scope, query: CustomerSearchQuery): Promise<CustomerSearchClause | undefined> {
    const exact = query.clauses.filter(isPositiveExact);
    if (exact.some((c) => c.field !== 'metadata')) return undefined; // an exact-lookup index serves it
    let best: { clause: CustomerSearchClause; count: number } | undefined;
    for (const clause of exact) {
      const count = await holders(scope, clause, METADATA_DRIVER_LIMIT);
      if (count <= METADATA_DRIVER_LIMIT && (!best || count < best.count)) best = { clause, count };
    }
    return best?.clause;
  }

  /**
   * PostgreSQL with a positive `~`: its planner cannot estimate LIKE '%…%' (it guesses a few
   * percent), so it may read every customer newest first for a substring nobody has, or sort
   * every holder of a common one. So: first the newest rows only (enough for a page when the
   * substring is common), then, if they hold no full page, the trigram index (few matches).
   */
  async function byRecentThenTrigrams(scope: Scope, query: CustomerSearchQuery, page: SearchPage): Promise<Row[]> {
    const recent = await inRecentWindow(scope, query, page);
    if (recent.length > page.limit) return recent;
    // MATERIALIZED: planned without the LIMIT, i.e. for every match, which the GIN index serves.
    return rows(sql<Row>`
      WITH matches AS MATERIALIZED (
        SELECT ${customerRecordColumnsSql} FROM customers
        WHERE ${scoped(scope)} ${combine(query.clauses, 'AND')} ${afterPosition(page)}
      )
      SELECT * FROM matches ORDER BY matches.created DESC, matches.seq DESC LIMIT ${page.limit + 1}`);
  }

  /** The customers among `ids` that match, newest first (the ids came from an owned table's index). */
  function byIds(scope: Scope, ids: readonly string[], query: CustomerSearchQuery, page: SearchPage) {
    if (ids.length === 0) return Promise.resolve([]);
    const among = sql<SqlBool>`customers.id IN (${sql.join(ids)})`;
    // SQLite keeps no statistics here: unlikely() tells its planner the list is selective.
    return rows(sql<Row>`
      SELECT ${customerRecordColumnsSql} FROM customers
      WHERE ${scoped(scope)} AND ${pg ? among : sql<SqlBool>`unlikely(${among})`}
        ${combine(query.clauses, 'AND')} ${afterPosition(page)}
      ORDER BY customers.created DESC, customers.seq DESC
      LIMIT ${page.limit + 1}`);
  }

  /** The newest customers only, filtered: enough for a page when what is asked for is common. */
  async function inRecentWindow(scope: Scope, query: CustomerSearchQuery, page: SearchPage): Promise<Row[]> {
    const window = Math.min(PG_WINDOW_MAX, PG_WINDOW_PER_RESULT * (page.limit + 1));
    return rows(sql<Row>`
      SELECT * FROM (
        SELECT ${customerRecordColumnsSql} FROM customers WHERE ${scoped(scope)} ${afterPosition(page)}
        ORDER BY customers.created DESC, customers.seq DESC LIMIT ${window}
      ) AS customers
      WHERE TRUE ${combine(query.clauses, 'AND')}
      ORDER BY customers.created DESC, customers.seq DESC
      LIMIT ${page.limit + 1}`);
  }

  /**
   * An AND query with a positive clause on an owned field and nothing a customer index serves
   * better: from the fewest holders of an exact value (up to METADATA_DRIVER_LIMIT rows), else,
   * for a substring, from the newest customers and then its holders. Undefined when the holders
   * are too many to start from: the newest-first scan then finds a page soon.
   */
  async function byOwnedHolders(scope: Scope, query: CustomerSearchQuery, page: SearchPage): Promise<Row[] | undefined> {
    const driving = query.clauses.filter(isPositiveOwned).filter(isOwnedClause);
    const servedByCustomers = query.clauses.some((c) => !isOwnedClause(c) && (isPositiveSubstring(c) || (isPositiveExact(c) && c.field !== 'metadata')));
    if (driving.length === 0 || servedByCustomers) return undefined;
    let fewest: string[] | undefined;
    for (const clause of driving.filter((c) => c.op === 'eq')) {
      const ids = await owned.holders(scope, clause, METADATA_DRIVER_LIMIT);
      if (ids && (!fewest || ids.length < fewest.length)) fewest = ids;
    }
    if (fewest) return byIds(scope, fewest, query, page);
    const substring = driving.find((c) => c.op === 'contains');
    if (!substring) return undefined;
    const recent = await inRecentWindow(scope, query, page);
    if (recent.length > page.limit) return recent;
    const ids = await owned.holders(scope, substring, OWNED_SUBSTRING_HOLDER_LIMIT);
    return ids && byIds(scope, ids, query, page);
  }

  /** One AND query (a lone clause included), planned as the header says. */
  async function searchAll(scope: Scope, query: CustomerSearchQuery, page: SearchPage): Promise<Row[]> {
    const fromOwned = await byOwnedHolders(scope, query, page);
    if (fromOwned) return fromOwned;
    if (pg) {
      return query.clauses.some(isPositiveSubstring) ? byRecentThenTrigrams(scope, query, page) : byCustomers(scope, query, page);
    }
    const phrases: string[] = [];
    const filters: Condition[] = [];
    for (const clause of query.clauses) {
      const phrase = ftsDriverPhrase(clause);
      if (phrase === undefined) {
        filters.push(condition(clause));
        continue;
      }
      phrases.push(phrase);
      // The phrase is all of a `~`; a name `:` also needs the length (see nameEquals).
      if (clause.op === 'eq') filters.push(sql<SqlBool>`length(customers.name) = ${Array.from(textOf(clause)).length}`);
    }
    if (phrases.length > 0) return bySubstrings(scope, phrases.join(' AND '), filters, page);
    const driver = await metadataDriver(scope, query);
    return driver ? byMetadataHolders(scope, driver, query, page) : byCustomers(scope, query, page);
  }

  /**
   * OR: the first page of the union is within the union of each clause's first page, so each
   * clause is searched on its own (with its best plan) and the pages merged. A planner would
   * otherwise often read every customer newest first to find a few rare ones.
   */
  async function searchAny(scope: Scope, query: CustomerSearchQuery, page: SearchPage): Promise<Row[]> {
    const one = !pg && sameSubstringEverywhere(query.clauses);
    // SQLite: one text in several columns (the console's plain search) is one FTS5 query with a
    // column filter, which costs what a single column's does.
    if (one) return bySubstrings(scope, one, [], page);
    const byId = new Map<string, Row>();
    for (const clause of query.clauses) {
      for (const row of await searchAll(scope, { combinator: 'AND', clauses: [clause] }, page)) byId.set(row.id, row);
    }
    return [...byId.values()].sort((a, b) => b.created - a.created || b.seq - a.seq).slice(0, page.limit + 1);
  }

  return function search(scope: Scope, query: CustomerSearchQuery, page: SearchPage): Promise<Row[]> {
    return query.combinator === 'OR' && query.clauses.length > 1 ? searchAny(scope, query, page) : searchAll(scope, query, page);
  };
}
