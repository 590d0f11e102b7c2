/**
 * SPEC W-10: `PATCH /v1/<object>/:id` wherever `POST /v1/<object>/:id` updates — seeds 002 and
 * 004 update customers with PATCH. The same route as the POST: body formats, validation,
 * events, If-Match and Idempotency-Key behave exactly alike.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type TestApp } from '../../helpers/harness.js';
import { createCustomer, expectCustomer, expectError, rawRequest } from '../customers/support.js';
import { WEBHOOK_TEST_ENV } from '../webhooks/support.js';

/** Seed 002's customer, as far as its fields are Stripe's (companyName, taxId, postalCode are its own spelling). */
const SEED_002_UPDATE = {
  email: 'john.doe@example.com',
  name: 'John Doe',
  phone: '+1234567890',
  address: { line1: '123 Main St', line2: 'Apt 4B', city: 'San Francisco', state: 'CA', country: 'US' },
  description: 'VIP customer',
  metadata: { tier: 'gold', source: 'referral' },
};

interface OpenApiOperation {
  summary?: string;
  description?: string;
  requestBody?: unknown;
  responses?: unknown;
}

describe.each(STORES)('PATCH on the Stripe API — W-10 (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind, WEBHOOK_TEST_ENV);
  });
  afterAll(async () => t?.close());

  it("updates a customer with seed 002's fields, as a form and as JSON, exactly as POST does", async () => {
    const viaPatch = await createCustomer(t.api(), { name: 'Before' });
    const viaPost = await createCustomer(t.api(), { name: 'Before' });
    const patched = await t.api().patch(`/v1/customers/${viaPatch.id}`, SEED_002_UPDATE, {}, { json: true });
    const posted = await t.api().post(`/v1/customers/${viaPost.id}`, SEED_002_UPDATE);
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expectCustomer(patched.body);
    const comparable = (body: Record<string, unknown>) => {
      const { id: _id, invoice_prefix: _prefix, created: _created, updated: _updated, ...rest } = body;
      return rest;
    };
    expect(comparable(patched.body)).toEqual(comparable(posted.body));
    expect(patched.body).toMatchObject({ ...SEED_002_UPDATE, address: { ...SEED_002_UPDATE.address, postal_code: null } });

    const asForm = await t.api().patch(`/v1/customers/${viaPatch.id}`, { metadata: { tier: '' }, name: 'Jane Doe' });
    expect(asForm.status).toBe(200);
    expect(asForm.body.metadata).toEqual({ source: 'referral' });
    expect((await t.api().get(`/v1/customers/${viaPatch.id}`)).body).toEqual(asForm.body);
  });

  it('validates as POST does: unknown fields and bad values are refused with the same errors', async () => {
    const customer = await createCustomer(t.api());
    expectError(await t.api().patch(`/v1/customers/${customer.id}`, { companyName: 'Acme Inc' }, {}, { json: true }), 400, {
      code: 'parameter_unknown',
      param: 'companyName',
    });
    expectError(await t.api().patch(`/v1/customers/${customer.id}`, { email: 'nope' }), 400, { code: 'email_invalid', param: 'email' });
    expectError(await t.api().patch('/v1/customers/cus_missing', { name: 'x' }), 404, { code: 'resource_missing' });
  });

  it('writes the same customer.updated event, with the previous attributes', async () => {
    const customer = await createCustomer(t.api(), { name: 'Old name' });
    const res = await t.api().patch(`/v1/customers/${customer.id}`, { name: 'New name' }, { 'idempotency-key': `evt-${customer.id}` });
    expect(res.status).toBe(200);
    const events = await t.api().get('/v1/events', { type: 'customer.updated' });
    const event = (events.body.data as Array<Record<string, any>>).find((e) => e.data.object.id === customer.id); // eslint-disable-line @typescript-eslint/no-explicit-any -- event JSON
    expect(event?.data.previous_attributes).toMatchObject({ name: 'Old name' });
    expect(event?.request).toEqual({ id: res.headers['request-id'], idempotency_key: `evt-${customer.id}`, actor: null });
  });

  it('honours If-Match: a stale ETag is 412 and nothing changes', async () => {
    const customer = await t.api().post('/v1/customers', { name: 'Guarded' });
    const stale = customer.headers.etag as string;
    const moved = await t.api().patch(`/v1/customers/${customer.body.id}`, { name: 'Moved' }, { 'if-match': stale });
    expect(moved.status).toBe(200);
    expect(moved.headers.etag).not.toBe(stale);
    expectError(await t.api().patch(`/v1/customers/${customer.body.id}`, { name: 'Lost' }, { 'if-match': stale }), 412, { code: 'precondition_failed' });
    expect((await t.api().get(`/v1/customers/${customer.body.id}`)).body.name).toBe('Moved');
  });

  it('honours Idempotency-Key: a retry replays the first answer; the key on the POST is another endpoint', async () => {
    const customer = await createCustomer(t.api());
    const key = `patch-${customer.id}`;
    const first = await t.api().patch(`/v1/customers/${customer.id}`, { description: 'once' }, { 'idempotency-key': key });
    const again = await t.api().patch(`/v1/customers/${customer.id}`, { description: 'once' }, { 'idempotency-key': key });
    expect(again.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.raw.body).toBe(first.raw.body);
    expect(again.headers.etag).toBe(first.headers.etag);
    expectError(await t.api().post(`/v1/customers/${customer.id}`, { description: 'once' }, { 'idempotency-key': key }), 400, {
      type: 'idempotency_error',
      code: 'idempotency_params_mismatch',
    });
    expect((await t.api().get(`/v1/customers/${customer.id}`)).body.updated_by).toBe(first.body.updated_by);
  });

  it('is a write: a restricted key gets 403, no key 401', async () => {
    const customer = await createCustomer(t.api());
    const restricted = await t.services.accounts.createKey(t.account.id, 'test', true, null);
    expectError(await t.api(restricted.secret).patch(`/v1/customers/${customer.id}`, { name: 'x' }), 403, { code: 'permission_denied' });
    expectError(await t.api(null).patch(`/v1/customers/${customer.id}`, { name: 'x' }), 401, { code: 'api_key_invalid' });
  });

  it('updates payment methods and webhook endpoints too', async () => {
    const pm = await t.api().post('/v1/payment_methods', { type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: 2040, cvc: '123' } });
    expect(pm.status, JSON.stringify(pm.body)).toBe(200);
    const pmPatched = await t.api().patch(`/v1/payment_methods/${pm.body.id}`, { metadata: { via: 'patch' }, billing_details: { name: 'Ada' } }, {}, { json: true });
    expect(pmPatched.status, JSON.stringify(pmPatched.body)).toBe(200);
    expect(pmPatched.body).toMatchObject({ id: pm.body.id, metadata: { via: 'patch' }, billing_details: { name: 'Ada' } });

    const endpoint = await t.api().post('/v1/webhook_endpoints', { url: 'http://127.0.0.1:9/hook', enabled_events: ['customer.created'] });
    expect(endpoint.status, JSON.stringify(endpoint.body)).toBe(200);
    const endpointPatched = await t.api().patch(`/v1/webhook_endpoints/${endpoint.body.id}`, { description: 'Patched' });
    expect(endpointPatched.status, JSON.stringify(endpointPatched.body)).toBe(200);
    expect(endpointPatched.body.description).toBe('Patched');
    expect((await t.api().get(`/v1/webhook_endpoints/${endpoint.body.id}`)).body.description).toBe('Patched');
  });

  it.each([
    ['/v1/customers'],
    ['/v1/customers/external/crm-1'],
    ['/v1/payment_methods/pm_1/attach'],
    ['/v1/customers/cus_1/tax_ids'],
    ['/v1/events/evt_1'],
  ])('PATCH %s is no route: only updates of one object take PATCH', async (url) => {
    expectError(await rawRequest(t, { method: 'PATCH', url, key: t.account.test, payload: '', contentType: 'application/x-www-form-urlencoded' }), 404, {
      code: 'route_unknown',
    });
  });

  it('every POST /v1/<object>/{id} (and /v1/<owner>/{id}/<object>/{id}) in the OpenAPI document has its PATCH, with the same body and responses', async () => {
    const doc = t.app.swagger() as { paths: Record<string, Record<string, OpenApiOperation>> };
    const updates = Object.entries(doc.paths).filter(([path, ops]) => /^\/v1\/(?:billing_portal\/)?[a-z_]+\/\{[a-z_]+\}(\/[a-z_]+\/\{[a-z_]+\})?$/.test(path) && ops.post);
    expect(updates.map(([path]) => path).sort()).toEqual(
      expect.arrayContaining([
        '/v1/customers/{id}',
        '/v1/payment_methods/{id}',
        '/v1/webhook_endpoints/{id}',
        '/v1/customers/{id}/contacts/{contact}',
        '/v1/customers/{id}/addresses/{address}',
        '/v1/billing_portal/configurations/{id}',
      ]),
    );
    for (const [path, ops] of updates) {
      expect(ops.patch, `PATCH ${path}`).toBeDefined();
      expect(ops.patch?.requestBody).toEqual(ops.post?.requestBody);
      expect(ops.patch?.responses).toEqual(ops.post?.responses);
      expect(ops.patch?.description).toContain('PATCH');
    }
    const others = Object.entries(doc.paths).filter(([path, ops]) => path.startsWith('/v1/') && ops.patch && !updates.some(([p]) => p === path));
    expect(others.map(([path]) => path)).toEqual([]);
  });
});
