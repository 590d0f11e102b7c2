import type { WriteRepositories } from '../../store/port.js';
import { customerMaxContacts } from '../errors.js';
import { recordEvents } from '../events/event-writer.js';
import { moved } from '../merges/moved.js';
import type { CustomerMerge } from '../owned-resource.js';
import type { Scope } from '../scope.js';
import { toApiContact } from './contact-mapper.js';
import { MAX_CONTACTS_PER_CUSTOMER } from './contact.js';

/**
 * A merge moves the source's contacts to the target. Emails stay unique per customer: a source
 * contact whose email a target contact already has is deleted. Refused past the per-customer limit.
 */
export async function mergeContacts(repos: WriteRepositories, scope: Scope, merge: CustomerMerge): Promise<string[]> {
  const all = await repos.contacts.listForCustomers(scope, [merge.sourceId, merge.targetId]);
  const target = all.filter((c) => c.customer_id === merge.targetId);
  const emails = new Set(target.flatMap((c) => (c.email_key === null ? [] : [c.email_key])));
  const source = all.filter((c) => c.customer_id === merge.sourceId);
  const duplicates = source.filter((c) => c.email_key !== null && emails.has(c.email_key));
  const moving = source.filter((c) => !duplicates.includes(c)).map((c) => moved(c, merge));
  if (target.length + moving.length > MAX_CONTACTS_PER_CUSTOMER) throw customerMaxContacts(MAX_CONTACTS_PER_CUSTOMER);
  for (const duplicate of duplicates) await repos.contacts.delete(scope, duplicate.id);
  await recordEvents(repos, scope, 'customer.contact.deleted', duplicates.map((c) => ({ object: toApiContact(c), customerId: merge.sourceId })));
  if (moving.length === 0) return [];
  await repos.merges.reassign(scope, 'contacts', merge.sourceId, merge.targetId, merge.now);
  await recordEvents(repos, scope, 'customer.contact.updated', moving.map((c) => ({ object: toApiContact(c), customerId: merge.targetId })));
  return moving.map((c) => c.id);
}
