import { newId, nowSeconds, randomBase62 } from '../../lib/ids.js';
import { UniqueViolation, type CustomerFilters, type PageQuery, type Store, type WriteRepositories } from '../../store/port.js';
import type { AuthContext } from '../accounts/account-service.js';
import { ApiError, invalidRequest, resourceAlreadyExists, resourceMissing } from '../errors.js';
import { checkIfMatch, etagFor, type IfMatch } from '../preconditions.js';
import type { CustomerRecord, Scope } from './customer.js';
import type { CustomerInput } from './customer-input.js';
import { applyCustomerInput } from './customer-rules.js';

export function scopeOf(auth: AuthContext): Scope {
  return { accountId: auth.accountId, livemode: auth.livemode };
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

/** Personal data removed by delete (SPEC C-7); the tombstone keeps id and history links. */
function erase(customer: CustomerRecord, auth: AuthContext, now: number): CustomerRecord {
  return {
    ...customer,
    deleted: true,
    updated: now,
    version: customer.version + 1,
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
    preferred_locales: [],
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    metadata: {},
    updated_by: auth.keyId,
  };
}

export interface CustomerListRequest {
  filters: CustomerFilters;
  limit: number;
  startingAfter?: string;
  endingBefore?: string;
  created?: PageQuery['created'];
}

export function customerService(deps: { store: Store }) {
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
    const dpm = after.invoice_settings.default_payment_method;
    if (dpm !== null && dpm !== before?.invoice_settings.default_payment_method) {
      throw invalidRequest(
        `The customer does not have a payment method with the ID ${dpm}. The payment method must be attached to the customer.`,
        'invoice_settings[default_payment_method]',
      );
    }
  }

  function translateConflict(error: unknown, input: CustomerInput): never {
    if (error instanceof UniqueViolation && error.target === 'invoice_prefix') {
      throw invalidRequest(`The invoice_prefix '${input.invoice_prefix ?? ''}' is already in use in this account.`, 'invoice_prefix');
    }
    if (error instanceof UniqueViolation && error.target === 'external_id') {
      throw resourceAlreadyExists(`A customer with external_id '${input.external_id ?? ''}' already exists.`, 'external_id');
    }
    throw error;
  }

  async function insertNew(repos: WriteRepositories, auth: AuthContext, input: CustomerInput): Promise<CustomerRecord> {
    const scope = scopeOf(auth);
    const customer = applyCustomerInput(blankCustomer(auth, nowSeconds()), input);
    await checkUniqueness(repos, scope, null, customer);
    await repos.customers.insert(scope, customer);
    if (Object.keys(customer.metadata).length > 0) {
      await repos.customers.replaceMetadataIndex(scope, customer.id, customer.metadata);
    }
    return customer;
  }

  async function updateLocked(
    repos: WriteRepositories,
    auth: AuthContext,
    current: CustomerRecord,
    input: CustomerInput,
  ): Promise<CustomerRecord> {
    const scope = scopeOf(auth);
    const applied = applyCustomerInput(current, input);
    const next: CustomerRecord = { ...applied, updated: nowSeconds(), version: current.version + 1, updated_by: auth.keyId };
    await checkUniqueness(repos, scope, current, next);
    await repos.customers.update(scope, next);
    if (input.metadata !== undefined) await repos.customers.replaceMetadataIndex(scope, next.id, next.metadata);
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
    async create(auth: AuthContext, input: CustomerInput): Promise<CustomerRecord> {
      try {
        return await store.write((repos) => insertNew(repos, auth, input));
      } catch (error) {
        // A generated invoice prefix collided (1 in ~10^12): try once more with a new one.
        if (error instanceof UniqueViolation && error.target === 'invoice_prefix' && input.invoice_prefix === undefined) {
          return store.write((repos) => insertNew(repos, auth, input)).catch((e: unknown) => translateConflict(e, input));
        }
        return translateConflict(error, input);
      }
    },

    /** Retrieves a customer; a deleted one comes back as its tombstone. */
    async retrieve(scope: Scope, id: string): Promise<CustomerRecord> {
      const customer = await store.read((r) => r.customers.findById(scope, id));
      if (!customer) throw resourceMissing('customer', id, 'id');
      return customer;
    },

    async retrieveByExternalId(scope: Scope, externalId: string): Promise<CustomerRecord> {
      const customer = await store.read((r) => r.customers.findByExternalId(scope, externalId));
      if (!customer) {
        throw new ApiError(`No such customer with external_id: '${externalId}'`, {
          status: 404,
          code: 'resource_missing',
          param: 'external_id',
        });
      }
      return customer;
    },

    async update(auth: AuthContext, id: string, input: CustomerInput, ifMatch?: IfMatch): Promise<CustomerRecord> {
      try {
        return await store.write(async (repos) =>
          updateLocked(repos, auth, await loadLive(repos, scopeOf(auth), id, ifMatch), input),
        );
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
    ): Promise<{ customer: CustomerRecord; created: boolean }> {
      const scope = scopeOf(auth);
      const withId: CustomerInput = { ...input, external_id: externalId };
      try {
        return await store.write(async (repos) => {
          await repos.lock(`external_id:${scope.accountId}:${scope.livemode}:${externalId}`);
          const current = await repos.customers.findByExternalId(scope, externalId, { forUpdate: true });
          if (current) {
            checkIfMatch(ifMatch, customerEtag(current));
            return { customer: await updateLocked(repos, auth, current, withId), created: false };
          }
          if (ifMatch !== undefined) throw preconditionMissing(externalId);
          return { customer: await insertNew(repos, auth, withId), created: true };
        });
      } catch (error) {
        return translateConflict(error, withId);
      }
    },

    async remove(auth: AuthContext, id: string, ifMatch?: IfMatch): Promise<CustomerRecord> {
      const scope = scopeOf(auth);
      return store.write(async (repos) => {
        const current = await loadLive(repos, scope, id, ifMatch);
        const erased = erase(current, auth, nowSeconds());
        await repos.customers.update(scope, erased);
        await repos.customers.replaceMetadataIndex(scope, id, {});
        return erased;
      });
    },

    async list(scope: Scope, request: CustomerListRequest): Promise<{ data: CustomerRecord[]; hasMore: boolean }> {
      return store.read(async (repos) => {
        const page: PageQuery = { limit: request.limit, created: request.created };
        if (request.startingAfter !== undefined) {
          const cursor = await repos.customers.cursorOf(scope, request.startingAfter);
          if (!cursor) throw cursorMissing(request.startingAfter, 'starting_after');
          page.startingAfter = cursor;
        }
        if (request.endingBefore !== undefined) {
          const cursor = await repos.customers.cursorOf(scope, request.endingBefore);
          if (!cursor) throw cursorMissing(request.endingBefore, 'ending_before');
          page.endingBefore = cursor;
        }
        const rows = await repos.customers.list(scope, request.filters, page);
        const hasMore = rows.length > request.limit;
        const data = rows.slice(0, request.limit);
        if (page.endingBefore) data.reverse();
        return { data, hasMore };
      });
    },
  };
}

export function customerEtag(c: Pick<CustomerRecord, 'id' | 'version'>): string {
  return etagFor(c.id, c.version);
}

/** If-Match names a version, but there is no customer with this external_id to match. */
function preconditionMissing(externalId: string): ApiError {
  return new ApiError(`If-Match was sent, but no customer has external_id '${externalId}'.`, {
    status: 412,
    code: 'precondition_failed',
  });
}

function cursorMissing(id: string, param: string): ApiError {
  return new ApiError(`No such customer: '${id}'`, { status: 400, code: 'resource_missing', param });
}

export type CustomerService = ReturnType<typeof customerService>;
