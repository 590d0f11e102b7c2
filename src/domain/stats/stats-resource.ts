import type { ExpandContext, Expander } from '../expansion/expansion.js';
import type { OwnedResource } from '../owned-resource.js';
import { moveTreeTotals } from './stats-ledger.js';
import { NO_STATS_TEXT, parseStats } from './stats.js';
import { mergeStats } from './stats-merge.js';
import { statsProfileSection } from './stats-profile-section.js';

/** The stats text of a customer whose row the request has read already (ExpandContext.storedStats). */
function storedText(ctx: ExpandContext, id: string): string | undefined {
  if (!ctx.storedStats?.has(id)) return undefined;
  return ctx.storedStats.get(id) ?? NO_STATS_TEXT;
}

/**
 * expand[]=stats: the customer row's own column (migration 0023), taken from the rows the
 * request read (a retrieve's stored body, a page of a list or search, an update's record), so
 * no further query; read by id only for customers whose rows were not read.
 */
const statsExpander: Expander = {
  yields: null,
  byParentId: true,
  storedText,
  async resolve(ctx, parents) {
    const ids = parents.map((p) => String(p.id));
    const missing = ids.filter((id) => !ctx.storedStats?.has(id));
    const read = missing.length > 0 ? await ctx.repos.stats.textsOf(ctx.scope, missing) : new Map<string, string | null>();
    return ids.map((id) => parseStats(storedText(ctx, id) ?? read.get(id)));
  },
};

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
  customerExpansions: { stats: statsExpander },
};
