import type { CustomerMerge } from '../owned-resource.js';

/** An object as a merge leaves it: on the target, and (for versioned objects) one version on. */
export function moved<R extends { customer_id: string | null }>(record: R, merge: CustomerMerge): R {
  const out: R = { ...record, customer_id: merge.targetId };
  if ('version' in record && typeof record.version === 'number') Object.assign(out, { version: record.version + 1, updated: merge.now });
  return out;
}
