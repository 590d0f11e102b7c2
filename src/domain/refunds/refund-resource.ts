import { toApiCharge } from '../charges/charge-mapper.js';
import { expandableId } from '../expansion/expansion.js';
import type { OwnedResource } from '../owned-resource.js';
import { toApiRefund } from './refund-mapper.js';
import { mergeRefunds } from './refund-merge.js';
import { refundProfileSection } from './refund-profile-section.js';

/**
 * SPEC S-1: refunds of a customer's charges. They hold no personal data, so deleting the
 * customer keeps them as they are. Their events are the charge's (charge.refunded,
 * charge.refund.updated).
 */
export const refundResource: OwnedResource<never> = {
  object: 'refund',
  exportKey: 'refunds',
  eventTypes: [],
  onMerge: mergeRefunds,
  profileSection: refundProfileSection,
  async exportOf({ repos, scope }, customerId) {
    return (await repos.refunds.allOf(scope, customerId)).map(toApiRefund);
  },
  expandable: {
    charge: expandableId('charge', 'charge', async ({ repos, scope }, ids) => {
      const charges = await repos.charges.findByIds(scope, ids);
      return new Map([...charges].map(([id, charge]) => [id, toApiCharge(charge)]));
    }),
  },
};
