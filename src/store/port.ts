import type { AddressRecord } from '../domain/addresses/address.js';
import type { ContactRecord, ContactRole } from '../domain/contacts/contact.js';
import type { CustomerRecord } from '../domain/customers/customer.js';
import type { Scope } from '../domain/scope.js';
import type { EventRecord } from '../domain/events/event.js';
import type { IntegrationRecord } from '../domain/integrations/integration.js';
import type { PaymentMethodRecord } from '../domain/payment-methods/payment-method.js';
import type { Clause, SearchQuery } from '../domain/search/query-parser.js';
import type { TaxIdRecord } from '../domain/tax-ids/tax-id.js';
import type { ClaimedDelivery, DeliveryOutcome, WebhookAttemptRecord, WebhookEndpointRecord } from '../domain/webhooks/webhook-endpoint.js';
import type { Dialect } from './dialect.js';
import type { BeforeCommit } from './unit-of-work.js';

/** The storage port: what services may ask of a database. Only store/ knows which one. */

export interface AccountRecord {
  id: string;
  name: string;
  created: number;
  unique_emails: boolean;
  fingerprint_secret: string;
}

export interface ApiKeyRecord {
  account_id: string;
  id: string;
  livemode: boolean;
  restricted: boolean;
  digest: string;
  prefix: string;
  last4: string;
  created: number;
  expires_at: number | null;
  revoked_at: number | null;
  /** Requests per second for this key; null: its mode's setting, 0: no limit. */
  rate_limit: number | null;
}

export interface AccountsRepository {
  insertAccount(account: AccountRecord): Promise<void>;
  findAccount(id: string): Promise<AccountRecord | undefined>;
  listAccounts(): Promise<AccountRecord[]>;
  countAccounts(): Promise<number>;
  setUniqueEmails(id: string, on: boolean): Promise<void>;
  insertKey(key: ApiKeyRecord): Promise<void>;
  findKeyByDigest(digest: string): Promise<ApiKeyRecord | undefined>;
  findKey(accountId: string, keyId: string): Promise<ApiKeyRecord | undefined>;
  listKeys(accountId: string, livemode?: boolean): Promise<ApiKeyRecord[]>;
  revokeKey(accountId: string, keyId: string, at: number): Promise<void>;
  setRateLimit(accountId: string, keyId: string, rateLimit: number | null): Promise<void>;
}

/** Position of a row in list order: newest first by (created, seq). */
export interface Cursor {
  created: number;
  seq: number;
}

export interface CreatedRange {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
}

export interface PageQuery {
  limit: number;
  startingAfter?: Cursor;
  endingBefore?: Cursor;
  created?: CreatedRange;
}

export interface CustomerFilters {
  email?: string;
  externalId?: string;
  parentId?: string;
  metadata?: Array<[string, string]>;
  /** Any of these ids, external ids or parents (lists of at most a few hundred). */
  ids?: string[];
  externalIds?: string[];
  parentIds?: string[];
  /** Customers with a contact holding this email (case-folded). */
  contactEmail?: string;
  /** Deleted customers (tombstones) instead of live ones. */
  deleted?: boolean;
}

/**
 * A window of a filtered customer list by position, for a wire format whose contract is
 * offset paging (FlexPrice's search). It costs O(offset + limit) index entries, so callers
 * bound offset + limit (src/domain/customers/customer-query.ts); every /v1 list is keyset.
 */
export interface OffsetWindow {
  offset: number;
  limit: number;
  order: 'newest_first' | 'oldest_first';
  created?: CreatedRange;
}

/**
 * A parsed search clause; a phone value carries its E.164 form when it parses as a number, and
 * a value matched against a folded key column (contact emails, postal codes) its folded form.
 */
export type CustomerSearchClause = Clause & { e164?: string | null; folded?: string };

export interface CustomerSearchQuery extends SearchQuery {
  clauses: CustomerSearchClause[];
}

