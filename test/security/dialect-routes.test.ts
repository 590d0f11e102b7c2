/**
 * Every route of the other wire formats (SPEC §16: /flexprice/v1, /lunipay/v1), read from the
 * app's OpenAPI document, tried without a key, with an unknown key, with another account's key,
 * with the other mode's key and with a restricted key. A customer of one scope is invisible and
 * untouchable from every other, exactly as on /v1 (SPEC A-2). A dialect route without an entry
 * in REQUESTS fails the first test, so a new one cannot go unchecked.
 */
import type { FastifyInstance, HTTPMethods } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type TestApp } from '../helpers/harness.js';

const DIALECT_PREFIXES = ['/flexprice/', '/lunipay/'];

/** `{id}` and `{external_id}` stand for the target customer's. */
interface RequestTemplate {
  query?: string;
  body?: Record<string, unknown>;
  /** object: names a customer; list: answers customers (`items` or `data`); create: makes one. */
  kind: 'object' | 'list' | 'create';
}

const REQUESTS: Record<string, RequestTemplate[]> = {
  'POST /flexprice/v1/customers': [{ kind: 'create', body: { external_id: '{fresh}', parent_customer_id: '{id}' } }],
  'GET /flexprice/v1/customers/{id}': [{ kind: 'object' }],
  'GET /flexprice/v1/customers/external/{external_id}': [{ kind: 'object' }],
  'PUT /flexprice/v1/customers': [
    { kind: 'object', query: 'id={id}', body: { name: 'Changed' } },
    { kind: 'object', query: 'external_customer_id={external_id}', body: { name: 'Changed' } },
  ],
  'DELETE /flexprice/v1/customers/{id}': [{ kind: 'object' }],
  'POST /flexprice/v1/customers/search': [
    { kind: 'list', body: { customer_ids: ['{id}'] } },
    { kind: 'list', body: { external_id: '{external_id}' } },
    { kind: 'list', body: {} },
  ],
  'POST /lunipay/v1/customers': [{ kind: 'create', body: { email: '{fresh}@example.com', stripe_customer_id: null } }],
  'GET /lunipay/v1/customers/{id}': [{ kind: 'object' }],
  'PATCH /lunipay/v1/customers/{id}': [{ kind: 'object', body: { notes: 'Changed' } }],
  'GET /lunipay/v1/customers': [{ kind: 'list', query: 'limit=100' }],
  'DELETE /lunipay/v1/customers/{id}': [{ kind: 'object' }],
};

/** Every documented dialect operation, as `METHOD /path/{param}`; each must be a route of the router. */
function dialectOperations(app: FastifyInstance): string[] {
  const doc = app.swagger() as { paths: Record<string, Record<string, unknown>> };
  const keys: string[] = [];
  for (const [path, operations] of Object.entries(doc.paths)) {
    if (!DIALECT_PREFIXES.some((p) => path.startsWith(p))) continue;
    for (const method of Object.keys(operations)) {
      const url = path.replace(/\{([a-z_]+)\}/g, ':$1');
      expect(app.hasRoute({ method: method.toUpperCase() as HTTPMethods, url }), `${method} ${url} is a route`).toBe(true);
      keys.push(`${method.toUpperCase()} ${path}`);
    }
  }
  return keys.sort();
}

interface Target {
  id: string;
  external_id: string;
}

let unique = 0;

