import type { Address } from '../customers/customer.js';
import type { InvoiceLine, InvoiceRecord } from './invoice.js';

function address(a: Address | null) {
  return a && { city: a.city, country: a.country, line1: a.line1, line2: a.line2, postal_code: a.postal_code, state: a.state };
}

/** What an invoice still asks for: nothing once paid or void. */
export function amountRemaining(i: Pick<InvoiceRecord, 'status' | 'total' | 'amount_paid'>): number {
  return i.status === 'void' ? 0 : i.total - i.amount_paid;
}

export function toApiLineItem(line: InvoiceLine, currency: string) {
  return {
    id: line.id,
    object: 'line_item' as const,
    amount: line.amount,
    currency,
    description: line.description,
    quantity: line.quantity,
    unit_amount: line.unit_amount,
  };
}

export const linesUrl = (invoiceId: string) => `/v1/invoices/${invoiceId}/lines`;

/**
 * The invoice as the API shows it: Stripe's shape for the fields Clientele keeps, every one
 * present; `lines` is a complete list object (an invoice has at most 250 lines).
 */
export function toApiInvoice(i: InvoiceRecord) {
  return {
    id: i.id,
    object: 'invoice' as const,
    amount_due: i.total,
    amount_paid: i.amount_paid,
    amount_remaining: amountRemaining(i),
    charge: i.charge_id,
    created: i.created,
    currency: i.currency,
    customer: i.customer_id,
    customer_address: address(i.customer_address),
    customer_email: i.customer_email,
    customer_name: i.customer_name,
    description: i.description,
    due_date: i.due_date,
    lines: {
      object: 'list' as const,
      url: linesUrl(i.id),
      has_more: false,
      data: i.lines.map((line) => toApiLineItem(line, i.currency)),
    },
    livemode: i.livemode,
    metadata: i.metadata,
    number: i.number,
    paid: i.status === 'paid',
    paid_out_of_band: i.paid_out_of_band,
    status: i.status,
    status_transitions: {
      finalized_at: i.finalized_at,
      marked_uncollectible_at: i.marked_uncollectible_at,
      paid_at: i.paid_at,
      voided_at: i.voided_at,
    },
    subtotal: i.total,
    total: i.total,
    updated: i.updated,
  };
}

export function toDeletedInvoice(i: Pick<InvoiceRecord, 'id'>) {
  return { id: i.id, object: 'invoice' as const, deleted: true as const };
}
