import { newId, nowSeconds, randomBase62 } from '../../lib/ids.js';
import { UniqueViolation, type CustomerFilters, type Repositories, type Store, type WriteRepositories } from '../../store/port.js';
import { pageThrough, type Page, type PageRequest } from '../paging.js';
import type { AuthContext } from '../accounts/account-service.js';
import { invoicePrefixTaken, preconditionFailed, resourceAlreadyExists, resourceMissing, type ApiError } from '../errors.js';
import { checkIfMatch, etagFor, type IfMatch } from '../preconditions.js';
import type { CustomerRecord } from './customer.js';
import type { Scope } from '../scope.js';
import type { CustomerCreateInput, CustomerInput } from './customer-input.js';
import type { PaymentMethodService } from '../payment-methods/payment-method-service.js';
import { createTaxIdIn } from '../tax-ids/tax-id-service.js';
import type { ApiObject, ExpandContext } from '../expansion/expansion.js';
import { planFor, present } from '../expansion/expansion-table.js';
import { toApiEvent } from '../events/event-service.js';
import { OWNED_RESOURCES } from '../owned-resources.js';
import { parseEtagList } from '../preconditions.js';
import { applyCustomerInput } from './customer-rules.js';
import { customerBody, toApiCustomer, toApiCustomerOrTombstone } from './customer-mapper.js';
import { previousAttributes, recordEvent } from '../events/event-writer.js';
import { eraseCustomer, eraseRelated } from './erasure.js';
import { checkQueryWindow, type CustomerQuery } from './customer-query.js';
import { addIntegrationIn } from '../integrations/integration-service.js';
import { checkPlacement, hasChildren, hierarchyLock, resolveParent, wantsParentChange, type ParentInput } from './hierarchy.js';

/** A customer as a request asked to see it: the record (for its ETag) and its API object, expanded as asked. */
export interface CustomerResult {
  customer: CustomerRecord;
  body: ApiObject;
}

/** A retrieve: the stored bytes when nothing was expanded, else the expanded object; or 304. */
export type RetrieveOutcome =
  | { status: 304; etag: string }
  | { status: 200; etag: string; stored: string }
  | { status: 200; etag: string; body: ApiObject };

/** expand[] on a customer (a tombstone shows no expansions). */
async function shown(ctx: ExpandContext, customer: CustomerRecord, expand: readonly string[] | undefined): Promise<CustomerResult> {
  const [body] = await present(ctx, planFor('customer', expand), [customer], toApiCustomerOrTombstone);
  return { customer, body: body as ApiObject };
}

