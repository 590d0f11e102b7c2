import type { CreatedRange, Cursor, PageQuery } from '../store/port.js';
import { resourceMissing } from './errors.js';

/** A list request as every list endpoint takes it (SPEC W-5), cursors still as object ids. */
export interface PageRequest {
  limit: number;
  startingAfter?: string;
  endingBefore?: string;
  created?: CreatedRange;
}

export interface Page<T> {
  data: T[];
  hasMore: boolean;
}

export function cursorMissing(kind: string, id: string, param: string): never {
  throw resourceMissing(kind, id, param, { status: 400 });
}

/**
 * Resolves cursors to keyset positions, fetches one row more than asked to learn has_more,
 * and restores newest-first order for ending_before pages.
 */
export async function pageThrough<T>(
  kind: string,
  request: PageRequest,
  cursorOf: (id: string) => Promise<Cursor | undefined>,
  list: (page: PageQuery) => Promise<T[]>,
): Promise<Page<T>> {
  const page: PageQuery = { limit: request.limit, created: request.created };
  if (request.startingAfter !== undefined) {
    page.startingAfter = (await cursorOf(request.startingAfter)) ?? cursorMissing(kind, request.startingAfter, 'starting_after');
  }
  if (request.endingBefore !== undefined) {
    page.endingBefore = (await cursorOf(request.endingBefore)) ?? cursorMissing(kind, request.endingBefore, 'ending_before');
  }
  const rows = await list(page);
  const hasMore = rows.length > request.limit;
  const data = rows.slice(0, request.limit);
  if (page.endingBefore) data.reverse();
  return { data, hasMore };
}
