import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, ERROR_CODES, type ErrorCode } from '../../src/domain/errors.js';
import { createTestApp, STORES, type Api, type ApiResponse, type TestApp } from '../helpers/harness.js';
import { cardParams, createPaymentMethod } from './payment-methods/support.js';
import { createCustomer, ERROR_FIELDS, freshAccount, missingCustomerId, postForm, rawRequest, REQUEST_ID } from './customers/support.js';

interface Context {
  t: TestApp;
  api: Api;
}

interface Case {
  code: ErrorCode;
  label: string;
  send: (c: Context) => Promise<ApiResponse>;
}

/** A chain root ← … ← leaf of `levels` customers; returns their ids, root first. */
async function chain(api: Api, levels: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < levels; i++) ids.push((await createCustomer(api, ids.length ? { parent: ids[ids.length - 1] } : {})).id);
  return ids;
}

/** SPEC W-3: one bad request (or more) per code, each as a client would send it. */
const CASES: Case[] = [
  // The HTTP request itself
  { code: 'route_unknown', label: 'GET /v1/nope', send: ({ api }) => api.get('/v1/nope') },
  { code: 'route_unknown', label: 'PUT /v1/customers', send: ({ t }) => rawRequest(t, { method: 'PUT', url: '/v1/customers' }) },
  { code: 'body_invalid', label: 'malformed JSON', send: ({ api }) => api.postRaw('/v1/customers', '{"name": ', 'application/json') },
  { code: 'body_invalid', label: 'JSON nested 17 levels', send: ({ api }) => api.postRaw('/v1/customers', `${'['.repeat(17)}${']'.repeat(17)}`, 'application/json') },
  { code: 'body_invalid', label: 'a form nested 7 levels', send: ({ api }) => postForm(api, '/v1/customers', 'metadata[a][b][c][d][e][f][g]=1') },
  { code: 'body_invalid', label: 'a query string of 1001 parameters', send: ({ api }) => api.get(`/v1/customers?${Array.from({ length: 1001 }, (_, i) => `p${i}=1`).join('&')}`) },
  { code: 'body_too_large', label: 'a 2 MiB body', send: ({ api }) => postForm(api, '/v1/customers', `description=${'x'.repeat(2 * 1024 * 1024)}`) },
  { code: 'content_type_unsupported', label: 'text/plain', send: ({ api }) => api.postRaw('/v1/customers', 'name=x', 'text/plain') },
  {
    code: 'content_encoding_unsupported',
    label: 'Content-Encoding: compress',
    send: ({ api }) => api.postRaw('/v1/customers', 'name=x', 'application/x-www-form-urlencoded', { 'content-encoding': 'compress' }),
  },
  {
    code: 'body_not_allowed',
    label: 'a GET with a body',
    send: async ({ t }) => {
      const raw = await t.app.inject({ method: 'GET', url: '/v1/customers', headers: { authorization: `Bearer ${t.account.test}`, 'content-type': 'application/json' }, payload: '{}' });
      return { status: raw.statusCode, body: JSON.parse(raw.body), headers: raw.headers, raw };
    },
  },
  { code: 'legacy_api_unsupported', label: 'POST /v1/tokens', send: ({ api }) => api.post('/v1/tokens', { card: { exp_month: 1 } }) },
  { code: 'legacy_api_unsupported', label: 'source= on a customer create', send: ({ api }) => api.post('/v1/customers', { source: 'tok_visa' }) },
  { code: 'url_too_long', label: 'a path segment of 600 characters', send: ({ api }) => api.get(`/v1/customers/${'x'.repeat(600)}`) },
  { code: 'url_invalid_encoding', label: 'a broken percent-escape', send: ({ t }) => rawRequest(t, { method: 'GET', url: '/v1/customers/%E0%A4%A', key: t.account.test }) },
  {
    code: 'request_invalid',
    label: 'an unsatisfiable Range on a /docs asset',
    send: async ({ t }) => {
      const raw = await t.app.inject({ method: 'GET', url: '/docs/static/swagger-ui.css', headers: { range: 'bytes=999999999-' } });
      return { status: raw.statusCode, body: JSON.parse(raw.body), headers: raw.headers, raw };
    },
  },
  // Keys
  { code: 'api_key_invalid', label: 'no key', send: ({ t }) => t.api(null).get('/v1/customers') },
  { code: 'api_key_invalid', label: 'an unknown key', send: ({ t }) => t.api(`sk_test_${'0'.repeat(48)}`).get('/v1/customers') },
  {
    code: 'permission_denied',
    label: 'a restricted key writes',
    send: async ({ t }) => t.api((await t.services.accounts.createKey(t.account.id, 'test', true, null)).secret).post('/v1/customers', {}),
  },
  { code: 'actor_invalid', label: 'a Clientele-Actor of 101 characters', send: ({ api }) => api.post('/v1/customers', {}, { 'clientele-actor': 'x'.repeat(101) }) },
  // Parameters
  { code: 'parameter_unknown', label: 'nickname', send: ({ api }) => api.post('/v1/customers', { nickname: 'x' }) },
  { code: 'parameter_unknown', label: 'created[after] on a list', send: ({ api }) => api.get('/v1/customers', { created: { after: 1 } }) },
  { code: 'parameter_missing', label: 'shipping without a name', send: ({ api }) => api.post('/v1/customers', { shipping: { address: { line1: 'x' } } }) },
  { code: 'parameter_invalid_empty', label: 'balance=', send: ({ api }) => postForm(api, '/v1/customers', 'balance=') },
  { code: 'parameter_invalid_integer', label: 'limit=ten', send: ({ api }) => api.get('/v1/customers', { limit: 'ten' }) },
  { code: 'parameter_invalid_integer', label: 'limit=101', send: ({ api }) => api.get('/v1/customers', { limit: 101 }) },
  { code: 'parameter_invalid_string_too_long', label: 'a name of 257 characters', send: ({ api }) => api.post('/v1/customers', { name: 'x'.repeat(257) }) },
  { code: 'parameter_invalid_string_too_short', label: 'an empty external id in the path', send: ({ api }) => api.get('/v1/customers/external/') },
  {
    code: 'parameter_invalid_too_many_items',
    label: '11 preferred_locales',
    send: ({ api }) => api.post('/v1/customers', { preferred_locales: Array.from({ length: 11 }, () => 'en') }),
  },
  { code: 'parameter_invalid', label: 'a number for a string (JSON)', send: ({ api }) => api.postJson('/v1/customers', { name: 5 }) },
  { code: 'parameter_invalid', label: 'tax_exempt=partial', send: ({ api }) => api.post('/v1/customers', { tax_exempt: 'partial' }) },
  { code: 'parameter_invalid', label: 'an invoice_prefix in lower case', send: ({ api }) => api.post('/v1/customers', { invoice_prefix: 'abc1' }) },
  {
    code: 'parameters_exclusive',
    label: 'starting_after and ending_before',
    send: ({ api }) => api.get('/v1/customers', { starting_after: missingCustomerId(), ending_before: missingCustomerId() }),
  },
  { code: 'invalid_characters', label: 'a null byte in name', send: ({ api }) => api.post('/v1/customers', { name: 'Ada\u0000' }) },
  { code: 'invalid_characters', label: 'a line break in name', send: ({ api }) => api.post('/v1/customers', { name: 'Ada\nLovelace' }) },
  { code: 'email_invalid', label: 'email=nope', send: ({ api }) => api.post('/v1/customers', { email: 'nope' }) },
  { code: 'country_code_invalid', label: 'address[country]=ZZ', send: ({ api }) => api.post('/v1/customers', { address: { country: 'ZZ' } }) },
  {
    code: 'url_invalid',
    label: 'a webhook to loopback',
    send: ({ api }) => api.post('/v1/webhook_endpoints', { url: 'http://127.0.0.1/hook', enabled_events: ['*'] }),
  },
  { code: 'expand_invalid', label: 'expand[]=nope', send: async ({ api }) => api.get(`/v1/customers/${(await createCustomer(api)).id}`, { expand: ['nope'] }) },
  // Objects
  { code: 'resource_missing', label: 'a customer that does not exist (404)', send: ({ api }) => api.get(`/v1/customers/${missingCustomerId()}`) },
  { code: 'resource_missing', label: 'a cursor that does not exist (400)', send: ({ api }) => api.get('/v1/customers', { starting_after: missingCustomerId() }) },
  {
    code: 'resource_missing',
    label: 'a default payment method not attached (400)',
    send: async ({ api }) => {
      const pm = await createPaymentMethod(api);
      return api.post(`/v1/customers/${(await createCustomer(api)).id}`, { invoice_settings: { default_payment_method: pm.id } });
    },
  },
  {
    code: 'resource_already_exists',
    label: 'an external_id in use',
    send: async ({ api }) => {
      await createCustomer(api, { external_id: 'catalogue-taken' });
      return api.post('/v1/customers', { external_id: 'catalogue-taken' });
    },
  },
  {
    code: 'invoice_prefix_taken',
    label: 'an invoice_prefix in use',
    send: async ({ api }) => {
      await createCustomer(api, { invoice_prefix: 'CAT01' });
      return api.post('/v1/customers', { invoice_prefix: 'CAT01' });
    },
  },
  {
    code: 'precondition_failed',
    label: 'If-Match of an older version',
    send: async ({ api }) => {
      const c = await api.post('/v1/customers', { name: 'v1' });
      await api.post(`/v1/customers/${c.body.id as string}`, { name: 'v2' });
      return api.post(`/v1/customers/${c.body.id as string}`, { name: 'v3' }, { 'if-match': String(c.headers.etag) });
    },
  },
  // Hierarchy
  {
    code: 'hierarchy_cycle',
    label: 'a customer as its own parent',
    send: async ({ api }) => {
      const c = await createCustomer(api);
      return api.post(`/v1/customers/${c.id}`, { parent: c.id });
    },
  },
  { code: 'hierarchy_too_deep', label: 'a sixth level', send: async ({ api }) => api.post('/v1/customers', { parent: (await chain(api, 5))[4] }) },
  { code: 'merge_same_customer', label: 'a customer merged into itself', send: async ({ api }) => {
    const c = await createCustomer(api);
    return api.post(`/v1/customers/${c.id}/merge`, { source: c.id });
  } },
  { code: 'merge_would_create_cycle', label: 'a parent merged into its child', send: async ({ api }) => {
    const [root, child] = await chain(api, 2);
    return api.post(`/v1/customers/${child}/merge`, { source: root });
  } },
  { code: 'merge_external_id_conflict', label: 'two external ids, no choice', send: async ({ api }) => {
    const a = await createCustomer(api, { external_id: `a_${missingCustomerId()}` });
    const b = await createCustomer(api, { external_id: `b_${missingCustomerId()}` });
    return api.post(`/v1/customers/${a.id}/merge`, { source: b.id });
  } },
  { code: 'customer_merged', label: 'an update of a merged customer', send: async ({ api }) => {
    const a = await createCustomer(api);
    const b = await createCustomer(api);
    await api.post(`/v1/customers/${a.id}/merge`, { source: b.id });
    return api.post(`/v1/customers/${b.id}`, { name: 'too late' });
  } },
  { code: 'customer_has_children', label: 'deleting a parent', send: async ({ api }) => api.del(`/v1/customers/${(await chain(api, 2))[0] as string}`) },
  // Tax ids
  {
    code: 'tax_id_invalid',
    label: 'eu_vat nope',
    send: async ({ api }) => api.post(`/v1/customers/${(await createCustomer(api)).id}/tax_ids`, { type: 'eu_vat', value: 'nope' }),
  },
  {
    code: 'customer_max_tax_ids',
    label: 'a 26th tax id',
    send: async ({ api }) => {
      const c = await createCustomer(api);
      for (let i = 0; i < 25; i++) expect((await api.post(`/v1/customers/${c.id}/tax_ids`, { type: 'ca_bn', value: '123456789' })).status).toBe(200);
      return api.post(`/v1/customers/${c.id}/tax_ids`, { type: 'ca_bn', value: '123456789' });
    },
  },
  // Payment methods
  {
    code: 'payment_method_already_attached',
    label: 'attaching a method attached elsewhere',
    send: async ({ api }) => {
      const pm = await createPaymentMethod(api);
      expect((await api.post(`/v1/payment_methods/${pm.id}/attach`, { customer: (await createCustomer(api)).id })).status).toBe(200);
      return api.post(`/v1/payment_methods/${pm.id}/attach`, { customer: (await createCustomer(api)).id });
    },
  },
  {
    code: 'payment_method_unexpected_state',
    label: 'detaching a method that is not attached',
    send: async ({ api }) => api.post(`/v1/payment_methods/${(await createPaymentMethod(api)).id}/detach`, {}),
  },
  { code: 'incorrect_number', label: 'a number failing Luhn', send: ({ api }) => api.post('/v1/payment_methods', cardParams({ number: '4242424242424241' })) },
  { code: 'invalid_expiry_month', label: 'month 13', send: ({ api }) => api.post('/v1/payment_methods', cardParams({ exp_month: 13 })) },
  { code: 'invalid_expiry_year', label: 'last year', send: ({ api }) => api.post('/v1/payment_methods', cardParams({ exp_year: new Date().getUTCFullYear() - 1 })) },
  { code: 'invalid_cvc', label: 'a two-digit CVC', send: ({ api }) => api.post('/v1/payment_methods', cardParams({ cvc: '12' })) },
  // Charges, refunds, invoices
  {
    code: 'amount_too_small',
    label: 'a charge of 0',
    send: async ({ api }) => api.post('/v1/charges', { amount: 0, currency: 'usd', customer: (await createCustomer(api)).id }),
  },
  {
    code: 'amount_too_large',
    label: 'a charge of 100,000,000',
    send: async ({ api }) => api.post('/v1/charges', { amount: 100_000_000, currency: 'usd', customer: (await createCustomer(api)).id }),
  },
  {
    code: 'charge_already_refunded',
    label: 'refunding a fully refunded charge',
    send: async ({ api }) => {
      const charge = await api.post('/v1/charges', { amount: 100, currency: 'usd', customer: (await createCustomer(api)).id });
      expect((await api.post('/v1/refunds', { charge: charge.body.id })).status).toBe(200);
      return api.post('/v1/refunds', { charge: charge.body.id });
    },
  },
  {
    code: 'charge_not_refundable',
    label: 'refunding a failed charge',
    send: async ({ api }) => {
      const charge = await api.post('/v1/charges', { amount: 100, currency: 'usd', customer: (await createCustomer(api)).id, status: 'failed' });
      return api.post('/v1/refunds', { charge: charge.body.id });
    },
  },
  {
    code: 'charge_status_transition_invalid',
    label: 'a succeeded charge set back to pending',
    send: async ({ api }) => {
      const charge = await api.post('/v1/charges', { amount: 100, currency: 'usd', customer: (await createCustomer(api)).id });
      return api.post(`/v1/charges/${charge.body.id as string}`, { status: 'pending' });
    },
  },
  {
    code: 'invoice_not_editable',
    label: 'new lines on an open invoice',
    send: async ({ api }) => {
      const invoice = await api.post('/v1/invoices', { customer: (await createCustomer(api)).id, currency: 'usd' });
      expect((await api.post(`/v1/invoices/${invoice.body.id as string}/finalize`, {})).status).toBe(200);
      return api.post(`/v1/invoices/${invoice.body.id as string}`, { lines: [{ unit_amount: 1 }] });
    },
  },
  {
    code: 'invoice_status_transition_invalid',
    label: 'voiding a draft',
    send: async ({ api }) => {
      const invoice = await api.post('/v1/invoices', { customer: (await createCustomer(api)).id, currency: 'usd' });
      return api.post(`/v1/invoices/${invoice.body.id as string}/void`, {});
    },
  },
  {
    code: 'invoice_number_taken',
    label: 'finalizing after next_invoice_sequence was set back',
    send: async ({ api }) => {
      const customer = (await createCustomer(api)).id;
      for (let i = 0; i < 2; i++) {
        const invoice = await api.post('/v1/invoices', { customer, currency: 'usd' });
        if (i === 0) expect((await api.post(`/v1/invoices/${invoice.body.id as string}/finalize`, {})).status).toBe(200);
        else {
          await api.post(`/v1/customers/${customer}`, { next_invoice_sequence: 1 });
          return api.post(`/v1/invoices/${invoice.body.id as string}/finalize`, {});
        }
      }
      throw new Error('unreachable');
    },
  },
  // Search
  { code: 'search_query_invalid', label: 'an unknown field', send: ({ api }) => api.get('/v1/customers/search', { query: 'emial:"x"' }) },
  { code: 'search_page_invalid', label: 'a forged page cursor', send: ({ api }) => api.get('/v1/customers/search', { query: 'name:"x"', page: 'forged' }) },
  {
    code: 'portal_login_unavailable',
    label: 'a portal configuration with login_page[enabled]',
    send: ({ api }) => api.post('/v1/billing_portal/configurations', { login_page: { enabled: true } }),
  },
  {
    code: 'portal_configuration_inactive',
    label: 'a portal session with a deactivated configuration',
    send: async ({ api }) => {
      const customer = await createCustomer(api, {});
      await api.post('/v1/billing_portal/configurations', {});
      const spare = await api.post('/v1/billing_portal/configurations', { default_return_url: 'https://shop.example/' });
      await api.post(`/v1/billing_portal/configurations/${spare.body.id}`, { active: false });
      return api.post('/v1/billing_portal/sessions', { customer: customer.id, configuration: spare.body.id });
    },
  },
  // Idempotency
  {
    code: 'idempotency_key_invalid',
    label: 'a key of 256 characters',
    send: ({ api }) => api.post('/v1/customers', {}, { 'idempotency-key': 'k'.repeat(256) }),
  },
  {
    code: 'idempotency_params_mismatch',
    label: 'a key reused with other parameters',
    send: async ({ api }) => {
      expect((await api.post('/v1/customers', { name: 'a' }, { 'idempotency-key': 'catalogue-k1' })).status).toBe(200);
      return api.post('/v1/customers', { name: 'b' }, { 'idempotency-key': 'catalogue-k1' });
    },
  },
];

