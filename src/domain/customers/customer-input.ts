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
  /**
   * SPEC I-1: the customer's ids in other systems, added in the write's own transaction (one
   * already mapped to this customer is left as it is). The other wire formats take these
   * (FlexPrice's integration_entity_mapping); the Stripe API has its own integrations routes.
   */
  integrations?: IntegrationMapping[];
  /**
   * `address` changes only the lines it names, keeping the others (FlexPrice's flat
   * `address_*` fields); an address left with no line at all is unset.
   */
  merge_address?: boolean;
  /** `metadata` replaces the customer's metadata instead of merging into it (FlexPrice's update). */
  replace_metadata?: boolean;
  /** A lower key limit than Clientele's own 50 for metadata this write sends (LuniPay's 20). */
  metadata_max_keys?: number;
}

export interface IntegrationMapping {
  provider: string;
  provider_id: string;
}

/** Create-only fields: attach a payment method and add tax ids in the same transaction. */
export interface CustomerCreateInput extends CustomerInput {
  payment_method?: string;
  tax_id_data?: Array<{ type: string; value: string }>;
}
