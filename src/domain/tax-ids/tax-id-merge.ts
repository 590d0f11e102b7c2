import type { WriteRepositories } from '../../store/port.js';
import { customerMaxTaxIds } from '../errors.js';
import { recordEvents } from '../events/event-writer.js';
import { moved } from '../merges/moved.js';
import type { CustomerMerge } from '../owned-resource.js';
import type { Scope } from '../scope.js';
import { toApiTaxId } from './tax-id-mapper.js';
import { MAX_TAX_IDS_PER_CUSTOMER } from './tax-id.js';

/**
 * A merge moves the source's tax ids to the target; one the target already has (same type and
 * value) is deleted instead of duplicated. Refused when the target would hold more than the limit.
 */
export async function mergeTaxIds(repos: WriteRepositories, scope: Scope, merge: CustomerMerge): Promise<string[]> {
  const all = await repos.taxIds.listForCustomers(scope, [merge.sourceId, merge.targetId]);
  const held = new Set(all.filter((t) => t.customer_id === merge.targetId).map((t) => `${t.type}\u0000${t.value}`));
  const source = all.filter((t) => t.customer_id === merge.sourceId);
  const duplicates = source.filter((t) => held.has(`${t.type}\u0000${t.value}`));
  const moving = source.filter((t) => !held.has(`${t.type}\u0000${t.value}`)).map((t) => moved(t, merge));
  if (held.size + moving.length > MAX_TAX_IDS_PER_CUSTOMER) throw customerMaxTaxIds(MAX_TAX_IDS_PER_CUSTOMER, 'source');
  for (const duplicate of duplicates) await repos.taxIds.delete(scope, duplicate.id);
  await recordEvents(repos, scope, 'customer.tax_id.deleted', duplicates.map((t) => ({ object: toApiTaxId(t), customerId: merge.sourceId })));
  if (moving.length === 0) return [];
  await repos.merges.reassign(scope, 'tax_ids', merge.sourceId, merge.targetId, merge.now);
  await recordEvents(repos, scope, 'customer.tax_id.updated', moving.map((t) => ({ object: toApiTaxId(t), customerId: merge.targetId })));
  return moving.map((t) => t.id);
}