describe.each(STORES)('security: the dialect routes keep to the key’s scope (%s)', (kind) => {
  let t: TestApp;
  let other: { test: string };
  let restricted: string;

  const newTarget = async (key: string): Promise<Target> => {
    const externalId = `sec-${process.pid}-${++unique}`;
    const res = await t.api(key).post('/v1/customers', { external_id: externalId, email: `${externalId}@example.com`, name: 'Target' });
    expect(res.status).toBe(200);
    return { id: res.body.id, external_id: externalId };
  };

  const send = async (key: string | null, route: string, template: RequestTemplate, target: Target) => {
    const [method, path] = route.split(' ') as [string, string];
    const fill = (text: string) =>
      text.replace('{id}', target.id).replace('{external_id}', encodeURIComponent(target.external_id)).replace('{fresh}', `fresh-${process.pid}-${++unique}`);
    const url = fill(path) + (template.query ? `?${fill(template.query)}` : '');
    const body = template.body && JSON.parse(fill(JSON.stringify(template.body)));
    const res = await t.app.inject({
      method: method as 'GET',
      url,
      headers: { ...(key && { authorization: `Bearer ${key}` }), ...(body && { 'content-type': 'application/json' }) },
      ...(body && { payload: JSON.stringify(body) }),
    });
    return { status: res.statusCode, text: res.body, body: res.body ? JSON.parse(res.body) : undefined };
  };

  /** The error code of either wire format's error body. */
  const codeOf = (body: { error?: { code?: string; internal_error?: string } }) => body.error?.code ?? body.error?.internal_error;

  beforeAll(async () => {
    t = await createTestApp(kind);
    other = await t.newAccount('Another merchant');
    restricted = (await t.services.accounts.createKey(t.account.id, 'test', true, null)).secret;
  });
  afterAll(async () => t?.close());

  it('has a request for every dialect route, and no request for a route that does not exist', () => {
    const operations = dialectOperations(t.app);
    expect(operations.length).toBeGreaterThan(0);
    expect(operations.filter((o) => !REQUESTS[o]), 'dialect routes without an entry in REQUESTS').toEqual([]);
    expect(Object.keys(REQUESTS).filter((k) => !operations.includes(k)), 'REQUESTS entries that are no route').toEqual([]);
  });

  const cases = Object.entries(REQUESTS).flatMap(([route, templates]) => templates.map((template, i) => [`${route} #${i + 1}`, route, template] as const));

  it.each(cases)('%s: no key or an unknown key is 401', async (_label, route, template) => {
    const target = await newTarget(t.account.test);
    for (const key of [null, 'sk_test_000000000000000000000000000000000000000000000000']) {
      const res = await send(key, route, template, target);
      expect(res.status, res.text).toBe(401);
      expect(codeOf(res.body)).toBe('api_key_invalid');
    }
  });

  it.each(cases)("%s: another account's key and the other mode's key find nothing and change nothing", async (_label, route, template) => {
    const target = await newTarget(t.account.test);
    const before = (await t.api().get(`/v1/customers/${target.id}`)).raw.body;
    for (const key of [other.test, t.account.live]) {
      const res = await send(key, route, template, target);
      if (template.kind === 'object') {
        expect(res.status, res.text).toBe(404);
        expect(codeOf(res.body)).toBe('resource_missing');
      } else if (template.kind === 'list') {
        expect(res.status, res.text).toBe(200);
        expect(res.text).not.toContain(target.id);
      } else if (template.body && JSON.stringify(template.body).includes('{id}')) {
        // A create naming the target as its parent: the parent does not exist for this key.
        expect(res.status, res.text).toBe(400);
        expect(codeOf(res.body)).toBe('resource_missing');
      } else {
        // A create in the caller's own scope, which knows nothing of the target.
        expect(res.status, res.text).toBeLessThan(300);
        expect(res.text).not.toContain(target.id);
      }
    }
    expect((await t.api().get(`/v1/customers/${target.id}`)).raw.body).toBe(before);
  });

  it.each(cases)('%s: the owner is answered (the control), a restricted key only reads', async (_label, route, template) => {
    const target = await newTarget(t.account.test);
    const writes = !route.startsWith('GET ') && !route.endsWith('/search');
    const limited = await send(restricted, route, template, target);
    if (writes) {
      expect(limited.status, limited.text).toBe(403);
      expect(codeOf(limited.body)).toBe('permission_denied');
    } else {
      expect(limited.status, limited.text).toBe(200);
    }
    const owner = await send(t.account.test, route, template, target);
    expect(owner.status, owner.text).toBeLessThan(300);
    if (template.kind === 'list') expect(owner.text).toContain(target.id);
  });
});
