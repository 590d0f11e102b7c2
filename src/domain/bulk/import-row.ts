import type { ApiError } from '../errors.js';
import type { CustomerCreateInput } from '../customers/customer-input.js';
import type { CreatePaymentMethodInput } from '../payment-methods/payment-method-input.js';

/** What an exported object keeps when imported: its id and creation time (SPEC B-2 round trip). */
export interface KeptIdentity {
  id?: string;
  created?: number;
}

export interface ImportedTaxId extends KeptIdentity {
  type: string;
  value: string;
}

export interface ImportedIntegration extends KeptIdentity {
  provider: string;
  provider_id: string;
  metadata?: Record<string, string | null> | null;
}

/** A payment-method reference: a processor's token and display details, never a card number. */
export type ImportedPaymentMethod = KeptIdentity &
  Omit<CreatePaymentMethodInput, 'type' | 'provider'> & { provider: { name: string; reference: string } };

/**
 * One row of an import file, checked against the API's schemas (SPEC B-1): the customer's
 * fields as a create or update takes them, plus what an export carries beside them.
 */
export interface ImportRow extends KeptIdentity {
  input: Omit<CustomerCreateInput, 'payment_method'>;
  taxIds: ImportedTaxId[];
  integrations: ImportedIntegration[];
  paymentMethods: ImportedPaymentMethod[];
}

/** A row as the reader saw it: ready, refused before reaching the database, or a deleted customer. */
export type PreparedRow =
  | { row: number; kind: 'row'; value: ImportRow }
  | { row: number; kind: 'invalid'; error: ApiError }
  | { row: number; kind: 'tombstone' };

export type OnConflict = 'update' | 'skip' | 'fail';

/** A row that failed: where, and the error the API would have answered. */
export interface RowError {
  row: number;
  code: string;
  param: string | null;
  message: string;
}

export interface BatchOutcome {
  created: number;
  updated: number;
  /** Matched an existing customer and changed nothing (an import run twice). */
  unchanged: number;
  skipped: number;
  failed: number;
  /** Rows a committed batch of an earlier run already covered. */
  alreadyDone: number;
  errors: RowError[];
}
