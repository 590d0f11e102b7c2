/**
 * SPEC W-10: every client string must be well-formed Unicode, refused with 400 otherwise on
 * both stores (PostgreSQL cannot hold a lone surrogate; SQLite would keep a replacement
 * character, so without the check the two stores would answer differently).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type TestApp } from '../../helpers/harness.js';
import { countCustomers, expectError, rawRequest } from './support.js';

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

describe.each(STORES)('customers: well-formed Unicode only — W-10 (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());

  it.each([
    ['a lone high surrogate in a JSON value', '{"name":"Ada \\ud800"}', JSON_TYPE, 'name'],
    ['a lone low surrogate in a nested JSON value', '{"address":{"city":"\\udc00x"}}', JSON_TYPE, 'address[city]'],
    ['a lone surrogate in a metadata key', '{"metadata":{"k\\ud83d":"v"}}', JSON_TYPE, 'metadata'],
    ['a percent-encoded surrogate in a form value', 'name=Ada%20%ED%A0%80', FORM, 'name'],
    ['bytes that are no UTF-8 in a form value', 'description=%FF%FE', FORM, 'description'],
    ['a truncated UTF-8 sequence in a form key', 'metadata[%E2%82]=x', FORM, null],
  ])('%s is a 400 invalid_characters and creates nothing', async (_label, payload, contentType, param) => {
    const before = await countCustomers(t.api());
    const res = await rawRequest(t, { method: 'POST', url: '/v1/customers', key: t.account.test, payload, contentType });
    expectError(res, 400, { code: 'invalid_characters', param });
    expect(await countCustomers(t.api())).toBe(before);
  });

  it('a surrogate in the query string or the path is refused too', async () => {
    expectError(await rawRequest(t, { method: 'GET', url: '/v1/customers?email=%ED%A0%80', key: t.account.test }), 400, { code: 'invalid_characters' });
    expectError(await rawRequest(t, { method: 'GET', url: '/v1/customers/cus_%ED%A0%80', key: t.account.test }), 400, { code: 'url_invalid_encoding' });
  });

  it('paired surrogates (an emoji), escaped or as UTF-8, are stored and returned intact on either store', async () => {
    const escaped = await rawRequest(t, { method: 'POST', url: '/v1/customers', key: t.account.test, payload: '{"name":"Ada \\ud83d\\ude00"}', contentType: JSON_TYPE });
    expect(escaped.status, JSON.stringify(escaped.body)).toBe(200);
    expect(escaped.body.name).toBe('Ada 😀');
    const form = await rawRequest(t, { method: 'POST', url: '/v1/customers', key: t.account.test, payload: 'name=Ada%20%F0%9F%98%80&description=100%', contentType: FORM });
    expect(form.status, JSON.stringify(form.body)).toBe(200);
    expect(form.body).toMatchObject({ name: 'Ada 😀', description: '100%' });
    expect((await t.api().get(`/v1/customers/${form.body.id}`)).body.name).toBe('Ada 😀');
  });
});
