import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../compose.js';
import type { AddressBookInput } from '../../domain/addresses/address-rules.js';
import type { ConsoleSession } from '../../domain/console/console-sessions.js';
import type { ContactInput } from '../../domain/contacts/contact-rules.js';
import { ApiError } from '../../domain/errors.js';
import { parseEtagList } from '../../domain/preconditions.js';
import type { Store } from '../../store/port.js';
import { runWithRequestContext } from '../../lib/request-context.js';
import { CreateAddressBody, UpdateAddressBody } from '../routes/addresses/schemas.js';
import { CreateContactBody, UpdateContactBody } from '../routes/contacts/schemas.js';
import { paramCheck } from '../wire/param-check.js';
import { consolePath } from './html.js';
import { BOOK_SECTION, type BookEdit, type BookKind } from './pages/address-book.js';
import { formField } from './session.js';

type Params = { mode: string; id: string; entry?: string };

export interface BookPageDeps {
  services: Services;
  unitOfWork: Store['unitOfWork'];
  writerFor(request: FastifyRequest<{ Params: { mode: string } }>, reply: FastifyReply): Promise<ConsoleSession | undefined>;
  renderProfile(reply: FastifyReply, session: ConsoleSession, id: string, options: { status: number; book: BookEdit }): Promise<FastifyReply>;
}

// The API routes' own schemas, so the console accepts exactly what the API accepts, with its messages.
const CHECKS = {
  contact: { create: paramCheck<ContactInput>(CreateContactBody), update: paramCheck<ContactInput>(UpdateContactBody) },
  address: { create: paramCheck<RawAddress>(CreateAddressBody), update: paramCheck<RawAddress>(UpdateAddressBody) },
};

type RawAddress = Omit<AddressBookInput, 'address'> & { address?: AddressBookInput['address'] };

const TEXT_FIELDS: Record<BookKind, readonly string[]> = {
  contact: ['name', 'email', 'phone', 'notes'],
  address: ['label', 'name', 'phone', 'line1', 'line2', 'postal_code', 'city', 'state', 'country'],
};
const ADDRESS_LINES = new Set(['line1', 'line2', 'postal_code', 'city', 'state', 'country']);
const SETS: Record<BookKind, string> = { contact: 'roles', address: 'default_for' };

/** The form as typed: text fields, and the ticked boxes of the entry's set (roles, default_for). */
function typedValues(kind: BookKind, body: unknown): Record<string, string | string[]> {
  const values: Record<string, string | string[]> = {};
  for (const name of TEXT_FIELDS[kind]) values[name] = formField(body, name).replace(/\r\n/g, '\n');
  const raw = body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[SETS[kind]] : undefined;
  values[SETS[kind]] = (Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : []).filter((v): v is string => typeof v === 'string');
  if (kind === 'contact') values.receives_invoices = formField(body, 'receives_invoices') === '1' ? '1' : '';
  return values;
}

/**
 * The API request the form stands for, in the wire's terms: an empty field unsets it on an edit
 * and is left out of an add; an edit sends the whole set of ticked boxes (none: the empty set).
 */
function wireParams(kind: BookKind, values: Record<string, string | string[]>, creating: boolean): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  const address: Record<string, string> = {};
  for (const name of TEXT_FIELDS[kind]) {
    const value = values[name] as string;
    if (creating && value.trim() === '') continue;
    const wire = value.trim() === '' ? '' : value;
    if (kind === 'address' && ADDRESS_LINES.has(name)) address[name] = wire;
    else params[name] = wire;
  }
  if (kind === 'address' && (Object.keys(address).length > 0 || creating)) params.address = address;
  const set = values[SETS[kind]] as string[];
  if (set.length > 0) params[SETS[kind]] = set;
  else if (!creating) params[SETS[kind]] = '';
  if (kind === 'contact') params.receives_invoices = values.receives_invoices === '1' ? 'true' : 'false';
  return params;
}

/** The form field an API error's param names: `address[postal_code]` is the Postal code field. */
function fieldOf(kind: BookKind, param: string | undefined): string {
  if (param === undefined) return 'form';
  const inAddress = /^address\[(\w+)\]$/.exec(param);
  const name = inAddress ? (inAddress[1] as string) : param.replace(/\[.*$/, '');
  return TEXT_FIELDS[kind].includes(name) || name === SETS[kind] ? name : 'form';
}

/**
 * SPEC K-1 in the console: add, edit and remove contacts and address book entries through the
 * same services as the API, with the entry's ETag as If-Match and the signed-in person as actor.
 */
export function registerBookPages(scope: FastifyInstance, deps: BookPageDeps): void {
  const { services } = deps;

  async function change(
    request: FastifyRequest<{ Params: Params }>,
    reply: FastifyReply,
    kind: BookKind,
    action: 'add' | 'save' | 'remove',
  ): Promise<FastifyReply> {
    const session = await deps.writerFor(request, reply);
    if (!session) return reply;
    const { id, entry } = request.params;
    const values = action === 'remove' ? {} : typedValues(kind, request.body);
    const ifMatch = parseEtagList(formField(request.body, 'version') || undefined);
    const context = { requestId: request.id, idempotencyKey: null, actor: session.actor, keyId: session.auth.keyId };
    const auth = session.auth;
    const write = async (): Promise<unknown> => {
      if (action === 'remove') {
        return kind === 'contact' ? services.contacts.remove(auth, id, entry as string, ifMatch) : services.addresses.remove(auth, id, entry as string, ifMatch);
      }
      const check = CHECKS[kind][action === 'add' ? 'create' : 'update'];
      const input = check(wireParams(kind, values, action === 'add'), { coerce: true });
      if (kind === 'contact') {
        return action === 'add' ? services.contacts.create(auth, id, input) : services.contacts.update(auth, id, entry as string, input, ifMatch);
      }
      const addressInput = input as AddressBookInput;
      return action === 'add' ? services.addresses.create(auth, id, addressInput) : services.addresses.update(auth, id, entry as string, addressInput, ifMatch);
    };
    try {
      await runWithRequestContext(context, () => deps.unitOfWork(null, write));
    } catch (error) {
      if (!(error instanceof ApiError) || error.status >= 500) throw error;
      // The customer itself is gone: its page says so. An entry that is gone shows the page as it is.
      if (error.code === 'resource_missing' && error.param === 'customer') throw error;
      const conflict = error.code === 'precondition_failed';
      const book: BookEdit = {
        kind,
        target: action === 'add' ? 'new' : (entry as string),
        values,
        conflict,
        ...(!conflict && { error: { message: error.message, field: fieldOf(kind, error.param ?? undefined) } }),
      };
      return deps.renderProfile(reply, session, id, { status: error.status, book });
    }
    const done = action === 'add' ? 'added' : action === 'save' ? 'saved' : 'removed';
    return reply.redirect(`${consolePath(request.params.mode, 'customers', id)}?saved=${kind}-${done}#sec-${BOOK_SECTION[kind]}`, 303);
  }

  for (const kind of ['contact', 'address'] as const) {
    const plural = kind === 'contact' ? 'contacts' : 'addresses';
    scope.post<{ Params: Params }>(`/:mode/customers/:id/${plural}`, (request, reply) => change(request, reply, kind, 'add'));
    scope.post<{ Params: Params }>(`/:mode/customers/:id/${plural}/:entry`, (request, reply) => change(request, reply, kind, 'save'));
    scope.post<{ Params: Params }>(`/:mode/customers/:id/${plural}/:entry/remove`, (request, reply) => change(request, reply, kind, 'remove'));
  }
}
