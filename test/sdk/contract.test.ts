/**
 * Clientele's customer responses against Stripe's own v1 contract (an extract of Stripe's
 * OpenAPI spec, patched to the API version the stripe SDK pins). The fixture is a copy of
 * shared/contracts/stripe-v1-customers.json so a fresh clone runs on its own.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, form, STORES, type TestApp } from '../helpers/harness.js';

interface JsonSchema {
  type?: string;
  nullable?: boolean;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  $ref?: string;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  required?: string[];
  pattern?: string;
}

interface Contract {
  schemas: Record<string, JsonSchema>;
  paths: Record<string, Record<string, { responses: Record<string, { content: { 'application/json': { schema: JsonSchema } } }> }>>;
}

const contract = JSON.parse(
  readFileSync(new URL('../fixtures/stripe-v1-customers.json', import.meta.url), 'utf8'),
) as Contract;

/** Customer properties Clientele does not implement (SPEC C-1); tax_ids is includable (expand only). */
const NOT_IMPLEMENTED = ['cash_balance', 'invoice_credit_balance', 'sources', 'subscriptions', 'tax', 'customer_account'];
const INCLUDABLE = ['tax_ids'];

/** Clientele's own customer fields (SPEC C-1), the only ones allowed beyond Stripe's. */
const CLIENTELE_FIELDS = ['external_id', 'first_name', 'last_name', 'notes', 'parent', 'updated', 'created_by', 'updated_by'];

/**
 * Stripe omits these when unset (optional, not nullable, in its spec); SPEC W-2 and C-1 say every
 * field is always present and null when unset. Set, they must have the contract's type.
 */
const NULL_WHEN_UNSET = new Set(['customer.business_name', 'customer.individual_name']);

/**
 * SPEC W-3: the error object always carries type, code, message, param and doc_url; Stripe omits
 * param when it does not apply, Clientele sends null. Code and doc_url are never null.
 */
const ERROR_KEYS = ['type', 'code', 'message', 'param', 'doc_url'];
const ERROR_NULLABLE = new Set(['api_errors.param']);

/**
 * Nested properties Stripe defines on a shared schema but does not fill on customers (the
 * `shipping` schema is shared with charges, where carrier and tracking_number live).
 */
const NESTED_NOT_ON_CUSTOMERS = new Set(['shipping.carrier', 'shipping.tracking_number']);

