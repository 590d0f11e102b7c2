import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ConsoleSession } from '../../domain/console/console-sessions.js';
import type { CustomerInput } from '../../domain/customers/customer-input.js';
import { ApiError } from '../../domain/errors.js';
import type { ApiObject } from '../../domain/expansion/expansion.js';
import { runWithRequestContext } from '../../lib/request-context.js';
import { checkCharacters } from '../wire/normalize.js';
import type { ConsoleDeps } from './index.js';
import { consolePath, withQuery } from './html.js';
import type { Mode } from './layout.js';
import { BOOK_SAVED, type BookEdit } from './pages/address-book.js';
import { profilePage, type EditState, type MetadataRowInput } from './pages/profile.js';
import { registerBookPages } from './book-pages.js';
import { registerMergePages } from './merge-pages.js';
import { searchPage, type CustomerRow } from './pages/search.js';
import { loadProfile } from './profile-loader.js';
import { chromeFor, csrfValid, formField, isMode, sessionCookie, toSignIn } from './session.js';

interface PageDeps extends ConsoleDeps {
  sendPage(reply: FastifyReply, status: number, body: string): FastifyReply;
  errorPage(status: number, title: string, text: string): string;
}

const RESULTS_PER_PAGE = 20;

/**
 * The query language starts with a field and its operator (`email~…`, `-name:…`,
 * `metadata["k"]…`); anything else is plain text to look for.
 */
