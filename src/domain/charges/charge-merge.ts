import type { WriteRepositories } from '../../store/port.js';
import { recordEvents } from '../events/event-writer.js';
import { moved } from '../merges/moved.js';
import type { CustomerMerge } from '../owned-resource.js';
import type { Scope } from '../scope.js';
import { toApiCharge } from './charge-mapper.js';

/**
 * A merge moves the source's charges to the target. Their tree paths already sit on the
 * target's and its ancestors' rows (the merge moved the source's subtree there first), so the
 * source's own rows go.
 */
export async function mergeCharges(repos: WriteRepositories, scope: Scope, merge: CustomerMerge): Promise<string[]> {
  const charges = (await repos.charges.allOf(scope, merge.sourceId)).map((c) => moved(c, merge));
  await repos.merges.dropTreePathsOf(scope, 'charge_paths', merge.sourceId);
  if (charges.length === 0) return [];
  await repos.merges.reassign(scope, 'charges', merge.sourceId, merge.targetId, merge.now);
  await recordEvents(repos, scope, 'charge.updated', charges.map((c) => ({ object: toApiCharge(c), customerId: merge.targetId })));
  return charges.map((c) => c.id);
}
