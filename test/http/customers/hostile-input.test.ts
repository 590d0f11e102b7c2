import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../../src/domain/errors.js';
import { createTestApp, STORES, type Api, type ApiResponse, type TestApp } from '../../helpers/harness.js';
import { countCustomers, createCustomer, expectError, freshAccount, postForm, rawRequest } from './support.js';

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

const nestedJson = (depth: number) => `{"metadata":${'['.repeat(depth)}${']'.repeat(depth)}}`;
const nestedObjects = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

/** Bodies every write route must refuse with a 4xx envelope (status 400 unless given). */
const BODIES: Array<{ label: string; body: string; type: string; status?: number; param?: string | null; code: ErrorCode }> = [
  { label: 'unclosed bracket', body: 'a[b=1', type: FORM, code: 'parameter_unknown' },
  { label: 'bad percent escape as a key', body: '%ZZ', type: FORM, code: 'parameter_unknown' },
  { label: 'bad percent escape in a key', body: 'name%ZZ=1', type: FORM, code: 'parameter_unknown' },
  { label: 'an encoded lone surrogate (CESU-8) in a value', body: 'name=%ED%A0%BD', type: FORM, param: 'name', code: 'invalid_characters' },
  { label: 'array where a string belongs', body: 'email[]=x', type: FORM, param: 'email', code: 'parameter_invalid' },
  { label: 'object where a string belongs', body: 'email[a]=x', type: FORM, param: 'email', code: 'parameter_invalid' },
  { label: 'string where an object belongs', body: 'address=x', type: FORM, param: 'address', code: 'parameter_invalid' },
  { label: 'null byte in a value', body: 'name=a%00b', type: FORM, param: 'name', code: 'invalid_characters' },
  { label: 'null byte in a metadata key', body: 'metadata[k%00]=v', type: FORM, param: 'metadata', code: 'invalid_characters' },
  { label: 'null byte in a parameter name', body: 'na%00me=x', type: FORM, code: 'invalid_characters' },
  { label: '__proto__ key', body: '__proto__[x]=1', type: FORM, param: '__proto__[x]', code: 'parameter_unknown' },
  { label: 'bare __proto__', body: '__proto__=1', type: FORM, param: '__proto__', code: 'parameter_unknown' },
  { label: 'percent-encoded __proto__', body: '%5F%5Fproto%5F%5F%5Bx%5D=1', type: FORM, param: '__proto__[x]', code: 'parameter_unknown' },
  { label: '__proto__ inside metadata', body: 'metadata[__proto__]=x', type: FORM, param: 'metadata[__proto__]', code: 'parameter_unknown' },
  { label: '__proto__ inside address', body: 'address[__proto__][line1]=x', type: FORM, param: 'address[__proto__][line1]', code: 'parameter_unknown' },
  { label: 'constructor.prototype key', body: 'constructor[prototype][x]=1', type: FORM, param: 'constructor', code: 'parameter_unknown' },
  { label: 'constructor inside metadata', body: 'metadata[constructor][prototype]=1', type: FORM, param: 'metadata[constructor]', code: 'parameter_invalid' },
  { label: 'toString key', body: 'toString=1', type: FORM, param: 'toString', code: 'parameter_unknown' },
  { label: '2000 parameters', body: Array.from({ length: 2000 }, (_, i) => `metadata[k${i}]=v`).join('&'), type: FORM, code: 'body_invalid' },
  { label: 'nesting 8 deep', body: 'a[b][c][d][e][f][g][h]=1', type: FORM, code: 'body_invalid' },
  { label: 'nesting 8 deep under a known key', body: 'metadata[b][c][d][e][f][g][h]=1', type: FORM, code: 'body_invalid' },
  { label: 'an array index past the limit', body: 'preferred_locales[5000]=en', type: FORM, code: 'body_invalid' },
  { label: 'a JSON text sent as a form', body: '{"name":"x"}', type: FORM, code: 'parameter_unknown' },
  { label: 'malformed JSON', body: '{"name":', type: JSON_TYPE, code: 'body_invalid' },
  { label: 'JSON with a trailing comma', body: '{"name":"x",}', type: JSON_TYPE, code: 'body_invalid' },
  { label: 'a form sent as JSON', body: 'name=x', type: JSON_TYPE, code: 'body_invalid' },
  { label: 'JSON nested 100 deep (arrays)', body: nestedJson(100), type: JSON_TYPE, code: 'body_invalid' },
  { label: 'JSON nested 100 deep (objects)', body: nestedObjects(100), type: JSON_TYPE, code: 'body_invalid' },
  { label: 'JSON __proto__', body: '{"__proto__":{"x":1}}', type: JSON_TYPE, code: 'body_invalid' },
  { label: 'JSON __proto__ in metadata', body: '{"metadata":{"__proto__":{"x":"1"}}}', type: JSON_TYPE, code: 'body_invalid' },
  { label: 'JSON constructor.prototype', body: '{"constructor":{"prototype":{"x":1}}}', type: JSON_TYPE, code: 'body_invalid' },
  { label: 'JSON array body', body: '[{"name":"x"}]', type: JSON_TYPE, param: null, code: 'parameter_invalid' },
  { label: 'JSON string body', body: '"name"', type: JSON_TYPE, param: null, code: 'parameter_invalid' },
  { label: 'JSON number body', body: '42', type: JSON_TYPE, param: null, code: 'parameter_invalid' },
  { label: 'JSON null body', body: 'null', type: JSON_TYPE, param: null, code: 'parameter_invalid' },
  { label: 'JSON null byte', body: '{"name":"a\\u0000b"}', type: JSON_TYPE, param: 'name', code: 'invalid_characters' },
  { label: 'JSON array where a string belongs', body: '{"email":["x@example.com"]}', type: JSON_TYPE, param: 'email', code: 'parameter_invalid' },
  { label: 'JSON huge integer', body: '{"balance":1e400}', type: JSON_TYPE, param: 'balance', code: 'parameter_invalid_integer' },
  { label: 'JSON integer beyond the range', body: '{"balance":1152921504606846976}', type: JSON_TYPE, param: 'balance', code: 'parameter_invalid_integer' },
  { label: 'JSON boolean where a string belongs', body: '{"name":true}', type: JSON_TYPE, param: 'name', code: 'parameter_invalid' },
  { label: 'a 2 MiB body', body: `description=${'x'.repeat(2 * 1024 * 1024)}`, type: FORM, status: 413, code: 'body_too_large' },
  { label: 'a 2 MiB JSON body', body: JSON.stringify({ description: 'x'.repeat(2 * 1024 * 1024) }), type: JSON_TYPE, status: 413, code: 'body_too_large' },
  { label: 'text/plain', body: 'name=x', type: 'text/plain', status: 415, code: 'content_type_unsupported' },
  { label: 'XML', body: '<customer/>', type: 'application/xml', status: 415, code: 'content_type_unsupported' },
  { label: 'multipart', body: '--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--b--', type: 'multipart/form-data; boundary=b', status: 415, code: 'content_type_unsupported' },
];

