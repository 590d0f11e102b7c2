import { MAX_TAX_IDS_PER_CUSTOMER } from './tax-id.js';
import { newId, nowSeconds } from '../../lib/ids.js';
import type { Repositories, Store, WriteRepositories } from '../../store/port.js';
import type { AuthContext } from '../accounts/account-service.js';
import type { Scope } from '../scope.js';
import { ApiError, customerMaxTaxIds, resourceMissing } from '../errors.js';
import { pageThrough, type Page, type PageRequest } from '../paging.js';
import type { TaxIdRecord } from './tax-id.js';
import { recordEvent } from '../events/event-writer.js';
import { toApiTaxId, toDeletedTaxId } from './tax-id-mapper.js';
import type { ApiObject } from '../expansion/expansion.js';
import { planFor, present, showOne, type Shown } from '../expansion/expansion-table.js';
import { validateTaxId } from './tax-id-types.js';
import { refuseMerged } from '../customers/merged.js';

export interface TaxIdInput {
  type: string;
  value: string;
}

async function requireLiveCustomer(repos: Repositories, scope: Scope, customerId: string, forUpdate = false) {
  const customer = await repos.customers.findById(scope, customerId, { forUpdate });
  refuseMerged(customer, 'customer');
  if (!customer || customer.deleted) throw resourceMissing('customer', customerId, 'customer');
  return customer;
}

/**
 * Validates and inserts within an existing write transaction (also used by customer create and
 * a bulk import, whose `base` keeps an exported tax id's id and time).
 */
export async function createTaxIdIn(
  repos: WriteRepositories,
  scope: Scope,
  customerId: string,
  input: TaxIdInput,
  paramPrefix = '',
  base: { id?: string; created?: number } = {},
): Promise<TaxIdRecord> {
  let checked: { value: string; country: string };
  try {
    checked = validateTaxId(input.type, input.value);
  } catch (error) {
    // Name the field the way it was sent (tax_id_data[0][value] on customer create).
    if (paramPrefix && error instanceof ApiError) {
      throw error.withParam(`${paramPrefix}[${error.param ?? 'value'}]`);
    }
    throw error;
  }
  if ((await repos.taxIds.countOf(scope, customerId)) >= MAX_TAX_IDS_PER_CUSTOMER) {
    throw customerMaxTaxIds(MAX_TAX_IDS_PER_CUSTOMER, paramPrefix || 'value');
  }
  const taxId: TaxIdRecord = {
    id: base.id ?? newId('txi'),
    livemode: scope.livemode,
    created: base.created ?? nowSeconds(),
    customer_id: customerId,
    type: input.type,
    value: checked.value,
    country: checked.country,
    verification_status: 'unverified',
  };
  await repos.taxIds.insert(scope, taxId);
  await recordEvent(repos, scope, 'customer.tax_id.created', toApiTaxId(taxId), { customerId });
  return taxId;
}

/** SPEC T-2 (and Stripe's top-level /v1/tax_ids, whose only owner here is a customer). */
export function taxIdService(deps: { store: Store }) {
  const { store } = deps;

  /** A tax id by its id, under a customer (the sub-resource routes) or anywhere in the scope. */
  async function find(repos: Repositories, scope: Scope, customerId: string | undefined, id: string): Promise<TaxIdRecord> {
    if (customerId !== undefined) await requireLiveCustomer(repos, scope, customerId);
    const taxId = await repos.taxIds.find(scope, customerId, id);
    if (!taxId) throw resourceMissing('tax_id', id, 'id');
    return taxId;
  }

  return {
    /**
     * `ownerParam`: the customer is named by this body parameter (owner[customer] of the top-level
     * API), so a missing one is the request's fault (400), not the URL's (404).
     */
    async create(
      auth: AuthContext,
      customerId: string,
      input: TaxIdInput,
      expand?: readonly string[],
      ownerParam?: string,
    ): Promise<Shown<TaxIdRecord>> {
      const plan = planFor('tax_id', expand);
      return store.write(async (repos) => {
        const customer = await repos.customers.findById(auth, customerId, { forUpdate: true });
        refuseMerged(customer, ownerParam ?? 'customer');
        if (!customer || customer.deleted) {
          throw ownerParam
            ? resourceMissing('customer', customerId, ownerParam, { status: 400 })
            : resourceMissing('customer', customerId, 'customer');
        }
        return showOne({ repos, scope: auth }, plan, await createTaxIdIn(repos, auth, customerId, input), toApiTaxId);
      });
    },

    async retrieve(scope: Scope, customerId: string | undefined, id: string, expand?: readonly string[]): Promise<Shown<TaxIdRecord>> {
      const plan = planFor('tax_id', expand);
      return store.read(async (repos) => showOne({ repos, scope }, plan, await find(repos, scope, customerId, id), toApiTaxId));
    },

    async remove(auth: AuthContext, customerId: string | undefined, id: string, expand?: readonly string[]): Promise<Shown<TaxIdRecord>> {
      planFor('tax_id', expand);
      return store.write(async (repos) => {
        // The owner's row lock before its tax id, as every change to a customer's objects takes it.
        if (customerId !== undefined) await requireLiveCustomer(repos, auth, customerId, true);
        const taxId = await repos.taxIds.find(auth, customerId, id);
        if (!taxId) throw resourceMissing('tax_id', id, 'id');
        if (customerId === undefined) await requireLiveCustomer(repos, auth, taxId.customer_id, true);
        await repos.taxIds.delete(auth, id);
        await recordEvent(repos, auth, 'customer.tax_id.deleted', toApiTaxId(taxId), { customerId: taxId.customer_id });
        return { record: taxId, body: toDeletedTaxId(taxId) };
      });
    },

    /** One customer's tax ids, or (customerId undefined) every tax id in the scope; newest first. */
    async list(scope: Scope, customerId: string | undefined, request: PageRequest, expand?: readonly string[]): Promise<Page<ApiObject>> {
      const plan = planFor('tax_id', expand, true);
      return store.read(async (repos) => {
        if (customerId !== undefined) await requireLiveCustomer(repos, scope, customerId);
        const page = await pageThrough(
          'tax_id',
          request,
          (id) => repos.taxIds.cursorOf(scope, customerId, id),
          (p) => repos.taxIds.list(scope, customerId, p),
        );
        return { data: await present({ repos, scope }, plan, page.data, toApiTaxId), hasMore: page.hasMore };
      });
    },
  };
}

export type TaxIdService = ReturnType<typeof taxIdService>;

