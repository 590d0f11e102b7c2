import type { Static } from '@sinclair/typebox';
import type { CustomerQuery } from '../../../domain/customers/customer-query.js';
import { expandInvalid, parameterInvalid } from '../../../domain/errors.js';
import type { CreatedRange, CustomerFilters } from '../../../store/port.js';
import type { SearchBody } from './schemas.js';

type Search = Static<typeof SearchBody>;

export const DEFAULT_LIMIT = 50;

/** A date, or a date and time with an optional zone, as ISO 8601 writes them. */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:[Zz]|[+-]\d{2}:?\d{2})?)?$/;

function instant(value: string, param: string): number {
  const ms = ISO_8601.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw parameterInvalid(`Invalid ${param}: '${value.slice(0, 40)}' is not an ISO 8601 date-time (e.g. 2024-04-14T12:00:00Z).`, param);
  return ms;
}

/** start_time and end_time, both inclusive, on Clientele's whole-second `created`. */
function createdRange(search: Search): CreatedRange | undefined {
  if (search.start_time === undefined && search.end_time === undefined) return undefined;
  const range: CreatedRange = {};
  if (search.start_time !== undefined) range.gte = Math.ceil(instant(search.start_time, 'start_time') / 1000);
  if (search.end_time !== undefined) range.lte = Math.floor(instant(search.end_time, 'end_time') / 1000);
  return range;
}

function orderOf(search: Search): CustomerQuery['order'] {
  const [sort] = search.sort ?? [];
  if (sort && sort.field !== 'created_at') {
    throw parameterInvalid(`Invalid sort[0][field]: customers can be sorted by created_at only, not '${sort.field.slice(0, 64)}'.`, 'sort[0][field]');
  }
  const direction = sort?.direction ?? search.order ?? 'desc';
  return direction === 'asc' ? 'oldest_first' : 'newest_first';
}

function checkExpand(expand: string | undefined): void {
  for (const field of (expand ?? '').split(',').map((f) => f.trim())) {
    if (field !== '' && field !== 'parent_customer') throw expandInvalid(field, 'only parent_customer, which every customer includes');
  }
}

/**
 * FlexPrice's search body (its CustomerFilter) as Clientele's offset query. Every filter is
 * answered through an index; `filters` (FlexPrice's generic conditions) is not supported.
 */
export function customerQueryOf(search: Search): CustomerQuery {
  if (search.filters && search.filters.length > 0) {
    throw parameterInvalid(
      'Invalid filters: generic filter conditions are not supported here; use customer_ids, external_ids, external_id, email, parent_customer_ids, start_time, end_time or status.',
      'filters',
    );
  }
  checkExpand(search.expand);
  const filters: CustomerFilters = {
    ...(search.customer_ids && { ids: search.customer_ids }),
    ...(search.external_ids && { externalIds: search.external_ids }),
    ...(search.parent_customer_ids && { parentIds: search.parent_customer_ids }),
    ...(search.external_id !== undefined && { externalId: search.external_id }),
    ...(search.email !== undefined && { email: search.email }),
    ...(search.status === 'archived' && { deleted: true }),
    // FlexPrice's `deleted` are rows gone for good; Clientele keeps only tombstones (archived).
    ...(search.status === 'deleted' && { ids: [] }),
  };
  const created = createdRange(search);
  return {
    filters,
    ...(created && { created }),
    offset: search.offset ?? 0,
    limit: search.limit ?? DEFAULT_LIMIT,
    order: orderOf(search),
  };
}