export interface SearchPage {
  limit: number;
  /** Continue after this position (the last hit of the previous page). */
  after?: Cursor;
}

export interface SearchHit {
  customer: CustomerRecord;
  position: Cursor;
}

export interface CustomersRepository {
  /** Inserts the row and its metadata index rows. */
  insert(scope: Scope, customer: CustomerRecord): Promise<void>;
  findById(scope: Scope, id: string, options?: { forUpdate?: boolean }): Promise<CustomerRecord | undefined>;
  findByExternalId(scope: Scope, externalId: string, options?: { forUpdate?: boolean }): Promise<CustomerRecord | undefined>;
  /** The stored representation of a customer (live or tombstone): null on rows that predate it. */
  findStoredBody(scope: Scope, id: string): Promise<{ id: string; version: number; body: string | null } | undefined>;
  /** Writes every mutable column of an already locked row. */
  update(scope: Scope, customer: CustomerRecord): Promise<void>;
  replaceMetadataIndex(scope: Scope, customerId: string, metadata: Record<string, string>): Promise<void>;
  /** Id of a live customer (other than exceptId) holding this case-folded email. */
  findIdByEmailKey(scope: Scope, emailKey: string, exceptId: string | null): Promise<string | undefined>;
  cursorOf(scope: Scope, id: string): Promise<Cursor | undefined>;
  /** Up to page.limit + 1 customers (live unless filters.deleted) in list order (newest first). */
  list(scope: Scope, filters: CustomerFilters, page: PageQuery): Promise<CustomerRecord[]>;
  /** Up to window.limit customers matching the filters, from position window.offset on. */
  listWindow(scope: Scope, filters: CustomerFilters, window: OffsetWindow): Promise<CustomerRecord[]>;
  /** How many customers match the filters (and the created range). */
  count(scope: Scope, filters: CustomerFilters, created?: CreatedRange): Promise<number>;
  findByIds(scope: Scope, ids: string[]): Promise<Map<string, CustomerRecord>>;
  /** The customer and its ancestors, nearest first (bounded walk up parent links). */
  ancestorIds(scope: Scope, id: string): Promise<string[]>;
  /** Levels in the live subtree rooted at id (1 for a customer without children). */
  subtreeHeight(scope: Scope, id: string): Promise<number>;
  /** Number of live children of each given customer. */
  countChildren(scope: Scope, ids: string[]): Promise<Map<string, number>>;
  /** Up to page.limit + 1 live customers matching the query, newest first (SPEC ). */
  search(scope: Scope, query: CustomerSearchQuery, page: SearchPage): Promise<SearchHit[]>;
}

export interface IdempotencyRecord {
  key: string;
  /** `POST /v1/customers/:id`: the route pattern, so another endpoint never matches. */
  endpoint: string;
  params_hash: string;
  status_code: number;
  headers: Record<string, string>;
  body: string;
  request_id: string;
  created: number;
}

export interface IdempotencyRepository {
  find(scope: Scope, key: string): Promise<IdempotencyRecord | undefined>;
  /**
   * Stores a record unless a live one (created after `expiredBefore`) holds the key;
   * returns false when it does (a concurrent duplicate committed first).
   */
  save(scope: Scope, record: IdempotencyRecord, expiredBefore: number): Promise<boolean>;
  /** Deletes up to `limit` records created before `before`; returns how many. */
  sweep(before: number, limit: number): Promise<number>;
  /** Records whose stored response mentions any of `texts` (the ids being erased), in one scan. */
  findMentioning(scope: Scope, texts: readonly string[]): Promise<IdempotencyRecord[]>;
  replaceBodies(scope: Scope, changes: ReadonlyArray<{ key: string; body: string }>): Promise<void>;
}

export interface PaymentMethodFilters {
  customerId?: string;
  type?: string;
}

