import { postalCodeKey } from '../addresses/address-book.js';
import { e164, emailKey } from '../customers/customer-rules.js';
import type { CustomerSearchClause, CustomerSearchQuery, Store } from '../../store/port.js';
import { toApiCustomer } from '../customers/customer-mapper.js';
import type { ApiObject } from '../expansion/expansion.js';
import { planFor, present } from '../expansion/expansion-table.js';
import type { Scope } from '../scope.js';
import { parameterInvalidStringTooLong } from '../errors.js';
import {
  decodePageCursor,
  encodePageCursor,
  parseSearchQuery,
  searchQueryFingerprint,
  SEARCH_QUERY_LIMITS,
  type Clause,
  type SearchField,
  type SearchQuery,
} from './query-parser.js';

export interface CustomerSearchRequest {
  /** The query text (SPEC Q-1 grammar). */
  query: string;
  limit: number;
  /** The next_page of a previous result for the same query. */
  page?: string;
}

export interface CustomerSearchResult {
  data: ApiObject[];
  hasMore: boolean;
  /** Opaque cursor for the page after this one; null on the last page. */
  nextPage: string | null;
}

/** Each value as the store's key columns hold it: E.164 beside a phone, folded contact emails and postal codes. */
function prepare(clause: Clause): CustomerSearchClause {
  if (typeof clause.value !== 'string' || clause.op !== 'eq') return clause;
  switch (clause.field) {
    case 'phone':
    case 'contact_phone':
      return { ...clause, e164: e164(clause.value) };
    case 'contact_email':
      return { ...clause, folded: emailKey(clause.value) ?? '' };
    case 'address_postal_code':
      return { ...clause, folded: postalCodeKey(clause.value) ?? '' };
    default:
      return clause;
  }
}

/** The fields plain text is looked for in (SPEC U-1): each a substring, case-insensitive. */
const PLAIN_TEXT_FIELDS: readonly SearchField[] = ['email', 'name', 'phone', 'external_id', 'id'];

/**
 * Plain text as a query: any of the fields containing it, or, below the trigram indexes' three
 * characters, equal to it (case-insensitive).
 */
export function plainTextQuery(text: string): SearchQuery {
  const value = text.trim();
  if (value.length > SEARCH_QUERY_LIMITS.maxQueryLength) {
    throw parameterInvalidStringTooLong(`The search text must be at most ${SEARCH_QUERY_LIMITS.maxQueryLength} characters.`, 'text');
  }
  const op = Array.from(value).length >= SEARCH_QUERY_LIMITS.minSubstringLength ? 'contains' : 'eq';
  return { combinator: 'OR', clauses: PLAIN_TEXT_FIELDS.map((field) => ({ field, op, value, negated: false })) };
}

export interface SearchServiceDeps {
  store: Pick<Store, 'read'>;
}

/**
 * Customer search (SPEC ). Reads what has committed: the indexes are written in the
 * transaction of every customer write, so there is nothing to wait for.
 */
export function searchService(deps: SearchServiceDeps) {
  const { store } = deps;

  type Plan = ReturnType<typeof planFor>;
  async function run(scope: Scope, plan: Plan, parsed: SearchQuery, request: Omit<CustomerSearchRequest, 'query'>) {
    const fingerprint = searchQueryFingerprint(parsed);
    const after = request.page === undefined ? undefined : decodePageCursor(request.page, fingerprint);
    const query: CustomerSearchQuery = { combinator: parsed.combinator, clauses: parsed.clauses.map(prepare) };
    return store.read(async (repos): Promise<CustomerSearchResult> => {
      const hits = await repos.customers.search(scope, query, { limit: request.limit, ...(after && { after }) });
      const hasMore = hits.length > request.limit;
      const page = hits.slice(0, request.limit);
      const last = page.at(-1);
      return {
        data: await present({ repos, scope }, plan, page.map((h) => h.customer), toApiCustomer),
        hasMore,
        nextPage: hasMore && last ? encodePageCursor(last.position, fingerprint) : null,
      };
    });
  }

  return {
    async searchCustomers(scope: Scope, request: CustomerSearchRequest, expand?: readonly string[]): Promise<CustomerSearchResult> {
      // expand[] is validated first, as on every endpoint.
      const plan = planFor('customer', expand, true);
      return run(scope, plan, parseSearchQuery(request.query), request);
    },

    /**
     * The console's plain search box (SPEC U-1): `text` anywhere in the email, name, phone,
     * external id or customer id, newest first, through the same indexes as the query language.
     */
    async searchCustomersText(scope: Scope, request: { text: string; limit: number; page?: string }): Promise<CustomerSearchResult> {
      return run(scope, planFor('customer', undefined, true), plainTextQuery(request.text), request);
    },
  };
}

export type SearchService = ReturnType<typeof searchService>;
