import { expect } from 'vitest';
import type { Api, ApiResponse } from '../../helpers/harness.js';

export interface SearchPage {
  ids: string[];
  hasMore: boolean;
  nextPage: string | null;
}

/** GET /v1/customers/search with the query and any other parameters. */
export function searchRaw(api: Api, query: string, params: Record<string, unknown> = {}): Promise<ApiResponse> {
  return api.get('/v1/customers/search', { query, ...params });
}

/** One page of a successful search: the ids in order and the paging fields. */
export async function searchPage(api: Api, query: string, params: Record<string, unknown> = {}): Promise<SearchPage> {
  const res = await searchRaw(api, query, params);
  expect(res.status, `${query}: ${JSON.stringify(res.body)}`).toBe(200);
  expect(res.body.object).toBe('search_result');
  expect(res.body.url).toBe('/v1/customers/search');
  return {
    ids: (res.body.data as Array<{ id: string }>).map((c) => c.id),
    hasMore: res.body.has_more,
    nextPage: res.body.next_page,
  };
}

/** Ids of every match, following next_page to the end (limit 100 unless given). */
export async function searchAll(api: Api, query: string, limit = 100): Promise<string[]> {
  const ids: string[] = [];
  let page: string | undefined;
  for (let guard = 0; guard < 1000; guard++) {
    const result = await searchPage(api, query, { limit, ...(page !== undefined && { page }) });
    ids.push(...result.ids);
    if (!result.hasMore) {
      expect(result.nextPage).toBeNull();
      return ids;
    }
    expect(typeof result.nextPage).toBe('string');
    page = result.nextPage as string;
  }
  throw new Error('searchAll: too many pages');
}

/** A matching set compared regardless of order (order has its own tests). */
export async function expectMatches(api: Api, query: string, expected: string[]): Promise<void> {
  const ids = await searchAll(api, query);
  expect([...ids].sort(), query).toEqual([...expected].sort());
}

/** A 400 on param "query" whose message names the position of the problem. */
export async function expectQueryError(api: Api, query: string, position: number, says?: RegExp): Promise<string> {
  const res = await searchRaw(api, query);
  expect(res.status, `${query}: ${JSON.stringify(res.body)}`).toBe(400);
  expect(res.body.error).toMatchObject({ type: 'invalid_request_error', param: 'query' });
  const message = res.body.error.message as string;
  expect(message, query).toContain(`Invalid query at position ${position}:`);
  if (says) expect(message, query).toMatch(says);
  return message;
}
