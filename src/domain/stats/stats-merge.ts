import type { WriteRepositories } from '../../store/port.js';
import type { CustomerMerge } from '../owned-resource.js';
import type { Scope } from '../scope.js';
import { ZERO, type StatsDelta } from './stats.js';

/**
 * A merge adds the source's own figures to the target's own. Its tree figures already count in
 * the target's tree and its ancestors' (the merge moved the source's subtree under the target
 * first), so the source's rows go.
 */
export async function mergeStats(repos: WriteRepositories, scope: Scope, merge: CustomerMerge): Promise<string[]> {
  const rows = await repos.stats.rowsOf(scope, [merge.sourceId]);
  const deltas: StatsDelta[] = rows.map((row) => ({ customer_id: merge.targetId, currency: row.currency, own: row.own, tree: ZERO }));
  await repos.stats.add(scope, deltas);
  await repos.merges.dropStatsOf(scope, merge.sourceId);
  return [];
}
