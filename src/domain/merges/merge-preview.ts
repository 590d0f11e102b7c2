import type { Repositories } from '../../store/port.js';
import type { CustomerRecord } from '../customers/customer.js';
import { toApiCustomer } from '../customers/customer-mapper.js';
import { customerEtag } from '../customers/customer-service.js';
import { customerMerged, mergeSameCustomer, resourceMissing } from '../errors.js';
import type { ApiObject } from '../expansion/expansion.js';
import type { Scope } from '../scope.js';
import { parseStats } from '../stats/stats.js';

/** Objects of a kind counted one by one at most; past it the preview says "more than". */
export const PREVIEW_COUNT_CAP = 100;

/** How many of one kind of the source's objects move to the target; `more` past the cap. */
export interface PreviewCount {
  kind: 'payment_methods' | 'tax_ids' | 'integrations' | 'contacts' | 'addresses' | 'charges' | 'invoices' | 'children';
  count: number;
  more: boolean;
}

export interface PreviewSide {
  record: CustomerRecord;
  body: ApiObject;
  /** The version the confirmation shows; the merge is conditional on it (If-Match, source_if_match). */
  etag: string;
}

/** What the console's confirmation step shows before a merge (docs/merging.md, docs/console.md). */
export interface MergePreview {
  target: PreviewSide;
  source: PreviewSide;
  moves: PreviewCount[];
  /** Both have a different external_id: the merge needs `external_id` (target|source). */
  externalIdChoice: boolean;
}

/** A customer that can take part in a merge: live, or the merge's own refusal. */
export function liveOrRefuse(customer: CustomerRecord | undefined, id: string, param: string): CustomerRecord {
  if (customer?.deleted && customer.merged_into) throw customerMerged(id, customer.merged_into, param);
  if (!customer || customer.deleted) throw resourceMissing('customer', id, param);
  return customer;
}

function side(record: CustomerRecord): PreviewSide {
  return { record, body: toApiCustomer(record) as ApiObject, etag: customerEtag(record) };
}

/**
 * The two customers of a proposed merge and what of the source's would move, from a handful of
 * bounded reads: counts of the customer's own rows (indexed by customer), a bounded page where
 * there is no count, the stats ledger's counts for charges and invoices. The merge itself
 * re-reads and re-checks everything under its locks.
 */
export async function previewMerge(repos: Repositories, scope: Scope, targetId: string, sourceId: string): Promise<MergePreview> {
  if (sourceId === targetId) throw mergeSameCustomer(targetId);
  const found = await repos.customers.findByIds(scope, [targetId, sourceId]);
  const target = liveOrRefuse(found.get(targetId), targetId, 'id');
  const source = liveOrRefuse(found.get(sourceId), sourceId, 'source');
  const page = { limit: PREVIEW_COUNT_CAP };
  const [methods, taxIds, integrations, contacts, addresses, stats, children] = await Promise.all([
    repos.paymentMethods.list(scope, { customerId: sourceId }, page),
    repos.taxIds.countOf(scope, sourceId),
    repos.integrations.list(scope, sourceId, page),
    repos.contacts.countOf(scope, sourceId),
    repos.addresses.countOf(scope, sourceId),
    repos.stats.textsOf(scope, [sourceId]),
    repos.customers.countChildren(scope, [sourceId]),
  ]);
  const own = parseStats(stats.get(sourceId));
  const listed = (kind: PreviewCount['kind'], rows: readonly unknown[]): PreviewCount => ({
    kind,
    count: Math.min(rows.length, PREVIEW_COUNT_CAP),
    more: rows.length > PREVIEW_COUNT_CAP,
  });
  const counted = (kind: PreviewCount['kind'], count: number): PreviewCount => ({ kind, count, more: false });
  return {
    target: side(target),
    source: side(source),
    moves: [
      listed('payment_methods', methods),
      counted('tax_ids', taxIds),
      listed('integrations', integrations),
      counted('contacts', contacts),
      counted('addresses', addresses),
      counted('charges', own.charge_count),
      counted('invoices', own.invoice_count),
      counted('children', children.get(sourceId) ?? 0),
    ],
    externalIdChoice: target.external_id !== null && source.external_id !== null && target.external_id !== source.external_id,
  };
}
