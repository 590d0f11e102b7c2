import type { WriteRepositories } from '../../store/port.js';
import type { CustomerMerge } from '../owned-resource.js';
import type { Scope } from '../scope.js';
import { applyStatsChanges } from './stats-ledger.js';
import { NO_FIGURES, parseStats } from './stats.js';

/**
 * A merge adds the source's own figures to the target's own. Its tree figures already count in
 * the target's tree and its ancestors' (the merge moved the source's subtree under the target
 * first), so the source's stats go.
 */
export async function mergeStats(repos: WriteRepositories, scope: Scope, merge: CustomerMerge): Promise<string[]> {
  const source = parseStats((await repos.stats.lockTextsOf(scope, [merge.sourceId])).get(merge.sourceId));
  await applyStatsChanges(repos, scope, [{ customer_id: merge.targetId, own: source, tree: NO_FIGURES }]);
  await repos.stats.write(scope, [{ customer_id: merge.sourceId, stats: null }]);
  return [];
}
