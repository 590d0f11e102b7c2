import type { WriteRepositories } from '../store/port.js';
import type { CustomerRecord } from './customers/customer.js';
import type { ApiObject, ExpandableFields, ExpandContext } from './expansion/expansion.js';
import type { Scope } from './scope.js';

/**
 * A resource that belongs to a customer (tax ids, integrations, payment methods, …), as the
 * customer's own behaviours need to know it. Each resource declares one of these in its
 * domain folder and adds it to OWNED_RESOURCES (src/domain/owned-resources.ts); erasure, the
 * export, expand[] on the customer and the event catalogue iterate that list instead of
 * naming resources. The account/mode scope is the store's: see src/store/kysely/tenant.ts.
 */
export interface OwnedResource<E extends string = string> {
  /** The API `object` of its objects: `tax_id`. */
  readonly object: string;
  /** Its key in the customer's export document (SPEC C-8): `tax_ids`. */
  readonly exportKey: string;
  /** The event types it writes. */
  readonly eventTypes: readonly E[];
  /** Every object of one customer's, as API objects, newest first (the export). */
  exportOf(ctx: ExpandContext, customerId: string): Promise<unknown[]>;
  /**
   * What deleting the customer does to its objects, in the delete's own transaction (SPEC C-7):
   * delete them, or keep them with their personal data blanked. Returns the ids of objects
   * whose stored idempotent responses must be redacted with the customer's (objects whose
   * responses do not name the customer).
   */
  erase(repos: WriteRepositories, scope: Scope, customerId: string, now: number): Promise<readonly string[]>;
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
}

/** The event types of a resource declaration. */
export type EventTypeOf<R> = R extends OwnedResource<infer E> ? E : never;
