import type { ChargeRecord, ChargeStatus } from '../domain/charges/charge.js';
import type { AddressRecord } from '../domain/addresses/address.js';
import type { ContactRecord, ContactRole } from '../domain/contacts/contact.js';
import type { CustomerRecord } from '../domain/customers/customer.js';
import type { SubtreeMove } from '../domain/customers/hierarchy.js';
import type { InvoiceRecord, InvoiceStatus } from '../domain/invoices/invoice.js';
import type { RefundRecord } from '../domain/refunds/refund.js';
import type { Scope } from '../domain/scope.js';
import type { EventRecord } from '../domain/events/event.js';
import type { IntegrationRecord } from '../domain/integrations/integration.js';
import type { PaymentMethodRecord } from '../domain/payment-methods/payment-method.js';
import type { Clause, SearchQuery } from '../domain/search/query-parser.js';
import type { TaxIdRecord } from '../domain/tax-ids/tax-id.js';
import type { PortalConfigurationRecord, PortalSessionRecord } from '../domain/billing-portal/portal.js';
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
  /** A human name for the key (`billing-service`), shown as who made a change when no actor was given. */
  name: string | null;
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

/** What a retrieve needs to send a customer's stored representation, and to know it is still exact. */
export interface StoredCustomer {
  id: string;
  version: number;
  body: string | null;
  deleted: boolean;
  updated: number;
  delinquent_after: number | null;
  /** The stats column (migration 0023), when asked for: read with the body, by the same statement. */
  stats?: string | null;
}

export interface CustomersRepository {
  /** Inserts the row and its metadata index rows. */
  insert(scope: Scope, customer: CustomerRecord): Promise<void>;
  findById(scope: Scope, id: string, options?: { forUpdate?: boolean }): Promise<CustomerRecord | undefined>;
  findByExternalId(scope: Scope, externalId: string, options?: { forUpdate?: boolean }): Promise<CustomerRecord | undefined>;
  /** The stored representation of a customer (live or tombstone): null on rows that predate it. */
  findStoredBody(scope: Scope, id: string, options?: { withStats?: boolean }): Promise<StoredCustomer | undefined>;
  /** Writes every mutable column of an already locked row. */
  update(scope: Scope, customer: CustomerRecord): Promise<void>;
  replaceMetadataIndex(scope: Scope, customerId: string, metadata: Record<string, string>): Promise<void>;
  /** Id of a live customer (other than exceptId) holding this case-folded email. */
  findIdByEmailKey(scope: Scope, emailKey: string, exceptId: string | null): Promise<string | undefined>;
  /** The live customer holding this case-folded email that was updated last (the portal's sign-in by email). */
  findLatestByEmailKey(scope: Scope, emailKey: string): Promise<{ id: string; email: string } | undefined>;
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
  /** Inserts many new customers (and their metadata index rows) with multi-row statements. */
  insertMany(scope: Scope, customers: readonly CustomerRecord[]): Promise<void>;
  /** Live customers holding any of these external ids, keyed by external id. */
  findByExternalIds(scope: Scope, externalIds: readonly string[]): Promise<Map<string, CustomerRecord>>;
  /** Live customers holding any of these case-folded emails: email_key → customer id. */
  findIdsByEmailKeys(scope: Scope, emailKeys: readonly string[]): Promise<Map<string, string>>;
  /**
   * Up to `limit` customers after `after`, oldest first by (created, seq): live ones, or with
   * `deleted` the tombstones. For a full export (SPEC B-2) inside one snapshot.
   */
  exportPage(scope: Scope, page: ExportPageQuery): Promise<ExportedCustomer[]>;
  /** What a CSV export's header needs: every metadata key in use, the longest locale and custom-field lists. */
  exportShape(scope: Scope): Promise<{ metadataKeys: string[]; maxLocales: number; maxCustomFields: number }>;
  /** How many live customers (or, with `deleted`, tombstones) the scope has. */
  countForExport(scope: Scope, deleted: boolean): Promise<number>;
}

export interface ExportPageQuery {
  after: Cursor | null;
  limit: number;
  deleted: boolean;
}

