import type { FastifyInstance } from 'fastify';
import { form } from '../../helpers/harness.js';
import { CARD, IDEMPOTENT_CREATE, isInstance, valueOf, type FixtureSet, type Instance } from './fixtures.js';
import { WRITE_METHODS, type Route } from './route-table.js';

/**
 * What the suite sends to every route. The suite's first test fails, naming the route, when
 * these tables cannot fill one. Adding a route:
 * - a path parameter naming a new kind of object: create one in createFixtureSet() (and name it
 *   in INSTANCES, fixtures.ts), then map the parameter in PATH_PARAMS;
 * - a POST (PUT, PATCH): a valid request in requestTable(), with `{instance}` wherever it names
 *   an object (path, query, body or header), so a foreign one is tried there too;
 * - a list of a new kind of object: its item schema in LIST_CURSOR_SLOT.
 */

/** Path parameters by `<segment before>/:<name>`: the fixture they name, or a value shared by every scope. */
export const PATH_PARAMS: Record<string, { slot: Instance } | { constant: string }> = {
  'customers/:id': { slot: 'customer' },
  'payment_methods/:id': { slot: 'payment_method' },
  'webhook_endpoints/:id': { slot: 'webhook_endpoint' },
  'events/:id': { slot: 'event' },
  'configurations/:id': { slot: 'portal_configuration' },
  'tax_ids/:tax_id': { slot: 'tax_id' },
  'tax_ids/:id': { slot: 'tax_id' },
  'charges/:id': { slot: 'charge' },
  'refunds/:id': { slot: 'refund' },
  'invoices/:id': { slot: 'invoice' },
  'payment_methods/:payment_method': { slot: 'payment_method' },
  'integrations/:integration': { slot: 'integration' },
  'contacts/:contact': { slot: 'contact' },
  'addresses/:address': { slot: 'address' },
  'external/:external_id': { slot: 'external_id' },
  'integrations/:provider': { constant: 'stripe' },
  ':provider/:provider_id': { slot: 'provider_id' },
};

/** The object a list's cursors name, by the component schema of its items (from the OpenAPI document). */
export const LIST_CURSOR_SLOT: Record<string, Instance> = {
  Customer: 'child',
  // A position in (score, id) order: the child, no duplicate of its parent, sits after every one.
  CustomerDuplicate: 'child',
  PaymentMethod: 'payment_method',
  TaxId: 'tax_id',
  Integration: 'integration',
  Contact: 'contact',
  CustomerAddress: 'address',
  Event: 'event',
  WebhookEndpoint: 'webhook_endpoint',
  WebhookAttempt: 'webhook_attempt',
  Charge: 'charge',
  Refund: 'refund',
  Invoice: 'invoice',
  LineItem: 'invoice_line',
  BillingPortalConfiguration: 'portal_configuration',
};

/** A JSON-like value in which `{instance}` stands for that fixture of the scope the request is sent in. */
export type Template = string | number | boolean | null | Template[] | { [key: string]: Template };

export interface RequestTemplate {
  /** Path parameters naming another fixture than PATH_PARAMS says, e.g. `{ id: 'child' }`. */
  params?: Record<string, Instance>;
  query?: Record<string, Template>;
  body?: Record<string, Template>;
  headers?: Record<string, string>;
  /**
   * What the request gets when what it names does not exist: a 404 (for a path) unless said
   * here. `creates`: a fresh object in the caller's scope (find-or-create, a new Idempotency-Key;
   * these run last, as they add one); `refused`: another 4xx (e.g. 412 when If-Match asks to
   * update what does not exist).
   */
  whenMissing?: 'creates' | 'refused';
}

const CUSTOMER_EXPAND = ['tax_ids', 'integrations', 'contacts', 'addresses', 'parent', 'children_count', 'invoice_settings.default_payment_method'];
const LIST_EXPAND = CUSTOMER_EXPAND.map((e) => `data.${e}`);

/**
 * Valid requests per `METHOD pattern`: sent in the owner's scope each succeeds (the control
 * checks it), so a refusal elsewhere is the scope's doing, not validation's. Every POST, PUT and
 * PATCH needs an entry; GET and DELETE default to one plain request. Each `{instance}` in a request is also
 * tried with another scope's value and with a missing one.
 */
