import { customerMerged } from '../errors.js';
import type { CustomerRecord } from './customer.js';

/** A write naming a customer a merge turned into a tombstone: 400 customer_merged, naming the survivor. */
export function refuseMerged(customer: Pick<CustomerRecord, 'id' | 'deleted' | 'merged_into'> | undefined, param = 'id'): void {
  if (customer?.deleted && customer.merged_into) throw customerMerged(customer.id, customer.merged_into, param);
}
