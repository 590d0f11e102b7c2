import { MAX_CONTACTS_PER_CUSTOMER } from './contact.js';
import { newId, nowSeconds } from '../../lib/ids.js';
import { UniqueViolation, type Repositories, type Store, type WriteRepositories } from '../../store/port.js';
import type { AuthContext } from '../accounts/account-service.js';
import { customerMaxContacts, resourceAlreadyExists, resourceMissing } from '../errors.js';
import { previousAttributes, recordEvent } from '../events/event-writer.js';
import type { ApiObject } from '../expansion/expansion.js';
import { planFor, present, showOne, type Shown } from '../expansion/expansion-table.js';
import { pageThrough, type Page, type PageRequest } from '../paging.js';
import { checkIfMatch, etagFor, type IfMatch } from '../preconditions.js';
import type { Scope } from '../scope.js';
import type { ContactRecord, ContactRole } from './contact.js';
import { toApiContact } from './contact-mapper.js';
import { applyContactInput, type ContactInput } from './contact-rules.js';
import { refuseMerged } from '../customers/merged.js';

export function contactEtag(c: Pick<ContactRecord, 'id' | 'version'>): string {
  return etagFor(c.id, c.version);
}

/**
 * The live customer a contact route names; with `lock`, its row is locked for the rest of the
 * transaction, which serialises every change to the customer's contacts (the count limit and the
 * unique emails are checked under it).
 */
async function requireLiveCustomer(repos: Repositories, scope: Scope, customerId: string, lock = false): Promise<void> {
  const customer = await repos.customers.findById(scope, customerId, { forUpdate: lock });
  refuseMerged(customer, 'customer');
  if (!customer || customer.deleted) throw resourceMissing('customer', customerId, 'customer');
}

function emailTaken(customerId: string, email: string, holder: string): never {
  throw resourceAlreadyExists(`The customer ${customerId} already has a contact with email '${email}': ${holder}.`, 'email');
}

/** Emails are unique per customer, compared without case. */
async function checkEmailFree(repos: WriteRepositories, scope: Scope, contact: ContactRecord): Promise<void> {
  if (contact.email_key === null) return;
  const holder = await repos.contacts.findByEmailKey(scope, contact.customer_id, contact.email_key);
  if (holder && holder.id !== contact.id) emailTaken(contact.customer_id, contact.email ?? contact.email_key, holder.id);
}

function blankContact(scope: Scope, customerId: string, now: number): ContactRecord {
  return {
    id: newId('ctc'),
    livemode: scope.livemode,
    created: now,
    updated: now,
    version: 1,
    customer_id: customerId,
    name: null,
    email: null,
    email_key: null,
    phone: null,
    phone_e164: null,
    roles: [],
    receives_invoices: false,
    notes: null,
    metadata: {},
  };
}

