import type { WriteRepositories } from '../store/port.js';
import type { SubtreeMove } from './customers/hierarchy.js';
import type { CustomerRecord } from './customers/customer.js';
import type { ApiObject, ExpandableFields, ExpandContext } from './expansion/expansion.js';
import type { Scope } from './scope.js';

/**
 * A resource that belongs to a customer (tax ids, integrations, payment methods, charges, …),
 * as the customer's own behaviours need to know it. Each resource declares one of these in its
 * domain folder and adds it to OWNED_RESOURCES (src/domain/owned-resources.ts); erasure, the
 * export, expand[] on the customer, moves in the hierarchy and the event catalogue iterate that
 * list instead of naming resources. The account/mode scope is the store's: see
 * src/store/kysely/tenant.ts.
 */
export interface OwnedResource<E extends string = string> {
  /** The API `object` of its objects: `tax_id`. */
  readonly object: string;
  /** Its key in the customer's export document (SPEC C-8): `tax_ids`. Absent: not exported (derived data). */
  readonly exportKey?: string;
  /** The event types it writes. */
  readonly eventTypes: readonly E[];
  /** Every object of one customer's, as API objects, newest first (the export). */
  exportOf?(ctx: ExpandContext, customerId: string): Promise<unknown[]>;
  /**
   * What deleting the customer does to its objects, in the delete's own transaction (SPEC C-7):
   * delete them, or keep them with their personal data blanked. Returns the ids of objects
   * whose stored idempotent responses must be redacted with the customer's (objects whose
   * responses do not name the customer).
   */
  erase?(repos: WriteRepositories, scope: Scope, customerId: string, now: number): Promise<readonly string[]>;
  /**
   * The customer moved in its tree with its whole subtree (a new parent, a detach, or a delete,
   * which takes it out of its tree), in that write's transaction and under the hierarchy lock:
   * what the resource keeps per tree (roll-ups, tree paths) follows the subtree (SPEC H-4).
   */
  onReparent?(repos: WriteRepositories, scope: Scope, move: SubtreeMove): Promise<void>;
  /**
   * A customer merge (docs/merging.md), in its transaction, after the hierarchy moved (the
   * source's subtree and its tree paths and roll-ups already count under the target): move
   * every object of the source's to the target, keeping the resource's own rules (uniqueness,
   * limits, defaults), and write one `*.updated` event (or `*.deleted` for a duplicate dropped)
   * per object. Returns the ids of its objects that moved, for the merge's record and event.
   */
  onMerge?(repos: WriteRepositories, scope: Scope, merge: CustomerMerge): Promise<readonly string[]>;
  /**
   * Blanks the personal data of one of its API objects (or a part of one, such as an event's
   * previous_attributes), for stored copies of an erased customer's data.
   */
  redact?(object: ApiObject): ApiObject;
  /**
   * Runs in the transaction of every update of a live customer, its row locked and already
   * written, for a resource that keeps something in step with the customer's own fields (the
   * address book's defaults follow `address` and `shipping`). It writes its own objects and
   * events, never the customer; it should return at once when the fields it follows did not change.
   */
  afterCustomerUpdate?(repos: WriteRepositories, scope: Scope, before: CustomerRecord, after: CustomerRecord, now: number): Promise<void>;
  /** What it adds to expand[] on a customer: `tax_ids`. */
  readonly customerExpansions?: ExpandableFields;
  /** What can be expanded on its own objects: `customer`. */
  readonly expandable?: ExpandableFields;
  /**
   * Its section of the support console's customer profile (SPEC U-1), for resources the console
   * has no section of its own for (charges, refunds, invoices): the console lists these.
   */
  readonly profileSection?: ProfileSection;
}

/** One merge of `sourceId` into `targetId` at `now` (unix seconds). */
export interface CustomerMerge {
  sourceId: string;
  targetId: string;
  now: number;
}

/** A generic profile section: a customer's newest objects, and figures about them. */
export interface ProfileSection {
  readonly title: string;
  /** The columns of its table, in order (the console renders and escapes them). */
  readonly columns?: readonly ProfileColumn[];
  /**
   * The newest `limit` + 1 of one customer's objects, newest first (one more tells there are
   * more), loaded in a bounded number of queries whatever `limit` is. Absent: figures only.
   */
  recent?(ctx: ExpandContext, customerId: string, limit: number): Promise<ApiObject[]>;
  /** Figures about the customer (and its tree), such as totals: `[label, value]` pairs. */
  stats?(ctx: ExpandContext, customerId: string): Promise<ReadonlyArray<readonly [string, string]>>;
}

/** One column of a profile section's table: a value of each object, as text. */
export interface ProfileColumn {
  readonly label: string;
  /** `id`: shown as an identifier; `time`: a Unix time in seconds, shown as a date. Default `text`. */
  readonly kind?: 'text' | 'id' | 'time';
  value(object: ApiObject): string | number | null;
}

/** The event types of a resource declaration. */
export type EventTypeOf<R> = R extends OwnedResource<infer E> ? E : never;
