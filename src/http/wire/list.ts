import { Type } from '@sinclair/typebox';
import { parametersExclusive } from '../../domain/errors.js';
import type { PageRequest } from '../../domain/paging.js';
import type { CreatedRange } from '../../store/port.js';

/** Query parameters every list endpoint takes (SPEC W-5). */
export const listParams = {
  limit: Type.Integer({ minimum: 1, maximum: 100, description: 'Page size, 1–100 (default 10).' }),
  starting_after: Type.String({ maxLength: 255, description: 'Object id: return the page after it.' }),
  ending_before: Type.String({ maxLength: 255, description: 'Object id: return the page before it.' }),
  created: Type.Unsafe<number | CreatedRange>({
    type: ['integer', 'object'],
    properties: {
      gt: { type: 'integer' },
      gte: { type: 'integer' },
      lt: { type: 'integer' },
      lte: { type: 'integer' },
    },
    additionalProperties: false,
    description: 'Unix time, exact or as created[gt|gte|lt|lte].',
  }),
};

export interface ListQuery {
  limit?: number;
  starting_after?: string;
  ending_before?: string;
  created?: number | CreatedRange;
}


export function pageRequest(query: ListQuery): PageRequest {
  if (query.starting_after !== undefined && query.ending_before !== undefined) {
    throw parametersExclusive(['starting_after', 'ending_before']);
  }
  const page: PageRequest = { limit: query.limit ?? 10 };
  if (query.starting_after !== undefined) page.startingAfter = query.starting_after;
  if (query.ending_before !== undefined) page.endingBefore = query.ending_before;
  if (typeof query.created === 'number') page.created = { gte: query.created, lte: query.created };
  else if (query.created) page.created = { ...query.created };
  return page;
}

export function listEnvelope<T>(url: string, data: T[], hasMore: boolean) {
  return { object: 'list' as const, url, has_more: hasMore, data };
}
