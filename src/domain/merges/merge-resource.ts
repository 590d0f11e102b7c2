import type { MergeRecord } from '../../store/port.js';
import type { OwnedResource } from '../owned-resource.js';

/** A merge record as the export shows it: which customer was absorbed, when, and what moved. */
export function toApiMerge(m: MergeRecord) {
  return { object: 'customer_merge' as const, source: m.source_id, target: m.target_id, created: m.created, moved: m.moved };
}

/**
 * The provenance of what a customer absorbed (docs/merging.md): the export of the survivor
 * lists each merge with the ids that moved. Erasing the survivor erases what the absorbed
 * customers left too: their alias external ids go (their events are redacted by erasure
 * itself, which follows `merged_from`).
 */
export const mergeResource: OwnedResource<never> = {
  object: 'customer_merge',
  exportKey: 'merges',
  eventTypes: [],
  async exportOf({ repos, scope }, customerId) {
    return (await repos.merges.listForTarget(scope, customerId)).map(toApiMerge);
  },
  async erase(repos, scope, customerId) {
    await repos.merges.dropAliasesOf(scope, customerId);
    await repos.merges.deleteForTarget(scope, customerId);
    return [];
  },
};
