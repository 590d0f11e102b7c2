import type { WriteRepositories } from '../../store/port.js';
import { recordEvents } from '../events/event-writer.js';
import { moved } from '../merges/moved.js';
import type { CustomerMerge } from '../owned-resource.js';
import type { Scope } from '../scope.js';
import { toApiIntegration } from './integration-mapper.js';

/** A merge moves the source's mappings, so a provider id that led to the source leads to the target. */
export async function mergeIntegrations(repos: WriteRepositories, scope: Scope, merge: CustomerMerge): Promise<string[]> {
  const mappings = (await repos.integrations.listForCustomers(scope, [merge.sourceId])).map((i) => moved(i, merge));
  if (mappings.length === 0) return [];
  await repos.merges.reassign(scope, 'integrations', merge.sourceId, merge.targetId, merge.now);
  await recordEvents(repos, scope, 'customer.integration.updated', mappings.map((i) => ({ object: toApiIntegration(i), customerId: merge.targetId })));
  return mappings.map((i) => i.id);
}