export function requestTable(hookUrl: string): Record<string, RequestTemplate[]> {
  return {
    'POST /v1/customers': [
      { body: { name: 'Made by the security suite' } },
      { body: { payment_method: '{loose_payment_method}' } },
      { body: { parent: '{customer}' } },
      { body: { parent_external_id: '{external_id}' } },
      // Another scope's Idempotency-Key is a fresh key here: a new customer, never a replay.
      { headers: { 'idempotency-key': '{idempotency_key}' }, body: IDEMPOTENT_CREATE, whenMissing: 'creates' },
    ],
    'GET /v1/customers': [
      { query: { expand: LIST_EXPAND } },
      { query: { email: '{email}' } },
      { query: { external_id: '{external_id}' } },
      { query: { parent: '{customer}' } },
      { query: { metadata: { tag: '{metadata_value}' } } },
      { query: { contact_email: '{contact_email}' } },
    ],
    'GET /v1/customers/search': [
      { query: { query: 'email:"{email}"', expand: LIST_EXPAND } },
      { query: { query: 'external_id:"{external_id}"' } },
      { query: { query: 'metadata["tag"]:"{metadata_value}"' } },
      { query: { query: 'contact_email:"{contact_email}"', expand: ['data.contacts'] } },
      { query: { query: 'address_postal_code:"{postal_code}"', expand: ['data.addresses'] } },
    ],
    // With If-None-Match the owner gets a 304; anyone else, the same 404 as for a missing id.
    'GET /v1/customers/:id': [{}, { query: { expand: CUSTOMER_EXPAND } }, { headers: { 'if-none-match': '*' } }],
    'POST /v1/customers/:id': [
      { body: { description: 'Changed by the security suite', metadata: { suite: 'changed' } } },
      { headers: { 'if-match': '*' }, body: { description: 'Changed again' } },
      { body: { invoice_settings: { default_payment_method: '{payment_method}' } } },
      // The child's parent set again to the customer it already hangs off.
      { params: { id: 'child' }, body: { parent: '{customer}' } },
      { params: { id: 'child' }, body: { parent_external_id: '{external_id}' } },
    ],
    // The customer has a child, and a customer with children cannot be deleted: delete the child.
    'DELETE /v1/customers/:id': [{ params: { id: 'child' } }],
    // The child merged into its parent: the parent survives with everything the child had.
    'POST /v1/customers/:id/merge': [{ body: { source: '{child}' } }],
    'GET /v1/customers/:id/children': [{ query: { expand: LIST_EXPAND } }],
    'GET /v1/customers/external/:external_id': [{}, { query: { expand: CUSTOMER_EXPAND } }],
    'POST /v1/customers/external/:external_id': [
      { body: { name: 'Upserted by the security suite' }, whenMissing: 'creates' },
      // With If-Match it only updates: a 412 for an external id that names nothing.
      { headers: { 'if-match': '*' }, body: { name: 'Updated by the security suite' }, whenMissing: 'refused' },
    ],
    'POST /v1/customers/:id/tax_ids': [{ body: { type: 'eu_vat', value: 'DE136695976' } }],
    'POST /v1/tax_ids': [{ body: { type: 'us_ein', value: '12-3456789', owner: { type: 'customer', customer: '{customer}' } } }],
    'GET /v1/tax_ids': [{}, { query: { owner: { type: 'customer', customer: '{customer}' }, expand: ['data.customer'] } }],
    'GET /v1/tax_ids/:id': [{}, { query: { expand: ['customer', 'owner.customer'] } }],
    'POST /v1/customers/:id/integrations': [{ body: { provider: 'hubspot', provider_id: 'hs_security_suite' } }],
    'POST /v1/customers/:id/contacts': [{ body: { name: 'Made by the security suite', roles: ['technical'] } }],
    'GET /v1/customers/:id/contacts': [{}, { query: { role: 'billing', expand: ['data.customer'] } }],
    'GET /v1/customers/:id/contacts/:contact': [{}, { query: { expand: ['customer'] } }],
    'POST /v1/customers/:id/contacts/:contact': [
      { body: { notes: 'Changed by the security suite', metadata: { suite: 'changed' } } },
      { headers: { 'if-match': '*' }, body: { roles: ['technical'] } },
    ],
    'PATCH /v1/customers/:id/contacts/:contact': [{ body: { notes: 'Patched by the security suite' } }],
    'POST /v1/customers/:id/addresses': [
      { body: { label: 'Made by the security suite', address: { line1: 'Suite 1', country: 'DE' } } },
      { body: { name: 'Dock', address: { line1: 'Suite 2' }, default_for: ['billing', 'shipping'] } },
    ],
    'GET /v1/customers/:id/addresses': [{}, { query: { expand: ['data.customer'] } }],
    'GET /v1/customers/:id/addresses/:address': [{}, { query: { expand: ['customer'] } }],
    'POST /v1/customers/:id/addresses/:address': [
      { body: { label: 'Changed by the security suite', metadata: { suite: 'changed' } } },
      { headers: { 'if-match': '*' }, body: { name: 'Dock', default_for: ['shipping'] } },
    ],
    'PATCH /v1/customers/:id/addresses/:address': [{ body: { label: 'Patched by the security suite' } }],
    'GET /v1/integrations/:provider/:provider_id': [{}, { query: { expand: CUSTOMER_EXPAND } }],
    'POST /v1/payment_methods': [{ body: CARD }],
    'GET /v1/payment_methods': [{}, { query: { customer: '{customer}' } }],
    'POST /v1/payment_methods/:id': [
      { body: { metadata: { suite: 'changed' }, billing_details: { name: 'Changed' } } },
      { headers: { 'if-match': '*' }, body: { metadata: { suite: 'again' } } },
    ],
    'POST /v1/payment_methods/:id/attach': [{ body: { customer: '{customer}' } }, { headers: { 'if-match': '*' }, body: { customer: '{customer}' } }],
    'POST /v1/payment_methods/:id/detach': [{ body: {} }],
    'POST /v1/billing_portal/sessions': [
      { body: { customer: '{customer}', return_url: 'https://shop.example/account' } },
      { body: { customer: '{customer}', configuration: '{portal_configuration}', locale: 'de' } },
    ],
    'POST /v1/billing_portal/configurations': [{ body: { business_profile: { headline: 'Made by the security suite' } } }],
    'POST /v1/billing_portal/configurations/:id': [{ body: { business_profile: { headline: 'Changed by the security suite' } } }],
    'PATCH /v1/billing_portal/configurations/:id': [{ body: { business_profile: { headline: 'Patched by the security suite' } } }],
    'POST /v1/webhook_endpoints': [{ body: { url: hookUrl, enabled_events: ['customer.created'] } }],
    'POST /v1/webhook_endpoints/:id': [{ body: { description: 'Changed by the security suite' } }],
    // Payment history (each write route gets a fresh fixture set in the controls).
    'POST /v1/charges': [{ body: { customer: '{customer}', amount: 1200, currency: 'usd', payment_method: '{payment_method}' } }],
    'GET /v1/charges': [{}, { query: { customer: '{customer}', include_descendants: true } }],
    'POST /v1/charges/:id': [{ body: { metadata: { suite: 'changed' } } }],
    'PATCH /v1/charges/:id': [{ body: { description: 'Patched by the security suite' } }],
    'POST /v1/refunds': [{ body: { charge: '{charge}', amount: 100 } }],
    'GET /v1/refunds': [{}, { query: { charge: '{charge}' } }],
    'POST /v1/refunds/:id': [{ body: { metadata: { suite: 'changed' } } }],
    'PATCH /v1/refunds/:id': [{ body: { metadata: { suite: 'patched' } } }],
    'POST /v1/invoices': [{ body: { customer: '{customer}', currency: 'usd', lines: [{ description: 'Seat', quantity: 1, unit_amount: 1000 }] } }],
    'GET /v1/invoices': [{}, { query: { customer: '{customer}' } }],
    'POST /v1/invoices/:id': [{ body: { description: 'Changed by the security suite' } }],
    'PATCH /v1/invoices/:id': [{ body: { description: 'Patched by the security suite' } }],
    'POST /v1/invoices/:id/finalize': [{ body: {} }],
    'POST /v1/invoices/:id/pay': [{ params: { id: 'open_invoice' }, body: {} }],
    'POST /v1/invoices/:id/void': [{ params: { id: 'open_invoice' }, body: {} }],
    'POST /v1/invoices/:id/mark_uncollectible': [{ params: { id: 'open_invoice' }, body: {} }],
    // PATCH is the same handler as POST (W-10).
    'PATCH /v1/customers/:id': [{ body: { description: 'Patched by the security suite' } }, { headers: { 'if-match': '*' }, body: { notes: 'Patched' } }],
    'PATCH /v1/payment_methods/:id': [{ body: { metadata: { suite: 'patched' } } }],
    'PATCH /v1/webhook_endpoints/:id': [{ body: { description: 'Patched by the security suite' } }],
    'GET /v1/webhook_endpoints/:id/attempts': [{}, { query: { event: '{event}' } }],
  };
}

