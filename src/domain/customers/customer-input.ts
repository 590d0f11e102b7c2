/**
 * A customer write as it arrives from the wire (already shape-checked by the route schema).
 * `null` means "unset" (the wire turns `field=` into null); `undefined` means "not sent".
 */
export interface AddressInput {
  line1?: string | null;
  line2?: string | null;
  city?: string | null;
  state?: string | null;
  postal_code?: string | null;
  country?: string | null;
}

export interface CustomerInput {
  address?: AddressInput | null;
  balance?: number;
  business_name?: string | null;
  description?: string | null;
  email?: string | null;
  external_id?: string | null;
  first_name?: string | null;
  individual_name?: string | null;
  invoice_prefix?: string | null;
  invoice_settings?: {
    custom_fields?: Array<{ name: string; value: string }> | null;
    default_payment_method?: string | null;
    footer?: string | null;
    rendering_options?: { amount_tax_display?: string | null; template?: string | null } | null;
  };
  last_name?: string | null;
  metadata?: Record<string, string | null> | null;
  name?: string | null;
  next_invoice_sequence?: number;
  notes?: string | null;
  phone?: string | null;
  preferred_locales?: string[] | null;
  shipping?: { address: AddressInput; name: string; phone?: string | null } | null;
  tax_exempt?: string | null;
  /** SPEC H-1: set (id or external id) or, with null, detach the parent. */
  parent?: string | null;
  parent_external_id?: string | null;
}

/** Create-only fields: attach a payment method and add tax ids in the same transaction. */
export interface CustomerCreateInput extends CustomerInput {
  payment_method?: string;
  tax_id_data?: Array<{ type: string; value: string }>;
}