function resolve(schema: JsonSchema): { schema: JsonSchema; name: string | null } {
  if (!schema.$ref) return { schema, name: null };
  const name = schema.$ref.replace('#/components/schemas/', '');
  const target = contract.schemas[name];
  // Schemas outside this extract (discount, bank_account, …) are objects in Stripe's spec.
  return { schema: target ?? { type: 'object' }, name };
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** The JSON types a schema admits (its anyOf alternatives, resolved, plus null when nullable). */
function allowedTypes(schema: JsonSchema, nullAllowed: boolean): Set<string> {
  const types = new Set<string>();
  const { schema: s } = resolve(schema);
  if (s.type) types.add(s.type);
  for (const alt of s.anyOf ?? []) for (const t of allowedTypes(alt, false)) types.add(t);
  if (s.properties && !s.type) types.add('object');
  if (s.nullable || schema.nullable || nullAllowed) types.add('null');
  if (types.has('number')) types.add('integer');
  return types;
}

/** The object-shaped alternative of a schema, if any (to descend into). */
function objectSchema(schema: JsonSchema): { schema: JsonSchema; name: string | null } | null {
  const resolved = resolve(schema);
  if (resolved.schema.type === 'object' || resolved.schema.properties) return resolved;
  for (const alt of resolved.schema.anyOf ?? []) {
    const found = objectSchema(alt);
    if (found) return found;
  }
  return null;
}

/**
 * Checks `value` against `schema`; returns one line per mismatch. `where` names the schema
 * property (for the exception lists), `path` the JSON path (for messages).
 */
function mismatches(value: unknown, schema: JsonSchema, where: string, path: string, exempt: Set<string>): string[] {
  const allowed = allowedTypes(schema, exempt.has(where));
  const actual = jsonType(value);
  if (!allowed.has(actual)) return [`${path}: ${actual} where the contract allows ${[...allowed].join('|')}`];
  const out: string[] = [];
  const { schema: s } = resolve(schema);
  if (s.enum && value !== null && !s.enum.includes(value)) out.push(`${path}: ${JSON.stringify(value)} not in ${JSON.stringify(s.enum)}`);
  if (s.pattern && typeof value === 'string' && !new RegExp(s.pattern).test(value)) out.push(`${path}: does not match ${s.pattern}`);
  if (actual === 'array') {
    const items = s.items ?? s.anyOf?.find((a) => a.items)?.items;
    if (items) (value as unknown[]).forEach((v, i) => out.push(...mismatches(v, items, `${where}[]`, `${path}[${i}]`, exempt)));
  }
  if (actual === 'object') {
    const obj = objectSchema(schema);
    if (!obj) return out;
    const record = value as Record<string, unknown>;
    const props = obj.schema.properties ?? {};
    for (const [key, v] of Object.entries(record)) {
      const prop = props[key];
      const additional = obj.schema.additionalProperties;
      if (prop) out.push(...mismatches(v, prop, `${obj.name ?? where}.${key}`, `${path}.${key}`, exempt));
      else if (typeof additional === 'object') out.push(...mismatches(v, additional, `${where}{}`, `${path}.${key}`, exempt));
      else if (obj.name !== 'customer') out.push(`${path}.${key}: not in the contract's ${obj.name ?? 'object'}`);
    }
    for (const key of obj.schema.required ?? []) if (!(key in record)) out.push(`${path}.${key}: required but missing`);
  }
  return out;
}

const customerSchema = contract.schemas.customer as JsonSchema;
const customerProps = Object.keys(customerSchema.properties ?? {});
const implemented = customerProps.filter((p) => !NOT_IMPLEMENTED.includes(p) && !INCLUDABLE.includes(p));

function checkCustomer(body: Record<string, unknown>): void {
  expect(mismatches(body, { $ref: '#/components/schemas/customer' }, 'customer', 'customer', NULL_WHEN_UNSET)).toEqual([]);
  // Every implemented Stripe property is present (W-2), and nothing beyond Clientele's own fields.
  expect(implemented.filter((p) => !(p in body))).toEqual([]);
  expect(Object.keys(body).filter((k) => !customerProps.includes(k)).sort()).toEqual([...CLIENTELE_FIELDS].sort());
  // Includable and unimplemented properties are absent unless expanded.
  expect([...NOT_IMPLEMENTED, ...INCLUDABLE].filter((p) => p in body)).toEqual([]);
}

/** The error envelope, and the type SPEC W-3 ties to a status (400 and 409 vary by cause). */
function checkError(body: unknown, status: number): void {
  expect(mismatches(body, { $ref: '#/components/schemas/error' }, 'error', 'body', ERROR_NULLABLE)).toEqual([]);
  const error = (body as { error: Record<string, unknown> }).error;
  expect(Object.keys(error).sort()).toEqual([...ERROR_KEYS].sort());
  expect(typeof error.message).toBe('string');
  expect((error.message as string).length).toBeGreaterThan(0);
  if ([401, 403, 404, 413, 429].includes(status)) expect(error.type).toBe('invalid_request_error');
  if (status === 402) expect(error.type).toBe('card_error');
  if (status >= 500) expect(error.type).toBe('api_error');
}

describe('the contract fixture', () => {
  it('is the Stripe customer contract this suite expects', () => {
    expect(customerSchema.properties?.id).toBeDefined();
    expect(contract.schemas.deleted_customer?.required).toEqual(['deleted', 'id', 'object']);
    expect(contract.schemas.api_errors?.properties?.type?.enum).toEqual([
      'api_error',
      'card_error',
      'idempotency_error',
      'invalid_request_error',
    ]);
    // The exceptions name real contract properties (a typo would silently exempt nothing).
    for (const p of [...NOT_IMPLEMENTED, ...INCLUDABLE]) expect(customerProps).toContain(p);
    for (const p of NULL_WHEN_UNSET) expect(customerProps).toContain(p.split('.')[1]);
    expect(implemented.length).toBeGreaterThanOrEqual(24);
  });

  it('its checker rejects what the contract rejects', () => {
    const wrong = { id: 'cus_1', object: 'customer', created: 'yesterday', livemode: false, balance: null, metadata: { a: 1 }, tax_exempt: 'maybe' };
    const problems = mismatches(wrong, { $ref: '#/components/schemas/customer' }, 'customer', 'customer', NULL_WHEN_UNSET);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('customer.created: string'),
        expect.stringContaining('customer.balance: null'),
        expect.stringContaining('customer.metadata.a: integer'),
        expect.stringContaining('customer.tax_exempt: "maybe"'),
      ]),
    );
    expect(mismatches({ error: { type: 'oops', message: 'x' } }, { $ref: '#/components/schemas/error' }, 'error', 'body', ERROR_NULLABLE)).toEqual([
      expect.stringContaining('body.error.type'),
    ]);
    expect(mismatches({ error: { type: 'api_error', message: 'x', extra: 1 } }, { $ref: '#/components/schemas/error' }, 'error', 'body', ERROR_NULLABLE)).toEqual([
      expect.stringContaining('body.error.extra: not in'),
    ]);
    expect(mismatches({ id: 'cus_1', object: 'customer' }, { $ref: '#/components/schemas/deleted_customer' }, 'd', 'd', new Set())).toEqual([
      'd.deleted: required but missing',
    ]);
  });
});

