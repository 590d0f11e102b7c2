import { randomBytes } from 'node:crypto';
import { expect, vi } from 'vitest';
import { ERROR_CATALOGUE, type CatalogueEntry, type ErrorCode } from '../../../src/domain/errors.js';
import { Api, type ApiResponse, type TestAccount, type TestApp } from '../../helpers/harness.js';

/** Every field of a customer (SPEC C-1), Stripe's first, then Clientele's. */
export const CUSTOMER_FIELDS = [
  'id',
  'object',
  'address',
  'balance',
  'business_name',
  'created',
  'currency',
  'default_source',
  'delinquent',
  'description',
  'discount',
  'email',
  'individual_name',
  'invoice_prefix',
  'invoice_settings',
  'livemode',
  'metadata',
  'name',
  'next_invoice_sequence',
  'phone',
  'preferred_locales',
  'shipping',
  'tax_exempt',
  'test_clock',
  'external_id',
  'first_name',
  'last_name',
  'notes',
  'parent',
  'updated',
  'created_by',
  'updated_by',
] as const;

export const INVOICE_SETTINGS_FIELDS = ['custom_fields', 'default_payment_method', 'footer', 'rendering_options'];

/** Present only when asked for with expand[] (SPEC C-1). */
export const INCLUDABLE_FIELDS = ['tax_ids', 'stats', 'integrations', 'children_count', 'contacts', 'addresses'];

export const ERROR_FIELDS = ['code', 'doc_url', 'message', 'param', 'type'];

export const REQUEST_ID = /^req_[0-9A-Za-z]+$/;
export const CUSTOMER_ID = /^cus_[0-9A-Za-z]{14,}$/;
export const KEY_ID = /^key_[0-9A-Za-z]+$/;

const FORM = 'application/x-www-form-urlencoded';

/** A POST with a hand-written form body (for bodies the stripe-style encoder would not produce). */
export function postForm(api: Api, path: string, body: string, headers: Record<string, string> = {}): Promise<ApiResponse> {
  return api.postRaw(path, body, FORM, headers);
}

/** A customer object: exactly the C-1 key set, invoice_settings complete, no includable fields. */
export function expectCustomer(body: Record<string, unknown>): void {
  expect(Object.keys(body).sort()).toEqual([...CUSTOMER_FIELDS].sort());
  expect(body.object).toBe('customer');
  expect(body.id).toMatch(CUSTOMER_ID);
  expect(Object.keys(body.invoice_settings as object).sort()).toEqual([...INVOICE_SETTINGS_FIELDS].sort());
  for (const field of INCLUDABLE_FIELDS) expect(body).not.toHaveProperty(field);
}

export interface ErrorExpectation {
  type?: string;
  code?: ErrorCode;
  param?: string | null;
}

/**
 * Stripe's error envelope, exactly its five fields, with a Request-Id on the response. The code
 * is always one of the catalogue's, answered with the status and type the catalogue gives it,
 * and doc_url is its entry in the server's own reference.
 */
export function expectError(res: ApiResponse, status: number, expected: ErrorExpectation = {}): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
  expect(String(res.headers['request-id'])).toMatch(REQUEST_ID);
  expect(Object.keys(res.body as object)).toEqual(['error']);
  const error = res.body.error as Record<string, unknown>;
  expect(Object.keys(error).sort()).toEqual(ERROR_FIELDS);
  expect(typeof error.message).toBe('string');
  expect((error.message as string).length).toBeGreaterThan(0);
  expect(error.type).toBe(expected.type ?? 'invalid_request_error');
  if (expected.code !== undefined) expect(error.code).toBe(expected.code);
  if (expected.param !== undefined) expect(error.param).toBe(expected.param);
  const entry = (ERROR_CATALOGUE as Record<string, CatalogueEntry | undefined>)[String(error.code)];
  expect(entry, `code ${JSON.stringify(error.code)} is in the catalogue`).toBeDefined();
  expect(entry?.statuses, `${String(error.code)} is answered with ${res.status}`).toContain(res.status);
  expect(error.type).toBe(entry?.type);
  expect(error.doc_url).toMatch(new RegExp(`^https?://[^/]+(/.*)?/docs/errors#${String(error.code)}$`));
}

