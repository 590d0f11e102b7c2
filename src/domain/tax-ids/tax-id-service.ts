import { newId, nowSeconds } from '../../lib/ids.js';
import type { Repositories, Store, WriteRepositories } from '../../store/port.js';
import type { AuthContext } from '../accounts/account-service.js';
import type { Scope } from '../scope.js';
import { ApiError, customerMaxTaxIds, resourceMissing } from '../errors.js';
import { pageThrough, type Page, type PageRequest } from '../paging.js';
import type { TaxIdRecord } from './tax-id.js';
import { recordEvent } from '../events/event-writer.js';
import { toApiTaxId } from './tax-id-mapper.js';
import { validateTaxId } from './tax-id-types.js';

/** Stripe's limit of tax ids per customer. */
export const MAX_TAX_IDS_PER_CUSTOMER = 25;

export interface TaxIdInput {
  type: string;
  value: string;
}

async function requireLiveCustomer(repos: Repositories, scope: Scope, customerId: string, forUpdate = false) {
  const customer = await repos.customers.findById(scope, customerId, { forUpdate });
  if (!customer || customer.deleted) throw resourceMissing('customer', customerId, 'customer');
  return customer;
}

/** Validates and inserts within an existing write transaction (also used by customer create). */
export async function createTaxIdIn(
  repos: WriteRepositories,
  scope: Scope,
  customerId: string,
  input: TaxIdInput,
  paramPrefix = '',
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
    id: newId('txi'),
    livemode: scope.livemode,
    created: nowSeconds(),
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

export function taxIdService(deps: { store: Store }) {
  const { store } = deps;

  return {
    async create(auth: AuthContext, customerId: string, input: TaxIdInput): Promise<TaxIdRecord> {
      const scope = auth;
      return store.write(async (repos) => {
        await requireLiveCustomer(repos, scope, customerId, true);
        return createTaxIdIn(repos, scope, customerId, input);
      });
    },

    async retrieve(scope: Scope, customerId: string, id: string): Promise<TaxIdRecord> {
      return store.read(async (repos) => {
        await requireLiveCustomer(repos, scope, customerId);
        const taxId = await repos.taxIds.find(scope, customerId, id);
        if (!taxId) throw resourceMissing('tax_id', id, 'id');
        return taxId;
      });
    },

    async remove(auth: AuthContext, customerId: string, id: string): Promise<TaxIdRecord> {
      const scope = auth;
      return store.write(async (repos) => {
        await requireLiveCustomer(repos, scope, customerId, true);
        const taxId = await repos.taxIds.find(scope, customerId, id);
        if (!taxId) throw resourceMissing('tax_id', id, 'id');
        await repos.taxIds.delete(scope, id);
        await recordEvent(repos, scope, 'customer.tax_id.deleted', toApiTaxId(taxId), { customerId });
        return taxId;
      });
    },

    async list(scope: Scope, customerId: string, request: PageRequest): Promise<Page<TaxIdRecord>> {
      return store.read(async (repos) => {
        await requireLiveCustomer(repos, scope, customerId);
        return pageThrough(
          'tax_id',
          request,
          (id) => repos.taxIds.cursorOf(scope, customerId, id),
          (page) => repos.taxIds.list(scope, customerId, page),
        );
      });
    },
  };
}

export type TaxIdService = ReturnType<typeof taxIdService>;