/**
 * Codes no single request above can produce, with the test that covers each. Nothing else may
 * be missing from CASES: a new code needs a request here or a line here.
 */
const COVERED_ELSEWHERE: Partial<Record<ErrorCode, string>> = {
  idempotency_key_in_use: 'needs a duplicate while the first request still runs: test/http/safe-writes/idempotency.test.ts',
  request_timeout: 'needs a slow client on a real socket: test/ops/timeouts.test.ts',
  rate_limit: 'needs a key over its budget: test/ops/rate-limits.test.ts',
  service_unavailable: 'needs a server starting, draining or at its connection cap: test/ops/timeouts.test.ts, test/ops/lifecycle.test.ts',
  internal_error: 'no client request may cause a 500; the handler maps anything unexpected to it',
  database_unavailable: 'GET /readyz with the database gone: test/http/system.test.ts',
  card_number_not_accepted: 'only clientele import refuses a row for carrying a card number: test/cli/bulk/import.test.ts',
  customer_max_contacts: 'needs 100 contacts first: test/http/contacts/contacts.test.ts',
  customer_max_addresses: 'needs 100 address book entries first: test/http/addresses/address-book.test.ts',
};

describe('the catalogue', () => {
  it('gives every 4xx code a 4xx status and the type its status calls for', () => {
    for (const code of ERROR_CODES) {
      const { statuses, type } = ERROR_CATALOGUE[code];
      for (const status of statuses) {
        if (status === 402) expect(type, code).toBe('card_error');
        else if (status >= 500 || code === 'idempotency_key_in_use') expect(type, code).toBe('api_error');
        else expect(['invalid_request_error', 'idempotency_error'], code).toContain(type);
      }
    }
  });

  it('is exercised here, code by code, except what needs another kind of test', () => {
    const driven = new Set(CASES.map((c) => c.code));
    const missing = ERROR_CODES.filter((code) => !driven.has(code) && COVERED_ELSEWHERE[code] === undefined);
    expect(missing).toEqual([]);
    expect(Object.keys(COVERED_ELSEWHERE).filter((code) => driven.has(code as ErrorCode))).toEqual([]);
  });
});

