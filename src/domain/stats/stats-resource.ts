import { includable } from '../expansion/expansion.js';
import type { OwnedResource } from '../owned-resource.js';
import { moveTreeTotals } from './stats-ledger.js';
import { toApiStats, type StatsRow } from './stats.js';
import { mergeStats } from './stats-merge.js';
import { statsProfileSection } from './stats-profile-section.js';

/**
 * SPEC S-2, H-4: a customer's stats, kept by charge, refund and invoice writes (stats-ledger.ts).
 * Shown with expand[]=stats; they follow a subtree that moves in the hierarchy. Derived from
 * the charges and invoices the export already holds, so not exported themselves.
 */
export const statsResource: OwnedResource<never> = {
  object: 'customer_stats',
  eventTypes: [],
  onMerge: mergeStats,
  profileSection: statsProfileSection,
  onReparent: moveTreeTotals,
  customerExpansions: {
    stats: includable(
      null,
      async ({ repos, scope }, ids) => {
        const byCustomer = new Map<string, StatsRow[]>(ids.map((id) => [id, []]));
        for (const row of await repos.stats.rowsOf(scope, ids)) byCustomer.get(row.customer_id)?.push(row);
        return new Map([...byCustomer].map(([id, rows]) => [id, toApiStats(rows)]));
      },
      { absent: () => toApiStats([]) },
    ),
  },
};
