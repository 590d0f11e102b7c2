import type { Generated } from 'kysely';

/**
 * Table shapes as Kysely sees them. Flags are stored as 0/1 integers and JSON as text on
 * SQLite / jsonb on PostgreSQL; the repositories convert, so nothing outside store/ sees
 * a row.
 */
export interface AccountsTable {
  id: string;
  name: string;
  created: number;
  unique_emails: number;
  fingerprint_secret: string;
}

export interface ApiKeysTable {
  account_id: string;
  id: string;
  livemode: number;
  restricted: number;
  digest: string;
  prefix: string;
  last4: string;
  created: number;
  expires_at: number | null;
  revoked_at: number | null;
  /** Requests per second (migration 0011); null: the mode's RATE_LIMIT_* setting, 0: no limit. */
  rate_limit: number | null;
  name: string | null;
}

/** PostgreSQL only (migration 0011): the token buckets every API process leases from. */
export interface RateLimitBucketsTable {
  account_id: string;
  bucket: string;
  tokens: number;
  updated_ms: number;
  granted: number;
}

export interface CustomersTable {
  account_id: string;
  livemode: number;
  id: string;
  seq: Generated<number>;
  created: number;
  updated: number;
  deleted: number;
  version: number;
  external_id: string | null;
  email: string | null;
  email_key: string | null;
  name: string | null;
  business_name: string | null;
  individual_name: string | null;
  first_name: string | null;
  last_name: string | null;
  phone: string | null;
  phone_e164: string | null;
  description: string | null;
  notes: string | null;
  address: unknown;
  shipping: unknown;
  balance: number;
  currency: string | null;
  invoice_prefix: string | null;
  invoice_settings: unknown;
  next_invoice_sequence: number;
  preferred_locales: unknown;
  tax_exempt: string;
  metadata: unknown;
  parent_id: string | null;
  created_by: string | null;
  updated_by: string | null;
  /** The unexpanded API representation (JSON text) as of `version`; null on rows older than it. */
  body: string | null;
  /** The customer is delinquent at any time after this (unix seconds); null: not delinquent. */
  delinquent_after: number | null;
  /**
   * Migration 0023: the stats (SPEC S-2, H-4) as expand[]=stats sends them, kept by every charge,
   * refund and invoice write in its transaction; null: no activity.
   */
  stats: string | null;
  /** Migration 0020: the survivor a merged tombstone was merged into. */
  merged_into: string | null;
  /** Migration 0020: ids of the customers merged into this one (JSON list); null: none. */
  merged_from: unknown;
  /** Migration 0020: the email folded for duplicate finding (emailMatchKey), from the record. */
  email_match: string | null;
  /** Migration 0020: the folded name, postal code and country (nameAddressKey), from the record. */
  name_address_key: string | null;
}

export interface CustomerMetadataTable {
  account_id: string;
  livemode: number;
  customer_id: string;
  key: string;
  value: string;
}

export interface IdempotencyKeysTable {
  account_id: string;
  livemode: number;
  key: string;
  endpoint: string;
  params_hash: string;
  status_code: number;
  headers: unknown;
  body: string;
  request_id: string;
  created: number;
}

export interface PaymentMethodsTable {
  seq: Generated<number>;
  account_id: string;
  livemode: number;
  id: string;
  created: number;
  updated: number;
  version: number;
  type: string;
  customer_id: string | null;
  detached: number;
  billing_details: unknown;
  card: unknown;
  provider_name: string | null;
  provider_reference: string | null;
  metadata: unknown;
}

export interface TaxIdsTable {
  seq: Generated<number>;
  account_id: string;
  livemode: number;
  id: string;
  created: number;
  customer_id: string;
  type: string;
  value: string;
  country: string | null;
  verification_status: string;
}

export interface IntegrationsTable {
  seq: Generated<number>;
  account_id: string;
  livemode: number;
  id: string;
  created: number;
  customer_id: string;
  provider: string;
  provider_id: string;
  metadata: unknown;
}

export interface ContactsTable {
  seq: Generated<number>;
  account_id: string;
  livemode: number;
  id: string;
  created: number;
  updated: number;
  version: number;
  customer_id: string;
  name: string | null;
  email: string | null;
  email_key: string | null;
  phone: string | null;
  phone_e164: string | null;
  roles: unknown;
  receives_invoices: number;
  /** Migration 0020: the email folded for duplicate finding (emailMatchKey). */
  email_match: string | null;
  notes: string | null;
  metadata: unknown;
}

export interface AddressesTable {
  seq: Generated<number>;
  account_id: string;
  livemode: number;
  id: string;
  created: number;
  updated: number;
  version: number;
  customer_id: string;
  label: string | null;
  name: string | null;
  phone: string | null;
  address: unknown;
  postal_code_key: string | null;
  default_billing: number;
  default_shipping: number;
  metadata: unknown;
}

export interface EventsTable {
  seq: Generated<number>;
  account_id: string;
  livemode: number;
  id: string;
  created: number;
  type: string;
  api_version: string;
  customer_id: string | null;
  data: unknown;
  request_id: string | null;
  idempotency_key: string | null;
  actor: string | null;
  key_id: string | null;
}

export interface ConsoleSessionsTable {
  account_id: string;
  livemode: number;
  id: string;
  token_digest: string;
  key_id: string;
  actor: string;
  created: number;
  last_seen: number;
}

