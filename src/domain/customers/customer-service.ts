import { newId, nowSeconds, randomBase62 } from '../../lib/ids.js';
import { UniqueViolation, type CustomerFilters, type Store, type WriteRepositories } from '../../store/port.js';
import { pageThrough, type Page, type PageRequest } from '../paging.js';
import type { AuthContext } from '../accounts/account-service.js';
import { invoicePrefixTaken, preconditionFailed, resourceAlreadyExists, resourceMissing, type ApiError } from '../errors.js';
import { checkIfMatch, etagFor, type IfMatch } from '../preconditions.js';
import type { CustomerRecord } from './customer.js';
import type { Scope } from '../scope.js';
import type { CustomerCreateInput, CustomerInput } from './customer-input.js';
import type { PaymentMethodService } from '../payment-methods/payment-method-service.js';
import { createTaxIdIn } from '../tax-ids/tax-id-service.js';
import { loadCustomerViews, type CustomerView } from './customer-expansions.js';
import { applyCustomerInput } from './customer-rules.js';
import { customerBody, toApiCustomer } from './customer-mapper.js';
import { previousAttributes, recordEvent } from '../events/event-writer.js';
import { eraseCustomer, eraseRelated } from './erasure.js';
import { checkPlacement, hasChildren, hierarchyLock, resolveParent, wantsParentChange, type ParentInput } from './hierarchy.js';

const NONE: ReadonlySet<string> = new Set();

/** Expansions are read inside the write's transaction, so the response matches what committed. */
async function view(repos: WriteRepositories, auth: AuthContext, customer: CustomerRecord, expand: ReadonlySet<string>) {
  const [one] = await loadCustomerViews(repos, auth, [customer], expand);
  return one as CustomerView;
}

function blankCustomer(auth: AuthContext, now: number): CustomerRecord {
  return {
    id: newId('cus'),
    livemode: auth.livemode,
    created: now,
    updated: now,
    deleted: false,
    version: 1,
    external_id: null,
    email: null,
    email_key: null,
    name: null,
    business_name: null,
    individual_name: null,
    first_name: null,
    last_name: null,
    phone: null,
    phone_e164: null,
    description: null,
    notes: null,
    address: null,
    shipping: null,
    balance: 0,
    currency: null,
    invoice_prefix: randomBase62(8).toUpperCase(),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    next_invoice_sequence: 1,
    preferred_locales: [],
    tax_exempt: 'none',
    metadata: {},
    parent_id: null,
    created_by: auth.keyId,
    updated_by: auth.keyId,
  };
}

export interface CustomerListRequest extends PageRequest {
  filters: CustomerFilters;
}

export interface CustomerServiceDeps {
  store: Store;
  paymentMethods: Pick<PaymentMethodService, 'attachIn'>;
  /** SPEC H-2: levels a customer tree may have (a root is level 1). */
  maxHierarchyDepth: number;
}

