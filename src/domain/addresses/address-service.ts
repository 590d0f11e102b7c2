import { MAX_ADDRESSES_PER_CUSTOMER } from './address.js';
import { newId, nowSeconds } from '../../lib/ids.js';
import type { Repositories, Store, WriteRepositories } from '../../store/port.js';
import type { AuthContext } from '../accounts/account-service.js';
import type { CustomerRecord } from '../customers/customer.js';
import { toApiCustomer } from '../customers/customer-mapper.js';
import { customerMaxAddresses, resourceMissing } from '../errors.js';
import { previousAttributes, recordEvent } from '../events/event-writer.js';
import type { ApiObject } from '../expansion/expansion.js';
import { planFor, present, showOne, type Shown } from '../expansion/expansion-table.js';
import { pageThrough, type Page, type PageRequest } from '../paging.js';
import { checkIfMatch, etagFor, type IfMatch } from '../preconditions.js';
import type { Scope } from '../scope.js';
import type { AddressRecord } from './address.js';
import { customerFollowing, sameAddress, sameShipping } from './address-book.js';
import { toApiAddress } from './address-mapper.js';
import { saveAddress } from './address-writes.js';
import { applyAddressInput, type AddressBookInput } from './address-rules.js';
import { refuseMerged } from '../customers/merged.js';

export function addressEtag(a: Pick<AddressRecord, 'id' | 'version'>): string {
  return etagFor(a.id, a.version);
}

/**
 * The live customer an address route names; with `lock`, its row is locked for the rest of the
 * transaction: every change to the book (and to the customer's address and shipping, which the
 * customer's own updates make under the same lock) is serialised.
 */
async function requireLiveCustomer(repos: Repositories, scope: Scope, customerId: string, lock = false): Promise<CustomerRecord> {
  const customer = await repos.customers.findById(scope, customerId, { forUpdate: lock });
  refuseMerged(customer, 'customer');
  if (!customer || customer.deleted) throw resourceMissing('customer', customerId, 'customer');
  return customer;
}

function blankAddress(scope: Scope, customerId: string, now: number): AddressRecord {
  return {
    id: newId('addr'),
    livemode: scope.livemode,
    created: now,
    updated: now,
    version: 1,
    customer_id: customerId,
    label: null,
    name: null,
    phone: null,
    address: { line1: null, line2: null, city: null, state: null, postal_code: null, country: null },
    postal_code_key: null,
    default_billing: false,
    default_shipping: false,
    metadata: {},
  };
}