/** Query strings the list route must refuse with 400. */
const QUERIES: Array<{ label: string; query: string; code: ErrorCode }> = [
  { label: 'a repeated limit', query: 'limit=1&limit=2', code: 'parameter_invalid_integer' },
  { label: 'an array email', query: 'email[]=x', code: 'parameter_invalid' },
  { label: 'nested created', query: 'created[gt][x]=1', code: 'parameter_invalid_integer' },
  { label: 'nested metadata', query: 'metadata[a][b]=1', code: 'parameter_invalid' },
  { label: 'a bad percent escape', query: '%ZZ', code: 'parameter_unknown' },
  { label: 'a bad percent escape in a value', query: 'email=a%E0%A4', code: 'invalid_characters' },
  { label: 'a null byte', query: 'email=a%00', code: 'invalid_characters' },
  { label: 'a null byte in a metadata key', query: 'metadata[a%00]=1', code: 'invalid_characters' },
  { label: '__proto__', query: '__proto__[x]=1', code: 'parameter_unknown' },
  { label: 'constructor', query: 'constructor[prototype][x]=1', code: 'parameter_unknown' },
  { label: '2000 parameters', query: Array.from({ length: 2000 }, (_, i) => `metadata[k${i}]=v`).join('&'), code: 'body_invalid' },
  { label: 'nesting 8 deep', query: 'a[b][c][d][e][f][g][h]=1', code: 'body_invalid' },
];

