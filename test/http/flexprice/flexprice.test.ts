/**
 * The FlexPrice-compatible customer API over raw HTTP (SPEC D-1): seed 003's own curl examples
 * as written, every field of the SDK's response model present (null where unknown), FlexPrice's
 * error shape for every error on these routes, keys in x-api-key, conditional writes, events.
 * test/sdk/flexprice.test.ts drives the same routes through `@flexprice/sdk` itself.
 */
import { DtoCustomerResponse$inboundSchema, DtoListCustomersResponse$inboundSchema, PaginationResponse$inboundSchema } from '@flexprice/sdk/sdk/models';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, type CatalogueEntry } from '../../../src/domain/errors.js';
import { createTestApp, STORES, type TestApp } from '../../helpers/harness.js';
import { REQUEST_ID } from '../customers/support.js';

/** The keys a zod object schema names (the SDK's models are `z.pipe(z.object(…), transform)`). */
function shapeKeys(schema: unknown): string[] {
  let def = (schema as { _zod: { def: { in?: unknown; shape?: Record<string, unknown> } } })._zod.def;
  if (def.in) def = (def.in as typeof schema as { _zod: { def: typeof def } })._zod.def;
  return Object.keys(def.shape ?? {}).sort();
}

const CUSTOMER_KEYS = shapeKeys(DtoCustomerResponse$inboundSchema);

interface Reply {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- assertions read arbitrary JSON
  headers: LightMyRequestResponse['headers'];
}

let unique = 0;
const ext = (label: string) => `${label}-${process.pid}-${++unique}`;