/** SPEC K-1: the people of a business customer, under /v1/customers/:id/contacts. */
export function contactService(deps: { store: Store }) {
  const { store } = deps;

  async function loadForUpdate(repos: WriteRepositories, scope: Scope, customerId: string, id: string, ifMatch?: IfMatch) {
    await requireLiveCustomer(repos, scope, customerId, true);
    const contact = await repos.contacts.find(scope, customerId, id);
    if (!contact) throw resourceMissing('contact', id, 'id');
    checkIfMatch(ifMatch, contactEtag(contact));
    return contact;
  }

  /** A conflict the check could not see (it runs under the customer's lock, so this is a backstop). */
  async function writing<T>(input: ContactInput, customerId: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (error instanceof UniqueViolation && error.target === 'contact_email') emailTaken(customerId, input.email ?? '', 'another contact');
      throw error;
    }
  }

  return {
    async create(auth: AuthContext, customerId: string, input: ContactInput, expand?: readonly string[]): Promise<Shown<ContactRecord>> {
      const scope: Scope = auth;
      const plan = planFor('contact', expand);
      const contact = applyContactInput(blankContact(scope, customerId, nowSeconds()), input);
      return writing(input, customerId, () =>
        store.write(async (repos) => {
          await requireLiveCustomer(repos, scope, customerId, true);
          if ((await repos.contacts.countOf(scope, customerId)) >= MAX_CONTACTS_PER_CUSTOMER) throw customerMaxContacts(MAX_CONTACTS_PER_CUSTOMER);
          await checkEmailFree(repos, scope, contact);
          await repos.contacts.insert(scope, contact);
          await recordEvent(repos, scope, 'customer.contact.created', toApiContact(contact), { customerId });
          return showOne({ repos, scope }, plan, contact, toApiContact);
        }),
      );
    },

    async retrieve(scope: Scope, customerId: string, id: string, expand?: readonly string[]): Promise<Shown<ContactRecord>> {
      const plan = planFor('contact', expand);
      return store.read(async (repos) => {
        await requireLiveCustomer(repos, scope, customerId);
        const contact = await repos.contacts.find(scope, customerId, id);
        if (!contact) throw resourceMissing('contact', id, 'id');
        return showOne({ repos, scope }, plan, contact, toApiContact);
      });
    },

    async update(
      auth: AuthContext,
      customerId: string,
      id: string,
      input: ContactInput,
      ifMatch?: IfMatch,
      expand?: readonly string[],
    ): Promise<Shown<ContactRecord>> {
      const scope: Scope = auth;
      const plan = planFor('contact', expand);
      return writing(input, customerId, () =>
        store.write(async (repos) => {
          const current = await loadForUpdate(repos, scope, customerId, id, ifMatch);
          const next: ContactRecord = { ...applyContactInput(current, input), updated: nowSeconds(), version: current.version + 1 };
          if (next.email_key !== current.email_key) await checkEmailFree(repos, scope, next);
          await repos.contacts.update(scope, next);
          const after = toApiContact(next);
          const previous = previousAttributes(toApiContact(current), after);
          if (previous) await recordEvent(repos, scope, 'customer.contact.updated', after, { customerId, previousAttributes: previous });
          return showOne({ repos, scope }, plan, next, toApiContact);
        }),
      );
    },

    async remove(auth: AuthContext, customerId: string, id: string, ifMatch?: IfMatch, expand?: readonly string[]): Promise<ContactRecord> {
      const scope: Scope = auth;
      planFor('contact', expand);
      return store.write(async (repos) => {
        const contact = await loadForUpdate(repos, scope, customerId, id, ifMatch);
        await repos.contacts.delete(scope, id);
        await recordEvent(repos, scope, 'customer.contact.deleted', toApiContact(contact), { customerId });
        return contact;
      });
    },

    /** One customer's contacts, newest first; `role`: only those holding it. */
    async list(scope: Scope, customerId: string, filters: { role?: ContactRole }, request: PageRequest, expand?: readonly string[]): Promise<Page<ApiObject>> {
      const plan = planFor('contact', expand, true);
      return store.read(async (repos) => {
        await requireLiveCustomer(repos, scope, customerId);
        const page = await pageThrough(
          'contact',
          request,
          (cursor) => repos.contacts.cursorOf(scope, customerId, cursor),
          (p) => repos.contacts.list(scope, customerId, filters, p),
        );
        return { data: await present({ repos, scope }, plan, page.data, toApiContact), hasMore: page.hasMore };
      });
    },

    /**
     * The console's view (SPEC U-1): the newest `limit` contacts with the ETag each one's edit
     * form sends back as If-Match; one query.
     */
    async listWithEtags(scope: Scope, customerId: string, limit: number): Promise<Page<{ object: ApiObject; etag: string }>> {
      return store.read(async (repos) => {
        await requireLiveCustomer(repos, scope, customerId);
        const found = await repos.contacts.list(scope, customerId, {}, { limit });
        return { data: found.slice(0, limit).map((c) => ({ object: toApiContact(c) as ApiObject, etag: contactEtag(c) })), hasMore: found.length > limit };
      });
    },
  };
}

export type ContactService = ReturnType<typeof contactService>;