/** Every live customer id in list order (newest first), paging with limit 100. */
export async function allCustomerIds(api: Api, query: Record<string, unknown> = {}): Promise<string[]> {
  const ids: string[] = [];
  let startingAfter: string | undefined;
  for (;;) {
    const res = await api.get('/v1/customers', { ...query, limit: 100, ...(startingAfter && { starting_after: startingAfter }) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const page = (res.body.data as Array<{ id: string }>).map((c) => c.id);
    ids.push(...page);
    if (!res.body.has_more) return ids;
    startingAfter = page[page.length - 1];
  }
}

export async function countCustomers(api: Api): Promise<number> {
  return (await allCustomerIds(api)).length;
}

/** A well-formed customer id that no account holds. */
export function missingCustomerId(): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  return `cus_${Array.from(randomBytes(24), (b) => alphabet[b % 62]).join('')}`;
}

export function uniqueSuffix(): string {
  return randomBytes(6).toString('hex');
}

/**
 * A request exactly as given (method, URL already encoded), for what the Api client cannot
 * send: other methods, hand-made URLs.
 */
export async function rawRequest(
  t: TestApp,
  request: { method: 'GET' | 'POST' | 'DELETE' | 'PUT' | 'PATCH'; url: string; key?: string; payload?: string; contentType?: string },
): Promise<ApiResponse> {
  const headers: Record<string, string> = {};
  if (request.key) headers.authorization = `Bearer ${request.key}`;
  if (request.contentType) headers['content-type'] = request.contentType;
  const raw = await t.app.inject({
    method: request.method,
    url: request.url,
    headers,
    ...(request.payload !== undefined && { payload: request.payload }),
  });
  let body: unknown = raw.body;
  try {
    body = raw.body === '' ? undefined : JSON.parse(raw.body);
  } catch {
    // leave non-JSON bodies as text: expectError then fails on them
  }
  return { status: raw.statusCode, body, headers: raw.headers, raw };
}

/** A client that sends no Authorization header, or the one given. */
export function clientWithHeader(t: TestApp, authorization?: string): Api {
  const api = new Api(t.app, null);
  if (authorization === undefined) return api;
  return {
    post: (path, params = {}, headers = {}) => api.post(path, params, { authorization, ...headers }),
    postJson: (path, body, headers = {}) => api.postJson(path, body, { authorization, ...headers }),
    postRaw: (path, payload, contentType, headers = {}) => api.postRaw(path, payload, contentType, { authorization, ...headers }),
    get: (path, query = {}, headers = {}) => api.get(path, query, { authorization, ...headers }),
    del: (path, headers = {}) => api.del(path, { authorization, ...headers }),
  } as Api;
}

/** A fresh account and a client for its test key. */
export async function freshAccount(t: TestApp): Promise<{ account: TestAccount; api: Api }> {
  const account = await t.newAccount();
  return { account, api: t.api(account.test) };
}

/** Creates a customer and returns its body, failing loudly if the create did not succeed. */
export async function createCustomer(api: Api, params: Record<string, unknown> = {}): Promise<Record<string, unknown> & { id: string }> {
  const res = await api.post('/v1/customers', params);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/**
 * Pins the clock the app reads (Date only; timers keep running) so `created` and `updated`
 * are predictable. Call restoreClock() after.
 */
export function setClock(unixSeconds: number): void {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(unixSeconds * 1000));
}

export function restoreClock(): void {
  vi.useRealTimers();
}

/** An email address of exactly `length` characters (64-character local part, valid labels). */
export function emailOfLength(length: number): string {
  const local = 'a'.repeat(64);
  const tld = '.com';
  let remaining = length - local.length - 1 - tld.length;
  const labels: string[] = [];
  while (remaining > 0) {
    // Leave at least 2 characters for a final label when splitting (label + dot).
    const size = remaining > 63 ? Math.min(63, remaining - 2) : remaining;
    labels.push('b'.repeat(size));
    remaining -= size + (remaining > size ? 1 : 0);
  }
  const email = `${local}@${labels.join('.')}${tld}`;
  if (email.length !== length) throw new Error(`emailOfLength(${length}) built ${email.length} characters`);
  return email;
}
