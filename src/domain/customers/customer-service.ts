import { nowSeconds } from '../../lib/ids.js';
import { UniqueViolation, type CustomerFilters, type Repositories, type Store, type WriteRepositories } from '../../store/port.js';
import { pageThrough, type Page, type PageRequest } from '../paging.js';
import type { AuthContext } from '../accounts/account-service.js';
import { preconditionFailed, resourceMissing, type ApiError } from '../errors.js';
import { checkIfMatch, etagFor, type IfMatch } from '../preconditions.js';
import type { CustomerRecord } from './customer.js';
import type { Scope } from '../scope.js';
import type { CustomerCreateInput, CustomerInput } from './customer-input.js';
import type { PaymentMethodService } from '../payment-methods/payment-method-service.js';
import { addsByIdOnly, appendToStored, type ApiObject, type ExpandContext } from '../expansion/expansion.js';
import { planFor, present } from '../expansion/expansion-table.js';
import { toApiEvent } from '../events/event-service.js';
import { OWNED_RESOURCES } from '../owned-resources.js';
import { parseEtagList } from '../preconditions.js';
import { ancestorsOf, customerWrites, externalIdLock, moveInTree, translateConflict } from './customer-writes.js';
import { customerBody, overdueSinceStored, storedBodyAt, toApiCustomer, toApiCustomerOrTombstone } from './customer-mapper.js';
import { recordEvent } from '../events/event-writer.js';
import { eraseCustomer, eraseRelated } from './erasure.js';
import { checkQueryWindow, type CustomerQuery } from './customer-query.js';
import { hasChildren, hierarchyLock } from './hierarchy.js';
import { refuseMerged } from './merged.js';

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
/** The context with the stats of the customers read (their rows' column), for expand[]=stats. */
function withStoredStats(ctx: ExpandContext, records: readonly CustomerRecord[]): ExpandContext {
  const known = records.filter((r) => r.stats !== undefined);
  return known.length === 0 ? ctx : { ...ctx, storedStats: new Map(known.map((r) => [r.id, r.stats ?? null])) };
}

async function shown(ctx: ExpandContext, customer: CustomerRecord, expand: readonly string[] | undefined, now = nowSeconds()): Promise<CustomerResult> {
  const [body] = await present(withStoredStats(ctx, [customer]), planFor('customer', expand), [customer], (c) => toApiCustomerOrTombstone(c, now));
  return { customer, body: body as ApiObject };
}