/** One request the suite sends, still a template. */
export interface PlannedRequest {
  route: Route;
  /** e.g. `GET /v1/customers?starting_after` or `POST /v1/customers #2`. */
  label: string;
  path: string;
  query: Record<string, Template> | undefined;
  body: Record<string, Template> | undefined;
  headers: Record<string, string> | undefined;
  whenMissing: RequestTemplate['whenMissing'];
  /** Every fixture the request names, and which of them are in its path. */
  slots: Instance[];
  pathSlots: ReadonlySet<Instance>;
}

export interface Plan {
  requests: PlannedRequest[];
  /** Routes the suite cannot fill, and table entries that match no route. */
  problems: string[];
}

const REF = /\{([a-z_]+)\}/g;

function refsOf(template: Template | undefined, into: Set<string>): Set<string> {
  if (typeof template === 'string') for (const m of template.matchAll(REF)) into.add(m[1] as string);
  else if (Array.isArray(template)) template.forEach((t) => refsOf(t, into));
  else if (template && typeof template === 'object') Object.values(template).forEach((t) => refsOf(t, into));
  return into;
}

/** Every request the suite sends, planned from the route table; HEAD routes reuse their GET's first request. */
export function planRequests(routes: Route[], table: Record<string, RequestTemplate[]>): Plan {
  const problems: string[] = [];
  const requests: PlannedRequest[] = [];
  const keys = new Set(routes.map((r) => r.key));
  for (const key of Object.keys(table)) if (!keys.has(key)) problems.push(`requestTable() has '${key}', which is not a route of the app`);

  for (const route of routes) {
    const segments = route.pattern.split('/');
    // Each path parameter: the fixture it names (by default), or a value every scope shares.
    const params: Array<string | { slot: Instance; name: string }> = [];
    let fillable = true;
    for (let i = 1; i < segments.length; i++) {
      const segment = segments[i] as string;
      if (!segment.startsWith(':')) {
        params.push(segment);
        continue;
      }
      const param = PATH_PARAMS[`${segments[i - 1]}/${segment}`];
      if (!param) {
        problems.push(`${route.key}: no fixture for path parameter ${segment} — add '${segments[i - 1]}/${segment}' to PATH_PARAMS in test/security/support/requests.ts`);
        fillable = false;
        break;
      }
      params.push('constant' in param ? param.constant : { slot: param.slot, name: segment.slice(1) });
    }
    if (!fillable) continue;
    const pathOf = (v: RequestTemplate) => {
      const slots = new Set<Instance>();
      const path = params
        .map((p) => {
          if (typeof p === 'string') return `/${p}`;
          const slot = v.params?.[p.name] ?? p.slot;
          slots.add(slot);
          return `/{${slot}}`;
        })
        .join('');
      return { path, pathSlots: slots };
    };

    const getKey = `GET ${route.pattern}`;
    let variants = table[route.method === 'HEAD' ? getKey : route.key];
    if (!variants) {
      if (route.method !== 'GET' && route.method !== 'HEAD' && route.method !== 'DELETE') {
        problems.push(`${route.key}: no valid request — add one to requestTable() in test/security/support/requests.ts`);
        continue;
      }
      variants = [{}];
    }
    if (route.method === 'HEAD') variants = variants.slice(0, 1);
    const required = route.doc?.requiredQuery ?? [];
    variants.forEach((v, i) => {
      const missing = required.filter((q) => v.query?.[q] === undefined);
      if (missing.length) problems.push(`${route.key}: request #${i + 1} lacks the required query parameter(s) ${missing.join(', ')}`);
    });

    const add = (label: string, v: RequestTemplate) => {
      const { path, pathSlots } = pathOf(v);
      const refs = refsOf(v.headers, refsOf(v.body, refsOf(v.query, refsOf(path, new Set()))));
      const unknown = [...refs].filter((r) => !isInstance(r));
      if (unknown.length) {
        problems.push(`${label}: unknown fixture(s) ${unknown.map((u) => `{${u}}`).join(', ')}`);
        return;
      }
      requests.push({ route, label, path, query: v.query, body: v.body, headers: v.headers, whenMissing: v.whenMissing, slots: [...refs] as Instance[], pathSlots });
    };
    variants.forEach((v, i) => add(variants.length > 1 ? `${route.key} #${i + 1}` : route.key, v));

    // Lists: each cursor, naming an object of the listed kind.
    if (route.method === 'GET' && route.doc?.cursors.length) {
      const schema = route.doc.listItemSchema;
      const slot = schema === undefined ? undefined : LIST_CURSOR_SLOT[schema];
      if (!slot) {
        problems.push(`${route.key}: a list of '${schema}' — add it to LIST_CURSOR_SLOT in test/security/support/requests.ts`);
        continue;
      }
      for (const cursor of route.doc.cursors) add(`${route.key}?${cursor}`, { ...variants[0], query: { ...variants[0]?.query, [cursor]: `{${slot}}` } });
    }
    if (WRITE_METHODS.has(route.method) && route.method !== 'DELETE' && variants.every((v) => v.body === undefined)) {
      problems.push(`${route.key}: its request has no body`);
    }
  }
  return { requests, problems };
}

