import type { WriteRepositories } from '../../store/port.js';
import { previousAttributes, recordEvent } from '../events/event-writer.js';
import type { Scope } from '../scope.js';
import type { AddressRecord } from './address.js';
import { toApiAddress } from './address-mapper.js';

/**
 * Writes an entry's new state and its customer.address.updated event (none when nothing shown
 * changed). Kept apart from the address service so the registry's address resource can use it
 * without loading the expansion table (which itself reads the registry).
 */
export async function saveAddress(repos: WriteRepositories, scope: Scope, before: AddressRecord, after: AddressRecord): Promise<void> {
  await repos.addresses.update(scope, after);
  const shown = toApiAddress(after);
  const previous = previousAttributes(toApiAddress(before), shown);
  if (previous) await recordEvent(repos, scope, 'customer.address.updated', shown, { customerId: after.customer_id, previousAttributes: previous });
}
