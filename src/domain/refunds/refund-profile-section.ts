import { amountColumn, createdColumn, idColumn, idOfColumn, textColumn } from '../console/profile-columns.js';
import type { ProfileSection } from '../owned-resource.js';
import { toApiRefund } from './refund-mapper.js';

/** SPEC U-1: the console's Refunds section, the newest refunds of the customer's charges (one query). */
export const refundProfileSection: ProfileSection = {
  title: 'Refunds',
  columns: [idColumn, idOfColumn('Charge', 'charge'), amountColumn('Amount', 'amount'), textColumn('Reason', 'reason'), textColumn('Status', 'status'), createdColumn],
  async recent({ repos, scope }, customerId, limit) {
    return (await repos.refunds.list(scope, { customerId }, { limit })).map(toApiRefund);
  },
};
