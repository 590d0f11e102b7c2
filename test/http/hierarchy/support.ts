import { expect } from 'vitest';
import type { Api, ApiResponse } from '../../helpers/harness.js';
import { createCustomer } from '../customers/support.js';

/** Creates `levels` customers, each the child of the one before; returns their ids root first. */
export async function chain(api: Api, levels: number, params: Record<string, unknown> = {}): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < levels; i++) {
    const c = await createCustomer(api, { ...params, ...(ids.length > 0 && { parent: ids[ids.length - 1] }) });
    ids.push(c.id);
  }
  return ids;
}

/** The customer's `parent` field as the API returns it now. */
export async function parentOf(api: Api, id: string): Promise<string | null> {
  const res = await api.get(`/v1/customers/${id}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.parent as string | null;
}

/**
 * Follows `parent` links from `id` through GET until a root. Fails if a customer repeats (a
 * cycle) or the walk is longer than any allowed tree; returns the ids visited, `id` first.
 */
export async function ancestry(api: Api, id: string, limit = 25): Promise<string[]> {
  const seen: string[] = [id];
  let current: string | null = await parentOf(api, id);
  while (current !== null) {
    expect(seen, `cycle: ${[...seen, current].join(' -> ')}`).not.toContain(current);
    seen.push(current);
    expect(seen.length, `parent chain longer than ${limit}: ${seen.join(' -> ')}`).toBeLessThanOrEqual(limit);
    current = await parentOf(api, current);
  }
  return seen;
}

/** The direct children of a customer, every page (limit 100). */
export async function childIds(api: Api, id: string, query: Record<string, unknown> = {}): Promise<string[]> {
  const ids: string[] = [];
  let startingAfter: string | undefined;
  for (;;) {
    const res = await api.get(`/v1/customers/${id}/children`, { ...query, limit: 100, ...(startingAfter && { starting_after: startingAfter }) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const page = (res.body.data as Array<{ id: string }>).map((c) => c.id);
    ids.push(...page);
    if (!res.body.has_more) return ids;
    startingAfter = page[page.length - 1];
  }
}

/** The response with the id that was asked for replaced by a placeholder (to compare 404s). */
export function shapeOf(res: ApiResponse, asked: string): { status: number; body: string } {
  return { status: res.status, body: JSON.stringify(res.body).split(asked).join('<asked>') };
}
