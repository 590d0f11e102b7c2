/**
 * The LuniPay-compatible customer API (SPEC D-2) over raw HTTP, exactly as seed 004 describes
 * it (there is no LuniPay SDK): its customer object, create, retrieve, PATCH update, the cursor
 * list newest first and delete, over the same customers as the Stripe API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type TestApp } from '../../helpers/harness.js';
import { expectError, rawRequest } from '../customers/support.js';

/** Seed 004's customer object, the fields a client writes. */
const SEED_004 = {
  email: 'ada@example.com',
  first_name: 'Ada',
  last_name: 'Lovelace',
  phone: '+18765551234',
  company_name: 'Analytical Engines Ltd.',
  notes: 'VIP — priority support',
  metadata: { internal_id: 'ACCT-42' },
};

/** Every attribute seed 004 lists for the customer object, in its order. */
const LUNIPAY_FIELDS = ['id', 'object', 'livemode', 'email', 'first_name', 'last_name', 'phone', 'company_name', 'notes', 'metadata', 'stripe_customer_id', 'created', 'updated'];

describe.each(STORES)('LuniPay wire format — D-2 (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());

  const lunipay = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown, key: string | null = t.account.test, headers: Record<string, string> = {}) =>
    t.app
      .inject({
        method,
        url: `/lunipay/v1${url}`,
        headers: { ...(key && { authorization: `Bearer ${key}` }), ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
        ...(body !== undefined && { payload: JSON.stringify(body) }),
      })
      .then((raw) => ({ status: raw.statusCode, body: raw.body === '' ? undefined : JSON.parse(raw.body), headers: raw.headers, raw }));

  it("creates seed 004's customer and returns its object, every attribute present", async () => {
    const res = await lunipay('POST', '/customers', SEED_004);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(Object.keys(res.body)).toEqual(LUNIPAY_FIELDS);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^cus_[0-9A-Za-z]+$/),
      object: 'customer',
      livemode: false,
      ...SEED_004,
      stripe_customer_id: null,
      created: expect.any(Number),
      updated: expect.any(Number),
    });
    expect(res.body.updated).toBe(res.body.created);
    expect((await lunipay('GET', `/customers/${res.body.id}`)).body).toEqual(res.body);
  });

  it('is the customer the Stripe API sees: company_name is business_name, names and notes as they are', async () => {
    const created = await lunipay('POST', '/customers', SEED_004);
    const stripe = await t.api().get(`/v1/customers/${created.body.id}`);
    expect(stripe.body).toMatchObject({
      id: created.body.id,
      email: SEED_004.email,
      first_name: 'Ada',
      last_name: 'Lovelace',
      phone: SEED_004.phone,
      business_name: SEED_004.company_name,
      notes: SEED_004.notes,
      metadata: SEED_004.metadata,
      created: created.body.created,
    });
    const viaStripe = await t.api().post('/v1/customers', { email: 'grace@example.com', business_name: 'Navy', individual_name: 'Grace', metadata: { x: '1' } });
    expect((await lunipay('GET', `/customers/${viaStripe.body.id}`)).body).toMatchObject({
      id: viaStripe.body.id,
      email: 'grace@example.com',
      company_name: 'Navy',
      first_name: null,
      metadata: { x: '1' },
      stripe_customer_id: null,
    });
  });

  it("shows the customer's stripe integration as stripe_customer_id, read-only here", async () => {
    const created = await lunipay('POST', '/customers', SEED_004);
    const id = created.body.id as string;
    const mapped = await t.api().post(`/v1/customers/${id}/integrations`, { provider: 'stripe', provider_id: `cus_Pxxxxxxxxxxxx${kind}` });
    expect(mapped.status, JSON.stringify(mapped.body)).toBe(200);
    await t.api().post(`/v1/customers/${id}/integrations`, { provider: 'stripe', provider_id: `cus_Later${kind}` });
    const got = await lunipay('GET', `/customers/${id}`);
    expect(got.body.stripe_customer_id).toBe(`cus_Pxxxxxxxxxxxx${kind}`);

    // Writing it back as it is, is fine; changing it is not.
    const same = await lunipay('PATCH', `/customers/${id}`, { stripe_customer_id: `cus_Pxxxxxxxxxxxx${kind}`, notes: 'round trip' });
    expect(same.status, JSON.stringify(same.body)).toBe(200);
    expect(same.body).toMatchObject({ notes: 'round trip', stripe_customer_id: `cus_Pxxxxxxxxxxxx${kind}` });
    expectError(await lunipay('PATCH', `/customers/${id}`, { stripe_customer_id: 'cus_Other' }), 400, { code: 'parameter_invalid', param: 'stripe_customer_id' });
    expectError(await lunipay('POST', '/customers', { ...SEED_004, stripe_customer_id: 'cus_Pxxxxxxxxxxxx' }), 400, { code: 'parameter_invalid', param: 'stripe_customer_id' });
    expect((await lunipay('POST', '/customers', { ...SEED_004, stripe_customer_id: null })).status).toBe(200);
  });

  it('updates any subset of the fields with PATCH; metadata merges and an empty value removes a key', async () => {
    const created = await lunipay('POST', '/customers', SEED_004);
    const id = created.body.id as string;
    const patched = await lunipay('PATCH', `/customers/${id}`, { last_name: 'King', company_name: null, metadata: { tier: 'gold' } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body).toMatchObject({ first_name: 'Ada', last_name: 'King', company_name: null, metadata: { internal_id: 'ACCT-42', tier: 'gold' } });
    expect(patched.body.updated).toBeGreaterThanOrEqual(created.body.updated);
    const removed = await t.app.inject({
      method: 'PATCH',
      url: `/lunipay/v1/customers/${id}`,
      headers: { authorization: `Bearer ${t.account.test}`, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'metadata[internal_id]=&phone=',
    });
    expect(removed.statusCode, removed.body).toBe(200);
    expect(JSON.parse(removed.body)).toMatchObject({ phone: null, metadata: { tier: 'gold' } });
    expectError(await lunipay('PATCH', `/customers/${id}`, { email: '' }), 400, { code: 'parameter_invalid_empty', param: 'email' });
    expectError(await lunipay('PATCH', `/customers/${id}`, { companyName: 'camelCase' }), 400, { code: 'parameter_unknown', param: 'companyName' });
    expectError(await lunipay('POST', `/customers/${id}`, { notes: 'POST is not its update' }), 404, { code: 'route_unknown' });
  });

  it('holds metadata to LuniPay’s 20 keys', async () => {
    const keys = (n: number, prefix = 'k') => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, 'v']));
    expectError(await lunipay('POST', '/customers', { email: 'm@example.com', metadata: keys(21) }), 400, { code: 'parameter_invalid_too_many_items', param: 'metadata' });
    const created = await lunipay('POST', '/customers', { email: 'm@example.com', metadata: keys(20) });
    expect(created.status).toBe(200);
    expectError(await lunipay('PATCH', `/customers/${created.body.id}`, { metadata: { one_more: 'v' } }), 400, {
      code: 'parameter_invalid_too_many_items',
      param: 'metadata',
    });
    expect((await lunipay('GET', `/customers/${created.body.id}`)).body.metadata).toEqual(keys(20));
    // A change that keeps it within 20 is fine.
    expect((await lunipay('PATCH', `/customers/${created.body.id}`, { metadata: { k0: '', one_more: 'v' } })).status).toBe(200);
  });

  it('requires an email on create, and validates as the Stripe API does', async () => {
    expectError(await lunipay('POST', '/customers', { first_name: 'No mail' }), 400, { code: 'parameter_missing', param: 'email' });
    expectError(await lunipay('POST', '/customers', { email: 'nope' }), 400, { code: 'email_invalid', param: 'email' });
    expectError(await lunipay('POST', '/customers', { email: 'a@example.com', phone: '1'.repeat(21) }), 400, { code: 'parameter_invalid_string_too_long', param: 'phone' });
    expectError(await lunipay('POST', '/customers', { email: 'a@example.com', first_name: 'tab\there' }), 400, { code: 'invalid_characters', param: 'first_name' });
  });

  it('lists newest first with cursors, in the list envelope', async () => {
    const { test } = await t.newAccount('LuniPay list');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await lunipay('POST', '/customers', { email: `l${i}@example.com` }, test)).body.id);
    const newestFirst = [...ids].reverse();
    const first = await lunipay('GET', '/customers?limit=2', undefined, test);
    expect(first.body).toMatchObject({ object: 'list', url: '/lunipay/v1/customers', has_more: true });
    expect(first.body.data.map((c: { id: string }) => c.id)).toEqual(newestFirst.slice(0, 2));
    for (const c of first.body.data) expect(Object.keys(c)).toEqual(LUNIPAY_FIELDS);
    const second = await lunipay('GET', `/customers?limit=2&starting_after=${newestFirst[1]}`, undefined, test);
    expect(second.body.data.map((c: { id: string }) => c.id)).toEqual(newestFirst.slice(2, 4));
    const back = await lunipay('GET', `/customers?limit=2&ending_before=${newestFirst[2]}`, undefined, test);
    expect(back.body.data.map((c: { id: string }) => c.id)).toEqual(newestFirst.slice(0, 2));
    const rest = await lunipay('GET', `/customers?limit=10&starting_after=${newestFirst[3]}`, undefined, test);
    expect(rest.body).toMatchObject({ has_more: false });
    expect(rest.body.data.map((c: { id: string }) => c.id)).toEqual([ids[0]]);
    expectError(await lunipay('GET', '/customers?limit=0', undefined, test), 400, { code: 'parameter_invalid_integer', param: 'limit' });
    expectError(await lunipay('GET', '/customers?starting_after=cus_nope', undefined, test), 400, { code: 'resource_missing', param: 'starting_after' });
  });

  it('deletes permanently as far as LuniPay can tell: 404 afterwards; the Stripe API keeps the tombstone', async () => {
    const created = await lunipay('POST', '/customers', SEED_004);
    const id = created.body.id as string;
    const deleted = await lunipay('DELETE', `/customers/${id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ id, object: 'customer', deleted: true });
    expectError(await lunipay('GET', `/customers/${id}`), 404, { code: 'resource_missing' });
    expectError(await lunipay('PATCH', `/customers/${id}`, { notes: 'x' }), 404, { code: 'resource_missing' });
    expectError(await lunipay('PATCH', `/customers/${id}`, { stripe_customer_id: null }), 404, { code: 'resource_missing' });
    expectError(await lunipay('DELETE', `/customers/${id}`), 404, { code: 'resource_missing' });
    expect((await t.api().get(`/v1/customers/${id}`)).body).toEqual({ id, object: 'customer', deleted: true });
    const listed = await lunipay('GET', '/customers?limit=100');
    expect(listed.body.data.map((c: { id: string }) => c.id)).not.toContain(id);
  });

  it('writes the same events, and honours If-Match', async () => {
    const created = await lunipay('POST', '/customers', SEED_004);
    const id = created.body.id as string;
    const stale = created.headers.etag as string;
    const patched = await lunipay('PATCH', `/customers/${id}`, { first_name: 'Augusta' }, t.account.test, { 'if-match': stale });
    expect(patched.status).toBe(200);
    expectError(await lunipay('PATCH', `/customers/${id}`, { first_name: 'Lost' }, t.account.test, { 'if-match': stale }), 412, { code: 'precondition_failed' });
    const events = await t.api().get('/v1/events', { type: 'customer.updated', limit: 100 });
    const event = (events.body.data as Array<{ data: { object: { id: string }; previous_attributes: unknown }; request: unknown }>).find((e) => e.data.object.id === id);
    expect(event?.data.previous_attributes).toMatchObject({ first_name: 'Ada' });
    expect(event?.request).toEqual({ id: patched.headers['request-id'], idempotency_key: null, actor: null });
  });

  it("keeps to the key's account and mode: livemode follows the key; no key is 401, a restricted key only reads", async () => {
    const created = await lunipay('POST', '/customers', SEED_004);
    const other = await t.newAccount('LuniPay other');
    expectError(await lunipay('GET', `/customers/${created.body.id}`, undefined, other.test), 404, { code: 'resource_missing' });
    expectError(await lunipay('PATCH', `/customers/${created.body.id}`, { notes: 'x' }, other.test), 404, { code: 'resource_missing' });
    expectError(await lunipay('DELETE', `/customers/${created.body.id}`, undefined, other.test), 404, { code: 'resource_missing' });
    expect((await lunipay('GET', '/customers?limit=100', undefined, other.test)).body.data).toEqual([]);
    expectError(await lunipay('GET', `/customers/${created.body.id}`, undefined, t.account.live), 404, { code: 'resource_missing' });
    const live = await lunipay('POST', '/customers', SEED_004, t.account.live);
    expect(live.body.livemode).toBe(true);
    expectError(await lunipay('GET', '/customers', undefined, null), 401, { code: 'api_key_invalid' });
    const restricted = await t.services.accounts.createKey(t.account.id, 'test', true, null);
    expectError(await lunipay('POST', '/customers', SEED_004, restricted.secret), 403, { code: 'permission_denied' });
    expect((await lunipay('GET', `/customers/${created.body.id}`, undefined, restricted.secret)).status).toBe(200);
    expectError(await rawRequest(t, { method: 'GET', url: '/lunipay/v1/invoices', key: t.account.test }), 404, { code: 'route_unknown' });
  });

  it('has its own section in the OpenAPI document', async () => {
    const doc = t.app.swagger() as { paths: Record<string, Record<string, { tags?: string[] }>> };
    const operations = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/lunipay/'))
      .flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => [`${method.toUpperCase()} ${path}`, op.tags] as const));
    expect(operations.map(([key]) => key).sort()).toEqual([
      'DELETE /lunipay/v1/customers/{id}',
      'GET /lunipay/v1/customers',
      'GET /lunipay/v1/customers/{id}',
      'PATCH /lunipay/v1/customers/{id}',
      'POST /lunipay/v1/customers',
    ]);
    for (const [, tags] of operations) expect(tags).toEqual(['LuniPay: Customers']);
  });
});
