import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type TestApp } from '../helpers/harness.js';
import { expectError } from '../http/customers/support.js';

const FUTURE_YEAR = new Date().getUTCFullYear() + 3;

/**
 * #16 items 1–3: expand[] on every object kind, as Stripe documents it, through raw HTTP and the
 * official SDK: `customer` on tax ids, payment methods and integrations, nested paths up to four
 * levels, `data.` on every list, and the compatibility fields default_source and test_clock.
 */
describe.each(STORES)('expand on every object (%s)', (kind) => {
  let t: TestApp;
  let stripe: Stripe;
  let parentId: string;
  let customerId: string;
  let pmId: string;
  let taxId: string;
  beforeAll(async () => {
    t = await createTestApp(kind);
    const { port } = await t.listen();
    stripe = new Stripe(t.account.test, { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0 });
    parentId = (await stripe.customers.create({ name: 'Parent' })).id;
    const customer = await t.api().post('/v1/customers', { name: 'Child', parent: parentId });
    customerId = customer.body.id;
    pmId = (await stripe.paymentMethods.create({ type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: FUTURE_YEAR, cvc: '123' } })).id;
    await stripe.paymentMethods.attach(pmId, { customer: customerId });
    await stripe.customers.update(customerId, { invoice_settings: { default_payment_method: pmId } });
    taxId = (await stripe.customers.createTaxId(customerId, { type: 'us_ein', value: '12-3456789' })).id;
  });
  afterAll(async () => t?.close());

  it('tax ids: customer on create, retrieve, list and the top-level API (SDK)', async () => {
    const created = await stripe.customers.createTaxId(customerId, { type: 'eu_vat', value: 'DE136695976', expand: ['customer'] });
    expect((created.customer as Stripe.Customer).id).toBe(customerId);
    const retrieved = await stripe.customers.retrieveTaxId(customerId, taxId, { expand: ['customer'] });
    expect((retrieved.customer as Stripe.Customer).name).toBe('Child');
    const listed = await stripe.customers.listTaxIds(customerId, { expand: ['data.customer'] });
    expect(listed.data.every((x) => (x.customer as Stripe.Customer).object === 'customer')).toBe(true);
    const top = await stripe.taxIds.retrieve(taxId, { expand: ['owner.customer'] });
    expect((top.owner?.customer as Stripe.Customer).id).toBe(customerId);
    const deleted = await stripe.customers.deleteTaxId(customerId, created.id, { expand: ['customer'] } as never);
    expect(deleted).toMatchObject({ id: created.id, deleted: true });
  });

  it('payment methods: customer on create, retrieve, update, attach, detach and lists (SDK)', async () => {
    const retrieved = await stripe.paymentMethods.retrieve(pmId, { expand: ['customer'] });
    expect((retrieved.customer as Stripe.Customer).id).toBe(customerId);
    const updated = await stripe.paymentMethods.update(pmId, { metadata: { a: 'b' }, expand: ['customer'] });
    expect((updated.customer as Stripe.Customer).id).toBe(customerId);
    const listed = await stripe.customers.listPaymentMethods(customerId, { expand: ['data.customer'] });
    expect((listed.data[0]?.customer as Stripe.Customer).id).toBe(customerId);
    const one = await stripe.customers.retrievePaymentMethod(customerId, pmId, { expand: ['customer'] });
    expect((one.customer as Stripe.Customer).id).toBe(customerId);
    const other = await stripe.paymentMethods.create({
      type: 'card',
      card: { number: '5555555555554444', exp_month: 1, exp_year: FUTURE_YEAR, cvc: '321' },
      expand: ['customer'],
    });
    expect(other.customer).toBeNull();
    const attached = await stripe.paymentMethods.attach(other.id, { customer: customerId, expand: ['customer'] });
    expect((attached.customer as Stripe.Customer).id).toBe(customerId);
    const detached = await stripe.paymentMethods.detach(other.id, { expand: ['customer'] });
    expect(detached.customer).toBeNull();
  });

  it('nests up to four levels wherever each step is expandable (HTTP)', async () => {
    const res = await t.api().get(`/v1/customers/${customerId}`, {
      expand: ['tax_ids.data.customer.parent', 'invoice_settings.default_payment_method.customer', 'parent'],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const taxIdCustomer = res.body.tax_ids.data[0].customer;
    expect([taxIdCustomer.id, taxIdCustomer.parent.id, taxIdCustomer.parent.object]).toEqual([customerId, parentId, 'customer']);
    expect(res.body.invoice_settings.default_payment_method.customer.id).toBe(customerId);
    expect(res.body.parent.id).toBe(parentId);
    const list = await t.api().get('/v1/customers', { expand: ['data.tax_ids.data.customer'] });
    const child = list.body.data.find((c: { id: string }) => c.id === customerId);
    expect(child.tax_ids.data[0].customer.id).toBe(customerId);
    // Five levels is one too many; a step that is not expandable is named.
    expectError(await t.api().get(`/v1/customers/${customerId}`, { expand: ['parent.parent.parent.parent.parent'] }), 400, { code: 'expand_invalid', param: 'expand' });
    const notExpandable = await t.api().get(`/v1/customers/${customerId}`, { expand: ['tax_ids.data.value'] });
    expectError(notExpandable, 400, { code: 'expand_invalid' });
    expect(notExpandable.body.error.message).toContain('a tax_id can expand customer, owner.customer');
  });

  it('a plain expand=x is a one-element list, in query strings, forms and JSON (HTTP)', async () => {
    const auth = { authorization: `Bearer ${t.account.test}` };
    const query = await t.app.inject({ method: 'GET', url: `/v1/customers/${customerId}?expand=tax_ids`, headers: auth });
    expect(JSON.parse(query.body).tax_ids.object).toBe('list');
    const form = await t.app.inject({
      method: 'POST',
      url: `/v1/customers/${customerId}`,
      headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'expand=parent',
    });
    expect(JSON.parse(form.body).parent.id).toBe(parentId);
    const json = await t.api().postJson(`/v1/customers/${customerId}`, { expand: 'children_count' });
    expect(json.body.children_count).toBe(0);
    expectError(await t.api().get('/v1/customers', { expand: 'tax_ids' }), 400, { code: 'expand_invalid' });
  });

  it('default_source and test_clock expand to null, on retrieve and lists (SDK)', async () => {
    const customer = await stripe.customers.retrieve(customerId, { expand: ['default_source', 'test_clock'] });
    expect([(customer as Stripe.Customer).default_source, (customer as Stripe.Customer).test_clock]).toEqual([null, null]);
    const list = await stripe.customers.list({ expand: ['data.default_source', 'data.test_clock'], limit: 3 });
    expect(list.data.every((c) => c.default_source === null && c.test_clock === null)).toBe(true);
  });

  it('accepts expand on every endpoint, validated against what that object can expand (HTTP)', async () => {
    const api = t.api();
    const event = (await api.get('/v1/events', { limit: 1 })).body.data[0];
    const integration = (await api.post(`/v1/customers/${customerId}/integrations`, { provider: 'hubspot', provider_id: 'hs_1', expand: ['customer'] })).body;
    expect(integration.customer.id).toBe(customerId);
    for (const [path, expand] of [
      [`/v1/payment_methods/${pmId}`, ['customer']],
      [`/v1/customers/${customerId}/payment_methods/${pmId}`, ['customer']],
      [`/v1/customers/${customerId}/tax_ids/${taxId}`, ['customer']],
      [`/v1/tax_ids/${taxId}`, ['owner.customer']],
      [`/v1/customers/${customerId}/integrations`, ['data.customer']],
      [`/v1/integrations/hubspot/hs_1`, ['parent']],
    ] as const) {
      const res = await api.get(path, { expand });
      expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(200);
    }
    // Objects with nothing to expand still take the parameter, and refuse any path.
    for (const path of [`/v1/events/${event.id as string}`, '/v1/events', '/v1/webhook_endpoints', `/v1/customers/${customerId}/export`]) {
      const list = path === '/v1/events' || path === '/v1/webhook_endpoints';
      const res = await api.get(path, { expand: [list ? 'data.customer' : 'customer'] });
      expectError(res, 400, { code: 'expand_invalid', param: 'expand' });
    }
    // A DELETE takes expand in its query string too.
    const loose = (await api.post(`/v1/customers/${customerId}/tax_ids`, { type: 'ca_bn', value: '123456789' })).body;
    const removed = await t.app.inject({ method: 'DELETE', url: `/v1/tax_ids/${loose.id as string}?expand[]=customer`, headers: { authorization: `Bearer ${t.account.test}` } });
    expect(removed.statusCode).toBe(200);
  });
});
