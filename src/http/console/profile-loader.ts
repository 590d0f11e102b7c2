import type { Services } from '../../compose.js';
import type { AuthContext } from '../../domain/accounts/account-service.js';
import { ApiError } from '../../domain/errors.js';
import type { Page } from '../../domain/paging.js';
import { customerEtag } from '../../domain/customers/customer-service.js';
import type { ProfileView } from './pages/profile.js';

const PAGE = 20;
/** The newest objects each generic section (charges, refunds, invoices) shows. */
export const SECTION_ROWS = 10;
/** Probable duplicates the profile lists, best first. */
export const DUPLICATE_ROWS = 10;
/** Contacts and address book entries shown (and editable) on the profile; the API allows 100 of each. */
export const BOOK_ROWS = 100;

function emptyOnMissing<T>(promise: Promise<Page<T>>): Promise<Page<T>> {
  // A deleted (or merged) customer has no children, contacts or duplicates to list; its page shows the timeline only.
  return promise.catch((error: unknown) => {
    if (error instanceof ApiError && error.code === 'resource_missing' && error.param !== 'starting_after') return { data: [], hasMore: false };
    if (error instanceof ApiError && error.code === 'customer_merged') return { data: [], hasMore: false };
    throw error;
  });
}

/**
 * Everything the profile shows, read through the same services as the API, at once (each
 * section is one indexed read, and none waits for another).
 */
export async function loadProfile(
  services: Services,
  auth: AuthContext,
  id: string,
  eventsAfter: string | undefined,
): Promise<Omit<ProfileView, 'chrome' | 'edit' | 'saved' | 'book' | 'bookSaved' | 'merged'>> {
  const [found, methods, children, events, keys, sections, contacts, addresses, duplicates] = await Promise.all([
    services.customers.find(auth, id, ['tax_ids', 'integrations', 'children_count', 'parent']),
    services.paymentMethods.list(auth, { customerId: id }, { limit: PAGE }),
    emptyOnMissing(services.customers.listChildren(auth, id, { limit: PAGE })),
    services.events.listForCustomer(auth, id, { limit: PAGE, ...(eventsAfter !== undefined && { startingAfter: eventsAfter }) }),
    services.accounts.listKeys(auth.accountId),
    services.profileSections.load(auth, id, SECTION_ROWS),
    emptyOnMissing(services.contacts.listWithEtags(auth, id, BOOK_ROWS)),
    emptyOnMissing(services.addresses.listWithEtags(auth, id, BOOK_ROWS)),
    // The API's own lookup (GET /v1/customers/:id/duplicates): one call, index-backed, its candidates loaded together.
    emptyOnMissing(services.duplicates.duplicatesOf(auth, id, { limit: DUPLICATE_ROWS, minScore: 0 })),
  ]);
  return {
    customer: found.body,
    etag: customerEtag(found.customer),
    paymentMethods: methods,
    children,
    timeline: { events: events.data, hasMore: events.hasMore, older: events.data.at(-1)?.id ?? null, paged: eventsAfter !== undefined },
    keyNames: new Map(keys.map((k) => [k.id, k.name])),
    sections,
    contacts,
    addresses,
    duplicates,
  };
}
