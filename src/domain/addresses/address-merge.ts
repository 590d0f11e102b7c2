import type { WriteRepositories } from '../../store/port.js';
import { customerMaxAddresses } from '../errors.js';
import { recordEvents } from '../events/event-writer.js';
import { moved } from '../merges/moved.js';
import type { CustomerMerge } from '../owned-resource.js';
import type { Scope } from '../scope.js';
import { toApiAddress } from './address-mapper.js';
import { MAX_ADDRESSES_PER_CUSTOMER } from './address.js';

/**
 * A merge moves the source's address book to the target. The target's defaults win: a source
 * entry stops being the default billing (or shipping) address when the target has one.
 */
export async function mergeAddresses(repos: WriteRepositories, scope: Scope, merge: CustomerMerge): Promise<string[]> {
  const all = await repos.addresses.listForCustomers(scope, [merge.sourceId, merge.targetId]);
  const target = all.filter((a) => a.customer_id === merge.targetId);
  const source = all.filter((a) => a.customer_id === merge.sourceId);
  if (source.length === 0) return [];
  if (target.length + source.length > MAX_ADDRESSES_PER_CUSTOMER) throw customerMaxAddresses(MAX_ADDRESSES_PER_CUSTOMER);
  const hasBilling = target.some((a) => a.default_billing);
  const hasShipping = target.some((a) => a.default_shipping);
  const moving = source.map((a) => ({
    ...moved(a, merge),
    default_billing: a.default_billing && !hasBilling,
    default_shipping: a.default_shipping && !hasShipping,
  }));
  // Flags first, on the source's rows, so the target never holds two defaults of a kind.
  for (const [i, entry] of moving.entries()) {
    const before = source[i];
    if (before && (before.default_billing !== entry.default_billing || before.default_shipping !== entry.default_shipping)) {
      await repos.addresses.update(scope, { ...before, default_billing: entry.default_billing, default_shipping: entry.default_shipping });
    }
  }
  await repos.merges.reassign(scope, 'addresses', merge.sourceId, merge.targetId, merge.now);
  await recordEvents(repos, scope, 'customer.address.updated', moving.map((a) => ({ object: toApiAddress(a), customerId: merge.targetId })));
  return moving.map((a) => a.id);
}
