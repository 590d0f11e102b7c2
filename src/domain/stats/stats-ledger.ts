import type { Repositories, WriteRepositories } from '../../store/port.js';
import type { CustomerRecord } from '../customers/customer.js';
import { hierarchyLock, type SubtreeMove } from '../customers/hierarchy.js';
import type { Scope } from '../scope.js';
import { addFigures, isZero, negate, ZERO, type Figures, type StatsDelta } from './stats.js';

/**
 * The write side of the stats (SPEC S-2, H-4). Every charge, refund and invoice write changes
 * them in its own transaction, as counters: its customer's own figures and the tree figures of
 * the customer and each ancestor (at most the hierarchy's depth), so a read is one row per
 * currency whatever the tree holds, and nothing is ever recomputed on read.
 *
 * Which ancestors a write touches must not change under it: every such write takes the
 * hierarchy lock shared (lockTreeShared) before anything else it locks but the customer row,
 * and a move in the tree takes it exclusively (customer-service.ts), in the same order.
 */

/** Taken by every stats write before it locks its charge or invoice (after the customer row, if it locks that). */
export async function lockTreeShared(repos: WriteRepositories, scope: Scope): Promise<void> {
  await repos.lock(hierarchyLock(scope), 'shared');
}

/**
 * The customers a change of `customer`'s activity counts for: itself, then its ancestors,
 * nearest first. A deleted customer is out of its tree (its delete moved its totals out),
 * so only its own figures follow its objects' later changes.
 */
export async function statsPath(repos: Repositories, scope: Scope, customer: Pick<CustomerRecord, 'id' | 'deleted'>): Promise<string[]> {
  return customer.deleted ? [customer.id] : repos.customers.ancestorIds(scope, customer.id);
}

/** Adds `change` (in one currency) to the customer's own figures (path[0]) and to the tree figures of all of `path`. */
export async function recordActivity(
  repos: WriteRepositories,
  scope: Scope,
  path: readonly string[],
  currency: string,
  change: Partial<Figures>,
): Promise<void> {
  const figures = addFigures(ZERO, change);
  if (isZero(figures) || path.length === 0) return;
  await repos.stats.add(
    scope,
    path.map((customerId, i) => ({ customer_id: customerId, currency, own: i === 0 ? figures : ZERO, tree: figures })),
  );
}

/**
 * A subtree moved (SubtreeMove): its tree totals leave the ancestors it no longer has and join
 * the ones it gains; an ancestor it keeps is unchanged.
 */
export async function moveTreeTotals(repos: WriteRepositories, scope: Scope, move: SubtreeMove): Promise<void> {
  const left = move.from.filter((id) => !move.to.includes(id));
  const joined = move.to.filter((id) => !move.from.includes(id));
  if (left.length === 0 && joined.length === 0) return;
  const deltas: StatsDelta[] = [];
  for (const row of await repos.stats.rowsOf(scope, [move.customerId])) {
    if (isZero(row.tree)) continue;
    for (const ancestor of left) deltas.push({ customer_id: ancestor, currency: row.currency, own: ZERO, tree: negate(row.tree) });
    for (const ancestor of joined) deltas.push({ customer_id: ancestor, currency: row.currency, own: ZERO, tree: row.tree });
  }
  await repos.stats.add(scope, deltas);
}
