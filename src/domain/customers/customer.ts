/** The customer as the domain knows it: parsed, typed, independent of any database. */
export interface Address {
  line1: string | null;
  line2: string | null;
  city: string | null;
  state: string | null;
  postal_code: string | null;
  country: string | null;
}

export interface Shipping {
  address: Address;
  name: string;
  phone: string | null;
}

export interface InvoiceCustomField {
  name: string;
  value: string;
}

export interface InvoiceSettings {
  custom_fields: InvoiceCustomField[] | null;
  default_payment_method: string | null;
  footer: string | null;
  rendering_options: { amount_tax_display: string | null; template: string | null } | null;
}

export type TaxExempt = 'none' | 'exempt' | 'reverse';

export interface CustomerRecord {
  id: string;
  livemode: boolean;
  created: number;
  updated: number;
  deleted: boolean;
  version: number;
  external_id: string | null;
  email: string | null;
  /** Case-folded email, used for the optional per-account uniqueness rule. */
  email_key: string | null;
  name: string | null;
  business_name: string | null;
  individual_name: string | null;
  first_name: string | null;
  last_name: string | null;
  phone: string | null;
  /** E.164 form of `phone` when it parses; kept beside the value as given. */
  phone_e164: string | null;
  description: string | null;
  notes: string | null;
  address: Address | null;
  shipping: Shipping | null;
  balance: number;
  currency: string | null;
  invoice_prefix: string | null;
  invoice_settings: InvoiceSettings;
  next_invoice_sequence: number;
  preferred_locales: string[];
  tax_exempt: TaxExempt;
  metadata: Record<string, string>;
  parent_id: string | null;
  /**
   * The customer is delinquent at any moment after this (unix seconds): the due date of its
   * earliest open invoice, or 0 while it has an uncollectible one; null when neither (SPEC S-2).
   * Kept by invoice writes, so a due date passing needs no write to show.
   */
  delinquent_after: number | null;
  created_by: string | null;
  updated_by: string | null;
  /** A tombstone left by a merge: the survivor (docs/merging.md). Absent or null: not merged. */
  merged_into?: string | null;
  /** The customers merged into this one, oldest first. Absent: none. */
  merged_from?: readonly string[];
  /**
   * The stats as stored with the row (SPEC S-2: rendered JSON, as expand[]=stats sends them), when
   * it was read from the store; null: no activity. Only stats writes (stats-ledger.ts) change it.
   */
  stats?: string | null;
}