function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const tags = parseEtagList(header);
  return tags === '*' || (tags?.includes(etag) ?? false);
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

  const writes = customerWrites(deps);
  const insertNew = (repos: WriteRepositories, auth: AuthContext, input: CustomerCreateInput) => writes.insertNew(repos, auth, input);
  const updateLocked = (repos: WriteRepositories, auth: AuthContext, current: CustomerRecord, input: CustomerInput) =>
    writes.updateLocked(repos, auth, current, input);

  /** Records with their API objects, expanded as asked: one batched load per field. */
  async function shownAll(ctx: ExpandContext, records: readonly CustomerRecord[], expand: readonly string[] | undefined): Promise<CustomerResult[]> {
    const bodies = await present(withStoredStats(ctx, records), planFor('customer', expand), records, toApiCustomerOrTombstone);
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

  /** Loads and row-locks a live customer, enforcing If-Match against its current version. */
  async function loadLive(repos: WriteRepositories, scope: Scope, id: string, ifMatch?: IfMatch): Promise<CustomerRecord> {
    const current = await repos.customers.findById(scope, id, { forUpdate: true });
    refuseMerged(current, 'id');
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
      const at = nowSeconds();
      // Without expansions, or with only fields found by the customer's id (stats, tax_ids, …),
      // the stored representation is sent, extended with those fields: no rebuild.
      if (addsByIdOnly(plan)) {
        const sent = await store.read(async (repos) => {
          const withStats = plan.roots.has('stats');
          const row = await repos.customers.findStoredBody(scope, id, { withStats });
          if (!row) throw resourceMissing('customer', id, 'id');
          const etag = customerEtag(row, at);
          if (matchesIfNoneMatch(ifNoneMatch, etag)) return { status: 304 as const, etag };
          // Written before stored representations existed: rendered below.
          if (row.body === null) return null;
          const body = storedBodyAt(row.body, row, at);
          const ctx = withStats ? { repos, scope, storedStats: new Map([[row.id, row.stats ?? null]]) } : { repos, scope };
          const stored = plan.size === 0 || row.deleted ? body : await appendToStored(ctx, plan, row.id, body);
          return { status: 200 as const, etag, stored };
        });
        if (sent) return sent;
      }
      const result = await store.read(async (repos) => {
        const customer = await repos.customers.findById(scope, id);
        if (!customer) throw resourceMissing('customer', id, 'id');
        return shown({ repos, scope }, customer, expand, at);
      });
      const etag = customerEtag(result.customer, at);
      if (matchesIfNoneMatch(ifNoneMatch, etag)) return { status: 304, etag };
      return plan.size === 0
        ? { status: 200, etag, stored: storedBodyAt(customerBody(result.customer), result.customer, at) }
        : { status: 200, etag, body: result.body };
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
        const owned = await Promise.all(
          OWNED_RESOURCES.flatMap((r) => (r.exportKey !== undefined && r.exportOf ? [[r.exportKey, r.exportOf]] as const : [])).map(
            async ([key, exportOf]) => [key, await exportOf(ctx, id)] as const,
          ),
        );
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
          await writes.lockHierarchyFor(repos, auth, input);
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
          await repos.lock(externalIdLock(scope, externalId));
          await writes.lockHierarchyFor(repos, scope, input);
          const current = await repos.customers.findByExternalId(scope, externalId, { forUpdate: true });
          if (current) {
            checkIfMatch(ifMatch, customerEtag(current));
            // Found through a merge's alias (docs/merging.md): the survivor keeps its own external_id.
            const updated = await updateLocked(repos, auth, current, current.external_id === externalId ? withId : input);
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
          await repos.lock(externalIdLock(scope, externalId));
          await writes.lockHierarchyFor(repos, scope, input);
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
        // The hierarchy lock first, then the row lock: the order of every write (stats-ledger.ts),
        // so a delete never deadlocks with an update that re-parents or a charge's stats.
        await repos.lock(hierarchyLock(scope));
        const current = await loadLive(repos, scope, id, ifMatch);
        const children = (await repos.customers.countChildren(scope, [id])).get(id) ?? 0;
        const blocked = hasChildren(children, id);
        if (blocked) throw blocked;
        // A deleted customer leaves its tree: its activity no longer counts for its ancestors.
        await moveInTree(repos, scope, { customerId: id, from: await ancestorsOf(repos, scope, current.parent_id), to: [] });
        const erasedAt = nowSeconds();
        const erased = eraseCustomer(current, auth, erasedAt);
        await repos.customers.update(scope, erased);
        await eraseRelated(repos, scope, id, erasedAt, current.merged_from ?? []);
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
        const at = nowSeconds();
        return { data: await present({ repos, scope }, plan, page.data, (c) => toApiCustomer(c, at)), hasMore: page.hasMore };
      });
    },
  };
}

/**
 * The customer's entity tag at `now`: its version's, marked once a due date has passed since
 * that version was written, since what a retrieve shows then differs (`delinquent`).
 */
export function customerEtag(c: Pick<CustomerRecord, 'id' | 'version' | 'updated' | 'delinquent_after'>, now = nowSeconds()): string {
  const etag = etagFor(c.id, c.version);
  return overdueSinceStored(c, now) ? `${etag.slice(0, -1)}.overdue"` : etag;
}

/** If-Match names a version, but there is no customer with this external_id to match. */
function preconditionMissing(externalId: string): ApiError {
  return preconditionFailed(`If-Match was sent, but no customer has external_id '${externalId}'.`);
}

export type CustomerService = ReturnType<typeof customerService>;
