import type { IdempotencyRecord, WriteRepositories } from '../../store/port.js';
import type { AuthContext } from '../accounts/account-service.js';
import { recordEvent } from '../events/event-writer.js';
import { toApiIntegration } from '../integrations/integration-mapper.js';
import { toApiPaymentMethod } from '../payment-methods/payment-method-mapper.js';
import { toApiTaxId } from '../tax-ids/tax-id-mapper.js';
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
    updated_by: auth.keyId,
  };
}

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
  'provider_id',
]);

const REDACTED_MESSAGE = '[redacted: the customer was deleted]';

/**
 * Strips personal data from a stored API object (an idempotent response, an event payload):
 * personal fields become null, metadata empty, billing details blank, tax id values gone.
 */
export function redactPersonalData(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactPersonalData);
  if (value === null || typeof value !== 'object') return value;
  const input = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(input)) {
    if (PERSONAL_KEYS.has(key)) out[key] = Array.isArray(child) ? [] : null;
    else if (key === 'metadata') out[key] = {};
    else if (key === 'billing_details') out[key] = { address: null, email: null, name: null, phone: null };
    else if (key === 'value' && input.object === 'tax_id') out[key] = null;
    else if (key === 'fingerprint') out[key] = null;
    else if (key === 'message' && typeof child === 'string') out[key] = REDACTED_MESSAGE;
    else out[key] = redactPersonalData(child);
  }
  return out;
}

/**
 * Everything tied to the customer beyond its own row, in the delete's transaction: payment
 * methods detached with only non-personal display fields kept (brand, last4, expiry), tax ids
 * and integrations deleted, stored idempotent responses that show its data redacted.
 */
export async function eraseRelated(repos: WriteRepositories, scope: Scope, customerId: string, now: number): Promise<void> {
  await repos.customers.replaceMetadataIndex(scope, customerId, {});
  const methods = await repos.paymentMethods.allOf(scope, customerId);
  for (const method of methods) {
    const detached = {
      ...method,
      customer_id: null,
      detached: true,
      billing_details: { address: null, email: null, name: null, phone: null },
      card: method.card && { ...method.card, fingerprint: null },
      metadata: {},
      updated: now,
      version: method.version + 1,
    };
    await repos.paymentMethods.update(scope, detached);
    await recordEvent(repos, scope, 'payment_method.detached', toApiPaymentMethod(detached), { customerId });
  }
  for (const taxId of await repos.taxIds.deleteAllOf(scope, customerId)) {
    await recordEvent(repos, scope, 'customer.tax_id.deleted', toApiTaxId(taxId), { customerId });
  }
  for (const integration of await repos.integrations.deleteAllOf(scope, customerId)) {
    await recordEvent(repos, scope, 'customer.integration.deleted', toApiIntegration(integration), { customerId });
  }
  // Events about this customer (including the ones just written) keep their shape, not its data.
  for (const event of await repos.events.listForCustomer(scope, customerId)) {
    await repos.events.replaceData(scope, event.id, redactPersonalData(event.data) as typeof event.data);
  }
  // A method's own responses (its create, an update before attaching) name it, not the customer.
  const owned = new Set([customerId, ...methods.map((m) => m.id)]);
  const redacted = new Set<string>();
  for (const mention of owned) {
    for (const record of await repos.idempotency.findMentioning(scope, mention)) {
      if (redacted.has(record.key)) continue;
      redacted.add(record.key);
      await redactStoredResponse(repos, scope, record, owned);
    }
  }
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
  const input = value as Record<string, unknown>;
  const owns = (field: unknown) => typeof field === 'string' && owned.has(field);
  if (owns(input.id) || owns(input.customer)) return redactPersonalData(input);
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(input)) {
    const names = key === 'message' && typeof child === 'string' && [...owned].some((id) => child.includes(id));
    out[key] = names ? REDACTED_MESSAGE : redactOwnedBy(child, owned);
  }
  return out;
}

async function redactStoredResponse(
  repos: WriteRepositories,
  scope: Scope,
  record: IdempotencyRecord,
  owned: ReadonlySet<string>,
): Promise<void> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(record.body);
  } catch {
    await repos.idempotency.replaceBody(scope, record.key, '{}');
    return;
  }
  const body = JSON.stringify(redactOwnedBy(parsed, owned));
  // Untouched responses keep their exact bytes (a replay is byte for byte).
  if (body !== JSON.stringify(parsed)) await repos.idempotency.replaceBody(scope, record.key, body);
}