export interface ExportedCustomer {
  customer: CustomerRecord;
  /** The stored API representation (null on rows older than it). */
  body: string | null;
  position: Cursor;
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
  /** Every method attached to any of these customers, newest first. */
  listForCustomers(scope: Scope, customerIds: readonly string[]): Promise<PaymentMethodRecord[]>;
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

/** List filters of charges and invoices; `treeOf` lists a customer's whole tree (itself and every descendant). */
export interface ChargeFilters {
  customerId?: string;
  treeOf?: string;
  status?: ChargeStatus;
  provider?: { name: string; reference: string };
}

export interface ChargesRepository {
  /** Inserts the charge and its tree paths: one per customer of `path` (its own customer, then its ancestors). */
  insert(scope: Scope, charge: ChargeRecord, path: readonly string[]): Promise<void>;
  findById(scope: Scope, id: string, options?: { forUpdate?: boolean }): Promise<ChargeRecord | undefined>;
  findByIds(scope: Scope, ids: string[]): Promise<Map<string, ChargeRecord>>;
  findByProvider(scope: Scope, name: string, reference: string): Promise<ChargeRecord | undefined>;
  /** Writes every mutable column of a locked row; `statusChanged` also moves its tree paths' status. */
  update(scope: Scope, charge: ChargeRecord, options?: { statusChanged?: boolean }): Promise<void>;
  cursorOf(scope: Scope, id: string): Promise<Cursor | undefined>;
  /** Up to page.limit + 1 charges in list order (newest first). */
  list(scope: Scope, filters: ChargeFilters, page: PageQuery): Promise<ChargeRecord[]>;
  /** Every charge of a customer, newest first (export). */
  allOf(scope: Scope, customerId: string): Promise<ChargeRecord[]>;
  /** Blanks the personal data copied into a customer's charges (erasure); returns how many. */
  eraseAllOf(scope: Scope, customerId: string, now: number): Promise<number>;
  /** A subtree changed place: its charges leave the paths of `from` and join those of `to`. */
  movePaths(scope: Scope, move: SubtreeMove): Promise<void>;
}

export interface RefundsRepository {
  insert(scope: Scope, refund: RefundRecord): Promise<void>;
  findById(scope: Scope, id: string, options?: { forUpdate?: boolean }): Promise<RefundRecord | undefined>;
  findByIds(scope: Scope, ids: string[]): Promise<Map<string, RefundRecord>>;
  update(scope: Scope, refund: RefundRecord): Promise<void>;
  cursorOf(scope: Scope, id: string): Promise<Cursor | undefined>;
  /** Up to page.limit + 1 refunds in list order (newest first); `customerId`: of that customer's charges (the console). */
  list(scope: Scope, filters: { chargeId?: string; customerId?: string }, page: PageQuery): Promise<RefundRecord[]>;
  /** Every refund of several charges at once, newest first (expand[]=refunds on charges). */
  listForCharges(scope: Scope, chargeIds: string[]): Promise<RefundRecord[]>;
  /** Every refund of a customer's charges, newest first (export). */
  allOf(scope: Scope, customerId: string): Promise<RefundRecord[]>;
}

export interface InvoiceFilters {
  customerId?: string;
  treeOf?: string;
  status?: InvoiceStatus;
}

export interface InvoicesRepository {
  /** Inserts the invoice and its tree paths (as ChargesRepository.insert). */
  insert(scope: Scope, invoice: InvoiceRecord, path: readonly string[]): Promise<void>;
  findById(scope: Scope, id: string, options?: { forUpdate?: boolean }): Promise<InvoiceRecord | undefined>;
  findByIds(scope: Scope, ids: string[]): Promise<Map<string, InvoiceRecord>>;
  update(scope: Scope, invoice: InvoiceRecord, options?: { statusChanged?: boolean }): Promise<void>;
  /** Deletes a draft and its tree paths. */
  delete(scope: Scope, id: string): Promise<void>;
  cursorOf(scope: Scope, id: string): Promise<Cursor | undefined>;
  list(scope: Scope, filters: InvoiceFilters, page: PageQuery): Promise<InvoiceRecord[]>;
  allOf(scope: Scope, customerId: string): Promise<InvoiceRecord[]>;
  eraseAllOf(scope: Scope, customerId: string, now: number): Promise<number>;
  movePaths(scope: Scope, move: SubtreeMove): Promise<void>;
  /**
   * When the customer becomes delinquent, from its invoices as they are now: 0 with an
   * uncollectible invoice, else the earliest due date of an open one; null when neither.
   */
  delinquentAfter(scope: Scope, customerId: string): Promise<number | null>;
}

export interface StatsRepository {
  /**
   * The stats of each customer as its row holds them (SPEC S-2: rendered JSON, as
   * expand[]=stats sends them; null: no activity). Customers not found are left out.
   */
  textsOf(scope: Scope, customerIds: readonly string[]): Promise<Map<string, string | null>>;
  /**
   * textsOf for a write: the rows are locked until the transaction ends, one after the other
   * in the order given (a customer before its ancestors: the one order every stats write uses,
   * after the hierarchy lock).
   */
  lockTextsOf(scope: Scope, customerIds: readonly string[]): Promise<Map<string, string | null>>;
  /** Stores each customer's stats (rows locked by lockTextsOf in this transaction). */
  write(scope: Scope, rows: ReadonlyArray<{ customer_id: string; stats: string | null }>): Promise<void>;
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
  /** One customer's events (the console's timeline). */
  customerId?: string;
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

/** A committed batch of a bulk import (SPEC B-1): rows first_row … last_row of the file. */
export interface ImportBatchRecord {
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

export interface ImportJournalRepository {
  /** Committed batches of this file that cover any row in first … last. */
  overlapping(scope: Scope, digest: string, first: number, last: number): Promise<ImportBatchRecord[]>;
  /** Every committed batch of this file, in row order. */
  allOf(scope: Scope, digest: string): Promise<ImportBatchRecord[]>;
  insert(scope: Scope, batch: ImportBatchRecord): Promise<void>;
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

/** A signed-in support-console user (SPEC U-1); the token itself is never stored. */
export interface ConsoleSessionRecord {
  id: string;
  livemode: boolean;
  tokenDigest: string;
  keyId: string;
  /** The name or email the person gave at sign-in: the actor of their changes. */
  actor: string;
  created: number;
  lastSeen: number;
}

export interface ConsoleSessionsRepository {
  insert(scope: Scope, session: ConsoleSessionRecord): Promise<void>;
  findByToken(scope: Scope, tokenDigest: string): Promise<ConsoleSessionRecord | undefined>;
  touch(scope: Scope, id: string, at: number): Promise<void>;
  delete(scope: Scope, id: string): Promise<void>;
  /** Deletes the scope's sessions idle since before `before`; returns how many. */
  deleteIdle(scope: Scope, before: number): Promise<number>;
}

/** A customer merged into another (docs/merging.md): what moved, by export key. */
export interface MergeRecord {
  source_id: string;
  target_id: string;
  created: number;
  moved: Record<string, string[]>;
}

/** The owned tables a merge moves rows of, from one customer to another. */
export type ReassignableTable = 'payment_methods' | 'tax_ids' | 'integrations' | 'contacts' | 'addresses' | 'charges' | 'refunds' | 'invoices';

export interface MergesRepository {
  /** Row-locks these customers (PostgreSQL), in id order, in one statement. */
  lockCustomers(scope: Scope, ids: readonly string[]): Promise<void>;
  /** Moves every row of `table` from one customer to the other, in one statement (versions bumped). */
  reassign(scope: Scope, table: ReassignableTable, from: string, to: string, now: number): Promise<void>;
  /** Deletes a customer's own rows of a tree-path table (its objects now sit on the survivor's rows). */
  dropTreePathsOf(scope: Scope, table: 'charge_paths' | 'invoice_paths', customerId: string): Promise<void>;
  insert(scope: Scope, record: MergeRecord): Promise<void>;
  /** The merges into a customer, oldest first. */
  listForTarget(scope: Scope, targetId: string): Promise<MergeRecord[]>;
  deleteForTarget(scope: Scope, targetId: string): Promise<void>;
  /** Tombstones (and merge records) that led to `from` lead to `to` now. */
  repoint(scope: Scope, from: string, to: string): Promise<void>;
  /** Blanks the alias external ids of the tombstones merged into a customer (erasure). */
  dropAliasesOf(scope: Scope, targetId: string): Promise<void>;
}

/** A duplicate signal (docs/merging.md). */
export type DuplicateReason = 'email' | 'phone' | 'tax_id' | 'name_address';

/** What one customer's duplicates are looked up by: its (and its contacts') folded emails and E.164 phones, tax ids, name and address. */
export interface DuplicateKeys {
  emails: string[];
  phones: string[];
  taxIds: Array<{ type: string; value: string }>;
  nameAddress: string | null;
}

export interface DuplicateCandidate {
  customer_id: string;
  reason: DuplicateReason;
}

/** One index a whole-account scan for duplicate pairs walks (the CLI). */
export type DuplicateSignal = 'customer_email' | 'contact_email' | 'customer_phone' | 'contact_phone' | 'tax_id' | 'name_address';

export interface SignalRow {
  key: string;
  customerId: string;
}

export interface DuplicatesRepository {
  /** Live customers (but `exceptId`) sharing any of the keys, one row per customer and signal hit (bounded per signal). */
  candidates(scope: Scope, keys: DuplicateKeys, exceptId: string): Promise<DuplicateCandidate[]>;
  /** Up to `limit` rows of one signal's index after `after`, in (key, customer) order. */
  signalPage(scope: Scope, signal: DuplicateSignal, after: SignalRow | null, limit: number): Promise<SignalRow[]>;
  countLive(scope: Scope): Promise<number>;
  /** Live customers whose folded email (or E.164 phone) is one of `keys`. */
  customersByKeys(scope: Scope, column: 'email_match' | 'phone_e164', keys: readonly string[]): Promise<SignalRow[]>;
}

/** Billing-portal configurations (issue 19), listed newest first. */
export interface PortalConfigurationsRepository {
  insert(scope: Scope, configuration: PortalConfigurationRecord): Promise<void>;
  findById(scope: Scope, id: string, options?: { forUpdate?: boolean }): Promise<PortalConfigurationRecord | undefined>;
  findDefault(scope: Scope): Promise<PortalConfigurationRecord | undefined>;
  update(scope: Scope, configuration: PortalConfigurationRecord): Promise<void>;
  cursorOf(scope: Scope, id: string): Promise<Cursor | undefined>;
  list(scope: Scope, filters: { active?: boolean; isDefault?: boolean }, page: PageQuery): Promise<PortalConfigurationRecord[]>;
  /** The configuration whose login page has this token (enabled or not). */
  findByLoginToken(scope: Scope, token: string): Promise<PortalConfigurationRecord | undefined>;
}

/** Sign-in requests of the portal's login pages, counted per bucket (an email's or a client address's digest) in fixed windows. */
export interface PortalLoginLimitsRepository {
  /**
   * Counts one request in each bucket and returns each bucket's count in its window (this one
   * included): a bucket whose window started `windowSeconds` or more before `at` starts a new
   * one. Windows that ended are deleted on the way.
   */
  hit(scope: Scope, buckets: readonly string[], at: number, windowSeconds: number): Promise<Array<{ attempts: number; windowStart: number }>>;
}

/** Billing-portal sessions (issue 19): links and the browser sessions they become; tokens only as digests. */
export interface PortalSessionsRepository {
  insert(scope: Scope, session: PortalSessionRecord): Promise<void>;
  findByLink(scope: Scope, linkDigest: string, options?: { forUpdate?: boolean }): Promise<PortalSessionRecord | undefined>;
  findByCookie(scope: Scope, cookieDigest: string): Promise<PortalSessionRecord | undefined>;
  /** Marks the link used and starts the browser session; false when it was opened meanwhile. */
  open(scope: Scope, id: string, cookieDigest: string, at: number): Promise<boolean>;
  touch(scope: Scope, id: string, at: number): Promise<void>;
  delete(scope: Scope, id: string): Promise<void>;
  /** Deletes the scope's sessions created before `before` (dead by then whatever happened to them). */
  deleteCreatedBefore(scope: Scope, before: number): Promise<number>;
  deleteForCustomer(scope: Scope, customerId: string): Promise<void>;
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
  charges: ChargesRepository;
  refunds: RefundsRepository;
  invoices: InvoicesRepository;
  stats: StatsRepository;
  importJournal: ImportJournalRepository;
  consoleSessions: ConsoleSessionsRepository;
  merges: MergesRepository;
  duplicates: DuplicatesRepository;
  portalConfigurations: PortalConfigurationsRepository;
  portalSessions: PortalSessionsRepository;
  portalLoginLimits: PortalLoginLimitsRepository;
}

export interface WriteRepositories extends Repositories {
  /**
   * Serialises writers on one logical key until the transaction ends. Holders of a `shared`
   * lock run side by side and exclude an exclusive holder (and the reverse).
   */
  lock(key: string, mode?: 'exclusive' | 'shared'): Promise<void>;
  /** Exclusive `lock` for many keys at once, taken in a fixed order (so two such callers never deadlock). */
  lockMany(keys: readonly string[]): Promise<void>;
  /**
   * Runs fn in a SAVEPOINT of the open transaction: if it throws, what it wrote is rolled back
   * alone and the error rethrown; the transaction goes on.
   */
  savepoint<T>(fn: () => Promise<T>): Promise<T>;
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
   * One large write transaction of its own, outside any unit of work (a bulk import's batch):
   * rolled back whole if fn throws; fn uses `savepoint` for what may fail alone.
   */
  writeBatch<T>(fn: (repos: WriteRepositories) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` as one unit of work (a request): it may commit at most one write transaction —
   * a second one throws SecondWriteError — and `beforeCommit` runs inside that transaction,
   * after fn's own statements, just before COMMIT. `wrote` tells whether one committed.
   */
  unitOfWork<T>(beforeCommit: BeforeCommit | null, fn: () => Promise<T>): Promise<{ value: T; wrote: boolean }>;
  /**
   * Runs fn over one consistent snapshot: every read it makes sees the database as of one
   * moment, whatever commits meanwhile (SQLite: one read transaction on the read connection;
   * PostgreSQL: a REPEATABLE READ, READ ONLY transaction). For long reads (an export).
   */
  snapshot<T>(fn: (repos: Repositories) => Promise<T>): Promise<T>;
  migrate(): Promise<string[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** A unique constraint refused a write; `target` names the business rule it protects. */
export class UniqueViolation extends Error {
  constructor(
    readonly target: 'external_id' | 'invoice_prefix' | 'integration' | 'charge_provider' | 'invoice_number' | 'contact_email' | 'other',
  ) {
    super(`unique violation on ${target}`);
    this.name = 'UniqueViolation';
  }
}
