import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type Api, type ApiResponse, type TestApp } from '../../helpers/harness.js';
import {
  clientWithHeader,
  countCustomers,
  createCustomer,
  expectCustomer,
  expectError,
  freshAccount,
  missingCustomerId,
  postForm,
  rawRequest,
  REQUEST_ID,
} from './support.js';

/** SPEC W-1..W-4, W-6 on the customer routes. */
describe.each(STORES)('customers: wire format (%s)', (kind) => {
  let t: TestApp;
  let api: Api;
  beforeAll(async () => {
    t = await createTestApp(kind);
    api = (await freshAccount(t)).api;
  });
  afterAll(async () => t?.close());

  describe('bodies (W-1)', () => {
    it('form values are coerced to integers where the schema says so', async () => {
      const res = await postForm(api, '/v1/customers', 'balance=5&next_invoice_sequence=3');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ balance: 5, next_invoice_sequence: 3 });
    });

    it('JSON bodies are not coerced: a string where an integer belongs is refused', async () => {
      const before = await countCustomers(api);
      expectError(await api.postJson('/v1/customers', { balance: '5' }), 400, {
        code: 'parameter_invalid_integer',
        param: 'balance',
      });
      expectError(await api.postJson('/v1/customers', { next_invoice_sequence: '2' }), 400, {
        code: 'parameter_invalid_integer',
        param: 'next_invoice_sequence',
      });
      expectError(await api.postJson('/v1/customers', { name: 5 }), 400, { code: 'parameter_invalid', param: 'name' });
      expectError(await api.postJson('/v1/customers', { preferred_locales: 'en' }), 400, { code: 'parameter_invalid', param: 'preferred_locales' });
      expect(await countCustomers(api)).toBe(before);
      const ok = await api.postJson('/v1/customers', { balance: 5 });
      expect(ok.body.balance).toBe(5);
    });

    it('form strings never become other types where the schema wants a string', async () => {
      const res = await postForm(api, '/v1/customers', 'name=123&description=true');
      expect(res.body).toMatchObject({ name: '123', description: 'true' });
    });

    it('takes bracket notation: indexed and empty-bracket arrays, nested objects, percent-encoded brackets', async () => {
      const indexed = await postForm(api, '/v1/customers', 'preferred_locales[0]=en&preferred_locales[1]=fr');
      expect(indexed.body.preferred_locales).toEqual(['en', 'fr']);
      const pushed = await postForm(api, '/v1/customers', 'preferred_locales[]=de&preferred_locales[]=it');
      expect(pushed.body.preferred_locales).toEqual(['de', 'it']);
      const encoded = await postForm(
        api,
        '/v1/customers',
        'metadata%5Btier%5D=gold&address%5Bcountry%5D=nl&invoice_settings%5Bcustom_fields%5D%5B0%5D%5Bname%5D=PO&invoice_settings%5Bcustom_fields%5D%5B0%5D%5Bvalue%5D=9',
      );
      expect(encoded.status, JSON.stringify(encoded.body)).toBe(200);
      expect(encoded.body.metadata).toEqual({ tier: 'gold' });
      expect(encoded.body.address.country).toBe('NL');
      expect(encoded.body.invoice_settings.custom_fields).toEqual([{ name: 'PO', value: '9' }]);
    });

    it('accepts content types with a charset', async () => {
      const json = await api.postRaw('/v1/customers', '{"name":"cs"}', 'application/json; charset=utf-8');
      expect(json.status).toBe(200);
      const form = await api.postRaw('/v1/customers', 'name=cs', 'application/x-www-form-urlencoded; charset=utf-8');
      expect(form.status).toBe(200);
    });
  });

  describe('unknown parameters (W-3)', () => {
    const c = { id: '' };
    beforeAll(async () => {
      c.id = (await createCustomer(api, { name: 'Target' })).id;
    });

    it.each([
      ['foo=1', 'foo'],
      ['address[foo]=1', 'address[foo]'],
      ['shipping[name]=a&shipping[address][foo]=1', 'shipping[address][foo]'],
      ['invoice_settings[nope]=1', 'invoice_settings[nope]'],
      ['invoice_settings[rendering_options][nope]=1', 'invoice_settings[rendering_options][nope]'],
      ['invoice_settings[custom_fields][0][name]=a&invoice_settings[custom_fields][0][value]=b&invoice_settings[custom_fields][0][x]=c', 'invoice_settings[custom_fields][0][x]'],
      ['name=ok&Name=dup', 'Name'],
      ['object=customer', 'object'],
      ['id=cus_123', 'id'],
      ['livemode=true', 'livemode'],
      ['created=1', 'created'],
    ])('form `%s` on create and update is parameter_unknown naming %s', async (body, param) => {
      const before = await countCustomers(api);
      const original = (await api.get(`/v1/customers/${c.id}`)).body;
      expectError(await postForm(api, '/v1/customers', body), 400, { code: 'parameter_unknown', param });
      expectError(await postForm(api, `/v1/customers/${c.id}`, body), 400, { code: 'parameter_unknown', param });
      expect(await countCustomers(api)).toBe(before);
      expect((await api.get(`/v1/customers/${c.id}`)).body).toEqual(original);
    });

    it('JSON unknown parameters are refused too, nested ones named in bracket notation', async () => {
      expectError(await api.postJson('/v1/customers', { foo: 1 }), 400, { code: 'parameter_unknown', param: 'foo' });
      expectError(await api.postJson('/v1/customers', { address: { line1: 'x', zip: '1' } }), 400, {
        code: 'parameter_unknown',
        param: 'address[zip]',
      });
    });

    it('query parameters are checked on every read and delete route', async () => {
      const ext = `wire-${c.id}`;
      await api.post(`/v1/customers/${c.id}`, { external_id: ext });
      expectError(await api.get(`/v1/customers/${c.id}`, { foo: '1' }), 400, { code: 'parameter_unknown', param: 'foo' });
      expectError(await api.get('/v1/customers', { foo: '1' }), 400, { code: 'parameter_unknown', param: 'foo' });
      expectError(await api.get(`/v1/customers/external/${ext}`, { foo: '1' }), 400, { code: 'parameter_unknown', param: 'foo' });
      const del = await api.del(`/v1/customers/${c.id}?foo=1`);
      expectError(del, 400, { code: 'parameter_unknown', param: 'foo' });
      expect((await api.get(`/v1/customers/${c.id}`)).body.object).toBe('customer');
      expect((await api.get(`/v1/customers/${c.id}`)).body.deleted).toBeUndefined();
    });

    it('query parameters on a POST are not silently dropped', async () => {
      const before = await countCustomers(api);
      expectError(await postForm(api, '/v1/customers?email=q@example.com', 'name=x'), 400, {
        code: 'parameter_unknown',
        param: 'email',
      });
      expect(await countCustomers(api)).toBe(before);
    });
  });

  describe('expand (W-6)', () => {
    it('refuses unknown paths on create, retrieve, update, list and external routes', async () => {
      const c = await createCustomer(api, { external_id: `exp-${Date.now()}` });
      const before = await countCustomers(api);
      expectError(await api.post('/v1/customers', { expand: ['nope'] }), 400, { code: 'expand_invalid', param: 'expand' });
      expectError(await postForm(api, '/v1/customers', 'expand[0]=nope'), 400, { code: 'expand_invalid', param: 'expand' });
      expectError(await api.get(`/v1/customers/${c.id}`, { expand: ['nope'] }), 400, { code: 'expand_invalid', param: 'expand' });
      expectError(await api.post(`/v1/customers/${c.id}`, { name: 'changed', expand: ['nope'] }), 400, { code: 'expand_invalid', param: 'expand' });
      expectError(await api.get('/v1/customers', { expand: ['data.nope'] }), 400, { code: 'expand_invalid', param: 'expand' });
      expectError(await api.get(`/v1/customers/external/${c.external_id}`, { expand: ['nope'] }), 400, { code: 'expand_invalid', param: 'expand' });
      expectError(await api.post('/v1/customers/external/exp-new', { expand: ['nope'] }), 400, { code: 'expand_invalid', param: 'expand' });
      expect(await countCustomers(api)).toBe(before);
      expect((await api.get(`/v1/customers/${c.id}`)).body).toEqual(c);
    });
  });

  describe('headers (W-4)', () => {
    const requestIdOf = (res: ApiResponse) => String(res.headers['request-id']);

    it('every response carries a distinct Request-Id, errors and 404s included', async () => {
      const c = await createCustomer(api);
      const responses: ApiResponse[] = [
        await api.post('/v1/customers'),
        await api.get(`/v1/customers/${c.id}`),
        await api.get('/v1/customers'),
        await api.post(`/v1/customers/${c.id}`, { name: 'x' }),
        await api.post('/v1/customers', { email: 'bad' }),
        await api.get(`/v1/customers/${missingCustomerId()}`),
        await api.get('/v1/does-not-exist'),
        await clientWithHeader(t).get('/v1/customers'),
        await api.postRaw('/v1/customers', 'x', 'text/plain'),
        await api.del(`/v1/customers/${c.id}`),
      ];
      const ids = responses.map(requestIdOf);
      for (const id of ids) expect(id).toMatch(REQUEST_ID);
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('echoes Stripe-Version and Idempotency-Key when sent, and not otherwise', async () => {
      const key = `idem-${Date.now()}-${Math.random()}`;
      const res = await api.post('/v1/customers', { name: 'echo' }, { 'stripe-version': '2024-06-20', 'idempotency-key': key });
      expect(res.status).toBe(200);
      expect(res.headers['stripe-version']).toBe('2024-06-20');
      expect(res.headers['idempotency-key']).toBe(key);
      const got = await api.get(`/v1/customers/${res.body.id}`, {}, { 'stripe-version': '2023-10-16' });
      expect(got.headers['stripe-version']).toBe('2023-10-16');
      expect(got.headers['idempotency-key']).toBeUndefined();
      const error = await api.post('/v1/customers', { email: 'bad' }, { 'stripe-version': '2024-06-20' });
      expect(error.status).toBe(400);
      expect(error.headers['stripe-version']).toBe('2024-06-20');
      const plain = await api.get(`/v1/customers/${res.body.id}`);
      expect(plain.headers['stripe-version']).toBeUndefined();
    });
  });

  describe('routes', () => {
    it.each([
      ['GET', '/v1/nope'],
      ['GET', '/v1/customers/cus_1/nope'],
      ['POST', '/v1/customers/cus_1/nope'],
      ['PUT', '/v1/customers'],
      // PATCH /v1/customers/:id is the update (SPEC W-10); the collection has no PATCH.
      ['PATCH', '/v1/customers'],
      ['GET', '/nope'],
    ])('%s %s is a 404 envelope', async (method, url) => {
      const res = await rawRequest(t, { method: method as 'GET', url, key: t.account.test });
      expectError(res, 404, { code: 'route_unknown' });
      expect(res.body.error.message).toContain(url);
    });

    it('customer objects are JSON with object: customer', async () => {
      const res = await api.post('/v1/customers');
      expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
      expectCustomer(res.body);
    });
  });
});
