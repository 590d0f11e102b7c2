import { portalSessionResource } from './billing-portal/portal-session-resource.js';
import { chargeResource } from './charges/charge-resource.js';
import { addressResource } from './addresses/address-resource.js';
import { contactResource } from './contacts/contact-resource.js';
import { integrationResource } from './integrations/integration-resource.js';
import { invoiceResource } from './invoices/invoice-resource.js';
import { mergeResource } from './merges/merge-resource.js';
import type { EventTypeOf } from './owned-resource.js';
import { paymentMethodResource } from './payment-methods/payment-method-resource.js';
import { refundResource } from './refunds/refund-resource.js';
import { statsResource } from './stats/stats-resource.js';
import { taxIdResource } from './tax-ids/tax-id-resource.js';

/**
 * Every resource owned by a customer, in the order the customer's export lists them. A new
 * owned resource is one line here (see docs/architecture.md).
 */
export const OWNED_RESOURCES = [
  paymentMethodResource,
  taxIdResource,
  integrationResource,
  contactResource,
  addressResource,
  chargeResource,
  refundResource,
  invoiceResource,
  statsResource,
  mergeResource,
  portalSessionResource,
] as const;

/** The customer's own events. */
export const CUSTOMER_EVENT_TYPES = ['customer.created', 'customer.updated', 'customer.deleted', 'customer.merged'] as const;

/** Every event type Clientele writes (SPEC E-1). */
export const EVENT_TYPES: readonly EventType[] = [...CUSTOMER_EVENT_TYPES, ...OWNED_RESOURCES.flatMap((r) => r.eventTypes)];

export type EventType = (typeof CUSTOMER_EVENT_TYPES)[number] | EventTypeOf<(typeof OWNED_RESOURCES)[number]>;
