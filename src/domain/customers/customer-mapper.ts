import { nowSeconds } from '../../lib/ids.js';
import type { Address, CustomerRecord } from './customer.js';

export interface DeletedCustomer {
  id: string;
  object: 'customer';
  deleted: true;
  /** Present on a tombstone a merge left: the surviving customer. */
  merged_into?: string;
}

function address(a: Address): Address;
function address(a: Address | null): Address | null;
function address(a: Address | null): Address | null {
  return a && {
    city: a.city,
    country: a.country,
    line1: a.line1,
    line2: a.line2,
    postal_code: a.postal_code,
    state: a.state,
  };
}

/**
 * SPEC S-2: delinquent at `at` (unix seconds) while an open invoice is past its due date or one
 * is uncollectible. (The bench seeder passes rows without the field: absent is never.)
 */
export function isDelinquent(c: Pick<CustomerRecord, 'delinquent_after'>, at: number): boolean {
  return c.delinquent_after !== null && c.delinquent_after !== undefined && at > c.delinquent_after;
}

/**
 * True when a due date has passed since the stored representation was written (it was
 * rendered at `updated`, see customerBody): it then shows `delinquent: false` though the
 * customer is delinquent now.
 */
export function overdueSinceStored(c: Pick<CustomerRecord, 'delinquent_after' | 'updated'>, now: number): boolean {
  return !isDelinquent(c, c.updated) && isDelinquent(c, now);
}

/**
 * The customer as the API shows it at `at`: every field present, Stripe's first, then
 * Clientele's, with ids where a field can be expanded; includable fields are added by
 * expansion (src/domain/customers/customer-expansions.ts).
 */
export function toApiCustomer(c: CustomerRecord, at: number = nowSeconds()) {
  return {
    id: c.id,
    object: 'customer' as const,
    address: address(c.address),
    balance: c.balance,
    business_name: c.business_name,
    created: c.created,
    currency: c.currency,
    default_source: null,
    delinquent: isDelinquent(c, at),
    description: c.description,
    discount: null,
    email: c.email,
    individual_name: c.individual_name,
    invoice_prefix: c.invoice_prefix,
    invoice_settings: {
      custom_fields: c.invoice_settings.custom_fields,
      default_payment_method: c.invoice_settings.default_payment_method,
      footer: c.invoice_settings.footer,
      // Field by field: PostgreSQL's jsonb hands the stored object back with its keys reordered.
      rendering_options: c.invoice_settings.rendering_options && {
        amount_tax_display: c.invoice_settings.rendering_options.amount_tax_display,
        template: c.invoice_settings.rendering_options.template,
      },
    },
    livemode: c.livemode,
    metadata: c.metadata,
    name: c.name,
    next_invoice_sequence: c.next_invoice_sequence,
    phone: c.phone,
    preferred_locales: c.preferred_locales,
    shipping: c.shipping && { address: address(c.shipping.address), name: c.shipping.name, phone: c.shipping.phone },
    tax_exempt: c.tax_exempt,
    test_clock: null,
    external_id: c.external_id,
    first_name: c.first_name,
    last_name: c.last_name,
    notes: c.notes,
    parent: c.parent_id,
    updated: c.updated,
    created_by: c.created_by,
    updated_by: c.updated_by,
    // Only on a customer that absorbed others (docs/merging.md): every other body stays as it was.
    ...(c.merged_from && c.merged_from.length > 0 && { merged_from: [...c.merged_from] }),
  };
}

export type ApiCustomer = ReturnType<typeof toApiCustomer>;

export function toDeletedCustomer(c: Pick<CustomerRecord, 'id' | 'merged_into'>): DeletedCustomer {
  return c.merged_into ? { id: c.id, object: 'customer', deleted: true, merged_into: c.merged_into } : { id: c.id, object: 'customer', deleted: true };
}

export function toApiCustomerOrTombstone(c: CustomerRecord, at: number = nowSeconds()): ApiCustomer | DeletedCustomer {
  return c.deleted ? toDeletedCustomer(c) : toApiCustomer(c, at);
}

/**
 * The unexpanded representation as JSON text, stored with the row by every write and sent as is
 * by a retrieve. Key order is the response schema's, so it is byte-identical to what the
 * serialiser writes for the same customer. It is rendered as of the write (`updated`), so it
 * is a function of the row alone; overdueSinceStored tells when time has since changed it.
 */
export function customerBody(c: CustomerRecord): string {
  return JSON.stringify(toApiCustomerOrTombstone(c, c.updated));
}

/** The stored representation as it reads at `now`: the one field time can change, set. */
export function storedBodyAt(body: string, c: Pick<CustomerRecord, 'delinquent_after' | 'updated'>, now: number): string {
  // The top-level key is the only `"delinquent":` in the text: any other would be inside a
  // JSON string, where its quotes are escaped, or a metadata key, whose value is a string.
  return overdueSinceStored(c, now) ? body.replace('"delinquent":false', '"delinquent":true') : body;
}