export interface PaymentMethodsRepository {
  insert(scope: Scope, method: PaymentMethodRecord): Promise<void>;
  findById(scope: Scope, id: string, options?: { forUpdate?: boolean }): Promise<PaymentMethodRecord | undefined>;
  /** Several at once (no N+1): keyed by id. */
  findByIds(scope: Scope, ids: string[]): Promise<Map<string, PaymentMethodRecord>>;
  update(scope: Scope, method: PaymentMethodRecord): Promise<void>;
  /** Writes every mutable column of many locked rows, in one statement per few hundred. */
  updateMany(scope: Scope, methods: readonly PaymentMethodRecord[]): Promise<void>;
  cursorOf(scope: Scope, id: string): Promise<Cursor | undefined>;
  list(scope: Scope, filters: PaymentMethodFilters, page: PageQuery): Promise<PaymentMethodRecord[]>;
  /** Every method attached to a customer, newest first. */
  allOf(scope: Scope, customerId: string): Promise<PaymentMethodRecord[]>;
}

/** `customerId` undefined: any customer's, in the scope. */
export interface TaxIdsRepository {
  insert(scope: Scope, taxId: TaxIdRecord): Promise<void>;
  find(scope: Scope, customerId: string | undefined, id: string): Promise<TaxIdRecord | undefined>;
  delete(scope: Scope, id: string): Promise<void>;
  countOf(scope: Scope, customerId: string): Promise<number>;
  cursorOf(scope: Scope, customerId: string | undefined, id: string): Promise<Cursor | undefined>;
  list(scope: Scope, customerId: string | undefined, page: PageQuery): Promise<TaxIdRecord[]>;
  /** All tax ids of several customers at once, newest first, for expand[]=tax_ids on lists. */
  listForCustomers(scope: Scope, customerIds: string[]): Promise<TaxIdRecord[]>;
  deleteAllOf(scope: Scope, customerId: string): Promise<TaxIdRecord[]>;
}

export interface IntegrationsRepository {
  insert(scope: Scope, integration: IntegrationRecord): Promise<void>;
  find(scope: Scope, customerId: string, id: string): Promise<IntegrationRecord | undefined>;
  findByProvider(scope: Scope, provider: string, providerId: string): Promise<IntegrationRecord | undefined>;
  delete(scope: Scope, id: string): Promise<void>;
  cursorOf(scope: Scope, customerId: string, id: string): Promise<Cursor | undefined>;
  list(scope: Scope, customerId: string, page: PageQuery): Promise<IntegrationRecord[]>;
  listForCustomers(scope: Scope, customerIds: string[]): Promise<IntegrationRecord[]>;
  deleteAllOf(scope: Scope, customerId: string): Promise<IntegrationRecord[]>;
}

/** A customer's contacts (SPEC K-1); every method is within one customer's. */
export interface ContactsRepository {
  insert(scope: Scope, contact: ContactRecord): Promise<void>;
  find(scope: Scope, customerId: string, id: string): Promise<ContactRecord | undefined>;
  /** The customer's contact holding this case-folded email, if any. */
  findByEmailKey(scope: Scope, customerId: string, emailKey: string): Promise<ContactRecord | undefined>;
  /** Writes every mutable column (the caller holds the customer's row lock). */
  update(scope: Scope, contact: ContactRecord): Promise<void>;
  delete(scope: Scope, id: string): Promise<void>;
  countOf(scope: Scope, customerId: string): Promise<number>;
  cursorOf(scope: Scope, customerId: string, id: string): Promise<Cursor | undefined>;
  list(scope: Scope, customerId: string, filters: { role?: ContactRole }, page: PageQuery): Promise<ContactRecord[]>;
  /** All contacts of several customers at once, newest first (expand[]=contacts on lists, the export). */
  listForCustomers(scope: Scope, customerIds: string[]): Promise<ContactRecord[]>;
  deleteAllOf(scope: Scope, customerId: string): Promise<ContactRecord[]>;
}

