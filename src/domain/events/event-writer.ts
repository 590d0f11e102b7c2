import { newId, nowSeconds } from '../../lib/ids.js';
import { currentRequestContext } from '../../lib/request-context.js';
import type { WriteRepositories } from '../../store/port.js';
import type { Scope } from '../scope.js';
import type { EventType } from '../owned-resources.js';
import { API_VERSION, type EventRecord } from './event.js';

export interface EventOptions {
  customerId?: string | null;
  previousAttributes?: Record<string, unknown>;
  /** customer.merged: the absorbed customer and what moved. */
  source?: unknown;
}

/**
 * Writes an event in the caller's transaction and fans it out to the webhook outbox in the same
 * transaction, so a committed change always has its event and its deliveries (SPEC E-1, E-3).
 */
export async function recordEvent(
  repos: WriteRepositories,
  scope: Scope,
  type: EventType,
  object: unknown,
  options: EventOptions = {},
): Promise<EventRecord> {
  const [event] = await recordEvents(repos, scope, type, [{ object, ...options }]);
  return event as EventRecord;
}

/**
 * Several events of one type at once (erasure detaches a customer's hundred payment methods):
 * one multi-row insert and one fan-out, not a round trip per event.
 */
export async function recordEvents(
  repos: WriteRepositories,
  scope: Scope,
  type: EventType,
  items: ReadonlyArray<EventOptions & { object: unknown }>,
): Promise<EventRecord[]> {
  return recordEventBatch(
    repos,
    scope,
    items.map(({ object, ...options }) => ({ type, object, options })),
  );
}

/** Events of any types in one go (a bulk import's batch): the same records, in multi-row statements. */
export async function recordEventBatch(
  repos: WriteRepositories,
  scope: Scope,
  items: ReadonlyArray<{ type: EventType; object: unknown; options?: EventOptions }>,
): Promise<EventRecord[]> {
  if (items.length === 0) return [];
  const request = currentRequestContext();
  const created = nowSeconds();
  const events = items.map(
    ({ type, object, options = {} }): EventRecord => ({
      id: newId('evt'),
      livemode: scope.livemode,
      created,
      type,
      api_version: API_VERSION,
      customer_id: options.customerId ?? null,
      data: {
        object,
        ...(options.previousAttributes && { previous_attributes: options.previousAttributes }),
        ...(options.source !== undefined && { source: options.source }),
      },
      request_id: request.requestId,
      idempotency_key: request.idempotencyKey,
      actor: request.actor,
      key_id: request.keyId,
    }),
  );
  await repos.events.insert(scope, events);
  await repos.outbox.enqueue(scope, events);
  return events;
}

const NOT_COMPARED = new Set(['updated', 'updated_by']);

/** Deep equality of JSON values; object keys in any order (PostgreSQL's jsonb reorders them). */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => same(item, b[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * `data.previous_attributes` of an update: the old values of exactly the fields that changed
 * (for metadata, of exactly the keys that changed; a key that did not exist is null).
 * Returns null when nothing changed.
 */
export function previousAttributes(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, unknown> | null {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(after)) {
    if (NOT_COMPARED.has(key) || same(before[key], after[key])) continue;
    if (key === 'metadata') {
      const old = (before.metadata ?? {}) as Record<string, string>;
      const now = (after.metadata ?? {}) as Record<string, string>;
      const changed: Record<string, string | null> = {};
      for (const k of new Set([...Object.keys(old), ...Object.keys(now)])) {
        if (old[k] !== now[k]) changed[k] = old[k] ?? null;
      }
      out.metadata = changed;
    } else {
      out[key] = before[key] ?? null;
    }
  }
  return Object.keys(out).length > 0 ? out : null;
}
