import type { WriteRepositories } from '../../store/port.js';
import { recordEvents } from '../events/event-writer.js';
import { moved } from '../merges/moved.js';
import type { CustomerMerge } from '../owned-resource.js';
import type { Scope } from '../scope.js';
import { toApiPaymentMethod } from './payment-method-mapper.js';

/** A merge moves every attached method of the source's to the target (docs/merging.md). */
export async function mergePaymentMethods(repos: WriteRepositories, scope: Scope, merge: CustomerMerge): Promise<string[]> {
  const methods = (await repos.paymentMethods.allOf(scope, merge.sourceId)).map((m) => moved(m, merge));
  if (methods.length === 0) return [];
  await repos.merges.reassign(scope, 'payment_methods', merge.sourceId, merge.targetId, merge.now);
  await recordEvents(repos, scope, 'payment_method.updated', methods.map((m) => ({ object: toApiPaymentMethod(m), customerId: merge.targetId })));
  return methods.map((m) => m.id);
}
