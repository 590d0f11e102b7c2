import type { IdempotencyRecord, WriteRepositories } from '../../store/port.js';
import type { AuthContext } from '../accounts/account-service.js';
import type { EventRecord } from '../events/event.js';
import type { ApiObject } from '../expansion/expansion.js';
import { OWNED_RESOURCES } from '../owned-resources.js';
import type { CustomerRecord } from './customer.js';
import type { Scope } from '../scope.js';

/** Personal data removed by delete (SPEC C-7); the tombstone keeps id and history links. */
export function eraseCustomer(customer: CustomerRecord, auth: AuthContext, now: number): CustomerRecord {
  return {
    ...customer,
    deleted: true,
    updated: now,
    version: customer.version + 1,
    external_id: null,
    email: null,
    email_key: null,
    name: null,
    business_name: null,
    individual_name: null,
    first_name: null,
    last_name: null,
    phone: null,
    phone_e164: null,
    description: null,
    notes: null,
    address: null,
    shipping: null,
    preferred_locales: [],
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    metadata: {},
    delinquent_after: null,
    updated_by: auth.keyId,
  };
}

/** Fields of a customer (and of the addresses, shipping and settings inside objects) that hold personal data. */
const PERSONAL_KEYS = new Set([
  'email',
  'name',
  'phone',
  'address',
  'shipping',
  'notes',
  'description',
  'first_name',
  'last_name',
  'business_name',
  'individual_name',
  'external_id',
  'custom_fields',
  'footer',
  'preferred_locales',
]);

const REDACTED_MESSAGE = '[redacted: the customer was deleted]';

/** Each owned resource's own redaction, by the `object` of its API objects. */
const REDACTORS = new Map<string, (object: ApiObject) => ApiObject>(
  OWNED_RESOURCES.flatMap((r) => (r.redact ? [[r.object, r.redact] as const] : [])),
);

/**
 * Strips personal data from a stored API object (an idempotent response, an event payload):
 * personal fields become null, metadata empty, and each owned resource blanks its own
 * (billing details, fingerprints, tax id values, …). `as` names the object type of a part
 * that does not say it (an event's previous_attributes).
 */
export function redactPersonalData(value: unknown, as?: string): unknown {
  if (Array.isArray(value)) return value.map((v) => redactPersonalData(v));
  if (value === null || typeof value !== 'object') return value;
  const input = value as ApiObject;
  const out: ApiObject = {};
  for (const [key, child] of Object.entries(input)) {
    if (PERSONAL_KEYS.has(key)) out[key] = Array.isArray(child) ? [] : null;
    else if (key === 'metadata') out[key] = {};
    else if (key === 'message' && typeof child === 'string') out[key] = REDACTED_MESSAGE;
    else out[key] = redactPersonalData(child);
  }
  const type = typeof input.object === 'string' ? input.object : as;
  const redact = type === undefined ? undefined : REDACTORS.get(type);
  return redact ? redact(out) : out;
}

/** An event's data: the object, and its previous attributes as parts of the same type. */
function redactEventData(data: EventRecord['data']): EventRecord['data'] {
  const object = data.object as ApiObject | null;
  const type = object && typeof object.object === 'string' ? object.object : undefined;
  return {
    object: redactPersonalData(data.object),
    ...(data.previous_attributes && { previous_attributes: redactPersonalData(data.previous_attributes, type) as Record<string, unknown> }),
    ...(data.source !== undefined && { source: redactPersonalData(data.source) }),
  };
}

/**
 * Everything tied to the customer beyond its own row, in the delete's transaction: each owned
 * resource erases its objects (SPEC C-7), events about the customer keep their shape but not its
 * data, and stored idempotent responses that show its data are redacted.
 */
export async function eraseRelated(
  repos: WriteRepositories,
  scope: Scope,
  customerId: string,
  now: number,
  mergedFrom: readonly string[] = [],
): Promise<void> {
  await repos.customers.replaceMetadataIndex(scope, customerId, {});
  // Customers merged into this one are its data too (docs/merging.md): their events and stored responses go with it.
  const owned = new Set([customerId, ...mergedFrom]);
  for (const resource of OWNED_RESOURCES) {
    for (const id of (await resource.erase?.(repos, scope, customerId, now)) ?? []) owned.add(id);
  }
  // Events about this customer (including the ones just written) keep their shape, not its data:
  // read in one query, redacted here, written back in a few multi-row statements.
  const events = (await Promise.all([customerId, ...mergedFrom].map((id) => repos.events.listForCustomer(scope, id)))).flat();
  await repos.events.replaceData(
    scope,
    events.map((event) => ({ id: event.id, data: redactEventData(event.data) })),
  );
  const records = await repos.idempotency.findMentioning(scope, [...owned]);
  const changes = records.flatMap((record) => {
    const body = redactedStoredResponse(record, owned);
    return body === null ? [] : [{ key: record.key, body }];
  });
  await repos.idempotency.replaceBodies(scope, changes);
}

/**
 * In a stored response, redacts what belongs to the erased customer — its own objects (it,
 * its payment methods, its tax ids and integrations, found by `id` or `customer`) and messages
 * naming them — and nothing else: another customer's response that merely names it (as a
 * parent, say) keeps its own data and its bytes.
 */
export function redactOwnedBy(value: unknown, owned: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) return value.map((v) => redactOwnedBy(v, owned));
  if (value === null || typeof value !== 'object') return value;
  const input = value as ApiObject;
  const owns = (field: unknown) => typeof field === 'string' && owned.has(field);
  if (owns(input.id) || owns(input.customer)) return redactPersonalData(input);
  const out: ApiObject = {};
  for (const [key, child] of Object.entries(input)) {
    const names = key === 'message' && typeof child === 'string' && [...owned].some((id) => child.includes(id));
    out[key] = names ? REDACTED_MESSAGE : redactOwnedBy(child, owned);
  }
  return out;
}

/** A stored response's redacted body, or null when it shows nothing of the erased customer's. */
function redactedStoredResponse(record: IdempotencyRecord, owned: ReadonlySet<string>): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(record.body);
  } catch {
    return '{}';
  }
  const body = JSON.stringify(redactOwnedBy(parsed, owned));
  // Untouched responses keep their exact bytes (a replay is byte for byte).
  return body !== JSON.stringify(parsed) ? body : null;
}
