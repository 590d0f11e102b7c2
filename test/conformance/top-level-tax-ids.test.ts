import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type TestApp } from '../helpers/harness.js';
import { createCustomer, expectError } from '../http/customers/support.js';

/** #16 item 5: Stripe's top-level tax id API (`stripe.taxIds.*`), whose only owner here is a customer. */
describe.each(STORES)('top-level /v1/tax_ids (%s)', (kind) => {
  let t: TestApp;
  let stripe: Stripe;
  beforeAll(async () => {
    t = await createTestApp(kind);
    const { port } = await t.listen();
    stripe = new Stripe(t.account.test, { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0 });
  });
  afterAll(async () => t?.close());

  it('create, retrieve, list and delete through the SDK, with the owner on the object', async () => {
    const customer = await stripe.customers.create({ name: 'Owner' });
    const created = await stripe.taxIds.create({ type: 'au_abn', value: '51 824 753 556', owner: { type: 'customer', customer: customer.id } });
    expect(created).toMatchObject({ object: 'tax_id', type: 'au_abn', value: '51824753556', country: 'AU', customer: customer.id });
    expect(created.owner).toEqual({ type: 'customer', customer: customer.id });
    expect(await stripe.taxIds.retrieve(created.id)).toEqual(created);
    // The same object under the customer.
    expect(await stripe.customers.retrieveTaxId(customer.id, created.id)).toEqual(created);
    const owned = await stripe.taxIds.list({ owner: { type: 'customer', customer: customer.id } });
    expect(owned.data.map((x) => x.id)).toEqual([created.id]);
    const other = await stripe.customers.create({ name: 'Other', tax_id_data: [{ type: 'us_ein', value: '12-3456789' }] });
    const all = await stripe.taxIds.list({ limit: 100 });
    expect(all.data.map((x) => x.customer).sort()).toEqual([customer.id, other.id].sort());
    const paged = [];
    for await (const taxId of stripe.taxIds.list({ limit: 1 })) paged.push(taxId.id);
    expect(paged).toHaveLength(2);
    expect(await stripe.taxIds.del(created.id)).toEqual({ id: created.id, object: 'tax_id', deleted: true });
    const gone = await stripe.taxIds.retrieve(created.id).catch((e: Stripe.errors.StripeError) => e);
    expect([(gone as Stripe.errors.StripeError).statusCode, (gone as Stripe.errors.StripeError).code]).toEqual([404, 'resource_missing']);
  });

  it('writes the same events as the customer sub-resource', async () => {
    const customer = await stripe.customers.create({ name: 'Events' });
    const created = await stripe.taxIds.create({ type: 'ca_bn', value: '123456789', owner: { type: 'customer', customer: customer.id } });
    await stripe.taxIds.del(created.id);
    const events = await stripe.events.list({ types: ['customer.tax_id.created', 'customer.tax_id.deleted'], limit: 10 });
    const mine = events.data.filter((e) => (e.data.object as { id: string }).id === created.id).map((e) => e.type);
    expect(mine).toEqual(['customer.tax_id.deleted', 'customer.tax_id.created']);
  });

  it('refuses owners other than a customer, a missing owner and a customer that does not exist (HTTP)', async () => {
    const api = t.api();
    const customer = await createCustomer(api);
    for (const type of ['self', 'account', 'application']) {
      const res = await api.post('/v1/tax_ids', { type: 'us_ein', value: '12-3456789', owner: { type } });
      expectError(res, 400, { code: 'parameter_invalid', param: 'owner[type]' });
      expect(res.body.error.message).toContain('owner[type]=customer');
    }
    expectError(await api.post('/v1/tax_ids', { type: 'us_ein', value: '12-3456789' }), 400, { code: 'parameter_missing', param: 'owner' });
    expectError(await api.post('/v1/tax_ids', { type: 'us_ein', value: '12-3456789', owner: { type: 'customer' } }), 400, {
      code: 'parameter_missing',
      param: 'owner[customer]',
    });
    expectError(await api.post('/v1/tax_ids', { type: 'us_ein', value: '12-3456789', owner: { type: 'customer', customer: 'cus_nope' } }), 400, {
      code: 'resource_missing',
      param: 'owner[customer]',
    });
    expectError(await api.get('/v1/tax_ids', { owner: { type: 'self' } }), 400, { code: 'parameter_invalid', param: 'owner[type]' });
    expect((await api.get('/v1/tax_ids', { owner: { type: 'customer', customer: customer.id } })).body.data).toEqual([]);
  });
});
