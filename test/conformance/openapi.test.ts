import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/harness.js';
import { createCustomer } from '../http/customers/support.js';

const run = promisify(execFile);
const REDOCLY = fileURLToPath(new URL('../../node_modules/.bin/redocly', import.meta.url));

interface Operation {
  operationId?: string;
  parameters?: Array<{ in: string; name: string }>;
  requestBody?: { content: Record<string, unknown> };
  responses: Record<string, unknown>;
}
type Document = { servers?: Array<{ url: string }>; paths: Record<string, Record<string, Operation>> };

/**
 * #16 item 9: GET /openapi.json is complete enough to generate a client from. The document
 * describes itself once (one store suffices: it is built from the route schemas).
 */
describe('the OpenAPI document', () => {
  let t: TestApp;
  let doc: Document;
  let dir: string;
  beforeAll(async () => {
    t = await createTestApp('sqlite');
    doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    dir = mkdtempSync(join(tmpdir(), 'clientele-openapi-'));
    writeFileSync(join(dir, 'openapi.json'), JSON.stringify(doc));
  });
  afterAll(async () => t?.close());

  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));

  it('names every operation uniquely, has servers, and describes /healthz and /readyz', () => {
    const ids = operations().map(({ op }) => op.operationId);
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(doc.servers?.[0]?.url).toBe(t.config.publicUrl);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/healthz', '/readyz']));
  });

  it('declares both body encodings, the headers the API reads and the statuses it can answer', () => {
    for (const { path, method, op } of operations()) {
      if (!path.startsWith('/v1/')) continue;
      const headers = (op.parameters ?? []).filter((p) => p.in === 'header').map((p) => p.name);
      expect(headers, `${method} ${path}`).toContain('stripe-version');
      expect(op.responses, `${method} ${path}`).toHaveProperty('429');
      if (op.requestBody) {
        expect(Object.keys(op.requestBody.content).sort(), `${method} ${path}`).toEqual(['application/json', 'application/x-www-form-urlencoded']);
      }
      if (method === 'post') {
        expect(headers, `${method} ${path}`).toContain('idempotency-key');
        expect(op.responses, `${method} ${path}`).toHaveProperty('409');
      }
    }
    const update = doc.paths['/v1/customers/{id}']?.post;
    expect(update?.parameters?.map((p) => p.name)).toContain('if-match');
    expect(update?.responses).toHaveProperty('412');
    const retrieve = doc.paths['/v1/customers/{id}']?.get;
    expect(retrieve?.parameters?.map((p) => p.name)).toContain('if-none-match');
    expect(retrieve?.responses).toHaveProperty('304');
  });

  it('passes @redocly/cli lint with no errors', async () => {
    const { stdout, stderr } = await run(process.execPath, [REDOCLY, 'lint', join(dir, 'openapi.json'), '--format=json'], {
      cwd: dir,
      maxBuffer: 16 * 1024 * 1024,
    }).catch((error: { stdout: string; stderr: string }) => error);
    const report = JSON.parse(stdout.slice(stdout.indexOf('{'))) as { totals: { errors: number }; problems: Array<{ severity: string; message: string }> };
    expect(report.problems.filter((p) => p.severity === 'error').map((p) => p.message), stderr).toEqual([]);
    expect(report.totals.errors).toBe(0);
  }, 120_000 /* a lint of a few thousand lines in a child process; under 5 s on an idle machine */);

  it('generates a TypeScript client (openapi-typescript) whose types real responses satisfy', async () => {
    const api = t.api();
    const parent = await createCustomer(api, { name: 'Parent' });
    const created = await api.post('/v1/customers', {
      name: 'Typed',
      email: 'typed@example.com',
      parent: parent.id,
      metadata: { tier: 'gold' },
      tax_id_data: [{ type: 'eu_vat', value: 'DE136695976' }],
      address: { line1: '1 Main St', country: 'de' },
      expand: ['tax_ids', 'parent', 'children_count'],
    });
    const card = await api.post('/v1/payment_methods', {
      type: 'card',
      card: { number: '4242424242424242', exp_month: 12, exp_year: 2040, cvc: '123' },
      billing_details: { name: 'Typed' },
    });
    const attached = await api.post(`/v1/payment_methods/${card.body.id}/attach`, { customer: created.body.id, expand: ['customer'] });
    const samples: Array<[string, string, number, unknown]> = [
      ['/v1/customers', 'post', 200, created.body],
      ['/v1/customers/{id}', 'get', 200, (await api.get(`/v1/customers/${created.body.id}`, { expand: ['tax_ids.data.customer'] })).body],
      ['/v1/customers', 'get', 200, (await api.get('/v1/customers', { expand: ['data.integrations'] })).body],
      ['/v1/customers/search', 'get', 200, (await api.get('/v1/customers/search', { query: 'name~"Typ"' })).body],
      ['/v1/customers/{id}/children', 'get', 200, (await api.get(`/v1/customers/${parent.id}/children`)).body],
      ['/v1/payment_methods/{id}/attach', 'post', 200, attached.body],
      ['/v1/customers/{id}/payment_methods', 'get', 200, (await api.get(`/v1/customers/${created.body.id}/payment_methods`)).body],
      ['/v1/tax_ids', 'get', 200, (await api.get('/v1/tax_ids', { expand: ['data.owner.customer'] })).body],
      ['/v1/customers/{id}/integrations', 'post', 200, (await api.post(`/v1/customers/${created.body.id}/integrations`, { provider: 'stripe', provider_id: 'cus_typed' })).body],
      ['/v1/events', 'get', 200, (await api.get('/v1/events', { limit: 3 })).body],
      ['/v1/customers/{id}/export', 'get', 200, (await api.get(`/v1/customers/${created.body.id}/export`)).body],
      ['/v1/customers/{id}', 'get', 404, (await api.get('/v1/customers/cus_missing')).body],
      ['/v1/customers', 'post', 400, (await api.post('/v1/customers', { email: 'not an email' })).body],
    ];
    for (const [path, , , body] of samples) expect(body, path).toBeTypeOf('object');

    const types = astToString(await openapiTS(JSON.stringify(doc)));
    // Each real response assigned to the generated type of its operation and status: a field the
    // document does not declare, or a null where it allows none, is a compile error.
    const checks = samples
      .map(([path, method, status, body], i) => {
        const response = status < 300 ? String(status) : "'4XX'";
        return `export const typed${i}: paths['${path}']['${method}']['responses'][${response}]['content']['application/json'] = ${JSON.stringify(body)};`;
      })
      .join('\n');
    writeFileSync(join(dir, 'api.d.ts'), types);
    // And one wrong on purpose, so a check that passes everything would fail here.
    const wrong = { ...(created.body as Record<string, unknown>), email: 42 };
    const control = `export const wrong: paths['/v1/customers']['post']['responses'][200]['content']['application/json'] = ${JSON.stringify(wrong)};`;
    writeFileSync(join(dir, 'check.ts'), `import type { paths } from './api.js';\n${checks}\n${control}\n`);
    const program = ts.createProgram([join(dir, 'check.ts')], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      skipLibCheck: true,
      types: [],
    });
    const lastLine = samples.length + 1; // 0-based: the import, the samples, then the control
    const found = ts.getPreEmitDiagnostics(program).map((d) => ({
      line: d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : -1,
      text: ts.flattenDiagnosticMessageText(d.messageText, '\n').slice(0, 500),
    }));
    expect(found.filter((d) => d.line !== lastLine)).toEqual([]);
    expect(found.filter((d) => d.line === lastLine).map((d) => d.text).join('\n')).toContain("Type 'number' is not assignable");
  }, 120_000 /* type-checks a generated client of a few thousand lines; ~5 s on an idle machine */);
});
