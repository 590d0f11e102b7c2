import { newId } from '../../lib/ids.js';
import { amountTooLarge, invalidCharacters, invoiceNotEditable, invoiceStatusTransitionInvalid } from '../errors.js';
import { formatAmount, MAX_AMOUNT } from '../money.js';
import type { InvoiceLine, InvoiceRecord, InvoiceStatus } from './invoice.js';
import type { InvoiceLineInput } from './invoice-input.js';

/** The lines as given, each with its amount; the total may not exceed what one charge could pay. */
export function buildLines(input: readonly InvoiceLineInput[], currency: string): { lines: InvoiceLine[]; total: number } {
  let total = 0;
  const lines = input.map((line, i): InvoiceLine => {
    if (typeof line.description === 'string' && /[\r\n\t]/.test(line.description)) {
      throw invalidCharacters(`Invalid lines[${i}][description]: tabs and line breaks are not allowed in this field.`, `lines[${i}][description]`);
    }
    const quantity = line.quantity ?? 1;
    const amount = quantity * line.unit_amount;
    if (amount > MAX_AMOUNT) {
      throw amountTooLarge(
        `Invalid lines[${i}]: ${quantity} × ${line.unit_amount} is ${amount}; a line may be at most ${MAX_AMOUNT} (${formatAmount(MAX_AMOUNT, currency)}).`,
        `lines[${i}]`,
      );
    }
    total += amount;
    return { id: newId('il'), description: line.description ?? null, quantity, unit_amount: line.unit_amount, amount };
  });
  if (total > MAX_AMOUNT) {
    throw amountTooLarge(
      `Invalid lines: the invoice's total is ${total}; it may be at most ${MAX_AMOUNT} (${formatAmount(MAX_AMOUNT, currency)}).`,
      'lines',
    );
  }
  return { lines, total };
}

/** The invoice number of sequence `n`: Stripe's form, the prefix and the zero-padded sequence (ACME-0007). */
export function invoiceNumber(prefix: string, n: number): string {
  return `${prefix}-${String(n).padStart(4, '0')}`;
}

/** Fields only a draft may change. */
export function checkEditable(invoice: InvoiceRecord, param: string): void {
  if (invoice.status !== 'draft') {
    throw invoiceNotEditable(`Invoice ${invoice.id} is ${invoice.status}: ${param} can only be changed while it is a draft.`, param);
  }
}

export type Transition = 'finalize' | 'pay' | 'void' | 'mark_uncollectible';

/** Where each transition may start (Stripe's invoice lifecycle). */
const FROM: Record<Transition, readonly InvoiceStatus[]> = {
  finalize: ['draft'],
  pay: ['open', 'uncollectible'],
  void: ['open', 'uncollectible'],
  mark_uncollectible: ['open'],
};

export function checkTransition(invoice: InvoiceRecord, transition: Transition): void {
  if (FROM[transition].includes(invoice.status)) return;
  throw invoiceStatusTransitionInvalid(
    `Invoice ${invoice.id} is ${invoice.status}; ${transition} applies to ${FROM[transition].join(' or ')} invoices only.`,
  );
}
