import type { WriteRepositories } from '../../store/port.js';
import { recordEvents } from '../events/event-writer.js';
import { moved } from '../merges/moved.js';
import type { CustomerMerge } from '../owned-resource.js';
import type { Scope } from '../scope.js';
import { toApiRefund } from './refund-mapper.js';

/** A merge moves the refunds of the source's charges with them (their events are the charge's). */
export async function mergeRefunds(repos: WriteRepositories, scope: Scope, merge: CustomerMerge): Promise<string[]> {
  const refunds = (await repos.refunds.allOf(scope, merge.sourceId)).map((r) => moved(r, merge));
  if (refunds.length === 0) return [];
  await repos.merges.reassign(scope, 'refunds', merge.sourceId, merge.targetId, merge.now);
  await recordEvents(repos, scope, 'charge.refund.updated', refunds.map((r) => ({ object: toApiRefund(r), customerId: merge.targetId })));
  return refunds.map((r) => r.id);
}