/** SPEC W-3: every 4xx a client can cause carries a code from the catalogue, with its status, type and doc_url. */
describe.each(STORES)('error catalogue over HTTP (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());

  it.each(CASES.map((c) => [c.code, c.label, c] as const))('%s: %s', async (code, _label, c) => {
    const { api } = await freshAccount(t);
    const res = await c.send({ t, api });
    const entry = ERROR_CATALOGUE[code];
    expect(entry.statuses, JSON.stringify(res.body)).toContain(res.status);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
    expect(String(res.headers['request-id'])).toMatch(REQUEST_ID);
    expect(Object.keys(res.body.error).sort()).toEqual(ERROR_FIELDS);
    expect(res.body.error).toMatchObject({ code, type: entry.type, doc_url: `${t.config.publicUrl}/docs/errors#${code}` });
    expect(res.body.error.message.length).toBeGreaterThan(0);
  });

  it('doc_url follows PUBLIC_URL', async () => {
    const proxied = await createTestApp(kind, { PUBLIC_URL: 'https://api.example.com/clientele' });
    try {
      const res = await proxied.api().get(`/v1/customers/${missingCustomerId()}`);
      expect(res.body.error.doc_url).toBe('https://api.example.com/clientele/docs/errors#resource_missing');
      const plain = await proxied.api().postRaw('/v1/customers', 'name=x', 'text/plain');
      expect(plain.body.error.doc_url).toBe('https://api.example.com/clientele/docs/errors#content_type_unsupported');
    } finally {
      await proxied.close();
    }
  });
});
