import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type Api, type TestApp } from '../../helpers/harness.js';
import { createCustomer, expectError, freshAccount } from '../customers/support.js';
import { expectQueryError, searchPage, searchRaw } from './support.js';

/** SPEC Q-1: every syntax or semantic error is a 400 on param "query" that points at its position. */
describe.each(STORES)('customers: search errors (%s)', (kind) => {
  let t: TestApp;
  let api: Api;

  beforeAll(async () => {
    t = await createTestApp(kind);
    ({ api } = await freshAccount(t));
    for (let i = 0; i < 3; i++) await createCustomer(api, { name: `Person ${i}`, email: `p${i}@example.com` });
  });
  afterAll(async () => t?.close());

  it('the envelope is the standard error, with param query and a caret under the position', async () => {
    const res = await searchRaw(api, 'name~"ab"');
    expectError(res, 400, { code: 'search_query_invalid', type: 'invalid_request_error', param: 'query' });
    expect(res.body.error.message).toBe(
      `Invalid query at position 5: '~' needs at least 3 characters to search for, got 2.\n  name~"ab"\n       ^`,
    );
  });

  it('syntax errors name what is wrong and where', async () => {
    await expectQueryError(api, 'email:', 6, /expected a value/);
    await expectQueryError(api, 'email:"jenny@example.com', 6, /unterminated string/);
    await expectQueryError(api, 'email "x"', 6, /expected an operator/);
    await expectQueryError(api, 'email="x"', 5, /Use ':'/);
    await expectQueryError(api, 'name:"a" name:"b"', 9, /expected AND or OR/);
    await expectQueryError(api, 'name:"a" and name:"b"', 9, /case-sensitive/);
    await expectQueryError(api, 'name:"a" AND', 9, /dangling/);
    await expectQueryError(api, '(name:"a")', 0, /parentheses/);
    await expectQueryError(api, 'name:"a\\n"', 7, /escape/);
    await expectQueryError(api, 'metadata[tier]:"x"', 9, /must be quoted/);
    await expectQueryError(api, 'metadata["tier"', 15, /']'/);
    await expectQueryError(api, '--name:"a"', 1, /double negation/);
    await expectQueryError(api, '   ', 0, /empty/);
  });

  it('AND and OR are never mixed', async () => {
    await expectQueryError(api, 'name:"a" AND email:"b" OR phone:"c"', 23, /cannot mix AND and OR/);
    await expectQueryError(api, 'name:"a" OR email:"b" AND phone:"c"', 22, /cannot mix AND and OR/);
  });

  it('at most 10 clauses', async () => {
    const clauses = Array.from({ length: 11 }, (_, i) => `metadata["k${i}"]:"v"`);
    const query = clauses.join(' OR ');
    const position = clauses.slice(0, 10).join(' OR ').length + ' OR '.length;
    await expectQueryError(api, query, position, /at most 10/);
    const ten = await searchPage(api, clauses.slice(0, 10).join(' OR '));
    expect(ten.ids).toEqual([]);
  });

  it('semantic errors: unknown fields, operators a field does not take, bad values', async () => {
    await expectQueryError(api, 'description:"x"', 0, /unknown field 'description'/);
    await expectQueryError(api, 'Email:"x"', 0, /lowercase/);
    await expectQueryError(api, 'email:"a" AND foo:"b"', 14, /unknown field 'foo'/);
    await expectQueryError(api, 'external_id~"abc"', 11, /only supported for email, name, phone and contact_email/);
    await expectQueryError(api, 'metadata["k"]~"abc"', 13, /only supported for email, name, phone and contact_email/);
    await expectQueryError(api, 'name>"abc"', 4, /only supported for created/);
    await expectQueryError(api, 'created>"yesterday"', 8, /integer Unix timestamp/);
    await expectQueryError(api, 'created~"123"', 7, /'~'/);
    await expectQueryError(api, 'created:null', 8, /never null/);
    await expectQueryError(api, 'email~null', 6, /null can only be used with ':'/);
    await expectQueryError(api, 'name:""', 5, /empty/);
  });

  it('`~` needs 3 characters (code points), on every substring field', async () => {
    await expectQueryError(api, 'email~"ab"', 6, /at least 3 characters/);
    await expectQueryError(api, 'phone~"12"', 6, /at least 3 characters/);
    await expectQueryError(api, 'name:"x" AND name~"ü"', 18, /got 1/);
    expect((await searchPage(api, 'name~"son"')).ids).toEqual(expect.any(Array));
    expect((await searchPage(api, 'name~"ers"')).ids).toHaveLength(3);
  });

  it('over-long queries are refused at the limit position', async () => {
    const long = `name:"${'x'.repeat(1000)}"`;
    await expectQueryError(api, long, 1000, /at most 1000/);
  });

  it('a missing query is parameter_missing', async () => {
    const res = await api.get('/v1/customers/search');
    expectError(res, 400, { code: 'parameter_missing', param: 'query' });
  });

  it('limit is 1..100', async () => {
    for (const limit of [0, 101, 'ten']) {
      expectError(await searchRaw(api, 'name~"son"', { limit }), 400, { code: 'parameter_invalid_integer', param: 'limit' });
    }
    expect((await searchPage(api, 'name~"per"', { limit: 1 })).ids).toHaveLength(1);
    expect((await searchPage(api, 'name~"per"', { limit: 100 })).ids).toHaveLength(3);
  });

  it('page must be a next_page of the same query', async () => {
    const first = await searchPage(api, 'name~"per"', { limit: 1 });
    expect(first.nextPage).toEqual(expect.any(String));
    const other = await searchRaw(api, 'name~"son"', { limit: 1, page: first.nextPage });
    expectError(other, 400, { code: 'search_page_invalid', param: 'page' });
    expect(other.body.error.message).toMatch(/different query/);
    // The same query spelled differently (quotes, spacing) is the same query.
    const respelled = await searchPage(api, "  name~'per' ", { limit: 1, page: first.nextPage });
    expect(respelled.ids).toHaveLength(1);
    expect(respelled.ids[0]).not.toBe(first.ids[0]);

    for (const page of ['garbage', 'eyJ2IjoxfQ', first.nextPage!.slice(0, -2), `${first.nextPage}x`]) {
      expectError(await searchRaw(api, 'name~"per"', { page }), 400, { code: 'search_page_invalid', param: 'page' });
    }
  });

  it('unknown parameters and expansions are refused', async () => {
    expectError(await searchRaw(api, 'name~"per"', { starting_after: 'cus_x' }), 400, { code: 'parameter_unknown' });
    expectError(await searchRaw(api, 'name~"per"', { expand: ['tax_ids'] }), 400, { code: 'expand_invalid', param: 'expand' });
    expectError(await searchRaw(api, 'name~"per"', { expand: ['data.nope'] }), 400, { code: 'expand_invalid', param: 'expand' });
  });

  // Keys (missing, unknown, restricted): test/security/shared-suite.test.ts.
});