/** A request with every `{instance}` filled in. */
export interface ConcreteRequest {
  method: string;
  url: string;
  body: string | undefined;
  headers?: Record<string, string> | undefined;
  /** Everything sent, for telling echoed values from leaked ones. */
  text: string;
}

function fill(template: Template, value: (name: Instance) => string): Template {
  if (typeof template === 'string') return template.replace(REF, (_, name: string) => value(name as Instance));
  if (Array.isArray(template)) return template.map((t) => fill(t, value));
  if (template && typeof template === 'object') return Object.fromEntries(Object.entries(template).map(([k, t]) => [k, fill(t, value)]));
  return template;
}

/** Fills `request` from `set`, except the slots in `overrides`. */
export function concrete(request: PlannedRequest, set: FixtureSet, overrides: Partial<Record<Instance, string>> = {}): ConcreteRequest {
  const value = (name: Instance) => overrides[name] ?? valueOf(set, name);
  const path = request.path.replace(REF, (_, name: string) => encodeURIComponent(value(name as Instance)));
  const query = request.query ? form(fill(request.query, value) as Record<string, unknown>) : '';
  const url = query ? `${path}?${query}` : path;
  const method = request.route.method;
  const body = method === 'GET' || method === 'HEAD' || method === 'DELETE' ? undefined : form(fill(request.body ?? {}, value) as Record<string, unknown>);
  const headers = request.headers && (fill(request.headers, value) as Record<string, string>);
  return { method, url, body, headers, text: `${url}\n${JSON.stringify(headers ?? {})}\n${body ?? ''}` };
}