describe.each(STORES)('FlexPrice wire format over HTTP — D-1 (%s)', (kind) => {
  let t: TestApp;

  async function call(method: string, url: string, options: { body?: unknown; raw?: string; key?: string | null; headers?: Record<string, string> } = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...options.headers };
    const key = options.key === undefined ? t.account.test : options.key;
    if (key !== null) headers['X-API-Key'] = key;
    const payload = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    if (payload !== undefined) headers['content-type'] = 'application/json';
    const res = await t.app.inject({ method: method as 'GET', url: `/flexprice/v1${url}`, headers, ...(payload !== undefined && { payload }) });
    return { status: res.statusCode, body: res.body === '' ? undefined : JSON.parse(res.body), headers: res.headers };
  }

  /** FlexPrice's error body, exactly: `{success: false, error: {message, internal_error, param, doc_url}}`, code from the catalogue at its status. */
  function expectFlexPriceError(res: Reply, status: number, code: string, param?: string | null): void {
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
    expect(String(res.headers['request-id'])).toMatch(REQUEST_ID);
    expect(Object.keys(res.body)).toEqual(['success', 'error']);
    expect(res.body.success).toBe(false);
    expect(Object.keys(res.body.error).sort()).toEqual(['doc_url', 'internal_error', 'message', 'param']);
    expect(res.body.error.internal_error).toBe(code);
    expect(res.body.error.message.length).toBeGreaterThan(0);
    expect(res.body.error.doc_url).toMatch(new RegExp(`/docs/errors#${code}$`));
    expect((ERROR_CATALOGUE as Record<string, CatalogueEntry>)[code]?.statuses).toContain(status);
    if (param !== undefined) expect(res.body.error.param).toBe(param);
  }

  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());

  describe("seed 003's examples, literally", () => {
    it('creates a customer with X-API-Key and external_customer_id (201), every field of the model present', async () => {
      const externalId = ext('cust_123');
      const res = await call('POST', '/customers', {
        body: {
          external_customer_id: externalId,
          name: 'Acme Corporation',
          email: 'billing@acme.com',
          metadata: { segment: 'enterprise', region: 'us-west' },
        },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(Object.keys(res.body).sort()).toEqual(CUSTOMER_KEYS);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^cus_/),
        external_id: externalId,
        name: 'Acme Corporation',
        email: 'billing@acme.com',
        address_line1: null,
        address_line2: null,
        address_city: null,
        address_state: null,
        address_postal_code: null,
        address_country: null,
        metadata: { segment: 'enterprise', region: 'us-west' },
        parent_customer_id: null,
        parent_customer: null,
        environment_id: 'test',
        tenant_id: t.account.id,
        status: 'published',
        created_at: expect.any(String),
        updated_at: expect.any(String),
        created_by: expect.stringMatching(/^key_/),
        updated_by: expect.stringMatching(/^key_/),
      });
      expect(new Date(res.body.created_at).toISOString()).toBe(res.body.created_at);
      expect(res.headers.etag).toMatch(/^"cus_/);
    });

    it('creates the hierarchical example: a department under its parent', async () => {
      const parent = await call('POST', '/customers', { body: { external_customer_id: ext('org'), name: 'Org' } });
      const dept = await call('POST', '/customers', { body: { name: 'Department A', parent_customer_id: parent.body.id, external_customer_id: ext('dept_a') } });
      expect(dept.status, JSON.stringify(dept.body)).toBe(201);
      expect(dept.body.parent_customer_id).toBe(parent.body.id);
      expect(Object.keys(dept.body.parent_customer).sort()).toEqual(CUSTOMER_KEYS);
      expect(dept.body.parent_customer).toMatchObject({ id: parent.body.id, name: 'Org', parent_customer: null });
    });
  });

  it('lists with every key of the SDK list model and its pagination', async () => {
    const created = await call('POST', '/customers', { body: { external_id: ext('listed') } });
    const res = await call('POST', '/customers/search', { body: { customer_ids: [created.body.id] } });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(shapeKeys(DtoListCustomersResponse$inboundSchema));
    expect(Object.keys(res.body.pagination).sort()).toEqual(shapeKeys(PaginationResponse$inboundSchema));
    expect(res.body.pagination).toEqual({ total: 1, limit: 50, offset: 0 });
    expect(res.body.items[0]).toEqual((await call('GET', `/customers/${created.body.id}`)).body);
  });

  describe('errors, always in FlexPrice’s shape', () => {
    it.each([
      ['no external id', { name: 'x' }, 'parameter_missing', 'external_id'],
      ['two different external ids', { external_id: 'a', external_customer_id: 'b' }, 'parameters_exclusive', 'external_customer_id'],
      ['an unknown field', { external_id: 'x', nickname: 'y' }, 'parameter_unknown', 'nickname'],
      ['an empty external id', { external_id: '' }, 'parameter_invalid_empty', 'external_id'],
      ['a number for a name', { external_id: 'x', name: 5 }, 'parameter_invalid', 'name'],
      ['a lone surrogate', { external_id: 'x', name: 'a\ud800' }, 'invalid_characters', 'name'],
    ])('create with %s: 400 %s', async (_label, body, code, param) => {
      expectFlexPriceError(await call('POST', '/customers', { body }), 400, code, param);
    });

    it('a body that is no JSON, an unknown route and a missing key are FlexPrice errors too', async () => {
      expectFlexPriceError(await call('POST', '/customers', { raw: '{"external_id":' }), 400, 'body_invalid', null);
      expectFlexPriceError(await call('GET', '/plans'), 404, 'route_unknown', null);
      expectFlexPriceError(await call('GET', '/customers/cus_x', { key: null }), 401, 'api_key_invalid', null);
      expectFlexPriceError(await call('GET', '/customers/cus_x', { key: 'sk_test_nope' }), 401, 'api_key_invalid', null);
    });

    it('the update names its customer by exactly one of id and external_customer_id', async () => {
      expectFlexPriceError(await call('PUT', '/customers', { body: { name: 'x' } }), 400, 'parameter_missing', 'id');
      expectFlexPriceError(await call('PUT', '/customers?id=cus_a&external_customer_id=b', { body: { name: 'x' } }), 400, 'parameters_exclusive', 'external_customer_id');
      expectFlexPriceError(await call('PUT', '/customers?id=cus_missing', { body: { name: 'x' } }), 404, 'resource_missing', 'id');
      expectFlexPriceError(await call('PUT', '/customers?external_customer_id=missing', { body: { name: 'x' } }), 404, 'resource_missing', 'external_id');
      expectFlexPriceError(await call('PUT', '/customers?id=cus_a&colour=red', { body: { name: 'x' } }), 400, 'parameter_unknown', 'colour');
    });

    it.each([
      ['generic filter conditions', { filters: [{ field: 'name', operator: 'eq', value: { string: 'x' } }] }, 'parameter_invalid', 'filters'],
      ['a window past 10 000', { offset: 9990, limit: 20 }, 'parameter_invalid', 'offset'],
      ['a limit over 1000', { limit: 1001 }, 'parameter_invalid_integer', 'limit'],
      ['a start_time that is no date', { start_time: 'yesterday' }, 'parameter_invalid', 'start_time'],
      ['sorting by name', { sort: [{ field: 'name', direction: 'asc' }] }, 'parameter_invalid', 'sort[0][field]'],
      ['an expansion it does not have', { expand: 'subscriptions' }, 'expand_invalid', 'expand'],
      ['more than 100 ids', { customer_ids: Array.from({ length: 101 }, (_, i) => `cus_${i}`) }, 'parameter_invalid_too_many_items', 'customer_ids'],
    ])('search with %s: 400 %s', async (_label, body, code, param) => {
      expectFlexPriceError(await call('POST', '/customers/search', { body }), 400, code, param);
    });
  });

  describe('keys', () => {
    it('takes the key in x-api-key or as on /v1; Authorization wins when both are sent', async () => {
      const created = await call('POST', '/customers', { body: { external_id: ext('keys') } });
      const bearer = await call('GET', `/customers/${created.body.id}`, { key: null, headers: { authorization: `Bearer ${t.account.test}` } });
      expect(bearer.status).toBe(200);
      const basic = await call('GET', `/customers/${created.body.id}`, { key: null, headers: { authorization: `Basic ${Buffer.from(`${t.account.test}:`).toString('base64')}` } });
      expect(basic.status).toBe(200);
      expectFlexPriceError(await call('GET', `/customers/${created.body.id}`, { headers: { authorization: 'Bearer sk_test_wrong' } }), 401, 'api_key_invalid');
      // The /v1 routes keep Stripe's ways only.
      const v1 = await t.app.inject({ method: 'GET', url: `/v1/customers/${created.body.id}`, headers: { 'x-api-key': t.account.test } });
      expect(v1.statusCode).toBe(401);
    });
  });

  describe('the same rules as the Stripe API', () => {
    it('If-Match guards the update and the delete; the ETag is the /v1 one', async () => {
      const created = await call('POST', '/customers', { body: { external_id: ext('etag'), name: 'v1' } });
      const stale = created.headers.etag as string;
      expect((await t.api().get(`/v1/customers/${created.body.id}`)).headers.etag).toBe(stale);
      const moved = await call('PUT', `/customers?id=${created.body.id}`, { body: { name: 'v2' }, headers: { 'if-match': stale } });
      expect(moved.status).toBe(200);
      expectFlexPriceError(await call('PUT', `/customers?id=${created.body.id}`, { body: { name: 'lost' }, headers: { 'if-match': stale } }), 412, 'precondition_failed');
      expectFlexPriceError(await call('DELETE', `/customers/${created.body.id}`, { headers: { 'if-match': stale } }), 412, 'precondition_failed');
      expect((await call('GET', `/customers/${created.body.id}`)).body.name).toBe('v2');
      const deleted = await call('DELETE', `/customers/${created.body.id}`, { headers: { 'if-match': moved.headers.etag as string } });
      expect(deleted.status).toBe(204);
      expect(deleted.body).toBeUndefined();
    });

    it('writes the same events, with the request id; skip_onboarding_workflow changes nothing', async () => {
      const created = await call('POST', '/customers', {
        body: { external_id: ext('evt'), skip_onboarding_workflow: true, integration_entity_mapping: [{ provider: 'paypal', id: ext('pp') }] },
      });
      expect(created.status).toBe(201);
      const events = await t.api().get('/v1/events', { limit: 100 });
      const mine = (events.body.data as Array<{ type: string; data: { object: { id: string; customer?: string } }; request: unknown }>).filter(
        (e) => e.data.object.id === created.body.id || e.data.object.customer === created.body.id,
      );
      expect(mine.map((e) => e.type).sort()).toEqual(['customer.created', 'customer.integration.created']);
      for (const event of mine) expect(event.request).toEqual({ id: created.headers['request-id'], idempotency_key: null, actor: null });
    });

    it('a delete erases personal data as DELETE /v1/customers/:id does', async () => {
      const created = await call('POST', '/customers', { body: { external_id: ext('erase'), name: 'Secret Name', email: 'secret@example.com', address_city: 'Hidden' } });
      expect((await call('DELETE', `/customers/${created.body.id}`)).status).toBe(204);
      const exported = await t.api().get(`/v1/customers/${created.body.id}/export`);
      expect(exported.status).toBe(200);
      expect(JSON.stringify(exported.body)).not.toMatch(/Secret Name|secret@example\.com|Hidden/);
      const archived = await call('GET', `/customers/${created.body.id}`);
      expect(archived.body).toMatchObject({ status: 'archived', name: null, email: null, external_id: null, address_city: null, metadata: {} });
      expectFlexPriceError(await call('PUT', `/customers?id=${created.body.id}`, { body: { name: 'back' } }), 404, 'resource_missing');
    });
  });

  it('has its own section in the OpenAPI document, with x-api-key as a security scheme', async () => {
    const doc = t.app.swagger() as {
      paths: Record<string, Record<string, { tags?: string[]; security?: Array<Record<string, string[]>> }>>;
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(doc.components.securitySchemes.apiKey).toEqual({ type: 'apiKey', in: 'header', name: 'x-api-key' });
    const operations = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/flexprice/'))
      .flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })));
    expect(operations.map((o) => o.key).sort()).toEqual([
      'DELETE /flexprice/v1/customers/{id}',
      'GET /flexprice/v1/customers/external/{external_id}',
      'GET /flexprice/v1/customers/{id}',
      'POST /flexprice/v1/customers',
      'POST /flexprice/v1/customers/search',
      'PUT /flexprice/v1/customers',
    ]);
    for (const { op } of operations) {
      expect(op.tags).toEqual(['FlexPrice: Customers']);
      expect(op.security).toContainEqual({ apiKey: [] });
    }
  });
});