/** SPEC K-1: a customer's address book, under /v1/customers/:id/addresses. */
export function addressService(deps: { store: Store }) {
  const { store } = deps;

  /**
   * The book's side of a write: the roles `entry` takes are taken from the entries that held
   * them (first, so the one-default-per-role indexes hold at every statement), and the customer's
   * address and shipping follow the entry's, with a customer.updated event.
   */
  async function moveDefaults(repos: WriteRepositories, auth: AuthContext, customer: CustomerRecord, entry: AddressRecord, now: number) {
    if (!entry.default_billing && !entry.default_shipping) return;
    for (const holder of await repos.addresses.defaultsOf(auth, customer.id)) {
      if (holder.id === entry.id) continue;
      const released: AddressRecord = {
        ...holder,
        default_billing: holder.default_billing && !entry.default_billing,
        default_shipping: holder.default_shipping && !entry.default_shipping,
      };
      if (released.default_billing === holder.default_billing && released.default_shipping === holder.default_shipping) continue;
      await saveAddress(repos, auth, holder, { ...released, updated: now, version: holder.version + 1 });
    }
  }

  async function customerFollows(repos: WriteRepositories, auth: AuthContext, customer: CustomerRecord, entry: AddressRecord, now: number) {
    const following = customerFollowing(customer, entry);
    if (sameAddress(following.address, customer.address) && sameShipping(following.shipping, customer.shipping)) return;
    const next: CustomerRecord = { ...following, updated: now, version: customer.version + 1, updated_by: auth.keyId };
    await repos.customers.update(auth, next);
    const after = toApiCustomer(next);
    const previous = previousAttributes(toApiCustomer(customer), after);
    if (previous) await recordEvent(repos, auth, 'customer.updated', after, { customerId: customer.id, previousAttributes: previous });
  }

  async function loadForUpdate(repos: WriteRepositories, scope: Scope, customerId: string, id: string, ifMatch?: IfMatch) {
    const customer = await requireLiveCustomer(repos, scope, customerId, true);
    const entry = await repos.addresses.find(scope, customerId, id);
    if (!entry) throw resourceMissing('address', id, 'id');
    checkIfMatch(ifMatch, addressEtag(entry));
    return { customer, entry };
  }

  return {
    async create(auth: AuthContext, customerId: string, input: AddressBookInput, expand?: readonly string[]): Promise<Shown<AddressRecord>> {
      const plan = planFor('address', expand);
      const now = nowSeconds();
      const entry = applyAddressInput(blankAddress(auth, customerId, now), input);
      return store.write(async (repos) => {
        const customer = await requireLiveCustomer(repos, auth, customerId, true);
        if ((await repos.addresses.countOf(auth, customerId)) >= MAX_ADDRESSES_PER_CUSTOMER) throw customerMaxAddresses(MAX_ADDRESSES_PER_CUSTOMER);
        await moveDefaults(repos, auth, customer, entry, now);
        await repos.addresses.insert(auth, entry);
        await recordEvent(repos, auth, 'customer.address.created', toApiAddress(entry), { customerId });
        await customerFollows(repos, auth, customer, entry, now);
        return showOne({ repos, scope: auth }, plan, entry, toApiAddress);
      });
    },

    async retrieve(scope: Scope, customerId: string, id: string, expand?: readonly string[]): Promise<Shown<AddressRecord>> {
      const plan = planFor('address', expand);
      return store.read(async (repos) => {
        await requireLiveCustomer(repos, scope, customerId);
        const entry = await repos.addresses.find(scope, customerId, id);
        if (!entry) throw resourceMissing('address', id, 'id');
        return showOne({ repos, scope }, plan, entry, toApiAddress);
      });
    },

    async update(
      auth: AuthContext,
      customerId: string,
      id: string,
      input: AddressBookInput,
      ifMatch?: IfMatch,
      expand?: readonly string[],
    ): Promise<Shown<AddressRecord>> {
      const plan = planFor('address', expand);
      return store.write(async (repos) => {
        const { customer, entry: current } = await loadForUpdate(repos, auth, customerId, id, ifMatch);
        const now = nowSeconds();
        const next: AddressRecord = { ...applyAddressInput(current, input), updated: now, version: current.version + 1 };
        await moveDefaults(repos, auth, customer, next, now);
        await saveAddress(repos, auth, current, next);
        await customerFollows(repos, auth, customer, next, now);
        return showOne({ repos, scope: auth }, plan, next, toApiAddress);
      });
    },

    /** Removes the entry; the customer's address and shipping stay as they are (no longer in the book). */
    async remove(auth: AuthContext, customerId: string, id: string, ifMatch?: IfMatch, expand?: readonly string[]): Promise<AddressRecord> {
      planFor('address', expand);
      return store.write(async (repos) => {
        const { entry } = await loadForUpdate(repos, auth, customerId, id, ifMatch);
        await repos.addresses.delete(auth, id);
        await recordEvent(repos, auth, 'customer.address.deleted', toApiAddress(entry), { customerId });
        return entry;
      });
    },

    async list(scope: Scope, customerId: string, request: PageRequest, expand?: readonly string[]): Promise<Page<ApiObject>> {
      const plan = planFor('address', expand, true);
      return store.read(async (repos) => {
        await requireLiveCustomer(repos, scope, customerId);
        const page = await pageThrough(
          'address',
          request,
          (cursor) => repos.addresses.cursorOf(scope, customerId, cursor),
          (p) => repos.addresses.list(scope, customerId, p),
        );
        return { data: await present({ repos, scope }, plan, page.data, toApiAddress), hasMore: page.hasMore };
      });
    },

    /** The console's view (SPEC U-1): the newest `limit` entries with their ETags (If-Match); one query. */
    async listWithEtags(scope: Scope, customerId: string, limit: number): Promise<Page<{ object: ApiObject; etag: string }>> {
      return store.read(async (repos) => {
        await requireLiveCustomer(repos, scope, customerId);
        const found = await repos.addresses.list(scope, customerId, { limit });
        return { data: found.slice(0, limit).map((a) => ({ object: toApiAddress(a) as ApiObject, etag: addressEtag(a) })), hasMore: found.length > limit };
      });
    },
  };
}

export type AddressService = ReturnType<typeof addressService>;

