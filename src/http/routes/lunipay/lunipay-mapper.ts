import type { Static } from '@sinclair/typebox';
import type { CustomerInput } from '../../../domain/customers/customer-input.js';
import type { CustomerResult } from '../../../domain/customers/customer-service.js';
import { parameterInvalid } from '../../../domain/errors.js';
import type { ApiObject } from '../../../domain/expansion/expansion.js';
import { LUNIPAY_METADATA_MAX_KEYS, type CreateCustomerBody, type LuniPayCustomer, type UpdateCustomerBody } from './schemas.js';

/**
 * LuniPay's wire format (seed 004) ↔ Clientele's customer (SPEC D-2): requests become the
 * domain's CustomerInput, records (with their integrations) become LuniPay's customer object.
 * docs/dialects.md has the field table.
 */

export type LuniPayCustomerObject = Static<typeof LuniPayCustomer>;
type UpdateBody = Static<typeof UpdateCustomerBody>;

/** What a LuniPay customer is built from besides its record: its integrations (stripe_customer_id). */
export const LUNIPAY_EXPAND = ['integrations'];

/** The provider of the integration stripe_customer_id shows. */
const STRIPE = 'stripe';

/** The customer's `stripe` integration: the earliest mapped, if there are several. */
export function stripeCustomerIdOf(result: CustomerResult): string | null {
  const list = result.body.integrations as { data?: ApiObject[] } | undefined;
  // The included list is newest first.
  const stripe = (list?.data ?? []).filter((i) => i.provider === STRIPE);
  const earliest = stripe[stripe.length - 1];
  return typeof earliest?.provider_id === 'string' ? earliest.provider_id : null;
}

export function toLuniPayCustomer(result: CustomerResult): LuniPayCustomerObject {
  const c = result.customer;
  return {
    id: c.id,
    object: 'customer',
    livemode: c.livemode,
    email: c.email,
    first_name: c.first_name,
    last_name: c.last_name,
    phone: c.phone,
    company_name: c.business_name,
    notes: c.notes,
    metadata: c.metadata,
    stripe_customer_id: stripeCustomerIdOf(result),
    created: c.created,
    updated: c.updated,
  };
}

/**
 * stripe_customer_id is "managed — do not mutate" (seed 004): a request may send it back as it
 * is (an object read and written back whole), never change it.
 */
export function checkStripeCustomerId(sent: string | null | undefined, current: string | null): void {
  if (sent === undefined || sent === current) return;
  throw parameterInvalid(
    'Invalid stripe_customer_id: it is read-only here (it shows the customer\'s stripe integration). Map the customer with POST /v1/customers/{id}/integrations (provider: stripe) instead.',
    'stripe_customer_id',
  );
}

export function inputOf(body: UpdateBody): CustomerInput {
  const { company_name: companyName, stripe_customer_id: _readOnly, metadata, ...same } = body;
  return {
    ...same,
    ...(companyName !== undefined && { business_name: companyName }),
    ...(metadata !== undefined && { metadata, metadata_max_keys: LUNIPAY_METADATA_MAX_KEYS }),
  };
}

export function createInputOf(body: Static<typeof CreateCustomerBody>): CustomerInput {
  checkStripeCustomerId(body.stripe_customer_id, null);
  return inputOf(body);
}
