import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/domain/errors.js';
import { createTestApp, STORES, type TestApp } from '../helpers/harness.js';
import { expectError } from './customers/support.js';

/** Every `id="…"` in an HTML page. */
function idsIn(html: string): string[] {
  return [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!);
}

/** SPEC W-3: doc_url (<PUBLIC_URL>/docs/errors#<code>) resolves on the server that sent it. */
describe.each(STORES)('the reference at /docs/<name> (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());

  it('GET /docs/errors is an HTML page with an anchor for every catalogue code', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs/errors' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toMatch(/^<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">/);
    expect(res.body).toMatch(/<title>Errors · Clientele<\/title>/);
    expect(res.body.trimEnd().endsWith('</html>')).toBe(true);
    const ids = idsIn(res.body);
    expect(ERROR_CODES.filter((code) => !ids.includes(code)), 'codes without an anchor').toEqual([]);
    // Anchors are unique, and each code's is the heading of its entry.
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    for (const code of ERROR_CODES) expect(res.body).toContain(`<h3 id="${code}">${code}</h3>`);
    expect(ids).toEqual(expect.arrayContaining(['types-and-statuses', '401-authentication', '404-unknown-routes']));
  });

  it('runs no script and loads nothing from elsewhere', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs/errors' });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toMatch(/(^|; )default-src 'none'(;|$)/);
    expect(csp).not.toMatch(/script-src/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body).not.toMatch(/<script|<link|<iframe|\son[a-z]+=/i);
    expect(String(res.headers['request-id'])).toMatch(/^req_/);
  });

  it('serves the other guides too, with links between them kept relative', async () => {
    const errors = await t.app.inject({ method: 'GET', url: '/docs/errors' });
    expect(errors.body).toContain('<a href="customers#limits-and-formats">');
    expect(errors.body).not.toMatch(/href="[a-z-]+\.md/);
    const customers = await t.app.inject({ method: 'GET', url: '/docs/customers' });
    expect(customers.statusCode).toBe(200);
    expect(customers.body).toMatch(/<title>Customers · Clientele<\/title>/);
    expect(idsIn(customers.body)).toContain('limits-and-formats');
    // Another guide's link to an error entry lands on it.
    expect(customers.body).toContain('<a href="errors#expand_invalid">');
  });

  it('every link between the guides lands on a served page and an anchor in it', async () => {
    const names = readdirSync(new URL('../../docs/', import.meta.url))
      .filter((f) => f.endsWith('.md'))
      .map((f) => f.slice(0, -3));
    const pages = new Map<string, string>();
    for (const name of names) {
      const res = await t.app.inject({ method: 'GET', url: `/docs/${name}` });
      expect(res.statusCode, name).toBe(200);
      pages.set(name, res.body);
    }
    const broken: string[] = [];
    for (const [name, html] of pages) {
      for (const [, href] of html.matchAll(/href="([^"]*)"/g)) {
        // Outside the guides: the web, the OpenAPI browser (./), files of the repository (../).
        if (/^(https?:|\.\/$|\.\.\/)/.test(href!)) continue;
        const [page, fragment] = href!.split('#');
        const target = pages.get(page === '' ? name : page!);
        if (!target) broken.push(`${name}: ${href!} (no such page)`);
        else if (fragment && !idsIn(target).includes(fragment)) broken.push(`${name}: ${href!} (no such anchor)`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('answers HEAD without a body, and an unknown guide with the usual 404', async () => {
    const head = await t.app.inject({ method: 'HEAD', url: '/docs/errors' });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
    for (const url of ['/docs/nope', '/docs/errors.md', '/docs/..%2Fpackage']) {
      const raw = await t.app.inject({ method: 'GET', url });
      expectError({ status: raw.statusCode, body: JSON.parse(raw.body), headers: raw.headers, raw }, 404, { code: 'route_unknown' });
    }
  });

  it('leaves /docs itself to the OpenAPI browser', async () => {
    const index = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(index.statusCode).toBe(200);
    expect(index.body).toMatch(/swagger/i);
    const json = await t.app.inject({ method: 'GET', url: '/docs/json' });
    expect(json.statusCode).toBe(200);
    expect(JSON.parse(json.body).openapi).toBe('3.1.0');
  });
});
