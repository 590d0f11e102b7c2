import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type TestApp } from '../helpers/harness.js';
import { expectError } from './customers/support.js';

interface OpenApiDoc {
  openapi: string;
  info: { title: string };
  paths: Record<string, Record<string, { summary?: string; responses: Record<string, unknown> }>>;
  components: { schemas: Record<string, unknown> };
}

/** Full paths and methods from Fastify's route tree printout (children indented by 4 columns). */
function routesOf(tree: string): Array<[string, string[]]> {
  const stack: string[] = [];
  const out: Array<[string, string[]]> = [];
  for (const line of tree.split('\n')) {
    const match = /^([│ ]*)(?:├── |└── )(\S+) \(([A-Z, ]+)\)$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    stack.length = depth;
    stack.push(match[2]!);
    out.push([stack.join(''), match[3]!.split(', ')]);
  }
  return out;
}

/** SPEC R-3: health, readiness and the generated API reference. */
describe.each(STORES)('system routes (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());

  it('answers /healthz and /readyz without a key', async () => {
    const health = await t.api(null).get('/healthz');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });
    const ready = await t.api(null).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready' });
  });

  it('answers /readyz with 503 database_unavailable, from the catalogue, when the database is gone', async () => {
    const gone = await createTestApp(kind);
    try {
      expect((await gone.api(null).get('/readyz')).status).toBe(200);
      // The real store, closed: its ping fails as it does when the database is unreachable.
      await gone.store.close();
      const res = await gone.api(null).get('/readyz');
      expectError(res, 503, { type: 'api_error', code: 'database_unavailable', param: null });
      expect(res.body.error.doc_url).toBe(`${gone.config.publicUrl}/docs/errors#database_unavailable`);
      expect(res.body.error.message).toBe('The database is not reachable.');
      // Liveness does not depend on the database.
      expect((await gone.api(null).get('/healthz')).status).toBe(200);
    } finally {
      await gone.app.close();
    }
  });

  it('serves an OpenAPI 3.1 document generated from the route schemas, covering every /v1 route', async () => {
    const r = await t.api(null).get('/openapi.json');
    expect(r.status).toBe(200);
    const doc = r.body as OpenApiDoc;
    expect(doc.openapi).toBe('3.1.0');
    const routes = routesOf(t.app.printRoutes({ commonPrefix: false })).filter(([path]) => path.startsWith('/v1/'));
    expect(routes.length).toBeGreaterThan(10);
    for (const [path, methods] of routes) {
      const openapiPath = path.replace(/:([a-z_]+)/g, '{$1}');
      for (const method of methods.filter((m) => m !== 'HEAD')) {
        const operation = doc.paths[openapiPath]?.[method.toLowerCase()];
        expect(operation, `${method} ${openapiPath} is documented`).toBeDefined();
        expect(operation!.summary, `${method} ${openapiPath} has a summary`).toBeTruthy();
        expect(Object.keys(operation!.responses)).toEqual(expect.arrayContaining(['4XX']));
      }
    }
    for (const name of ['Customer', 'DeletedCustomer', 'PaymentMethod', 'TaxId', 'ErrorEnvelope']) {
      expect(Object.keys(doc.components.schemas)).toContain(name);
    }
  });

  it('serves a readable reference at /docs', async () => {
    const index = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(index.statusCode).toBe(200);
    expect(index.headers['content-type']).toMatch(/text\/html/);
    expect(index.body).toMatch(/swagger/i);
    const entry = await t.app.inject({ method: 'GET', url: '/docs' });
    expect([200, 302]).toContain(entry.statusCode);
  });
});
