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
}
