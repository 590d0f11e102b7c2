import { sql, type Expression, type SqlBool } from 'kysely';
import type { CreatedRange, Cursor, PageQuery } from '../port.js';
import type { Tenant, TenantTable } from './tenant.js';

/** The query-builder surface keyset paging needs; every list query builder has it. */
interface Pageable<Q> {
  where(expression: Expression<SqlBool>): Q;
  orderBy(expression: Expression<unknown>): Q;
  limit(limit: number): Q;
}

/**
 * Keyset pagination over (created, seq), newest first; never OFFSET, so a page costs the
 * same at any depth. `created <= c` bounds the index range; the OR settles ties within one
 * second. With ending_before the rows come oldest first and the caller reverses them.
 */
export function applyPage<Q extends Pageable<Q>>(query: Q, page: PageQuery, order: PageOrder = 'index'): Q {
  let q = applyCreated(query, page.created);
  const [created_, seq_] = order === 'sort' ? [sql`+created`, sql`+seq`] : [sql`created`, sql`seq`];
  if (page.endingBefore) {
    const { created, seq } = page.endingBefore;
    q = q.where(sql<SqlBool>`created >= ${created} AND (created > ${created} OR seq > ${seq})`);
    return q.orderBy(sql`${created_} asc`).orderBy(sql`${seq_} asc`).limit(page.limit + 1);
  }
  if (page.startingAfter) {
    const { created, seq } = page.startingAfter;
    q = q.where(sql<SqlBool>`created <= ${created} AND (created < ${created} OR seq < ${seq})`);
  }
  return q.orderBy(sql`${created_} desc`).orderBy(sql`${seq_} desc`).limit(page.limit + 1);
}

/**
 * How a page is put in order: `index` walks an index in (created, seq) order and stops after
 * the page; `sort` (SQLite, rows filtered by an IN list on an indexed column) orders by the
 * expressions `+created`, `+seq`, so its planner, which has no statistics here, finds the few
 * matching rows through the list's index and sorts them instead of walking the whole account's
 * list index in order (Tenant.newestFirst says the same for unpaged reads).
 */
export type PageOrder = 'index' | 'sort';

/** Bounds on `created` (SPEC W-5 `created[gt|gte|lt|lte]`). */
export function applyCreated<Q extends Pick<Pageable<Q>, 'where'>>(query: Q, c: CreatedRange | undefined): Q {
  let q = query;
  if (c?.gt !== undefined) q = q.where(sql<SqlBool>`created > ${c.gt}`);
  if (c?.gte !== undefined) q = q.where(sql<SqlBool>`created >= ${c.gte}`);
  if (c?.lt !== undefined) q = q.where(sql<SqlBool>`created < ${c.lt}`);
  if (c?.lte !== undefined) q = q.where(sql<SqlBool>`created <= ${c.lte}`);
  return q;
}

/** Tables listed newest first by (created, seq), whose object ids serve as list cursors. */
export type KeysetTable = Exclude<
  TenantTable,
  'customer_metadata' | 'idempotency_keys' | 'webhook_deliveries' | 'charge_paths' | 'invoice_paths'
>;

/**
 * The (created, seq) position of the object a cursor names, in the tenant's account and mode
 * (and, for sub-resources, under that customer); undefined when there is no such object.
 */
export async function positionOf(tenant: Tenant, table: KeysetTable, id: string, customerId?: string): Promise<Cursor | undefined> {
  let query = tenant.selectFrom(table).select(['created', 'seq']).where('id', '=', id);
  if (customerId !== undefined) query = query.where(sql.ref('customer_id'), '=', customerId);
  return (await query.executeTakeFirst()) as Cursor | undefined;
}