function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const tags = parseEtagList(header);
  return tags === '*' || (tags?.includes(etag) ?? false);
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
    // Two writes mapping the same provider id at once (the lock makes this PostgreSQL-only and rare).
    if (error instanceof UniqueViolation && error.target === 'integration') {
      throw resourceAlreadyExists('One of the integrations is already mapped to another customer.', 'integrations');
    }
    throw error;
  }

  /** Records with their API objects, expanded as asked: one batched load per field. */
  async function shownAll(ctx: ExpandContext, records: readonly CustomerRecord[], expand: readonly string[] | undefined): Promise<CustomerResult[]> {
    const bodies = await present(ctx, planFor('customer', expand), records, toApiCustomerOrTombstone);
    return records.map((customer, i) => ({ customer, body: bodies[i] as ApiObject }));
  }

  /** One page of the filtered list, newest first, by keyset (SPEC W-5). */
  function listPage(repos: Repositories, scope: Scope, request: CustomerListRequest): Promise<Page<CustomerRecord>> {
    return pageThrough(
      'customer',
      request,
      (id) => repos.customers.cursorOf(scope, id),
      (p) => repos.customers.list(scope, request.filters, p),
    );
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
    const { payment_method: paymentMethod, tax_id_data: taxIdData, integrations, parent, parent_external_id, ...fields } = input;
    const customer = await placeInHierarchy(repos, scope, applyCustomerInput(blankCustomer(auth, nowSeconds()), fields), {
      ...(parent !== undefined && { parent }),
      ...(parent_external_id !== undefined && { parent_external_id }),
    });
    await checkUniqueness(repos, scope, null, customer);
    await repos.customers.insert(scope, customer);
    await recordEvent(repos, scope, 'customer.created', toApiCustomer(customer), { customerId: customer.id });
    if (paymentMethod !== undefined) {
      await deps.paymentMethods.attachIn(repos, scope, paymentMethod, customer.id, 'payment_method');
    }
    for (const [i, data] of (taxIdData ?? []).entries()) {
      await createTaxIdIn(repos, scope, customer.id, data, `tax_id_data[${i}]`);
    }
    await addIntegrations(repos, scope, customer.id, integrations);
    await checkDefaultPaymentMethod(repos, scope, null, customer);
    return customer;
  }

  /** SPEC I-1 through another wire format: mappings sent with the customer's own write. */
  async function addIntegrations(repos: WriteRepositories, scope: Scope, customerId: string, mappings: CustomerInput['integrations']) {
    for (const [i, mapping] of (mappings ?? []).entries()) {
      await addIntegrationIn(repos, scope, customerId, mapping, { param: `integrations[${i}][provider]`, keepOwn: true });
    }
  }

  async function updateLocked(
    repos: WriteRepositories,
    auth: AuthContext,
    current: CustomerRecord,
    input: CustomerInput,
  ): Promise<CustomerRecord> {
    const scope = auth;
    const { parent, parent_external_id, integrations, ...fields } = input;
    const applied = await placeInHierarchy(repos, scope, applyCustomerInput(current, fields), {
      ...(parent !== undefined && { parent }),
      ...(parent_external_id !== undefined && { parent_external_id }),
    });
    const next: CustomerRecord = { ...applied, updated: nowSeconds(), version: current.version + 1, updated_by: auth.keyId };
    await checkUniqueness(repos, scope, current, next);
    await checkDefaultPaymentMethod(repos, scope, current, next);
    await repos.customers.update(scope, next);
    if (input.metadata !== undefined) await repos.customers.replaceMetadataIndex(scope, next.id, next.metadata);
    for (const resource of OWNED_RESOURCES) await resource.afterCustomerUpdate?.(repos, scope, current, next, next.updated);
    const after = toApiCustomer(next);
    const previous = previousAttributes(toApiCustomer(current), after);
    if (previous) await recordEvent(repos, scope, 'customer.updated', after, { customerId: next.id, previousAttributes: previous });
    await addIntegrations(repos, scope, next.id, integrations);
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
    async create(auth: AuthContext, input: CustomerCreateInput, expand?: readonly string[]): Promise<CustomerResult> {
      planFor('customer', expand);
      // Expansions are read inside the write's transaction, so the response matches what committed.
      const attempt = () => store.write(async (repos) => shown({ repos, scope: auth }, await insertNew(repos, auth, input), expand));
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

    /**
     * Retrieves a customer; a deleted one comes back as its tombstone. Without expansions the
     * stored representation is sent as it is; `ifNoneMatch` that matches the ETag gives 304.
     */
    async retrieve(scope: Scope, id: string, expand: readonly string[] | undefined, ifNoneMatch?: string): Promise<RetrieveOutcome> {
      const plan = planFor('customer', expand);
      if (plan.size === 0) {
        const row = await store.read((repos) => repos.customers.findStoredBody(scope, id));
        if (!row) throw resourceMissing('customer', id, 'id');
        const etag = etagFor(row.id, row.version);
        if (matchesIfNoneMatch(ifNoneMatch, etag)) return { status: 304, etag };
        if (row.body !== null) return { status: 200, etag, stored: row.body };
        // Written before stored representations existed: rendered below.
      }
      const result = await store.read(async (repos) => {
        const customer = await repos.customers.findById(scope, id);
        if (!customer) throw resourceMissing('customer', id, 'id');
        return shown({ repos, scope }, customer, expand);
      });
      const etag = customerEtag(result.customer);
      if (matchesIfNoneMatch(ifNoneMatch, etag)) return { status: 304, etag };
      return plan.size === 0 ? { status: 200, etag, stored: customerBody(result.customer) } : { status: 200, etag, body: result.body };
    },

    async retrieveByExternalId(scope: Scope, externalId: string, expand?: readonly string[]): Promise<CustomerResult> {
      planFor('customer', expand);
      return store.read(async (repos) => {
        const customer = await repos.customers.findByExternalId(scope, externalId);
        if (!customer) throw resourceMissing('customer with external_id', externalId, 'external_id');
        return shown({ repos, scope }, customer, expand);
      });
    },

    /**
     * A customer by id with its API object, expanded as asked; a deleted one too (its record is
     * the tombstone). For the other wire formats, which map from both (src/http/routes/flexprice, lunipay).
     */
    async find(scope: Scope, id: string, expand?: readonly string[]): Promise<CustomerResult> {
      planFor('customer', expand);
      return store.read(async (repos) => {
        const customer = await repos.customers.findById(scope, id);
        if (!customer) throw resourceMissing('customer', id, 'id');
        return (await shownAll({ repos, scope }, [customer], expand))[0] as CustomerResult;
      });
    },

    /** The customer list (SPEC W-5, C-2) with each page's records: for the other wire formats. */
    async listResults(scope: Scope, request: CustomerListRequest, expand?: readonly string[]): Promise<Page<CustomerResult>> {
      planFor('customer', expand);
      return store.read(async (repos) => {
        const page = await listPage(repos, scope, request);
        return { data: await shownAll({ repos, scope }, page.data, expand), hasMore: page.hasMore };
      });
    },

    /**
     * A window of the filtered customers by position, and how many match in all: FlexPrice's
     * offset-paged search (SPEC D-1). Bounded (customer-query.ts), so it stays cheap.
     */
    async query(scope: Scope, query: CustomerQuery, expand?: readonly string[]): Promise<{ results: CustomerResult[]; total: number }> {
      planFor('customer', expand);
      checkQueryWindow(query);
      return store.read(async (repos) => {
        const [records, total] = await Promise.all([
          repos.customers.listWindow(scope, query.filters, query),
          repos.customers.count(scope, query.filters, query.created),
        ]);
        return { results: await shownAll({ repos, scope }, records, expand), total };
      });
    },

    /** SPEC I-2: the customer an integration (provider id) maps to. */
    async retrieveByProviderId(scope: Scope, provider: string, providerId: string, expand?: readonly string[]): Promise<CustomerResult> {
      planFor('customer', expand);
      return store.read(async (repos) => {
        const integration = await repos.integrations.findByProvider(scope, provider, providerId);
        const customer = integration && (await repos.customers.findById(scope, integration.customer_id));
        if (!customer || customer.deleted) throw resourceMissing(`customer with ${provider} id`, providerId, 'provider_id');
        return shown({ repos, scope }, customer, expand);
      });
    },

    /**
     * SPEC C-8: everything held about one customer, as one document (for access requests and
     * portability). After erasure only the tombstone remains, so the export holds no personal data.
     */
    async export(scope: Scope, id: string, expand?: readonly string[]) {
      planFor('customer_export', expand);
      return store.read(async (repos) => {
        const customer = await repos.customers.findById(scope, id);
        if (!customer) throw resourceMissing('customer', id, 'id');
        const ctx = { repos, scope };
        const owned = await Promise.all(OWNED_RESOURCES.map(async (r) => [r.exportKey, await r.exportOf(ctx, id)] as const));
        const [children, events] = await Promise.all([
          repos.customers.list(scope, { parentId: id }, { limit: 10_000 }),
          repos.events.listForCustomer(scope, id),
        ]);
        const pending = await repos.events.pendingWebhooks(scope, events.map((e) => e.id));
        return {
          object: 'customer_export' as const,
          exported_at: nowSeconds(),
          customer: toApiCustomerOrTombstone(customer),
          ...Object.fromEntries(owned),
          children: children.map((c) => c.id),
          events: events.map((event) => toApiEvent({ event, pendingWebhooks: pending.get(event.id) ?? 0 })),
        };
      });
    },

    async update(
      auth: AuthContext,
      id: string,
      input: CustomerInput,
      ifMatch?: IfMatch,
      expand?: readonly string[],
    ): Promise<CustomerResult> {
      planFor('customer', expand);
      try {
        return await store.write(async (repos) => {
          const updated = await updateLocked(repos, auth, await loadLive(repos, auth, id, ifMatch), input);
          return shown({ repos, scope: auth }, updated, expand);
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
      expand?: readonly string[],
    ): Promise<CustomerResult & { created: boolean }> {
      planFor('customer', expand);
      const scope = auth;
      const withId: CustomerInput = { ...input, external_id: externalId };
      try {
        return await store.write(async (repos) => {
          await repos.lock(`external_id:${scope.accountId}:${scope.livemode}:${externalId}`);
          const current = await repos.customers.findByExternalId(scope, externalId, { forUpdate: true });
          if (current) {
            checkIfMatch(ifMatch, customerEtag(current));
            const updated = await updateLocked(repos, auth, current, withId);
            return { ...(await shown({ repos, scope }, updated, expand)), created: false };
          }
          if (ifMatch !== undefined) throw preconditionMissing(externalId);
          return { ...(await shown({ repos, scope }, await insertNew(repos, auth, withId), expand)), created: true };
        });
      } catch (error) {
        return translateConflict(error, withId);
      }
    },

    /** Updates the live customer holding this external_id (404 if none): FlexPrice's update by external id. */
    async updateByExternalId(
      auth: AuthContext,
      externalId: string,
      input: CustomerInput,
      ifMatch?: IfMatch,
      expand?: readonly string[],
    ): Promise<CustomerResult> {
      planFor('customer', expand);
      const scope = auth;
      try {
        return await store.write(async (repos) => {
          await repos.lock(`external_id:${scope.accountId}:${scope.livemode}:${externalId}`);
          const current = await repos.customers.findByExternalId(scope, externalId, { forUpdate: true });
          if (!current) throw resourceMissing('customer with external_id', externalId, 'external_id');
          checkIfMatch(ifMatch, customerEtag(current));
          return shown({ repos, scope }, await updateLocked(repos, auth, current, input), expand);
        });
      } catch (error) {
        return translateConflict(error, input);
      }
    },

    /** `expand` is validated like everywhere; a tombstone has nothing to expand. */
    async remove(auth: AuthContext, id: string, ifMatch?: IfMatch, expand?: readonly string[]): Promise<CustomerRecord> {
      planFor('customer', expand);
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
        await recordEvent(repos, scope, 'customer.deleted', toApiCustomer(erased), { customerId: id });
        return erased;
      });
    },

    /** SPEC H-3: direct children of a customer, with list conventions. */
    async listChildren(scope: Scope, id: string, request: PageRequest, expand?: readonly string[]): Promise<Page<ApiObject>> {
      planFor('customer', expand, true);
      const parent = await store.read((r) => r.customers.findById(scope, id));
      if (!parent || parent.deleted) throw resourceMissing('customer', id, 'id');
      return this.list(scope, { ...request, filters: { parentId: id } }, expand);
    },

    async list(scope: Scope, request: CustomerListRequest, expand?: readonly string[]): Promise<Page<ApiObject>> {
      const plan = planFor('customer', expand, true);
      return store.read(async (repos) => {
        const page = await listPage(repos, scope, request);
        return { data: await present({ repos, scope }, plan, page.data, toApiCustomer), hasMore: page.hasMore };
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
