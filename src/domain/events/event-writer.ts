import { newId, nowSeconds } from '../../lib/ids.js';
import { currentRequestContext } from '../../lib/request-context.js';
import type { WriteRepositories } from '../../store/port.js';
import type { Scope } from '../scope.js';
import type { EventType } from '../owned-resources.js';
import { API_VERSION, type EventRecord } from './event.js';

export interface EventOptions {
  customerId?: string | null;
  previousAttributes?: Record<string, unknown>;
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
  const request = currentRequestContext();
  const event: EventRecord = {
    id: newId('evt'),
    livemode: scope.livemode,
    created: nowSeconds(),
    type,
    api_version: API_VERSION,
    customer_id: options.customerId ?? null,
    data: options.previousAttributes ? { object, previous_attributes: options.previousAttributes } : { object },
    request_id: request.requestId,
    idempotency_key: request.idempotencyKey,
    actor: request.actor,
    key_id: request.keyId,
  };
  await repos.events.insert(scope, event);
  await repos.outbox.enqueue(scope, event);
  return event;
}

const NOT_COMPARED = new Set(['updated', 'updated_by']);

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
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
