import type { DuplicateKeys, DuplicateReason, Repositories, Store } from '../../store/port.js';
import { toApiCustomer } from '../customers/customer-mapper.js';
import type { CustomerRecord } from '../customers/customer.js';
import { refuseMerged } from '../customers/merged.js';
import { cursorMissing, type Page, type PageRequest } from '../paging.js';
import { resourceMissing } from '../errors.js';
import type { Scope } from '../scope.js';
import { duplicateScore, sortedReasons } from './duplicate-score.js';
import { emailMatchKey, nameAddressKey } from './match-keys.js';

export interface DuplicateRequest extends PageRequest {
  minScore: number;
}

/** One probable duplicate of a customer, as `GET /v1/customers/:id/duplicates` lists it. */
export function toApiDuplicate(customer: CustomerRecord, score: number, reasons: DuplicateReason[]) {
  return { object: 'customer_duplicate' as const, id: customer.id, score, reasons, customer: toApiCustomer(customer) };
}

export type ApiDuplicate = ReturnType<typeof toApiDuplicate>;

/** What a customer's duplicates are found by: its own email, phone, name and address, its contacts' emails and phones, its tax ids. */
async function keysOf(repos: Repositories, scope: Scope, customer: CustomerRecord): Promise<DuplicateKeys> {
  const [contacts, taxIds] = await Promise.all([repos.contacts.listForCustomers(scope, [customer.id]), repos.taxIds.listForCustomers(scope, [customer.id])]);
  const emails = new Set<string>();
  const phones = new Set<string>();
  for (const email of [customer.email, ...contacts.map((c) => c.email)]) {
    const key = emailMatchKey(email);
    if (key !== null) emails.add(key);
  }
  for (const phone of [customer.phone_e164, ...contacts.map((c) => c.phone_e164)]) if (phone !== null) phones.add(phone);
  return {
    emails: [...emails],
    phones: [...phones],
    taxIds: taxIds.map((t) => ({ type: t.type, value: t.value })),
    nameAddress: nameAddressKey(customer.name, customer.address),
  };
}

/** Finding probable duplicates (docs/merging.md): every signal one index lookup, candidates bounded per signal. */
export function duplicateService(deps: { store: Store }) {
  return {
    /** The customer's probable duplicates, best first (score, then id), with list conventions. */
    async duplicatesOf(scope: Scope, id: string, request: DuplicateRequest): Promise<Page<ApiDuplicate>> {
      return deps.store.read(async (repos) => {
        const customer = await repos.customers.findById(scope, id);
        refuseMerged(customer);
        if (!customer || customer.deleted) throw resourceMissing('customer', id, 'id');
        const candidates = await repos.duplicates.candidates(scope, await keysOf(repos, scope, customer), id);
        const reasons = new Map<string, DuplicateReason[]>();
        for (const c of candidates) reasons.set(c.customer_id, [...(reasons.get(c.customer_id) ?? []), c.reason]);
        const records = await repos.customers.findByIds(scope, [...reasons.keys()]);
        const ranked = [...reasons]
          .flatMap(([other, found]) => {
            const record = records.get(other);
            if (!record || record.deleted) return [];
            return [toApiDuplicate(record, duplicateScore(found), sortedReasons(found))];
          })
          .filter((d) => d.score >= request.minScore)
          .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        // The candidates are bounded (PER_SIGNAL per signal), so the page is cut from the whole
        // ranked list. A cursor is a position in (score desc, id) order: a customer that is no
        // duplicate scores 0 and sits after every one listed.
        const positionOf = async (cursor: string, param: string) => {
          const at = ranked.findIndex((d) => d.id === cursor);
          if (at >= 0) return at;
          if (!(await repos.customers.findById(scope, cursor))) cursorMissing('customer', cursor, param);
          return ranked.length;
        };
        if (request.startingAfter !== undefined) {
          const from = Math.min(ranked.length, (await positionOf(request.startingAfter, 'starting_after')) + 1);
          const to = Math.min(ranked.length, from + request.limit);
          return { data: ranked.slice(from, to), hasMore: to < ranked.length };
        }
        if (request.endingBefore !== undefined) {
          const at = await positionOf(request.endingBefore, 'ending_before');
          const from = Math.max(0, at - request.limit);
          return { data: ranked.slice(from, at), hasMore: from > 0 };
        }
        return { data: ranked.slice(0, request.limit), hasMore: ranked.length > request.limit };
      });
    },
  };
}

export type DuplicateService = ReturnType<typeof duplicateService>;