/** An answer as compared: status, the headers that are the same for the same answer, the body bytes. */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Headers that differ on every request, describe the connection rather than the answer, echo
 * the request's own header back (Idempotency-Key, like Stripe), or count the key's own rate
 * limit budget (RateLimit-*: the caller's, whatever the request names).
 */
const PER_REQUEST_HEADERS = new Set([
  'request-id',
  'date',
  'connection',
  'keep-alive',
  'idempotency-key',
  'ratelimit-limit',
  'ratelimit-remaining',
  'ratelimit-reset',
]);

export async function send(app: FastifyInstance, request: ConcreteRequest, authorization: string | undefined): Promise<Answer> {
  const headers: Record<string, string> = { ...request.headers };
  if (authorization !== undefined) headers.authorization = authorization;
  if (request.body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
  const raw = await app.inject({
    method: request.method as 'GET',
    url: request.url,
    headers,
    ...(request.body !== undefined && { payload: request.body }),
  });
  const kept: Record<string, string> = {};
  for (const name of Object.keys(raw.headers).sort()) {
    if (!PER_REQUEST_HEADERS.has(name)) kept[name] = String(raw.headers[name]);
  }
  return { status: raw.statusCode, headers: kept, body: raw.body };
}

/** The answer as one string, each of `asked` replaced by a placeholder. */
export function normalized(answer: Answer, asked: string[] = []): string {
  let text = JSON.stringify({ status: answer.status, headers: answer.headers, body: answer.body });
  for (const value of asked) text = text.split(value).join('<asked>');
  return text;
}

/**
 * Runs `fn` over `items`, at most `limit` at a time, results in order. Requests in flight
 * together let the store batch its commits; the answers compared never depend on order.
 */
export async function inParallel<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
