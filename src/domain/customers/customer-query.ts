import type { CreatedRange, CustomerFilters } from '../../store/port.js';
import { parameterInvalid } from '../errors.js';

/**
 * The deepest position an offset-paged customer query may reach (offset + limit), so a query
 * costs at most this many index entries however it is paged. Past it, narrow the query
 * (a created range, ids) or use the keyset list of the Stripe API (`GET /v1/customers`).
 */
export const QUERY_WINDOW_MAX = 10_000;

/** Customers by position rather than by cursor: FlexPrice's search (SPEC D-1). */
export interface CustomerQuery {
  filters: CustomerFilters;
  created?: CreatedRange;
  offset: number;
  limit: number;
  order: 'newest_first' | 'oldest_first';
}

export function checkQueryWindow(query: Pick<CustomerQuery, 'offset' | 'limit'>): void {
  if (query.offset + query.limit > QUERY_WINDOW_MAX) {
    throw parameterInvalid(
      `Invalid offset: offset + limit can be at most ${QUERY_WINDOW_MAX}. Narrow the query (a created range, ids) to reach further.`,
      'offset',
    );
  }
}
