import { recordEvents } from '../events/event-writer.js';
import { expandableId, type ApiObject } from '../expansion/expansion.js';
import { customerField } from '../customers/customer-loader.js';
import type { OwnedResource } from '../owned-resource.js';
import { toApiPaymentMethod } from './payment-method-mapper.js';
import type { PaymentMethodRecord } from './payment-method.js';
import { mergePaymentMethods } from './payment-method-merge.js';

const EVENT_TYPES = ['payment_method.attached', 'payment_method.detached', 'payment_method.updated'] as const;

const BLANK_BILLING_DETAILS = { address: null, email: null, name: null, phone: null };

/**
 * SPEC PM-1 … PM-4: a customer's saved payment methods. Deleting the customer detaches them,
 * keeping only display details that identify nobody (brand, last4, expiry).
 */
export const paymentMethodResource: OwnedResource<(typeof EVENT_TYPES)[number]> = {
  object: 'payment_method',
  exportKey: 'payment_methods',
  eventTypes: EVENT_TYPES,
  onMerge: mergePaymentMethods,
  async exportOf({ repos, scope }, customerId) {
    return (await repos.paymentMethods.allOf(scope, customerId)).map(toApiPaymentMethod);
  },
  async erase(repos, scope, customerId, now) {
    const methods = await repos.paymentMethods.allOf(scope, customerId);
    const detached = methods.map(
      (method): PaymentMethodRecord => ({
        ...method,
        customer_id: null,
        detached: true,
        billing_details: BLANK_BILLING_DETAILS,
        card: method.card && { ...method.card, fingerprint: null },
        metadata: {},
        updated: now,
        version: method.version + 1,
      }),
    );
    await repos.paymentMethods.updateMany(scope, detached);
    const objects = detached.map((method) => ({ object: toApiPaymentMethod(method), customerId }));
    await recordEvents(repos, scope, 'payment_method.detached', objects);
    // A method's own responses (its create, an update before attaching) name it, not the customer.
    return methods.map((m) => m.id);
  },
  redact(object) {
    const out: ApiObject = { ...object };
    if ('billing_details' in out) out.billing_details = BLANK_BILLING_DETAILS;
    const card = out.card;
    if (card !== null && typeof card === 'object' && 'fingerprint' in card) out.card = { ...card, fingerprint: null };
    return out;
  },
  expandable: { customer: customerField },
  customerExpansions: {
    'invoice_settings.default_payment_method': expandableId('invoice_settings.default_payment_method', 'payment_method', async ({ repos, scope }, ids) => {
      const methods = await repos.paymentMethods.findByIds(scope, ids);
      return new Map([...methods].map(([id, method]) => [id, toApiPaymentMethod(method)]));
    }),
  },
};
