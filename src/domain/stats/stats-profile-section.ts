import { amountsPerCurrency } from '../console/profile-columns.js';
import type { ProfileSection } from '../owned-resource.js';
import { parseStats, type ApiFigures } from './stats.js';

const LABELS = ['Charges', 'Invoices', 'Total spent', 'Open invoices'] as const;

function figures(label: (name: string) => string, f: ApiFigures): Array<readonly [string, string]> {
  const values = [String(f.charge_count), String(f.invoice_count), amountsPerCurrency(f.total_spent), amountsPerCurrency(f.open_invoice_amount)];
  return LABELS.map((name, i) => [label(name), values[i] as string] as const);
}

/**
 * SPEC U-1, S-2, H-4: the customer's stats and its tree's (itself and every descendant) on the
 * console's profile, the same figures as expand[]=stats, from its row.
 */
export const statsProfileSection: ProfileSection = {
  title: 'Stats',
  async stats({ repos, scope }, customerId) {
    const stats = parseStats((await repos.stats.textsOf(scope, [customerId])).get(customerId));
    return [...figures((name) => name, stats), ...figures((name) => `Tree: ${name.toLowerCase()}`, stats.tree)];
  },
};