export interface PortalConfigurationsTable {
  seq: Generated<number>;
  account_id: string;
  livemode: number;
  id: string;
  created: number;
  updated: number;
  version: number;
  is_default: number;
  active: number;
  body: unknown;
  /** Migration 0021: the login page's token (null until it is first enabled) and the key that enabled it. */
  login_token: string | null;
  login_key_id: string | null;
}

/** Migration 0021: sign-in requests per email or client address (a digest), in fixed windows. */
export interface PortalLoginLimitsTable {
  account_id: string;
  livemode: number;
  bucket: string;
  window_start: number;
  attempts: number;
}

export interface PortalSessionsTable {
  account_id: string;
  livemode: number;
  id: string;
  created: number;
  customer_id: string;
  configuration_id: string;
  key_id: string;
  return_url: string;
  locale: string | null;
  link_digest: string;
  opened_at: number | null;
  cookie_digest: string | null;
  last_seen: number | null;
}

export interface WebhookEndpointsTable {
  seq: Generated<number>;
  account_id: string;
  livemode: number;
  id: string;
  created: number;
  updated: number;
  version: number;
  url: string;
  enabled_events: unknown;
  description: string | null;
  metadata: unknown;
  status: string;
  secret: string;
  api_version: string | null;
}

export interface WebhookDeliveriesTable {
  seq: Generated<number>;
  account_id: string;
  livemode: number;
  id: string;
  endpoint_id: string;
  event_id: string;
  created: number;
  status: string;
  attempts: number;
  next_attempt_at: number;
  lease_until: number | null;
  last_status_code: number | null;
  last_error: string | null;
}

export interface WebhookAttemptsTable {
  seq: Generated<number>;
  account_id: string;
  livemode: number;
  id: string;
  endpoint_id: string;
  delivery_id: string;
  event_id: string;
  created: number;
  status_code: number | null;
  latency_ms: number;
  error: string | null;
  next_retry_at: number | null;
}

export interface ChargesTable {
  seq: Generated<number>;
  account_id: string;
  livemode: number;
  id: string;
  created: number;
  updated: number;
  version: number;
  customer_id: string;
  amount: number;
  currency: string;
  payment_method_id: string | null;
  status: string;
  amount_refunded: number;
  description: string | null;
  receipt_email: string | null;
  billing_details: unknown;
  failure_code: string | null;
  failure_message: string | null;
  statement_descriptor: string | null;
  metadata: unknown;
  provider_name: string | null;
  provider_reference: string | null;
  occurred_at: number;
  invoice_id: string | null;
}

/**
 * One row per object (charge or invoice) and per customer on the path from its tree's root to
 * its own customer: the index a parent's `include_descendants` list reads. `created` and `seq`
 * are the object's own, so its cursors page this table too.
 */
export interface TreePathsTable {
  account_id: string;
  livemode: number;
  customer_id: string;
  created: number;
  seq: number;
  object_id: string;
  status: string;
}

export interface RefundsTable {
  seq: Generated<number>;
  account_id: string;
  livemode: number;
  id: string;
  created: number;
  updated: number;
  version: number;
  charge_id: string;
  customer_id: string;
  amount: number;
  currency: string;
  reason: string | null;
  metadata: unknown;
}

export interface InvoicesTable {
  seq: Generated<number>;
  account_id: string;
  livemode: number;
  id: string;
  created: number;
  updated: number;
  version: number;
  customer_id: string;
  currency: string;
  status: string;
  number: string | null;
  description: string | null;
  due_date: number | null;
  lines: unknown;
  total: number;
  amount_paid: number;
  charge_id: string | null;
  paid_out_of_band: number;
  customer_email: string | null;
  customer_name: string | null;
  customer_address: unknown;
  finalized_at: number | null;
  paid_at: number | null;
  voided_at: number | null;
  marked_uncollectible_at: number | null;
  metadata: unknown;
}

/** One committed batch of a bulk import (SPEC B-1): the rows it covers and what became of them. */
export interface ImportJournalTable {
  account_id: string;
  livemode: number;
  digest: string;
  first_row: number;
  last_row: number;
  created: number;
  created_count: number;
  updated_count: number;
  unchanged_count: number;
  skipped_count: number;
  failed_count: number;
}

/** Migration 0020: one row per customer merged into another, with what moved (the export's provenance). */
export interface CustomerMergesTable {
  account_id: string;
  livemode: number;
  source_id: string;
  target_id: string;
  created: number;
  moved: unknown;
}

export interface Database {
  accounts: AccountsTable;
  api_keys: ApiKeysTable;
  rate_limit_buckets: RateLimitBucketsTable;
  customers: CustomersTable;
  customer_metadata: CustomerMetadataTable;
  idempotency_keys: IdempotencyKeysTable;
  payment_methods: PaymentMethodsTable;
  tax_ids: TaxIdsTable;
  integrations: IntegrationsTable;
  contacts: ContactsTable;
  addresses: AddressesTable;
  events: EventsTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  charges: ChargesTable;
  charge_paths: TreePathsTable;
  refunds: RefundsTable;
  invoices: InvoicesTable;
  invoice_paths: TreePathsTable;
  customer_merges: CustomerMergesTable;
  import_journal: ImportJournalTable;
  console_sessions: ConsoleSessionsTable;
  portal_configurations: PortalConfigurationsTable;
  portal_sessions: PortalSessionsTable;
  portal_login_limits: PortalLoginLimitsTable;
}
