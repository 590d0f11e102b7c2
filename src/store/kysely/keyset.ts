import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import type { Scope } from '../../domain/scope.js';
import type { Cursor, PageQuery } from '../port.js';
import type { Database } from '../schema.js';
import { flag } from './codec.js';

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
export function applyPage<Q extends Pageable<Q>>(query: Q, page: PageQuery): Q {
  let q = query;
  const c = page.created;
  if (c?.gt !== undefined) q = q.where(sql<SqlBool>`created > ${c.gt}`);
  if (c?.gte !== undefined) q = q.where(sql<SqlBool>`created >= ${c.gte}`);
  if (c?.lt !== undefined) q = q.where(sql<SqlBool>`created < ${c.lt}`);
  if (c?.lte !== undefined) q = q.where(sql<SqlBool>`created <= ${c.lte}`);
  if (page.endingBefore) {
    const { created, seq } = page.endingBefore;
    q = q.where(sql<SqlBool>`created >= ${created} AND (created > ${created} OR seq > ${seq})`);
    return q.orderBy(sql`created asc`).orderBy(sql`seq asc`).limit(page.limit + 1);
  }
  if (page.startingAfter) {
    const { created, seq } = page.startingAfter;
    q = q.where(sql<SqlBool>`created <= ${created} AND (created < ${created} OR seq < ${seq})`);
  }
  return q.orderBy(sql`created desc`).orderBy(sql`seq desc`).limit(page.limit + 1);
}

/** Tables listed newest first by (created, seq), whose object ids serve as list cursors. */
export type KeysetTable = 'customers' | 'payment_methods' | 'tax_ids' | 'integrations' | 'events' | 'webhook_endpoints';

/**
 * The (created, seq) position of the object a cursor names, in the caller's account and mode
 * (and, for sub-resources, under that customer); undefined when there is no such object.
 */
export async function positionOf(
  db: Kysely<Database>,
  table: KeysetTable,
  scope: Scope,
  id: string,
  customerId?: string,
): Promise<Cursor | undefined> {
  const underCustomer = customerId === undefined ? sql`` : sql` AND customer_id = ${customerId}`;
  const result = await sql<Cursor>`
    SELECT created, seq FROM ${sql.table(table)}
    WHERE account_id = ${scope.accountId} AND livemode = ${flag(scope.livemode)} AND id = ${id}${underCustomer}`.execute(db);
  return result.rows[0];
}
