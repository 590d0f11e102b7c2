import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type TestApp } from '../../helpers/harness.js';
import {
  createCustomer,
  CUSTOMER_ID,
  expectCustomer,
  expectError,
  KEY_ID,
  missingCustomerId,
  restoreClock,
  setClock,
} from './support.js';

/** SPEC C-1, C-2: create and retrieve; every field present, defaults as Stripe's. */
describe.each(STORES)('customers: create and retrieve (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());
  afterEach(() => restoreClock());

  it('an empty create returns every C-1 field with its default', async () => {
    setClock(1_700_000_123);
    const key = await t.services.accounts.createKey(t.account.id, 'test', false, null);
    const res = await t.api(key.secret).post('/v1/customers');
    expect(res.status).toBe(200);
    expect(String(res.headers['request-id'])).toMatch(/^req_/);
    expectCustomer(res.body);
    const { id, invoice_prefix: prefix, ...rest } = res.body;
    expect(id).toMatch(CUSTOMER_ID);
    expect(prefix).toMatch(/^[A-Z0-9]{3,12}$/);
    expect(rest).toEqual({
      object: 'customer',
      address: null,
      balance: 0,
      business_name: null,
      created: 1_700_000_123,
      currency: null,
      default_source: null,
      delinquent: false,
      description: null,
      discount: null,
      email: null,
      individual_name: null,
      invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
      livemode: false,
      metadata: {},
      name: null,
      next_invoice_sequence: 1,
      phone: null,
      preferred_locales: [],
      shipping: null,
      tax_exempt: 'none',
      test_clock: null,
      external_id: null,
      first_name: null,
      last_name: null,
      notes: null,
      parent: null,
      updated: 1_700_000_123,
      created_by: key.key.id,
      updated_by: key.key.id,
    });
  });

  it('a create with every writable field returns them and GET returns the same object', async () => {
    const params = {
      email: 'ada@example.com',
      name: 'Ada Lovelace',
      business_name: 'Analytical Engines Ltd',
      individual_name: 'Ada King',
      first_name: 'Ada',
      last_name: 'Lovelace',
      phone: '+44 20 7946 0018',
      description: 'First programmer',
      notes: 'Prefers email.\nCall after 10am.',
      balance: -250,
      external_id: `ext-${Date.now()}`,
      invoice_prefix: `AL${Date.now().toString().slice(-8)}`,
      next_invoice_sequence: 7,
      preferred_locales: ['en-GB', 'fr'],
      tax_exempt: 'reverse',
      address: { line1: '12 St James Sq', line2: 'Floor 2', city: 'London', state: 'LDN', postal_code: 'SW1Y 4JH', country: 'gb' },
      shipping: {
        name: 'Ada L.',
        phone: '+442079460018',
        address: { line1: '1 Dock Rd', city: 'Leeds', postal_code: 'LS1 1AA', country: 'GB' },
      },
      invoice_settings: {
        footer: 'Thank you',
        custom_fields: [{ name: 'PO', value: '4711' }],
        rendering_options: { amount_tax_display: 'include_inclusive_tax', template: 'tmpl_1' },
      },
      metadata: { tier: 'gold', region: 'emea' },
    };
    const res = await t.api().post('/v1/customers', params);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expectCustomer(res.body);
    expect(res.body).toMatchObject({
      email: params.email,
      name: params.name,
      business_name: params.business_name,
      individual_name: params.individual_name,
      first_name: 'Ada',
      last_name: 'Lovelace',
      phone: params.phone,
      description: params.description,
      notes: params.notes,
      balance: -250,
      external_id: params.external_id,
      invoice_prefix: params.invoice_prefix,
      next_invoice_sequence: 7,
      preferred_locales: ['en-GB', 'fr'],
      tax_exempt: 'reverse',
      livemode: false,
      metadata: { tier: 'gold', region: 'emea' },
    });
    // The country is upper-cased; missing address parts are present as null.
    expect(res.body.address).toEqual({
      line1: '12 St James Sq',
      line2: 'Floor 2',
      city: 'London',
      state: 'LDN',
      postal_code: 'SW1Y 4JH',
      country: 'GB',
    });
    expect(res.body.shipping).toEqual({
      name: 'Ada L.',
      phone: '+442079460018',
      address: { line1: '1 Dock Rd', line2: null, city: 'Leeds', state: null, postal_code: 'LS1 1AA', country: 'GB' },
    });
    expect(res.body.invoice_settings).toEqual({
      footer: 'Thank you',
      custom_fields: [{ name: 'PO', value: '4711' }],
      default_payment_method: null,
      rendering_options: { amount_tax_display: 'include_inclusive_tax', template: 'tmpl_1' },
    });

    const got = await t.api().get(`/v1/customers/${res.body.id}`);
    expect(got.status).toBe(200);
    expectCustomer(got.body);
    expect(got.body).toEqual(res.body);
  });

  it('the same create as JSON gives the same object', async () => {
    const body = {
      email: 'json@example.com',
      balance: 42,
      address: { line1: 'x', country: 'de' },
      metadata: { a: '1' },
      preferred_locales: ['de-DE'],
    };
    const res = await t.api().postJson('/v1/customers', body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expectCustomer(res.body);
    expect(res.body).toMatchObject({ email: 'json@example.com', balance: 42, metadata: { a: '1' }, preferred_locales: ['de-DE'] });
    expect(res.body.address).toEqual({ line1: 'x', line2: null, city: null, state: null, postal_code: null, country: 'DE' });
  });

  it('ids are opaque cus_ ids, distinct per customer', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) ids.add((await createCustomer(t.api())).id);
    expect(ids.size).toBe(5);
    for (const id of ids) expect(id).toMatch(CUSTOMER_ID);
  });

  it('created_by and updated_by name the key id, never the secret', async () => {
    const key = await t.services.accounts.createKey(t.account.id, 'test', false, null);
    const res = await t.api(key.secret).post('/v1/customers', { name: 'Key check' });
    expect(res.body.created_by).toMatch(KEY_ID);
    expect(res.body.created_by).toBe(key.key.id);
    expect(res.body.updated_by).toBe(key.key.id);
    expect(res.raw.body).not.toContain(key.secret);
    expect(res.raw.body).not.toContain(key.secret.slice(8));
  });

  it('a live key creates livemode objects', async () => {
    const res = await t.api(t.account.live).post('/v1/customers', { name: 'Live one' });
    expect(res.status).toBe(200);
    expectCustomer(res.body);
    expect(res.body.livemode).toBe(true);
    const got = await t.api(t.account.live).get(`/v1/customers/${res.body.id}`);
    expect(got.body.livemode).toBe(true);
  });

  it('retrieving a missing customer is 404 resource_missing naming the id', async () => {
    const id = missingCustomerId();
    const res = await t.api().get(`/v1/customers/${id}`);
    expectError(res, 404, { code: 'resource_missing', param: 'id' });
    expect(res.body.error.message).toContain(id);
  });

  it('includable fields stay absent without expand, and unknown expand paths are refused', async () => {
    const c = await createCustomer(t.api());
    const got = await t.api().get(`/v1/customers/${c.id}`);
    expectCustomer(got.body);
    for (const path of ['nope', 'address', 'data.stats']) {
      expectError(await t.api().get(`/v1/customers/${c.id}`, { expand: [path] }), 400, { code: 'expand_invalid', param: 'expand' });
    }
    const before = await t.api().get('/v1/customers', { limit: 100 });
    expectError(await t.api().post('/v1/customers', { name: 'x', expand: ['nope'] }), 400, { code: 'expand_invalid', param: 'expand' });
    const after = await t.api().get('/v1/customers', { limit: 100 });
    expect(after.body.data.length).toBe(before.body.data.length);
  });
});
