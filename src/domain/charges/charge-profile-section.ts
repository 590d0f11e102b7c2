import { amountColumn, createdColumn, idColumn, moneyOf, textColumn } from '../console/profile-columns.js';
import type { ApiObject } from '../expansion/expansion.js';
import type { ProfileSection } from '../owned-resource.js';
import { toApiRefund } from '../refunds/refund-mapper.js';
import { toApiCharge } from './charge-mapper.js';

/** How many of a charge's refunds its row names; the Refunds section lists them all. */
const REFUNDS_PER_ROW = 3;

function refundsCell(o: ApiObject): string | null {
  const list = o.refunds as { data?: ApiObject[] } | undefined;
  const refunds = list?.data ?? [];
  if (refunds.length === 0) return null;
  const named = refunds.slice(0, REFUNDS_PER_ROW).map((r) => `${String(r.id)} (${moneyOf(r.amount, r.currency) ?? ''})`);
  const more = refunds.length - named.length;
  return more > 0 ? `${named.join(', ')} and ${more} more` : named.join(', ');
}

/**
 * SPEC U-1: the console's Charges section, each with its refunds: two queries (the customer's
 * newest charges, then the refunds of those charges at once) whatever the page shows.
 */
export const chargeProfileSection: ProfileSection = {
  title: 'Charges',
  columns: [
    idColumn,
    amountColumn('Amount', 'amount'),
    textColumn('Status', 'status'),
    amountColumn('Refunded', 'amount_refunded'),
    { label: 'Refunds', value: refundsCell },
    textColumn('Description', 'description'),
    createdColumn,
  ],
  async recent({ repos, scope }, customerId, limit) {
    const charges = await repos.charges.list(scope, { customerId }, { limit });
    const refunds = await repos.refunds.listForCharges(
      scope,
      charges.map((c) => c.id),
    );
    return charges.map((c) => ({
      ...toApiCharge(c),
      refunds: { object: 'list', data: refunds.filter((r) => r.charge_id === c.id).map(toApiRefund) },
    }));
  },
};