export function customerService(deps: CustomerServiceDeps) {
  const { store } = deps;

  /** Rules that need the database: uniqueness of external_id and (optionally) email. */
  async function checkUniqueness(repos: WriteRepositories, scope: Scope, before: CustomerRecord | null, after: CustomerRecord) {
    if (after.external_id !== null && after.external_id !== before?.external_id) {
      await repos.lock(`external_id:${scope.accountId}:${scope.livemode}:${after.external_id}`);
      const holder = await repos.customers.findByExternalId(scope, after.external_id);
      if (holder && holder.id !== after.id) {
        throw resourceAlreadyExists(
          `A customer with external_id '${after.external_id}' already exists: ${holder.id}.`,
          'external_id',
        );
      }
    }
    if (after.email_key !== null && after.email_key !== before?.email_key) {
      const account = await repos.accounts.findAccount(scope.accountId);
      if (account?.unique_emails) {
        await repos.lock(`email:${scope.accountId}:${scope.livemode}:${after.email_key}`);
        const holder = await repos.customers.findIdByEmailKey(scope, after.email_key, after.id);
        if (holder) {
          throw resourceAlreadyExists(
            `A customer with email '${after.email}' already exists: ${holder}. This account requires unique emails.`,
            'email',
          );
        }
      }
    }
  }

  /** PM-4: the default must be a method attached to this very customer. */
  async function checkDefaultPaymentMethod(repos: WriteRepositories, scope: Scope, before: CustomerRecord | null, after: CustomerRecord) {
    const dpm = after.invoice_settings.default_payment_method;
    if (dpm === null || dpm === before?.invoice_settings.default_payment_method) return;
    const method = await repos.paymentMethods.findById(scope, dpm);
    if (!method || method.customer_id !== after.id) {
      throw resourceMissing('payment_method', dpm, 'invoice_settings[default_payment_method]', {
        status: 400,
        message: `The customer does not have a payment method with the ID ${dpm}. The payment method must be attached to the customer.`,
      });
    }
  }

  function translateConflict(error: unknown, input: CustomerInput): never {
    if (error instanceof UniqueViolation && error.target === 'invoice_prefix') {
      throw invoicePrefixTaken(input.invoice_prefix ?? '');
    }
    if (error instanceof UniqueViolation && error.target === 'external_id') {
      throw resourceAlreadyExists(`A customer with external_id '${input.external_id ?? ''}' already exists.`, 'external_id');
    }
    throw error;
  }

  /** Applies parent / parent_external_id under the hierarchy lock (cycle and depth checked). */
  async function placeInHierarchy(repos: WriteRepositories, scope: Scope, customer: CustomerRecord, input: ParentInput) {
    if (!wantsParentChange(input)) return customer;
    await repos.lock(hierarchyLock(scope));
    const parentId = await resolveParent(repos, scope, input);
    if (parentId !== null && parentId !== customer.parent_id) {
      const param = input.parent !== undefined ? 'parent' : 'parent_external_id';
      await checkPlacement(repos, scope, customer.id, parentId, deps.maxHierarchyDepth, param);
    }
    return { ...customer, parent_id: parentId };
  }

  async function insertNew(repos: WriteRepositories, auth: AuthContext, input: CustomerCreateInput): Promise<CustomerRecord> {
    const scope = auth;
    const { payment_method: paymentMethod, tax_id_data: taxIdData, parent, parent_external_id, ...fields } = input;
    const customer = await placeInHierarchy(repos, scope, applyCustomerInput(blankCustomer(auth, nowSeconds()), fields), {
      ...(parent !== undefined && { parent }),
      ...(parent_external_id !== undefined && { parent_external_id }),
    });
    await checkUniqueness(repos, scope, null, customer);
    await repos.customers.insert(scope, customer);
    await recordEvent(repos, scope, 'customer.created', toApiCustomer({ customer }), { customerId: customer.id });
    if (paymentMethod !== undefined) {
      await deps.paymentMethods.attachIn(repos, scope, paymentMethod, customer.id, 'payment_method');
    }
    for (const [i, data] of (taxIdData ?? []).entries()) {
      await createTaxIdIn(repos, scope, customer.id, data, `tax_id_data[${i}]`);
    }
    await checkDefaultPaymentMethod(repos, scope, null, customer);
    return customer;
  }

  async function updateLocked(
    repos: WriteRepositories,
    auth: AuthContext,
    current: CustomerRecord,
    input: CustomerInput,
  ): Promise<CustomerRecord> {
    const scope = auth;
    const { parent, parent_external_id, ...fields } = input;
    const applied = await placeInHierarchy(repos, scope, applyCustomerInput(current, fields), {
      ...(parent !== undefined && { parent }),
      ...(parent_external_id !== undefined && { parent_external_id }),
    });
    const next: CustomerRecord = { ...applied, updated: nowSeconds(), version: current.version + 1, updated_by: auth.keyId };
    await checkUniqueness(repos, scope, current, next);
    await checkDefaultPaymentMethod(repos, scope, current, next);
    await repos.customers.update(scope, next);
    if (input.metadata !== undefined) await repos.customers.replaceMetadataIndex(scope, next.id, next.metadata);
    const after = toApiCustomer({ customer: next });
    const previous = previousAttributes(toApiCustomer({ customer: current }), after);
    if (previous) await recordEvent(repos, scope, 'customer.updated', after, { customerId: next.id, previousAttributes: previous });
    return next;
  }

  /** Loads and row-locks a live customer, enforcing If-Match against its current version. */
  async function loadLive(repos: WriteRepositories, scope: Scope, id: string, ifMatch?: IfMatch): Promise<CustomerRecord> {
    const current = await repos.customers.findById(scope, id, { forUpdate: true });
    if (!current || current.deleted) throw resourceMissing('customer', id, 'id');
    checkIfMatch(ifMatch, customerEtag(current));
    return current;
  }

  return {
    async create(auth: AuthContext, input: CustomerCreateInput, expand: ReadonlySet<string> = NONE): Promise<CustomerView> {
      const attempt = () => store.write(async (repos) => view(repos, auth, await insertNew(repos, auth, input), expand));
      try {
        return await attempt();
      } catch (error) {
        // A generated invoice prefix collided (1 in ~10^12): try once more with a new one.
        if (error instanceof UniqueViolation && error.target === 'invoice_prefix' && input.invoice_prefix === undefined) {
          return attempt().catch((e: unknown) => translateConflict(e, input));
        }
        return translateConflict(error, input);
      }
    },

    /** Retrieves a customer; a deleted one comes back as its tombstone. */
    async retrieve(scope: Scope, id: string, expand: ReadonlySet<string> = NONE): Promise<CustomerView> {
      return store.read(async (repos) => {
        const customer = await repos.customers.findById(scope, id);
        if (!customer) throw resourceMissing('customer', id, 'id');
        const [one] = await loadCustomerViews(repos, scope, [customer], expand);
        return one as CustomerView;
      });
    },

    /**
     * The unexpanded customer (or tombstone) as stored JSON text with its ETag: the retrieve
     * without `expand`, which sends these bytes as they are.
     */
    async retrieveStored(scope: Scope, id: string): Promise<{ etag: string; body: string }> {
      const row = await store.read((repos) => repos.customers.findStoredBody(scope, id));
      if (!row) throw resourceMissing('customer', id, 'id');
      if (row.body !== null) return { etag: etagFor(row.id, row.version), body: row.body };
      // Written before stored representations existed: render it.
      const customer = await store.read((repos) => repos.customers.findById(scope, id));
      if (!customer) throw resourceMissing('customer', id, 'id');
      return { etag: customerEtag(customer), body: customerBody(customer) };
    },

    async retrieveByExternalId(scope: Scope, externalId: string, expand: ReadonlySet<string> = NONE): Promise<CustomerView> {
      return store.read(async (repos) => {
        const customer = await repos.customers.findByExternalId(scope, externalId);
        if (!customer) {
          throw resourceMissing('customer with external_id', externalId, 'external_id');
        }
        const [one] = await loadCustomerViews(repos, scope, [customer], expand);
        return one as CustomerView;
      });
    },

    async update(
      auth: AuthContext,
      id: string,
      input: CustomerInput,
      ifMatch?: IfMatch,
      expand: ReadonlySet<string> = NONE,
    ): Promise<CustomerView> {
      try {
        return await store.write(async (repos) => {
          const updated = await updateLocked(repos, auth, await loadLive(repos, auth, id, ifMatch), input);
          return view(repos, auth, updated, expand);
        });
      } catch (error) {
        return translateConflict(error, input);
      }
    },

    /** Create-or-update by the merchant's own id, race-free under a per-key lock. */
    async upsertByExternalId(
      auth: AuthContext,
      externalId: string,
      input: CustomerInput,
      ifMatch?: IfMatch,
      expand: ReadonlySet<string> = NONE,
    ): Promise<CustomerView & { created: boolean }> {
      const scope = auth;
      const withId: CustomerInput = { ...input, external_id: externalId };
      try {
        return await store.write(async (repos) => {
          await repos.lock(`external_id:${scope.accountId}:${scope.livemode}:${externalId}`);
          const current = await repos.customers.findByExternalId(scope, externalId, { forUpdate: true });
          if (current) {
            checkIfMatch(ifMatch, customerEtag(current));
            const updated = await updateLocked(repos, auth, current, withId);
            return { ...(await view(repos, auth, updated, expand)), created: false };
          }
          if (ifMatch !== undefined) throw preconditionMissing(externalId);
          return { ...(await view(repos, auth, await insertNew(repos, auth, withId), expand)), created: true };
        });
      } catch (error) {
        return translateConflict(error, withId);
      }
    },

    async remove(auth: AuthContext, id: string, ifMatch?: IfMatch): Promise<CustomerRecord> {
      const scope = auth;
      return store.write(async (repos) => {
        // Row lock first, then the hierarchy lock: the same order as an update that re-parents,
        // so the two can never deadlock.
        const current = await loadLive(repos, scope, id, ifMatch);
        await repos.lock(hierarchyLock(scope));
        const children = (await repos.customers.countChildren(scope, [id])).get(id) ?? 0;
        const blocked = hasChildren(children, id);
        if (blocked) throw blocked;
        const now = nowSeconds();
        const erased = eraseCustomer(current, auth, now);
        await repos.customers.update(scope, erased);
        await eraseRelated(repos, scope, id, now);
        await recordEvent(repos, scope, 'customer.deleted', toApiCustomer({ customer: erased }), { customerId: id });
        return erased;
      });
    },

    /** SPEC H-3: direct children of a customer, with list conventions. */
    async listChildren(scope: Scope, id: string, request: PageRequest, expand: ReadonlySet<string> = NONE): Promise<Page<CustomerView>> {
      const parent = await store.read((r) => r.customers.findById(scope, id));
      if (!parent || parent.deleted) throw resourceMissing('customer', id, 'id');
      return this.list(scope, { ...request, filters: { parentId: id } }, expand);
    },

    async list(scope: Scope, request: CustomerListRequest, expand: ReadonlySet<string> = NONE): Promise<Page<CustomerView>> {
      return store.read(async (repos) => {
        const page = await pageThrough(
          'customer',
          request,
          (id) => repos.customers.cursorOf(scope, id),
          (p) => repos.customers.list(scope, request.filters, p),
        );
        return { data: await loadCustomerViews(repos, scope, page.data, expand), hasMore: page.hasMore };
      });
    },
  };
}

export function customerEtag(c: Pick<CustomerRecord, 'id' | 'version'>): string {
  return etagFor(c.id, c.version);
}

/** If-Match names a version, but there is no customer with this external_id to match. */
function preconditionMissing(externalId: string): ApiError {
  return preconditionFailed(`If-Match was sent, but no customer has external_id '${externalId}'.`);
}

export type CustomerService = ReturnType<typeof customerService>;
