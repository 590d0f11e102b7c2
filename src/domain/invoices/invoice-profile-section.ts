import { amountColumn, createdColumn, idColumn, textColumn, timeColumn } from '../console/profile-columns.js';
import type { ProfileSection } from '../owned-resource.js';
import { toApiInvoice } from './invoice-mapper.js';

/** SPEC U-1: the console's Invoices section, the customer's newest invoices (one query). */
export const invoiceProfileSection: ProfileSection = {
  title: 'Invoices',
  columns: [
    idColumn,
    textColumn('Number', 'number'),
    amountColumn('Amount due', 'amount_due'),
    amountColumn('Remaining', 'amount_remaining'),
    textColumn('Status', 'status'),
    timeColumn('Due', 'due_date'),
    createdColumn,
  ],
  async recent({ repos, scope }, customerId, limit) {
    return (await repos.invoices.list(scope, { customerId }, { limit })).map(toApiInvoice);
  },
};
