import { sql, type Kysely } from 'kysely';
import type { SubtreeMove } from '../../domain/customers/hierarchy.js';
import type { Scope } from '../../domain/scope.js';
import type { PageQuery } from '../port.js';
import type { Database } from '../schema.js';
import { applyPage } from './keyset.js';
import type { TenantDb } from './tenant.js';

export interface PathedObject {
  id: string;
  created: number;
  seq: number;
  status: string;
}

/**
 * The tree paths of charges or invoices (charge_paths, invoice_paths: one shape): a row per
 * object and per customer from its own customer up to its tree's root, so a customer's whole
 * tree reads newest first from one primary-key range, never a query per descendant.
 */
export function treePaths(db: Kysely<Database>, tenant: TenantDb, table: 'charge_paths' | 'invoice_paths') {
  // Both tables have the same columns; the builder is typed on one of them.
  const name = table as 'charge_paths';

  return {
    async insert(scope: Scope, object: PathedObject, path: readonly string[]): Promise<void> {
      if (path.length === 0) return;
      const rows = path.map((customerId) => ({
        customer_id: customerId,
        created: object.created,
        seq: object.seq,
        object_id: object.id,
        status: object.status,
      }));
      await tenant(scope).insertInto(name, rows).execute();
    },

    // An object's rows by its object index, named: SQLite's planner otherwise takes the primary
    // key's (account_id, livemode) range, every path row of the account (10 s per invoice
    // finalisation at 10⁶ customers).
    async setStatus(scope: Scope, id: string, status: string): Promise<void> {
      const { owns, through } = tenant(scope);
      await sql`UPDATE ${through(table, `${table}_object`)} SET status = ${status} WHERE ${owns(table)} AND object_id = ${id}`.execute(db);
    },

    async remove(scope: Scope, id: string): Promise<void> {
      const { owns, through } = tenant(scope);
      await sql`DELETE FROM ${through(table, `${table}_object`)} WHERE ${owns(table)} AND object_id = ${id}`.execute(db);
    },

    /**
     * The subtree's objects (those on its root's path rows) leave the ancestors it no longer
     * has and join the ones it gains; ancestors it keeps keep their rows.
     */
    async move(scope: Scope, move: SubtreeMove): Promise<void> {
      const { owns } = tenant(scope);
      const left = move.from.filter((id) => !move.to.includes(id));
      const joined = move.to.filter((id) => !move.from.includes(id));
      const t = sql.table(table);
      if (left.length > 0) {
        await sql`DELETE FROM ${t} WHERE ${owns(table)} AND customer_id IN (${sql.join(left)})
          AND object_id IN (SELECT m.object_id FROM ${t} m WHERE ${owns('m')} AND m.customer_id = ${move.customerId})`.execute(db);
      }
      for (const ancestor of joined) {
        await sql`INSERT INTO ${t} (account_id, livemode, customer_id, created, seq, object_id, status)
          SELECT m.account_id, m.livemode, ${ancestor}, m.created, m.seq, m.object_id, m.status
            FROM ${t} m WHERE ${owns('m')} AND m.customer_id = ${move.customerId}`.execute(db);
      }
    },

    /** The ids of up to page.limit + 1 objects of a customer's tree, in list order. */
    async page(scope: Scope, customerId: string, status: string | undefined, page: PageQuery): Promise<string[]> {
      let query = tenant(scope).selectFrom(name).select('object_id').where('customer_id', '=', customerId);
      if (status !== undefined) query = query.where('status', '=', status);
      return (await applyPage(query, page).execute()).map((r) => r.object_id);
    },
  };
}

/** Records by id, in the order of `ids` (a page read from the tree paths). */
export function inOrder<R>(ids: readonly string[], found: ReadonlyMap<string, R>): R[] {
  return ids.flatMap((id) => {
    const record = found.get(id);
    return record === undefined ? [] : [record];
  });
}