/** A customer's address book (SPEC K-1); every method is within one customer's. */
export interface AddressesRepository {
  insert(scope: Scope, address: AddressRecord): Promise<void>;
  find(scope: Scope, customerId: string, id: string): Promise<AddressRecord | undefined>;
  /** The entries that are a default for billing or shipping (at most two). */
  defaultsOf(scope: Scope, customerId: string): Promise<AddressRecord[]>;
  /** Writes every mutable column (the caller holds the customer's row lock). */
  update(scope: Scope, address: AddressRecord): Promise<void>;
  delete(scope: Scope, id: string): Promise<void>;
  countOf(scope: Scope, customerId: string): Promise<number>;
  cursorOf(scope: Scope, customerId: string, id: string): Promise<Cursor | undefined>;
  list(scope: Scope, customerId: string, page: PageQuery): Promise<AddressRecord[]>;
  listForCustomers(scope: Scope, customerIds: string[]): Promise<AddressRecord[]>;
  deleteAllOf(scope: Scope, customerId: string): Promise<AddressRecord[]>;
}

export interface EventFilters {
  types?: string[];
}

export interface EventsRepository {
  /** One or many events, in few multi-row statements. */
  insert(scope: Scope, events: readonly EventRecord[]): Promise<void>;
  findById(scope: Scope, id: string): Promise<EventRecord | undefined>;
  cursorOf(scope: Scope, id: string): Promise<Cursor | undefined>;
  list(scope: Scope, filters: EventFilters, page: PageQuery): Promise<EventRecord[]>;
  /** Every event about one customer, newest first (export, erasure). */
  listForCustomer(scope: Scope, customerId: string): Promise<EventRecord[]>;
  /** Rewrites the data of many events, in one statement per few hundred (erasure). */
  replaceData(scope: Scope, changes: ReadonlyArray<{ id: string; data: EventRecord['data'] }>): Promise<void>;
  /** Deliveries still pending for each event. */
  pendingWebhooks(scope: Scope, eventIds: string[]): Promise<Map<string, number>>;
  /** Deletes up to `limit` events (and their finished deliveries and attempts) older than `before`. */
  sweep(before: number, limit: number): Promise<number>;
}

/** The transactional outbox: fans events out to the account's matching enabled endpoints. */
export interface WebhookOutbox {
  /** Returns the number of deliveries enqueued. */
  enqueue(scope: Scope, events: readonly EventRecord[]): Promise<number>;
}

export interface WebhookEndpointsRepository {
  insert(scope: Scope, endpoint: WebhookEndpointRecord): Promise<void>;
  findById(scope: Scope, id: string, options?: { forUpdate?: boolean }): Promise<WebhookEndpointRecord | undefined>;
  /** Writes every mutable column of an already locked row. */
  update(scope: Scope, endpoint: WebhookEndpointRecord): Promise<void>;
  /** Deletes the endpoint with its deliveries and attempts. */
  delete(scope: Scope, id: string): Promise<void>;
  cursorOf(scope: Scope, id: string): Promise<Cursor | undefined>;
  list(scope: Scope, page: PageQuery): Promise<WebhookEndpointRecord[]>;
}

export interface ClaimOptions {
  /** Epoch ms. */
  now: number;
  /** Epoch ms until which the claimed deliveries are ours; also the claim's token. */
  leaseUntil: number;
  /** Claims at most this many. */
  limit: number;
  /** In flight per endpoint (across processes), so one slow endpoint cannot take every slot. */
  perEndpoint: number;
}

