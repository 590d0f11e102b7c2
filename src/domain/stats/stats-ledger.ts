import type { Repositories, WriteRepositories } from '../../store/port.js';
import type { CustomerRecord } from '../customers/customer.js';
import { hierarchyLock, type SubtreeMove } from '../customers/hierarchy.js';
import type { Scope } from '../scope.js';
import {
  addFigures,
  applyChange,
  inCurrency,
  isNoChange,
  isZero,
  negateApiFigures,
  NO_FIGURES,
  parseStats,
  renderStats,
  ZERO,
  type Figures,
  type StatsChange,
} from './stats.js';

/**
 * The write side of the stats (SPEC S-2, H-4). Every charge, refund and invoice write changes
 * them in its own transaction, as counters: its customer's own figures and the tree figures of
 * the customer and each ancestor (at most the hierarchy's depth), so a read is one column of the
 * customer's row whatever the tree holds, and nothing is ever recomputed on read.
 *
 * The stats live in the customers' rows (migration 0023), so a stats write row-locks its
 * customer and its ancestors. Locks are taken in one order by every write (no deadlocks on
 * PostgreSQL): the hierarchy lock first (shared by stats writes, exclusive by moves in the tree,
 * merges and deletes), then customer rows, a customer before its ancestors. Which ancestors a
 * write touches cannot change under it while it holds the hierarchy lock shared.
 */

/** Taken by every stats write before any row lock. */
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

/**
 * Adds the changes to their customers' stats: the rows locked in the order of `changes` (a
 * customer before its ancestors), read, and written back rendered, in one statement each.
 */
export async function applyStatsChanges(repos: WriteRepositories, scope: Scope, changes: readonly StatsChange[]): Promise<void> {
  const wanted = changes.filter((c) => !isNoChange(c.own) || !isNoChange(c.tree));
  if (wanted.length === 0) return;
  const ids = [...new Set(wanted.map((c) => c.customer_id))];
  const stored = await repos.stats.lockTextsOf(scope, ids);
  const next = new Map(ids.filter((id) => stored.has(id)).map((id) => [id, parseStats(stored.get(id))]));
  for (const change of wanted) {
    const stats = next.get(change.customer_id);
    if (stats) next.set(change.customer_id, applyChange(stats, change));
  }
  await repos.stats.write(
    scope,
    [...next].map(([id, stats]) => ({ customer_id: id, stats: renderStats(stats) })),
  );
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
  const shown = inCurrency(currency, figures);
  await applyStatsChanges(
    repos,
    scope,
    path.map((customerId, i) => ({ customer_id: customerId, own: i === 0 ? shown : NO_FIGURES, tree: shown })),
  );
}

/**
 * A subtree moved (SubtreeMove): its tree totals leave the ancestors it no longer has and join
 * the ones it gains; an ancestor it keeps is unchanged. Runs under the hierarchy lock held
 * exclusively, so the order of the row locks cannot meet another stats write's.
 */
export async function moveTreeTotals(repos: WriteRepositories, scope: Scope, move: SubtreeMove): Promise<void> {
  const left = move.from.filter((id) => !move.to.includes(id));
  const joined = move.to.filter((id) => !move.from.includes(id));
  if (left.length === 0 && joined.length === 0) return;
  const tree = parseStats((await repos.stats.textsOf(scope, [move.customerId])).get(move.customerId)).tree;
  if (isNoChange(tree)) return;
  const removed = negateApiFigures(tree);
  await applyStatsChanges(repos, scope, [
    ...left.map((id) => ({ customer_id: id, own: NO_FIGURES, tree: removed })),
    ...joined.map((id) => ({ customer_id: id, own: NO_FIGURES, tree })),
  ]);
}
