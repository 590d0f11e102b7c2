import type { WriteRepositories } from '../../store/port.js';
import { recordEvents } from '../events/event-writer.js';
import { moved } from '../merges/moved.js';
import type { CustomerMerge } from '../owned-resource.js';
import type { Scope } from '../scope.js';
import { toApiInvoice } from './invoice-mapper.js';

/**
 * A merge moves the source's invoices to the target (numbers keep the prefix they were issued
 * with); tree paths as for charges. The target's delinquency is recomputed by the merge.
 */
export async function mergeInvoices(repos: WriteRepositories, scope: Scope, merge: CustomerMerge): Promise<string[]> {
  const invoices = (await repos.invoices.allOf(scope, merge.sourceId)).map((i) => moved(i, merge));
  await repos.merges.dropTreePathsOf(scope, 'invoice_paths', merge.sourceId);
  if (invoices.length === 0) return [];
  await repos.merges.reassign(scope, 'invoices', merge.sourceId, merge.targetId, merge.now);
  await recordEvents(repos, scope, 'invoice.updated', invoices.map((i) => ({ object: toApiInvoice(i), customerId: merge.targetId })));
  return invoices.map((i) => i.id);
}