/** The outbox as the delivery worker sees it (SPEC E-3). */
export interface WebhookDeliveriesRepository {
  /** Leases due pending deliveries of enabled endpoints; safe with several processes at once. */
  claim(options: ClaimOptions): Promise<ClaimedDelivery[]>;
  /** Records the attempt and its outcome; false (and nothing written) if the lease was lost. */
  complete(delivery: ClaimedDelivery, outcome: DeliveryOutcome): Promise<boolean>;
  /** Gives a lease back without an attempt (e.g. the endpoint was disabled meanwhile). */
  release(delivery: ClaimedDelivery): Promise<void>;
  attemptCursorOf(scope: Scope, endpointId: string, id: string): Promise<Cursor | undefined>;
  listAttempts(scope: Scope, endpointId: string, filters: { eventId?: string }, page: PageQuery): Promise<WebhookAttemptRecord[]>;
}

export interface Repositories {
  accounts: AccountsRepository;
  customers: CustomersRepository;
  idempotency: IdempotencyRepository;
  paymentMethods: PaymentMethodsRepository;
  taxIds: TaxIdsRepository;
  integrations: IntegrationsRepository;
  contacts: ContactsRepository;
  addresses: AddressesRepository;
  events: EventsRepository;
  outbox: WebhookOutbox;
  webhookEndpoints: WebhookEndpointsRepository;
  webhookDeliveries: WebhookDeliveriesRepository;
}

export interface WriteRepositories extends Repositories {
  /** Serialises writers on one logical key until the transaction ends. */
  lock(key: string): Promise<void>;
}

/** One token bucket: a key's general or search budget. */
export interface RateBucket {
  accountId: string;
  /** `<key id>:<budget>`. */
  id: string;
}

export interface RateLease {
  /** Tokens handed to this process: `want`, or as many whole ones as the bucket holds (maybe 0). */
  granted: number;
  /** Tokens left in the bucket after the lease (fractional: it refills continuously). */
  tokens: number;
}

/**
 * The buckets rate limits are drawn from (SPEC R-4). A bucket holds up to `limit` tokens and
 * refills at `limit` per second; a process leases tokens a few at a time and spends them
 * locally, so a request costs no round trip. On PostgreSQL every process leases from the same
 * buckets (a shared table); on SQLite (one node) they live in the process's memory.
 */
export interface RateLimitStore {
  lease(bucket: RateBucket, limit: number, want: number): Promise<RateLease>;
}

/** The database-backed gauges of GET /metrics (src/store/kysely/monitoring.ts). */
export interface StoreSample {
  outboxPending: number;
  /** `created` (epoch seconds) of the oldest pending webhook delivery; null when none is pending. */
  oldestPendingCreated: number | null;
  /** Estimated rows. */
  events: number;
  idempotencyRecords: number;
}

export interface PoolStats {
  /** Connections open, idle among them, and requests waiting for one. */
  total: number;
  idle: number;
  waiting: number;
}

export interface Store {
  readonly dialect: Dialect;
  readonly rateLimits: RateLimitStore;
  /** PostgreSQL's connection pool right now; null on SQLite. */
  poolStats(): PoolStats | null;
  /** Reads the sampled gauges (across accounts); a few cheap queries. */
  sample(): Promise<StoreSample>;
  /** Reads outside a transaction. */
  read<T>(fn: (repos: Repositories) => Promise<T>): Promise<T>;
  /** One short write transaction; rolled back if fn throws. No network I/O inside. */
  write<T>(fn: (repos: WriteRepositories) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` as one unit of work (a request): it may commit at most one write transaction —
   * a second one throws SecondWriteError — and `beforeCommit` runs inside that transaction,
   * after fn's own statements, just before COMMIT. `wrote` tells whether one committed.
   */
  unitOfWork<T>(beforeCommit: BeforeCommit | null, fn: () => Promise<T>): Promise<{ value: T; wrote: boolean }>;
  migrate(): Promise<string[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** A unique constraint refused a write; `target` names the business rule it protects. */
export class UniqueViolation extends Error {
  constructor(readonly target: 'external_id' | 'invoice_prefix' | 'integration' | 'contact_email' | 'other') {
    super(`unique violation on ${target}`);
    this.name = 'UniqueViolation';
  }
}
