import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type TestApp } from '../helpers/harness.js';
import { createCustomer } from '../http/customers/support.js';

/**
 * W-10 / #16: every string a client sends is well-formed Unicode. The fields are generated from
 * the request schemas of the OpenAPI document the app serves, so a field added to any write is
 * covered without touching this file.
 */
interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  patternProperties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
}

function typesOf(schema: Schema): string[] {
  const t = schema.type;
  return Array.isArray(t) ? t : t ? [t] : [];
}

/** Every path (in segments) at which the schema takes a string, one per field. */
function stringPaths(schema: Schema | undefined, path: string[] = [], depth = 0): string[][] {
  if (!schema || depth > 6) return [];
  const out: string[][] = [];
  for (const alternative of [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) out.push(...stringPaths(alternative, path, depth + 1));
  const types = typesOf(schema);
  if (types.includes('string') && path.length > 0) out.push(path);
  for (const [key, child] of Object.entries(schema.properties ?? {})) out.push(...stringPaths(child, [...path, key], depth + 1));
  for (const child of Object.values(schema.patternProperties ?? {})) out.push(...stringPaths(child, [...path, 'k'], depth + 1));
  if (typeof schema.additionalProperties === 'object') out.push(...stringPaths(schema.additionalProperties, [...path, 'k'], depth + 1));
  if (types.includes('array') && schema.items) out.push(...stringPaths(schema.items, [...path, '0'], depth + 1));
  const seen = new Set<string>();
  return out.filter((p) => (seen.has(p.join('.')) ? false : (seen.add(p.join('.')), true)));
}

const bracketed = (path: string[]) => `${path[0]}${path.slice(1).map((p) => `[${p}]`).join('')}`;

/** A JSON body with `leaf` at the path (array indexes become arrays). */
function nested(path: string[], leaf: string): unknown {
  const [head, ...rest] = path;
  const inner = rest.length === 0 ? leaf : nested(rest, leaf);
  return /^\d+$/.test(head as string) ? [inner] : { [head as string]: inner };
}

const LONE_SURROGATE = '\ud83d';

interface WriteRoute {
  method: string;
  path: string;
  fields: string[][];
}

describe.each(STORES)('ill-formed Unicode is refused in every string a write takes (%s)', (kind) => {
  let t: TestApp;
  let routes: WriteRoute[];
  let customerId: string;
  beforeAll(async () => {
    t = await createTestApp(kind);
    customerId = (await createCustomer(t.api(), { name: 'Unicode' })).id;
    const doc = t.app.swagger() as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: Schema }> } }>> };
    routes = [];
    for (const [path, operations] of Object.entries(doc.paths)) {
      if (!path.startsWith('/v1/')) continue;
      for (const [method, operation] of Object.entries(operations)) {
        const schema = operation.requestBody?.content['application/json']?.schema;
        if (method !== 'post' || !schema) continue;
        // Any id fills the path: parameters are checked before anything is looked up.
        const filled = path.replace(/\{[^}]+\}/g, (m) => (m === '{provider}' ? 'stripe' : m === '{id}' ? customerId : 'x_unicode'));
        routes.push({ method: 'POST', path: filled, fields: stringPaths(schema) });
      }
    }
  });
  afterAll(async () => t?.close());

  it('finds the writes and their string fields in the API description', () => {
    expect(routes.length).toBeGreaterThan(10);
    const customerCreate = routes.find((r) => r.path === '/v1/customers');
    const names = customerCreate?.fields.map(bracketed) ?? [];
    for (const field of ['name', 'email', 'address[line1]', 'shipping[address][city]', 'metadata[k]', 'tax_id_data[0][value]', 'expand[0]']) {
      expect(names).toContain(field);
    }
  });

  it('answers 400 invalid_characters naming the field, as JSON and as a form, and writes nothing', async () => {
    const before = await t.api().get('/v1/events', { limit: 1 });
    let checked = 0;
    for (const route of routes) {
      for (const field of route.fields) {
        const param = bracketed(field);
        const json = await t.api().postJson(route.path, nested(field, LONE_SURROGATE));
        expect([json.status, json.body?.error?.code, json.body?.error?.param], `${route.path} ${param} (JSON)`).toEqual([400, 'invalid_characters', param]);
        // A form cannot carry a lone surrogate as UTF-8: its closest spelling is the CESU-8 escape.
        const form = await t.api().postRaw(route.path, `${encodeURIComponent(param)}=%ED%A0%BD`, 'application/x-www-form-urlencoded');
        expect([form.status, form.body?.error?.code, form.body?.error?.param], `${route.path} ${param} (form)`).toEqual([400, 'invalid_characters', param]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
    const after = await t.api().get('/v1/events', { limit: 1 });
    expect(after.body.data[0]?.id).toBe(before.body.data[0]?.id);
  });

  it('checks names too (a metadata key) and the query string, the path and undecodable body bytes', async () => {
    const key = await t.api().postJson(`/v1/customers/${customerId}`, { metadata: { [`k${LONE_SURROGATE}`]: 'v' } });
    expect([key.status, key.body.error.code, key.body.error.param]).toEqual([400, 'invalid_characters', 'metadata']);
    // A query string is UTF-8 too: a lone surrogate can only arrive as its CESU-8 escape.
    const query = await t.app.inject({ method: 'GET', url: '/v1/customers?email=a%ED%A0%BD', headers: { authorization: `Bearer ${t.account.test}` } });
    expect([query.statusCode, JSON.parse(query.body).error.code, JSON.parse(query.body).error.param]).toEqual([400, 'invalid_characters', 'email']);
    const raw = await t.app.inject({
      method: 'POST',
      url: '/v1/customers',
      headers: { authorization: `Bearer ${t.account.test}`, 'content-type': 'application/json' },
      payload: Buffer.from([0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), // {"name":"\xff\xfe"}
    });
    expect([raw.statusCode, JSON.parse(raw.body).error.code]).toEqual([400, 'invalid_characters']);
    const path = await t.api().get(`/v1/customers/external/${encodeURIComponent('a')}%ED%A0%BD`);
    expect(path.status).toBe(400);
  });

  it('still accepts every well-formed character, astral ones included', async () => {
    const res = await t.api().postJson('/v1/customers', { name: 'Zoë 😀 李', address: { line1: '𝒜 Street' }, metadata: { 'ключ': 'значение' } });
    expect(res.status).toBe(200);
    const got = await t.api().get(`/v1/customers/${res.body.id}`);
    expect([got.body.name, got.body.address.line1, got.body.metadata]).toEqual(['Zoë 😀 李', '𝒜 Street', { 'ключ': 'значение' }]);
  });
});
