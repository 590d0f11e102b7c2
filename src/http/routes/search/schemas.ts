import { Type, type TSchema } from '@sinclair/typebox';
import { SEARCH_QUERY_LIMITS } from '../../../domain/search/query-parser.js';
import { listParams } from '../../wire/list.js';
import { ExpandParam, Nullable, Strict } from '../../wire/schema-kit.js';

/**
 * The query text is bounded generously here; the parser enforces the real limit
 * (SEARCH_QUERY_LIMITS.maxQueryLength) with a message that points at the position.
 */
export const SearchCustomersQuery = Strict({
  query: Type.String({
    maxLength: SEARCH_QUERY_LIMITS.maxQueryLength * 4,
    description:
      'The search query, e.g. `email:"jenny@example.com"`, `name~"ros" AND metadata["tier"]:"gold"`, `created>1700000000`. See docs/search.md.',
  }),
  limit: Type.Optional(listParams.limit),
  page: Type.Optional(Type.String({ maxLength: 512, description: 'The next_page value of the previous result.' })),
  expand: Type.Optional(ExpandParam),
});

export function SearchResultOf<T extends TSchema>(item: T, url: string) {
  return Type.Object({
    object: Type.Literal('search_result'),
    url: Type.String({ examples: [url] }),
    has_more: Type.Boolean(),
    next_page: Nullable(Type.String({ description: 'Pass as `page` to get the next page; null on the last one.' })),
    data: Type.Array(item),
  });
}
