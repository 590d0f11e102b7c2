import { CompiledQuery, sql, type Expression, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { CustomerRecord, InvoiceSettings } from '../../domain/customers/customer.js';
import { customerBody } from '../../domain/customers/customer-mapper.js';
import { emailMatchKey, nameAddressKey } from '../../domain/duplicates/match-keys.js';
import type { Dialect } from '../dialect.js';
import type { Scope } from '../../domain/scope.js';
import type { CustomerFilters, CustomersRepository } from '../port.js';
import type { Database } from '../schema.js';
import type { RowReader } from '../sqlite.js';
import { flag, fromJson, toJson } from './codec.js';
import { CUSTOMER_RECORD_COLUMNS, type CustomerRecordRow } from './customer-columns.js';
import { customerSearch } from './customer-search.js';
import { ownedSearch } from './owned-search.js';
import { applyCreated, applyPage, positionOf, type PageOrder } from './keyset.js';
import { bulkInserter, paddedList, sizedChunks } from './bulk-insert.js';
import type { TenantDb } from './tenant.js';

const EMPTY_INVOICE_SETTINGS: InvoiceSettings = {
  custom_fields: null,
  default_payment_method: null,
  footer: null,
  rendering_options: null,
};

function toRecord(row: CustomerRecordRow): CustomerRecord {
  return {
    id: row.id,
    livemode: row.livemode === 1,
    created: row.created,
    updated: row.updated,
    deleted: row.deleted === 1,
    version: row.version,
    external_id: row.external_id,
    email: row.email,
    email_key: row.email_key,
    name: row.name,
    business_name: row.business_name,
    individual_name: row.individual_name,
    first_name: row.first_name,
    last_name: row.last_name,
    phone: row.phone,
    phone_e164: row.phone_e164,
    description: row.description,
    notes: row.notes,
    address: fromJson(row.address, null),
    shipping: fromJson(row.shipping, null),
    balance: row.balance,
    currency: row.currency,
    invoice_prefix: row.invoice_prefix,
    invoice_settings: fromJson(row.invoice_settings, EMPTY_INVOICE_SETTINGS),
    next_invoice_sequence: row.next_invoice_sequence,
    preferred_locales: fromJson(row.preferred_locales, []),
    tax_exempt: row.tax_exempt as CustomerRecord['tax_exempt'],
    metadata: fromJson(row.metadata, {}),
    parent_id: row.parent_id,
    delinquent_after: row.delinquent_after,
    created_by: row.created_by,
    updated_by: row.updated_by,
    merged_into: row.merged_into,
    merged_from: fromJson<string[]>(row.merged_from, []),
    stats: row.stats,
  };
}

/** The columns a write sets, from a record (identity columns excluded). */
function mutableColumns(c: CustomerRecord) {
  return {
    updated: c.updated,
    deleted: flag(c.deleted),
    version: c.version,
    external_id: c.external_id,
    email: c.email,
    email_key: c.email_key,
    name: c.name,
    business_name: c.business_name,
    individual_name: c.individual_name,
    first_name: c.first_name,
    last_name: c.last_name,
    phone: c.phone,
    phone_e164: c.phone_e164,
    description: c.description,
    notes: c.notes,
    address: toJson(c.address),
    shipping: toJson(c.shipping),
    balance: c.balance,
    currency: c.currency,
    invoice_prefix: c.invoice_prefix,
    invoice_settings: toJson(c.invoice_settings),
    next_invoice_sequence: c.next_invoice_sequence,
    preferred_locales: toJson(c.preferred_locales),
    tax_exempt: c.tax_exempt,
    metadata: toJson(c.metadata),
    parent_id: c.parent_id,
    delinquent_after: c.delinquent_after,
    updated_by: c.updated_by,
    merged_into: c.merged_into ?? null,
    merged_from: c.merged_from && c.merged_from.length > 0 ? toJson(c.merged_from) : null,
    // Duplicate signals (migration 0020): a tombstone has none.
    email_match: c.deleted ? null : emailMatchKey(c.email),
    name_address_key: c.deleted ? null : nameAddressKey(c.name, c.address),
    body: customerBody(c),
  };
}

interface StoredRow {
  id: string;
  version: number;
  body: string | null;
  deleted: number;
  updated: number;
  delinquent_after: number | string | null;
  stats?: string | null;
}

const STORED_BODY_COLUMNS = ['id', 'version', 'body', 'deleted', 'updated', 'delinquent_after'] as const;

/**
 * The retrieve's query, built and compiled once per dialect (placeholders only), then run with
 * each request's parameters: no query building on the hottest path. With the stats (migration
 * 0023), the same read of the same row takes one more column.
 */
const storedBodyQueries = new Map<string, CompiledQuery<StoredRow>>();
function storedBodyQuery(tenant: TenantDb, dialect: Dialect, scope: Scope, id: string, withStats: boolean) {
  const key = `${dialect}:${withStats}`;
  let compiled = storedBodyQueries.get(key);
  if (!compiled) {
    const columns = withStats ? [...STORED_BODY_COLUMNS, 'stats' as const] : STORED_BODY_COLUMNS;
    // Placeholders only: the parameters are the scope's account and mode, then the id.
    compiled = tenant({ accountId: '', livemode: false }).selectFrom('customers').select(columns).where('id', '=', '').compile();
    storedBodyQueries.set(key, compiled);
  }
  return CompiledQuery.raw(compiled.sql, [scope.accountId, flag(scope.livemode), id]) as CompiledQuery<StoredRow>;
}

/** The query-builder surface the list filters need (selects of rows and of counts alike). */
interface CustomerQueryBuilder<Q> {
  where(expression: Expression<SqlBool>): Q;
}

/**
 * `column IN (…)`; an empty list matches nothing. On SQLite its reads start from selectByIds (for
 * ids) and are sorted rather than walked in index order (orderOf), or its planner, which keeps
 * no statistics here, reads the whole account's list index instead of the column's.
 */
function inList(column: 'id' | 'external_id' | 'parent_id', values: readonly string[]): Expression<SqlBool> {
  if (values.length === 0) return sql<SqlBool>`1 = 0`;
  return sql<SqlBool>`${sql.ref(column)} IN (${sql.join(values)})`;
}

/**
 * Rows per multi-row INSERT at most: well under SQLite's 32,766 bound parameters (a customer row
 * has 37) and PostgreSQL's 65,535.
 */
const CUSTOMERS_PER_INSERT = 256;
const METADATA_ROWS_PER_INSERT = 1024;
const LOOKUPS_PER_QUERY = 1024;

/** The columns a bulk insert writes, in order (see insertRow). */
const INSERT_COLUMNS = [
  'id',
  'created',
  'created_by',
  'updated',
  'deleted',
  'version',
  'external_id',
  'email',
  'email_key',
  'name',
  'business_name',
  'individual_name',
  'first_name',
  'last_name',
  'phone',
  'phone_e164',
  'description',
  'notes',
  'address',
  'shipping',
  'balance',
  'currency',
  'invoice_prefix',
  'invoice_settings',
  'next_invoice_sequence',
  'preferred_locales',
  'tax_exempt',
  'metadata',
  'parent_id',
  'delinquent_after',
  'updated_by',
  'merged_into',
  'merged_from',
  'email_match',
  'name_address_key',
  'body',
] as const;

/**
 * Every column the single-row insert writes is in the bulk insert's list: a column added to
 * mutableColumns and forgotten here fails to compile (it would be left null on imported rows).
 */
type NotBulkInserted = Exclude<keyof ReturnType<typeof mutableColumns>, (typeof INSERT_COLUMNS)[number]>;
export const BULK_INSERT_COMPLETE: [NotBulkInserted] extends [never] ? true : NotBulkInserted = true;

function insertRow(c: CustomerRecord): unknown[] {
  const m = mutableColumns(c);
  return INSERT_COLUMNS.map((column) => (column === 'id' ? c.id : column === 'created' ? c.created : column === 'created_by' ? c.created_by : m[column]));
}

/** Bounds every walk along parent links, whatever the data (the configured depth is far lower). */
const HIERARCHY_WALK_LIMIT = 64;

/**
 * `readRow`, where given (SQLite's read connection), answers the stored-representation read
 * synchronously with a prepared statement instead of going through Kysely's connection queue.
 */
export function customersRepository(db: Kysely<Database>, tenant: TenantDb, dialect: Dialect, readRow?: RowReader): CustomersRepository {
  const search = customerSearch(db, tenant, dialect);
  const insertCustomers = bulkInserter(db, tenant, dialect, 'customers', INSERT_COLUMNS, CUSTOMERS_PER_INSERT);
  const insertMetadata = bulkInserter(db, tenant, dialect, 'customer_metadata', ['customer_id', 'key', 'value'], METADATA_ROWS_PER_INSERT);
  const owned = ownedSearch(db, tenant, dialect);
  const records = (scope: Scope) => tenant(scope).selectFrom('customers').select(CUSTOMER_RECORD_COLUMNS);
  /**
   * Filters by a list of values (and by a contact's email, which few customers hold) are answered
   * through that column's index and sorted (keyset.ts PageOrder). A metadata filter walks the list
   * index: a value such as `tier=gold` is held by a large part of an account, where stopping after
   * a page beats sorting every holder.
   */
  const orderOf = (filters: CustomerFilters): PageOrder =>
    dialect === 'sqlite' &&
    (filters.ids !== undefined || filters.externalIds !== undefined || filters.parentIds !== undefined || filters.contactEmail !== undefined)
      ? 'sort'
      : 'index';
  /**
   * The table a filtered read starts from: a list of ids (or the few holders of a contact's
   * email) is read through the unique key (Tenant.selectByIds).
   */
  const from = (scope: Scope, filters: CustomerFilters) =>
    filters.ids !== undefined || filters.contactEmail !== undefined ? tenant(scope).selectByIds('customers') : tenant(scope).selectFrom('customers');

  const insertMetadataRows = async (scope: Scope, customerId: string, metadata: Record<string, string>) => {
    const entries = Object.entries(metadata);
    if (entries.length === 0) return;
    await tenant(scope)
      .insertInto(
        'customer_metadata',
        entries.map(([key, value]) => ({ customer_id: customerId, key, value })),
      )
      .execute();
  };

  /**
   * The filters of a customer list, each answered by an index: live rows by the partial
   * indexes on `deleted = 0`, tombstones by 0012's customers_deleted.
   */
  const filtered = <Q extends CustomerQueryBuilder<Q>>(scope: Scope, query: Q, filters: CustomerFilters): Q => {
    let q = query.where(filters.deleted ? sql<SqlBool>`deleted = 1` : sql<SqlBool>`deleted = 0`);
    // The index is on email_key, the address lower-cased by the service (emailKey); the filter
    // itself is exact, as Stripe's is.
    if (filters.email !== undefined) q = q.where(sql<SqlBool>`email_key = ${filters.email.toLowerCase()} AND email = ${filters.email}`);
    if (filters.externalId !== undefined) q = q.where(sql<SqlBool>`external_id = ${filters.externalId}`);
    if (filters.parentId !== undefined) q = q.where(sql<SqlBool>`parent_id = ${filters.parentId}`);
    if (filters.ids !== undefined) q = q.where(inList('id', filters.ids));
    if (filters.externalIds !== undefined) q = q.where(inList('external_id', filters.externalIds));
    if (filters.parentIds !== undefined) q = q.where(inList('parent_id', filters.parentIds));
    if (filters.contactEmail !== undefined) {
      // The few customers holding it (contacts_search_email), then their rows by id.
      q = q.where(sql<SqlBool>`id IN (${owned.contactEmailHolders(scope, filters.contactEmail.toLowerCase())})`);
    }
    for (const [key, value] of filters.metadata ?? []) {
      const holders = tenant(scope).selectFrom('customer_metadata').select('customer_id').where('key', '=', key).where('value', '=', value);
      q = q.where(sql<SqlBool>`id IN (${holders})`);
    }
    return q;
  };

  return {
    async insert(scope, c) {
      await tenant(scope)
        .insertInto('customers', { id: c.id, created: c.created, created_by: c.created_by, ...mutableColumns(c) })
        .execute();
      // A new customer has no index rows to replace.
      await insertMetadataRows(scope, c.id, c.metadata);
    },

    async findById(scope, id, options) {
      const row = await tenant(scope).lock(records(scope).where('id', '=', id), options?.forUpdate).executeTakeFirst();
      return row && toRecord(row);
    },

    async findStoredBody(scope, id, options) {
      const withStats = options?.withStats === true;
      const query = storedBodyQuery(tenant, dialect, scope, id, withStats);
      const row = readRow ? readRow<StoredRow>(query.sql, query.parameters) : (await db.executeQuery(query)).rows[0];
      return (
        row && {
          id: row.id,
          version: row.version,
          body: row.body,
          deleted: row.deleted === 1,
          updated: Number(row.updated),
          delinquent_after: row.delinquent_after === null ? null : Number(row.delinquent_after),
          ...(withStats && { stats: row.stats ?? null }),
        }
      );
    },

    async findByExternalId(scope, externalId, options) {
      const query = records(scope).where('external_id', '=', externalId).where(sql<SqlBool>`deleted = 0`);
      const row = await tenant(scope).lock(query, options?.forUpdate).executeTakeFirst();
      if (row) return toRecord(row);
      // Not held by a live customer: maybe an alias a merge left (customers_merged_alias), which
      // leads to the survivor (docs/merging.md).
      const alias = await records(scope)
        .where('external_id', '=', externalId)
        .where(sql<SqlBool>`deleted = 1 AND merged_into IS NOT NULL`)
        .executeTakeFirst();
      if (!alias?.merged_into) return undefined;
      const survivor = await tenant(scope).lock(records(scope).where('id', '=', alias.merged_into), options?.forUpdate).executeTakeFirst();
      return survivor && survivor.deleted === 0 ? toRecord(survivor) : undefined;
    },

    async update(scope, c) {
      await tenant(scope).updateTable('customers').set(mutableColumns(c)).where('id', '=', c.id).execute();
    },

    async replaceMetadataIndex(scope, customerId, metadata) {
      // By the (account_id, customer_id, key) key, named: without statistics SQLite's planner
      // takes the (account_id, livemode, key, value, customer_id) lookup index, whose rows carry
      // customer_id, and reads every metadata row of the account for each update (0.5–1 s at 10⁶
      // customers). Neither `+livemode` nor the order of the terms moves it.
      const { owns, through } = tenant(scope);
      await sql`DELETE FROM ${through('customer_metadata', 'sqlite_autoindex_customer_metadata_1')}
        WHERE ${owns('customer_metadata')} AND customer_id = ${customerId}`.execute(db);
      await insertMetadataRows(scope, customerId, metadata);
    },

    async findIdByEmailKey(scope, emailKey, exceptId) {
      let query = tenant(scope)
        .selectFrom('customers')
        .select('id')
        .where('email_key', '=', emailKey)
        .where(sql<SqlBool>`deleted = 0`);
      if (exceptId) query = query.where('id', '!=', exceptId);
      return (await query.limit(1).executeTakeFirst())?.id;
    },

    async findLatestByEmailKey(scope, emailKey) {
      // customers_search_email finds the few holders; they are sorted by `updated` in memory.
      const row = await tenant(scope)
        .selectFrom('customers')
        .select(['id', 'email'])
        .where('email_key', '=', emailKey)
        .where(sql<SqlBool>`deleted = 0`)
        .orderBy('updated', 'desc')
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row && row.email !== null ? { id: row.id, email: row.email } : undefined;
    },

    cursorOf: (scope, id) => positionOf(tenant(scope), 'customers', id),

    async list(scope, filters, page) {
      const rows = await applyPage(filtered(scope, from(scope, filters).select(CUSTOMER_RECORD_COLUMNS), filters), page, orderOf(filters)).execute();
      return rows.map(toRecord);
    },

    async listWindow(scope, filters, window) {
      const direction = window.order === 'newest_first' ? sql`desc` : sql`asc`;
      const [created, seq] = orderOf(filters) === 'sort' ? [sql`+created`, sql`+seq`] : [sql`created`, sql`seq`];
      const query = applyCreated(filtered(scope, from(scope, filters).select(CUSTOMER_RECORD_COLUMNS), filters), window.created)
        .orderBy(sql`${created} ${direction}`)
        .orderBy(sql`${seq} ${direction}`)
        .limit(window.limit)
        // The one positional window in the store, for FlexPrice's offset paging; the caller
        // bounds offset + limit, so a window costs at most that many index entries.
        .offset(window.offset);
      return (await query.execute()).map(toRecord);
    },

    async count(scope, filters, created) {
      const base = from(scope, filters).select((eb) => eb.fn.countAll<number | string>().as('n'));
      const row = await applyCreated(filtered(scope, base, filters), created).executeTakeFirst();
      return Number(row?.n ?? 0);
    },

    async findByIds(scope, ids) {
      const out = new Map<string, CustomerRecord>();
      if (ids.length === 0) return out;
      const rows = await records(scope).where('id', 'in', paddedList(ids)).execute();
      for (const row of rows) out.set(row.id, toRecord(row));
      return out;
    },

    async ancestorIds(scope, id) {
      const owns = tenant(scope).owns;
      const result = await sql<{ id: string }>`
        WITH RECURSIVE up(id, parent_id, depth) AS (
          SELECT id, parent_id, 1 FROM customers
            WHERE ${owns('customers')} AND id = ${id}
          UNION ALL
          -- up stays the outer loop (CROSS JOIN), as in subtreeHeight below: joined the other way
          -- round SQLite's planner can range over the account for each step.
          SELECT c.id, c.parent_id, up.depth + 1 FROM up CROSS JOIN customers c
            WHERE ${owns('c')} AND c.id = up.parent_id AND up.depth < ${HIERARCHY_WALK_LIMIT}
        )
        SELECT id FROM up ORDER BY depth`.execute(db);
      return result.rows.map((r) => r.id);
    },

    async subtreeHeight(scope, id) {
      const owns = tenant(scope).owns;
      const result = await sql<{ height: number | string | null }>`
        WITH RECURSIVE down(id, depth) AS (
          SELECT id, 1 FROM customers WHERE ${owns('customers')} AND id = ${id}
          UNION ALL
          -- CROSS JOIN keeps down the outer loop on SQLite, so each step reads the children of
          -- the rows found (customers_parent); joined the other way round its planner read every
          -- customer of the account for each level (minutes at 10⁶). PostgreSQL plans it as a join.
          SELECT c.id, down.depth + 1 FROM down CROSS JOIN customers c
            WHERE ${owns('c')} AND c.parent_id = down.id AND c.deleted = 0 AND down.depth < ${HIERARCHY_WALK_LIMIT}
        )
        SELECT MAX(depth) AS height FROM down`.execute(db);
      return Number(result.rows[0]?.height ?? 0);
    },

    async countChildren(scope, ids) {
      const out = new Map<string, number>(ids.map((id) => [id, 0]));
      if (ids.length === 0) return out;
      const rows = await tenant(scope)
        .selectFrom('customers')
        .select(['parent_id', (eb) => eb.fn.countAll<number | string>().as('n')])
        .where(sql<SqlBool>`deleted = 0`)
        .where('parent_id', 'in', ids)
        .groupBy('parent_id')
        .execute();
      for (const row of rows) if (row.parent_id) out.set(row.parent_id, Number(row.n));
      return out;
    },

    async insertMany(scope, customers) {
      await insertCustomers(scope, customers.map(insertRow));
      await insertMetadata(
        scope,
        customers.flatMap((c) => Object.entries(c.metadata).map(([key, value]) => [c.id, key, value])),
      );
    },

    async findByExternalIds(scope, externalIds) {
      const out = new Map<string, CustomerRecord>();
      for (const chunk of sizedChunks(externalIds, LOOKUPS_PER_QUERY)) {
        const rows = await records(scope).where('external_id', 'in', chunk).where(sql<SqlBool>`deleted = 0`).execute();
        for (const row of rows) out.set(row.external_id as string, toRecord(row));
      }
      return out;
    },

    async findIdsByEmailKeys(scope, emailKeys) {
      const out = new Map<string, string>();
      for (const chunk of sizedChunks(emailKeys, LOOKUPS_PER_QUERY)) {
        const rows = await tenant(scope)
          .selectFrom('customers')
          .select(['id', 'email_key'])
          .where('email_key', 'in', chunk)
          .where(sql<SqlBool>`deleted = 0`)
          .execute();
        for (const row of rows) if (row.email_key !== null && !out.has(row.email_key)) out.set(row.email_key, row.id);
      }
      return out;
    },

    async exportPage(scope, page) {
      let query = tenant(scope)
        .selectFrom('customers')
        .select([...CUSTOMER_RECORD_COLUMNS, 'body'])
        .where(page.deleted ? sql<SqlBool>`deleted = 1` : sql<SqlBool>`deleted = 0`);
      if (page.after) {
        const { created, seq } = page.after;
        query = query.where(sql<SqlBool>`created >= ${created} AND (created > ${created} OR seq > ${seq})`);
      }
      const rows = await query.orderBy(sql`created asc`).orderBy(sql`seq asc`).limit(page.limit).execute();
      return rows.map((row) => ({ customer: toRecord(row), body: row.body, position: { created: row.created, seq: row.seq } }));
    },

    async exportShape(scope) {
      const keys = await tenant(scope).selectFrom('customer_metadata').select('key').distinct().orderBy('key').execute();
      const length = (column: RawBuilder<unknown>) =>
        dialect === 'postgres'
          ? sql<number>`case jsonb_typeof(${column}) when 'array' then jsonb_array_length(${column}) else 0 end`
          : sql<number>`coalesce(json_array_length(${column}), 0)`;
      const customFields = dialect === 'postgres' ? sql`invoice_settings->'custom_fields'` : sql`json_extract(invoice_settings, '$.custom_fields')`;
      const row = await tenant(scope)
        .selectFrom('customers')
        .select([
          sql<number | string | null>`max(${length(sql`preferred_locales`)})`.as('locales'),
          sql<number | string | null>`max(${length(customFields)})`.as('fields'),
        ])
        .where(sql<SqlBool>`deleted = 0`)
        .executeTakeFirst();
      return { metadataKeys: keys.map((k) => k.key), maxLocales: Number(row?.locales ?? 0), maxCustomFields: Number(row?.fields ?? 0) };
    },

    async countForExport(scope, deleted) {
      const row = await tenant(scope)
        .selectFrom('customers')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where(deleted ? sql<SqlBool>`deleted = 1` : sql<SqlBool>`deleted = 0`)
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },

    async search(scope, query, page) {
      const rows = await search(scope, query, page);
      return rows.map((row) => ({ customer: toRecord(row), position: { created: row.created, seq: row.seq } }));
    },
  };
}