/** Hostile requests get a 4xx envelope, never a 5xx, and write nothing (SPEC W-3, R-4). */
describe.each(STORES)('customers: hostile input (%s)', (kind) => {
  let t: TestApp;
  let api: Api;
  let key: string;
  let target: Record<string, unknown> & { id: string };
  beforeAll(async () => {
    t = await createTestApp(kind);
    const fresh = await freshAccount(t);
    api = fresh.api;
    key = fresh.account.test;
    target = await createCustomer(api, { name: 'Target', external_id: 'hostile-target', metadata: { k: 'v' } });
  });
  afterAll(async () => t?.close());

  /** Sends the request and checks that no customer was created and the target is unchanged. */
  async function withoutWrites(send: () => Promise<ApiResponse>): Promise<ApiResponse> {
    const count = await countCustomers(api);
    const before = (await api.get(`/v1/customers/${target.id}`)).body;
    const res = await send();
    expect(await countCustomers(api)).toBe(count);
    expect((await api.get(`/v1/customers/${target.id}`)).body).toEqual(before);
    return res;
  }

  function expectRefused(res: ApiResponse, status: number, code: ErrorCode, param?: string | null) {
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
    expectError(res, status, param === undefined ? { code } : { code, param });
  }

  describe.each(BODIES.map((b) => [b.label, b] as const))('body: %s', (_label, b) => {
    it.each([
      ['create', () => '/v1/customers'],
      ['update', () => `/v1/customers/${target.id}`],
      ['upsert (new)', () => '/v1/customers/external/hostile-new'],
      ['upsert (existing)', () => '/v1/customers/external/hostile-target'],
    ])('is refused on %s', async (_route, path) => {
      const res = await withoutWrites(() => api.postRaw(path(), b.body, b.type));
      expectRefused(res, b.status ?? 400, b.code, b.param);
    });
  });

  it.each(QUERIES.map((q) => [q.label, q] as const))('list query: %s is refused', async (_label, q) => {
    expectRefused(await rawRequest(t, { method: 'GET', url: `/v1/customers?${q.query}`, key }), 400, q.code);
  });

  describe('path parameters', () => {
    it.each([
      ['GET', '/v1/customers/cus_%00', 'invalid_characters'],
      ['POST', '/v1/customers/cus_%00', 'invalid_characters'],
      ['DELETE', '/v1/customers/cus_%00', 'invalid_characters'],
      ['GET', '/v1/customers/cus_%01abc', 'invalid_characters'],
      ['GET', '/v1/customers/external/ext%00', 'invalid_characters'],
      ['POST', '/v1/customers/external/ext%00', 'invalid_characters'],
      ['GET', '/v1/customers/%FF', 'url_invalid_encoding'],
      ['POST', '/v1/customers/%E0%A4%A', 'url_invalid_encoding'],
      ['DELETE', '/v1/customers/%', 'url_invalid_encoding'],
    ] as const)('%s %s is a 400 envelope (%s)', async (method, url, code) => {
      const post = method === 'POST' ? { payload: 'name=x', contentType: FORM } : {};
      const res = await withoutWrites(() => rawRequest(t, { method, url, key, ...post }));
      expectRefused(res, 400, code);
    });

    it('an over-long id is a 4xx envelope', async () => {
      for (const url of [`/v1/customers/cus_${'x'.repeat(600)}`, `/v1/customers/external/${'x'.repeat(600)}`]) {
        const res = await api.get(url);
        expectRefused(res, 414, 'url_too_long');
      }
      const res = await withoutWrites(() => api.post(`/v1/customers/external/${'x'.repeat(600)}`, { name: 'long' }));
      expectRefused(res, 414, 'url_too_long');
    });
  });

  it('an update with a bad body leaves metadata and every field untouched even when valid fields come first', async () => {
    const res = await withoutWrites(() =>
      postForm(api, `/v1/customers/${target.id}`, 'name=Changed&metadata[k]=changed&metadata[__proto__]=x'),
    );
    expectRefused(res, 400, 'parameter_unknown', 'metadata[__proto__]');
  });
});