describe.each(STORES)('Stripe v1 contract (%s)', (kind) => {
  let t: TestApp;
  let url: string;

  const call = async (method: string, path: string, params?: Record<string, unknown>, key: string | null = t.account.test) => {
    const headers: Record<string, string> = key ? { authorization: `Bearer ${key}` } : {};
    let target = `${url}${path}`;
    let body: string | undefined;
    if (params && method === 'GET') target += `?${form(params)}`;
    else if (params) {
      body = form(params);
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const response = await fetch(target, { method, headers, ...(body !== undefined && { body }) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    t = await createTestApp(kind);
    url = (await t.listen()).url;
  });
  afterAll(async () => t?.close());

  it('a minimal customer has every implemented property with the contract’s types', async () => {
    const created = await call('POST', '/v1/customers');
    expect(created.status).toBe(200);
    checkCustomer(created.body);
    // The only departures from Stripe's types are the documented null-when-unset fields.
    expect(mismatches(created.body, { $ref: '#/components/schemas/customer' }, 'customer', 'customer', new Set())).toEqual([
      'customer.business_name: null where the contract allows string',
      'customer.individual_name: null where the contract allows string',
    ]);
  });

  it('a fully populated customer matches the contract, including nested objects', async () => {
    const created = await call('POST', '/v1/customers', {
      email: 'full@example.com',
      name: 'Full Name',
      business_name: 'Full Ltd',
      individual_name: 'Fullerton Name',
      phone: '+4930123456',
      description: 'everything set',
      balance: -250,
      address: { line1: 'a', line2: 'b', city: 'c', state: 'd', postal_code: '10115', country: 'DE' },
      shipping: { name: 'Ship To', phone: '+4930999', address: { line1: 'x', city: 'Berlin', country: 'DE' } },
      metadata: { k: 'v' },
      preferred_locales: ['de-DE'],
      invoice_prefix: 'FULL123',
      invoice_settings: {
        custom_fields: [{ name: 'VAT', value: 'DE1' }],
        footer: 'f',
        rendering_options: { amount_tax_display: 'exclude_tax', template: 'tpl_1' },
      },
      next_invoice_sequence: 7,
      tax_exempt: 'exempt',
      external_id: 'full-1',
      first_name: 'Full',
      last_name: 'Name',
      notes: 'n',
    });
    expect(created.status).toBe(200);
    checkCustomer(created.body);
    // Set, the NULL_WHEN_UNSET fields take the contract's own type.
    expect(mismatches(created.body, { $ref: '#/components/schemas/customer' }, 'customer', 'customer', new Set())).toEqual([]);
    // Every nested object carries all of its contract properties (W-2), save those Stripe leaves off customers.
    const nested: [string, unknown][] = [
      ['address', created.body.address],
      ['shipping', created.body.shipping],
      ['shipping.address', (created.body.shipping as Record<string, unknown>).address],
      ['invoice_setting_customer_setting', created.body.invoice_settings],
      ['invoice_setting_rendering_options', (created.body.invoice_settings as Record<string, unknown>).rendering_options],
    ];
    for (const [name, value] of nested) {
      const schema = contract.schemas[name === 'shipping.address' ? 'address' : name] as JsonSchema;
      const missing = Object.keys(schema.properties ?? {}).filter(
        (p) => !NESTED_NOT_ON_CUSTOMERS.has(`${name}.${p}`) && !(p in (value as Record<string, unknown>)),
      );
      expect({ name, missing }).toEqual({ name, missing: [] });
    }

    const retrieved = await call('GET', `/v1/customers/${created.body.id as string}`);
    expect(retrieved.body).toEqual(created.body);
    const updated = await call('POST', `/v1/customers/${created.body.id as string}`, { business_name: '', metadata: '' });
    expect(updated.status).toBe(200);
    checkCustomer(updated.body);
  });

  it('with expand[]=tax_ids, the includable tax_ids list matches the contract', async () => {
    const created = await call('POST', '/v1/customers', { tax_id_data: [{ type: 'us_ein', value: '12-3456789' }], expand: ['tax_ids'] });
    expect(created.status).toBe(200);
    const { tax_ids: taxIds, ...rest } = created.body;
    checkCustomer(rest);
    expect(mismatches(created.body, { $ref: '#/components/schemas/customer' }, 'customer', 'customer', NULL_WHEN_UNSET)).toEqual([]);
    const list = taxIds as { object: string; data: Record<string, unknown>[]; has_more: boolean; url: string };
    expect(Object.keys(list).sort()).toEqual(['data', 'has_more', 'object', 'url']);
    expect(list.data).toHaveLength(1);
    // SPEC T-2's fields and Stripe's owner (the contract's customer_account is not part of Clientele).
    const taxId = list.data[0] as Record<string, unknown>;
    for (const field of ['id', 'object', 'country', 'created', 'customer', 'livemode', 'owner', 'type', 'value', 'verification']) {
      expect(taxId).toHaveProperty(field);
    }
    expect(taxId).toMatchObject({ object: 'tax_id', customer: created.body.id, owner: { type: 'customer', customer: created.body.id }, type: 'us_ein', value: '12-3456789' });

    const expanded = await call('GET', `/v1/customers/${created.body.id as string}`, { expand: ['tax_ids'] });
    expect(expanded.body).toEqual(created.body);
    const plain = await call('GET', `/v1/customers/${created.body.id as string}`);
    checkCustomer(plain.body);
  });

  it('a list matches the contract’s list response', async () => {
    await call('POST', '/v1/customers', { email: 'listed@example.com' });
    const list = await call('GET', '/v1/customers', { limit: 3 });
    expect(list.status).toBe(200);
    const schema = contract.paths['/v1/customers']?.get?.responses['200']?.content['application/json'].schema as JsonSchema;
    expect(mismatches(list.body, schema, 'list', 'list', NULL_WHEN_UNSET)).toEqual([]);
    expect(Object.keys(list.body).sort()).toEqual(['data', 'has_more', 'object', 'url']);
    for (const c of list.body.data as Record<string, unknown>[]) checkCustomer(c);
  });

  it('a deleted customer matches deleted_customer, on delete and on retrieve', async () => {
    const created = await call('POST', '/v1/customers', { email: 'bye@example.com' });
    const id = created.body.id as string;
    const deleted = await call('DELETE', `/v1/customers/${id}`);
    expect(deleted.status).toBe(200);
    expect(mismatches(deleted.body, { $ref: '#/components/schemas/deleted_customer' }, 'deleted_customer', 'deleted', new Set())).toEqual([]);
    expect(Object.keys(deleted.body).sort()).toEqual(['deleted', 'id', 'object']);
    expect(deleted.body).toEqual({ id, object: 'customer', deleted: true });

    const retrieved = await call('GET', `/v1/customers/${id}`);
    expect(retrieved.status).toBe(200);
    expect(retrieved.body).toEqual(deleted.body);
  });

  it('error bodies match error / api_errors', async () => {
    const restricted = await t.services.accounts.createKey(t.account.id, 'test', true, null);
    const existing = await call('POST', '/v1/customers', { external_id: 'taken' });
    const cases: [string, () => Promise<{ status: number; body: unknown }>, number, string, string][] = [
      ['missing customer', () => call('GET', '/v1/customers/cus_missing'), 404, 'resource_missing', 'invalid_request_error'],
      ['unknown URL', () => call('GET', '/v1/nothing_here'), 404, 'route_unknown', 'invalid_request_error'],
      ['no key', () => call('GET', '/v1/customers', undefined, null), 401, 'api_key_invalid', 'invalid_request_error'],
      ['bad key', () => call('GET', '/v1/customers', undefined, `sk_test_${'0'.repeat(48)}`), 401, 'api_key_invalid', 'invalid_request_error'],
      ['restricted write', () => call('POST', '/v1/customers', {}, restricted.secret), 403, 'permission_denied', 'invalid_request_error'],
      ['unknown parameter', () => call('POST', '/v1/customers', { nickname: 'x' }), 400, 'parameter_unknown', 'invalid_request_error'],
      ['invalid email', () => call('POST', '/v1/customers', { email: 'nope' }), 400, 'email_invalid', 'invalid_request_error'],
      ['invalid integer', () => call('GET', '/v1/customers', { limit: 'ten' }), 400, 'parameter_invalid_integer', 'invalid_request_error'],
      ['external_id taken', () => call('POST', '/v1/customers', { external_id: 'taken' }), 409, 'resource_already_exists', 'invalid_request_error'],
    ];
    expect(existing.status).toBe(200);
    for (const [label, run, status, code, type] of cases) {
      const response = await run();
      expect({ label, status: response.status }).toEqual({ label, status });
      checkError(response.body, status);
      const error = (response.body as { error: { type: string; code: string } }).error;
      expect({ label, code: error.code, type: error.type }).toEqual({ label, code, type });
    }

    // An Idempotency-Key reused with other parameters: idempotency_error.
    const headers = { authorization: `Bearer ${t.account.test}`, 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': 'contract-k1' };
    const first = await fetch(`${url}/v1/customers`, { method: 'POST', headers, body: 'name=a' });
    expect(first.status).toBe(200);
    await first.arrayBuffer();
    const reused = await fetch(`${url}/v1/customers`, { method: 'POST', headers, body: 'name=b' });
    expect(reused.status).toBe(400);
    const reusedBody = (await reused.json()) as { error: { type: string } };
    checkError(reusedBody, 400);
    expect(reusedBody.error.type).toBe('idempotency_error');
  });
});