export function isQueryLanguage(text: string): boolean {
  return /^-?(?:(?:email|name|phone|external_id|created)(?::|~|[<>]=?)|metadata\[)/.test(text.trim());
}

function row(c: ApiObject): CustomerRow {
  const s = (k: string) => (typeof c[k] === 'string' ? (c[k] as string) : null);
  return { id: String(c.id), name: s('name'), email: s('email'), phone: s('phone'), external_id: s('external_id'), created: Number(c.created) };
}

type ModeParams = { mode: string };

export function registerCustomerPages(scope: FastifyInstance, deps: PageDeps): void {
  const { services, sendPage, errorPage } = deps;

  /** The session for the URL's mode, or a redirect to sign-in (undefined: answered already). */
  async function sessionFor(request: FastifyRequest<{ Params: ModeParams }>, reply: FastifyReply): Promise<ConsoleSession | undefined> {
    const { mode } = request.params;
    if (!isMode(mode)) {
      sendPage(reply, 404, errorPage(404, 'Page not found', 'There is no console page at this address.'));
      return undefined;
    }
    const outcome = await services.consoleSessions.resume(sessionCookie(request), mode === 'live');
    if (outcome.status === 'active') return outcome.session;
    if (request.method === 'GET') toSignIn(reply, outcome.status === 'expired');
    else sendPage(reply, 401, errorPage(401, 'Signed out', 'Your session has ended, so nothing was saved. Sign in again.'));
    return undefined;
  }

  /** The checks of every change: a session, its CSRF token, a key that may write. */
  async function writerFor(request: FastifyRequest<{ Params: ModeParams }>, reply: FastifyReply): Promise<ConsoleSession | undefined> {
    const session = await sessionFor(request, reply);
    if (!session) return undefined;
    if (!csrfValid(session, request.body)) {
      sendPage(reply, 403, errorPage(403, 'Change refused', 'The form could not be verified (its CSRF token is missing or wrong), so nothing was saved. Reload the page and try again.'));
      return undefined;
    }
    if (session.auth.restricted) {
      sendPage(reply, 403, errorPage(403, 'Read-only', 'You signed in with a restricted key, which can only read. Nothing was saved.'));
      return undefined;
    }
    return session;
  }

  const chrome = (session: ConsoleSession, path: (mode: Mode) => string) => chromeFor(services.consoleSessions, session, path);

  scope.get<{ Params: ModeParams; Querystring: { q?: string; page?: string; after?: string } }>('/:mode/customers', async (request, reply) => {
    const session = await sessionFor(request, reply);
    if (!session) return reply;
    const q = typeof request.query.q === 'string' ? request.query.q.trim() : '';
    const cursor = typeof request.query.page === 'string' ? request.query.page : undefined;
    const after = typeof request.query.after === 'string' ? request.query.after : undefined;
    const base = `/console/${session.auth.livemode ? 'live' : 'test'}/customers`;
    const view = { chrome: await chrome(session, (m) => withQuery(`/console/${m}/customers`, { q })), q };
    if (q === '') {
      const found = await services.customers.list(session.auth, { limit: RESULTS_PER_PAGE, filters: {}, ...(after && { startingAfter: after }) });
      const last = found.data.at(-1);
      const next = found.hasMore && last ? withQuery(base, { after: String(last.id) }) : null;
      return sendPage(reply, 200, searchPage({ ...view, kind: 'newest', rows: found.data.map(row), next, paged: after !== undefined }));
    }
    const kind = isQueryLanguage(q) ? 'query' : 'text';
    try {
      checkCharacters(q, 'q');
      const request_ = { limit: RESULTS_PER_PAGE, ...(cursor && { page: cursor }) };
      const found =
        kind === 'query'
          ? await services.search.searchCustomers(session.auth, { query: q, ...request_ })
          : await services.search.searchCustomersText(session.auth, { text: q, ...request_ });
      const next = found.nextPage ? withQuery(base, { q, page: found.nextPage }) : null;
      return sendPage(reply, 200, searchPage({ ...view, kind, rows: found.data.map(row), next, paged: cursor !== undefined }));
    } catch (error) {
      if (!(error instanceof ApiError) || error.status >= 500) throw error;
      return sendPage(reply, 400, searchPage({ ...view, kind, rows: [], next: null, paged: false, error: error.message }));
    }
  });

  type ProfileParams = ModeParams & { id: string };

  async function renderProfile(
    reply: FastifyReply,
    session: ConsoleSession,
    id: string,
    options: { status?: number; eventsAfter?: string; edit?: EditState; saved?: 'notes' | 'metadata'; book?: BookEdit; bookSaved?: string; merged?: string } = {},
  ) {
    const data = await loadProfile(services, session.auth, id, options.eventsAfter);
    // The notice names only a customer this one did absorb, whatever the URL says.
    const absorbed = Array.isArray(data.customer.merged_from) ? (data.customer.merged_from as unknown[]) : [];
    const merged = options.merged !== undefined && absorbed.includes(options.merged) ? options.merged : undefined;
    const view = {
      ...data,
      chrome: await chrome(session, (m) => `/console/${m}/customers`),
      ...(options.edit && { edit: options.edit }),
      ...(options.saved && { saved: options.saved }),
      ...(options.book && { book: options.book }),
      ...(options.bookSaved !== undefined && { bookSaved: options.bookSaved }),
      ...(merged !== undefined && { merged }),
    };
    return sendPage(reply, options.status ?? 200, profilePage(view));
  }

  scope.get<{ Params: ProfileParams; Querystring: { events_after?: string; saved?: string; merged?: string } }>('/:mode/customers/:id', async (request, reply) => {
    const session = await sessionFor(request, reply);
    if (!session) return reply;
    const { events_after: eventsAfter, saved, merged } = request.query;
    return renderProfile(reply, session, request.params.id, {
      ...(typeof eventsAfter === 'string' && { eventsAfter }),
      ...((saved === 'notes' || saved === 'metadata') && { saved }),
      ...(typeof saved === 'string' && Object.hasOwn(BOOK_SAVED, saved) && { bookSaved: saved }),
      ...(typeof merged === 'string' && { merged }),
    });
  });

  registerBookPages(scope, { services, unitOfWork: deps.unitOfWork, writerFor, renderProfile });
  registerMergePages(scope, { services, unitOfWork: deps.unitOfWork, sendPage, sessionFor, writerFor, chrome });

  /** SPEC I-2 from the console: the customer an integration id maps to. */
  scope.get<{ Params: ModeParams & { provider: string; providerId: string } }>('/:mode/integrations/:provider/:providerId', async (request, reply) => {
    const session = await sessionFor(request, reply);
    if (!session) return reply;
    const found = await services.customers.retrieveByProviderId(session.auth, request.params.provider, request.params.providerId);
    return reply.redirect(consolePath(request.params.mode, 'customers', found.customer.id), 303);
  });

  /**
   * Saves through the customer service as the API's update does, with If-Match from the page's
   * version and the signed-in person as the actor. 412 and validation errors re-render the
   * profile with what was typed.
   */
  async function save(
    request: FastifyRequest<{ Params: ProfileParams }>,
    reply: FastifyReply,
    session: ConsoleSession,
    input: CustomerInput,
    edit: Omit<EditState, 'conflict'>,
  ) {
    const { id } = request.params;
    const version = formField(request.body, 'version');
    const context = { requestId: request.id, idempotencyKey: null, actor: session.actor, keyId: session.auth.keyId };
    try {
      await runWithRequestContext(context, () => deps.unitOfWork(null, () => services.customers.update(session.auth, id, input, [version])));
    } catch (error) {
      if (!(error instanceof ApiError) || error.status >= 500 || error.code === 'resource_missing') throw error;
      const conflict = error.code === 'precondition_failed';
      const failed: EditState = { ...edit, conflict, ...(!conflict && { error: { message: error.message, field: error.param ?? edit.form } }) };
      return renderProfile(reply, session, id, { status: error.status, edit: failed });
    }
    return reply.redirect(`${consolePath(request.params.mode, 'customers', id)}?saved=${edit.form}#sec-${edit.form}`, 303);
  }

  scope.post<{ Params: ProfileParams }>('/:mode/customers/:id/notes', async (request, reply) => {
    const session = await writerFor(request, reply);
    if (!session) return reply;
    const notes = formField(request.body, 'notes').replace(/\r\n/g, '\n');
    checkCharacters(notes, 'notes');
    return save(request, reply, session, { notes: notes.trim() === '' ? null : notes }, { form: 'notes', notes });
  });

  scope.post<{ Params: ProfileParams }>('/:mode/customers/:id/metadata', async (request, reply) => {
    const session = await writerFor(request, reply);
    if (!session) return reply;
    const body = (request.body ?? {}) as Record<string, unknown>;
    const rawRows = body.meta !== null && typeof body.meta === 'object' ? Object.values(body.meta as Record<string, unknown>) : [];
    const rows: MetadataRowInput[] = rawRows.slice(0, 100).map((r) => ({
      key: formField(r, 'key'),
      value: formField(r, 'value'),
      remove: formField(r, 'remove') === '1',
    }));
    const newKey = formField(body, 'new_key').trim();
    const newValue = formField(body, 'new_value');
    const changes: Record<string, string | null> = {};
    for (const r of rows) {
      checkCharacters(r.key, 'metadata', 'names');
      checkCharacters(r.value, `metadata[${r.key}]`);
      if (r.key !== '') changes[r.key] = r.remove || r.value === '' ? null : r.value;
    }
    if (newKey !== '') {
      checkCharacters(newKey, 'metadata', 'names');
      checkCharacters(newValue, `metadata[${newKey}]`);
      changes[newKey] = newValue === '' ? null : newValue;
    }
    return save(request, reply, session, { metadata: changes }, { form: 'metadata', metadata: { rows, newKey, newValue } });
  });
}
