import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type TestApp } from '../../helpers/harness.js';
import { createCustomer, expectCustomer, expectError, freshAccount, missingCustomerId, uniqueSuffix } from '../customers/support.js';
import { addIntegration, expectIntegration, integrationIds, lookup, PROVIDERS } from './support.js';

/** SPEC I-1, I-2: a customer's ids in other systems, unique per account, mode and provider. */
describe.each(STORES)('integrations (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());

  describe('create', () => {
    it('returns the integration with every field', async () => {
      const c = await createCustomer(t.api());
      const res = await t.api().post(`/v1/customers/${c.id}/integrations`, {
        provider: 'hubspot',
        provider_id: `contact-${uniqueSuffix()}`,
        metadata: { portal: 'eu1' },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expectIntegration(res.body);
      expect(res.body.customer).toBe(c.id);
      expect(res.body.provider).toBe('hubspot');
      expect(res.body.livemode).toBe(false);
      expect(res.body.metadata).toEqual({ portal: 'eu1' });
      expect(Math.abs(res.body.created - Date.now() / 1000)).toBeLessThan(60);
      expect(String(res.headers['request-id'])).toMatch(/^req_/);
    });

    it('accepts a JSON body, and metadata defaults to {}', async () => {
      const c = await createCustomer(t.api());
      const res = await t.api().postJson(`/v1/customers/${c.id}/integrations`, { provider: 'xero', provider_id: `x-${uniqueSuffix()}` });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.metadata).toEqual({});
    });

    it.each(PROVIDERS)('accepts provider %s', async (provider) => {
      const c = await createCustomer(t.api());
      const providerId = `${provider}-${uniqueSuffix()}`;
      const made = await addIntegration(t.api(), c.id, { provider, provider_id: providerId });
      expect(made.provider).toBe(provider);
      expect(made.provider_id).toBe(providerId);
      const found = await lookup(t.api(), provider, providerId);
      expect(found.status).toBe(200);
      expect(found.body.id).toBe(c.id);
    });

    it.each(['custom:acme', 'custom:my-crm', 'custom:legacy_erp.v2', 'custom:0', `custom:${'a'.repeat(40)}`])(
      'accepts %s',
      async (provider) => {
        const c = await createCustomer(t.api());
        const made = await addIntegration(t.api(), c.id, { provider, provider_id: 'id-1' });
        expect(made.provider).toBe(provider);
        expect((await lookup(t.api(), provider, 'id-1')).body.id).toBe(c.id);
      },
    );

    it.each([
      'custom:',
      'custom',
      'custom:Acme',
      'custom:-acme',
      'custom:acme crm',
      'custom:acme/crm',
      `custom:${'a'.repeat(41)}`,
      'Stripe',
      'STRIPE',
      'stripe ',
      'shopify',
      'acme',
      'custom::acme',
    ])('refuses provider %j with 400 on param provider', async (provider) => {
      const { api } = await freshAccount(t);
      const c = await createCustomer(api);
      const res = await api.post(`/v1/customers/${c.id}/integrations`, { provider, provider_id: 'id-1' });
      expectError(res, 400, { code: 'parameter_invalid', param: 'provider' });
      expect(await integrationIds(api, c.id)).toEqual([]);
    });

    it('refuses a missing or empty provider or provider_id, unknown parameters and bad metadata', async () => {
      const c = await createCustomer(t.api());
      const path = `/v1/customers/${c.id}/integrations`;
      expectError(await t.api().post(path, { provider_id: 'x' }), 400, { code: 'parameter_missing', param: 'provider' });
      expectError(await t.api().post(path, { provider: 'stripe' }), 400, { code: 'parameter_missing', param: 'provider_id' });
      expectError(await t.api().post(path, { provider: 'stripe', provider_id: '' }), 400, { code: 'parameter_invalid_empty', param: 'provider_id' });
      expectError(await t.api().post(path, { provider: 'stripe', provider_id: 'x'.repeat(256) }), 400, { code: 'parameter_invalid_string_too_long', param: 'provider_id' });
      expectError(await t.api().post(path, { provider: 'stripe', provider_id: 'x', customer: c.id }), 400, {
        code: 'parameter_unknown',
        param: 'customer',
      });
      expectError(await t.api().post(path, { provider: 'stripe', provider_id: 'x', metadata: { 'a[b': 'v' } }), 400, { code: 'parameter_invalid' });
      expectError(await t.api().post(path, { provider: 'stripe', provider_id: 'x', expand: ['nope'] }), 400, { code: 'expand_invalid' });
      expect(await integrationIds(t.api(), c.id)).toEqual([]);
    });

    it('is 404 for a missing or deleted customer', async () => {
      const missing = missingCustomerId();
      const res = await t.api().post(`/v1/customers/${missing}/integrations`, { provider: 'stripe', provider_id: 'x' });
      expectError(res, 404, { code: 'resource_missing' });
      expect(res.body.error.message).toContain(missing);
      const gone = await createCustomer(t.api());
      await t.api().del(`/v1/customers/${gone.id}`);
      expectError(await t.api().post(`/v1/customers/${gone.id}/integrations`, { provider: 'stripe', provider_id: 'y' }), 404, {
        code: 'resource_missing',
      });
    });
  });

  describe('uniqueness per account, mode, provider and provider_id', () => {
    it('a provider id held by another customer: 409 resource_already_exists naming the holder', async () => {
      const holder = await createCustomer(t.api());
      const other = await createCustomer(t.api());
      const providerId = `cus_ext_${uniqueSuffix()}`;
      await addIntegration(t.api(), holder.id, { provider: 'stripe', provider_id: providerId });
      const res = await t.api().post(`/v1/customers/${other.id}/integrations`, { provider: 'stripe', provider_id: providerId });
      expectError(res, 409, { code: 'resource_already_exists', param: 'provider_id' });
      expect(res.body.error.message).toContain(holder.id);
      expect(res.body.error.message).toContain(providerId);
      expect(res.headers['stripe-should-retry']).toBe('false');
      expect(await integrationIds(t.api(), other.id)).toEqual([]);
      // The same customer twice is a conflict too.
      const again = await t.api().post(`/v1/customers/${holder.id}/integrations`, { provider: 'stripe', provider_id: providerId });
      expectError(again, 409, { code: 'resource_already_exists', param: 'provider_id' });
      expect(await integrationIds(t.api(), holder.id)).toHaveLength(1);
    });

    it('the same provider id is fine with another provider, in the other mode and in another account', async () => {
      const { account, api } = await freshAccount(t);
      const providerId = `shared-${uniqueSuffix()}`;
      const a = await createCustomer(api);
      const b = await createCustomer(api);
      await addIntegration(api, a.id, { provider: 'stripe', provider_id: providerId });
      await addIntegration(api, b.id, { provider: 'adyen', provider_id: providerId });
      await addIntegration(api, b.id, { provider: 'custom:acme', provider_id: providerId });
      const live = t.api(account.live);
      const liveCustomer = await createCustomer(live);
      await addIntegration(live, liveCustomer.id, { provider: 'stripe', provider_id: providerId });
      const other = await freshAccount(t);
      const theirs = await createCustomer(other.api);
      await addIntegration(other.api, theirs.id, { provider: 'stripe', provider_id: providerId });
      // Each lookup answers within its own account and mode.
      expect((await lookup(api, 'stripe', providerId)).body.id).toBe(a.id);
      expect((await lookup(api, 'adyen', providerId)).body.id).toBe(b.id);
      expect((await lookup(live, 'stripe', providerId)).body.id).toBe(liveCustomer.id);
      expect((await lookup(other.api, 'stripe', providerId)).body.id).toBe(theirs.id);
    });

    it('provider ids compare exactly (case matters)', async () => {
      const a = await createCustomer(t.api());
      const b = await createCustomer(t.api());
      const id = `Case-${uniqueSuffix()}`;
      await addIntegration(t.api(), a.id, { provider: 'paypal', provider_id: id });
      await addIntegration(t.api(), b.id, { provider: 'paypal', provider_id: id.toLowerCase() });
      expect((await lookup(t.api(), 'paypal', id)).body.id).toBe(a.id);
      expect((await lookup(t.api(), 'paypal', id.toLowerCase())).body.id).toBe(b.id);
    });

    it('a provider id is free again once its integration or its customer is deleted', async () => {
      const first = await createCustomer(t.api());
      const second = await createCustomer(t.api());
      const providerId = `free-${uniqueSuffix()}`;
      const made = await addIntegration(t.api(), first.id, { provider: 'braintree', provider_id: providerId });
      await t.api().del(`/v1/customers/${first.id}/integrations/${made.id}`);
      await addIntegration(t.api(), second.id, { provider: 'braintree', provider_id: providerId });
      expect((await lookup(t.api(), 'braintree', providerId)).body.id).toBe(second.id);
      await t.api().del(`/v1/customers/${second.id}`);
      const third = await createCustomer(t.api());
      await addIntegration(t.api(), third.id, { provider: 'braintree', provider_id: providerId });
      expect((await lookup(t.api(), 'braintree', providerId)).body.id).toBe(third.id);
    });

    it('concurrent claims of one provider id: exactly one wins, the others get 409 naming it', async () => {
      const customers = [];
      for (let i = 0; i < 6; i++) customers.push(await createCustomer(t.api()));
      const providerId = `race-${uniqueSuffix()}`;
      const results = await Promise.all(
        customers.map((c) => t.api().post(`/v1/customers/${c.id}/integrations`, { provider: 'salesforce', provider_id: providerId })),
      );
      const winners = results.filter((r) => r.status === 200);
      expect(winners, JSON.stringify(results.map((r) => r.status))).toHaveLength(1);
      const winner = winners[0]?.body.customer as string;
      for (const r of results.filter((x) => x.status !== 200)) {
        expectError(r, 409, { code: 'resource_already_exists', param: 'provider_id' });
        expect(r.body.error.message).toContain(winner);
      }
      expect((await lookup(t.api(), 'salesforce', providerId)).body.id).toBe(winner);
    });
  });

  describe('list and delete', () => {
    it('lists a customer’s integrations newest first, with list conventions', async () => {
      const c = await createCustomer(t.api());
      const other = await createCustomer(t.api());
      const made: string[] = [];
      for (const provider of ['stripe', 'hubspot', 'xero', 'netsuite', 'quickbooks']) {
        made.push((await addIntegration(t.api(), c.id, { provider, provider_id: `${provider}-${uniqueSuffix()}` })).id);
      }
      await addIntegration(t.api(), other.id, { provider: 'stripe', provider_id: `o-${uniqueSuffix()}` });
      const res = await t.api().get(`/v1/customers/${c.id}/integrations`, { limit: 2 });
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(['data', 'has_more', 'object', 'url']);
      expect(res.body.url).toBe(`/v1/customers/${c.id}/integrations`);
      expect(res.body.has_more).toBe(true);
      const newestFirst = [...made].reverse();
      expect(res.body.data.map((i: { id: string }) => i.id)).toEqual(newestFirst.slice(0, 2));
      for (const i of res.body.data) expectIntegration(i);
      const next = await t.api().get(`/v1/customers/${c.id}/integrations`, { limit: 2, starting_after: newestFirst[1] });
      expect(next.body.data.map((i: { id: string }) => i.id)).toEqual(newestFirst.slice(2, 4));
      const back = await t.api().get(`/v1/customers/${c.id}/integrations`, { limit: 2, ending_before: newestFirst[4] });
      expect(back.body.data.map((i: { id: string }) => i.id)).toEqual(newestFirst.slice(2, 4));
      expect(await integrationIds(t.api(), c.id)).toEqual(newestFirst);
      expectError(await t.api().get(`/v1/customers/${c.id}/integrations`, { limit: 0 }), 400, { code: 'parameter_invalid_integer', param: 'limit' });
      expectError(await t.api().get(`/v1/customers/${c.id}/integrations`, { provider: 'stripe' }), 400, {
        code: 'parameter_unknown',
      });
    });

    it('lists nothing for a customer without integrations; 404 for a missing or deleted one', async () => {
      const c = await createCustomer(t.api());
      expect((await t.api().get(`/v1/customers/${c.id}/integrations`)).body).toEqual({
        object: 'list',
        url: `/v1/customers/${c.id}/integrations`,
        has_more: false,
        data: [],
      });
      expectError(await t.api().get(`/v1/customers/${missingCustomerId()}/integrations`), 404, { code: 'resource_missing' });
      await t.api().del(`/v1/customers/${c.id}`);
      expectError(await t.api().get(`/v1/customers/${c.id}/integrations`), 404, { code: 'resource_missing' });
    });

    it('delete returns the stub; the integration leaves the list and the reverse lookup', async () => {
      const c = await createCustomer(t.api());
      const keep = await addIntegration(t.api(), c.id, { provider: 'stripe', provider_id: `k-${uniqueSuffix()}` });
      const drop = await addIntegration(t.api(), c.id, { provider: 'stripe', provider_id: `d-${uniqueSuffix()}` });
      const res = await t.api().del(`/v1/customers/${c.id}/integrations/${drop.id}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toEqual({ id: drop.id, object: 'integration', deleted: true });
      expect(await integrationIds(t.api(), c.id)).toEqual([keep.id]);
      expectError(await lookup(t.api(), 'stripe', drop.provider_id), 404, { code: 'resource_missing' });
      expect((await lookup(t.api(), 'stripe', keep.provider_id)).body.id).toBe(c.id);
      // Deleting again, or through another customer, is a 404.
      expectError(await t.api().del(`/v1/customers/${c.id}/integrations/${drop.id}`), 404, { code: 'resource_missing', param: 'id' });
      const other = await createCustomer(t.api());
      expectError(await t.api().del(`/v1/customers/${other.id}/integrations/${keep.id}`), 404, { code: 'resource_missing' });
      expect(await integrationIds(t.api(), c.id)).toEqual([keep.id]);
    });
  });

  describe('reverse lookup GET /v1/integrations/:provider/:provider_id', () => {
    it('returns the customer, with an ETag and expand[]', async () => {
      const c = await createCustomer(t.api(), { name: 'Mapped', email: 'mapped@example.com' });
      const providerId = `cus_${uniqueSuffix()}`;
      await addIntegration(t.api(), c.id, { provider: 'stripe', provider_id: providerId });
      const res = await lookup(t.api(), 'stripe', providerId);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expectCustomer(res.body);
      expect(res.body).toEqual((await t.api().get(`/v1/customers/${c.id}`)).body);
      expect(res.headers.etag).toBe((await t.api().get(`/v1/customers/${c.id}`)).headers.etag);
      const expanded = await lookup(t.api(), 'stripe', providerId, { expand: ['integrations'] });
      expect(expanded.body.integrations.data.map((i: { provider_id: string }) => i.provider_id)).toEqual([providerId]);
      expectError(await lookup(t.api(), 'stripe', providerId, { expand: ['nope'] }), 400, { code: 'expand_invalid' });
      expectError(await lookup(t.api(), 'stripe', providerId, { foo: 'bar' }), 400, { code: 'parameter_unknown' });
    });

    it('finds custom providers and provider ids with reserved characters', async () => {
      const c = await createCustomer(t.api());
      const providerId = `acct/42 #7?x=1&y=ü-${uniqueSuffix()}`;
      await addIntegration(t.api(), c.id, { provider: 'custom:legacy-crm', provider_id: providerId });
      const res = await lookup(t.api(), 'custom:legacy-crm', providerId);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.id).toBe(c.id);
      // The colon of a custom provider may also stay unencoded in the path.
      const raw = await t.api().get(`/v1/integrations/custom:legacy-crm/${encodeURIComponent(providerId)}`);
      expect(raw.status, JSON.stringify(raw.body)).toBe(200);
      expect(raw.body.id).toBe(c.id);
    });

    it('an unknown provider id, provider or pairing is 404 resource_missing', async () => {
      const c = await createCustomer(t.api());
      const providerId = `only-stripe-${uniqueSuffix()}`;
      await addIntegration(t.api(), c.id, { provider: 'stripe', provider_id: providerId });
      const unknown = await lookup(t.api(), 'stripe', `nope-${uniqueSuffix()}`);
      expectError(unknown, 404, { code: 'resource_missing', param: 'provider_id' });
      expectError(await lookup(t.api(), 'adyen', providerId), 404, { code: 'resource_missing' });
      expectError(await lookup(t.api(), 'custom:whatever', providerId), 404, { code: 'resource_missing' });
    });

    it('is 404 once the customer is deleted', async () => {
      const c = await createCustomer(t.api());
      const providerId = `deleted-${uniqueSuffix()}`;
      await addIntegration(t.api(), c.id, { provider: 'razorpay', provider_id: providerId });
      expect((await lookup(t.api(), 'razorpay', providerId)).status).toBe(200);
      await t.api().del(`/v1/customers/${c.id}`);
      expectError(await lookup(t.api(), 'razorpay', providerId), 404, { code: 'resource_missing' });
    });
  });

  describe('expand[]=integrations', () => {
    it('on retrieve, list (data.), create and update; newest first; absent unless asked', async () => {
      const { api } = await freshAccount(t);
      const c = await createCustomer(api);
      const bare = await createCustomer(api);
      const first = await addIntegration(api, c.id, { provider: 'stripe', provider_id: `s-${uniqueSuffix()}`, metadata: { a: '1' } });
      const second = await addIntegration(api, c.id, { provider: 'hubspot', provider_id: `h-${uniqueSuffix()}` });
      const got = await api.get(`/v1/customers/${c.id}`, { expand: ['integrations'] });
      expect(got.body.integrations).toEqual({
        object: 'list',
        url: `/v1/customers/${c.id}/integrations`,
        has_more: false,
        data: [second, first],
      });
      expect((await api.get(`/v1/customers/${c.id}`)).body).not.toHaveProperty('integrations');
      const listed = await api.get('/v1/customers', { expand: ['data.integrations'] });
      const byId = new Map<string, { integrations: { data: unknown[] } }>(listed.body.data.map((x: { id: string }) => [x.id, x]));
      expect(byId.get(c.id)?.integrations.data).toEqual([second, first]);
      expect(byId.get(bare.id)?.integrations.data).toEqual([]);
      const updated = await api.post(`/v1/customers/${c.id}`, { name: 'n', expand: ['integrations'] });
      expect(updated.body.integrations.data).toHaveLength(2);
      const created = await api.post('/v1/customers', { expand: ['integrations'] });
      expect(created.body.integrations.data).toEqual([]);
      await api.del(`/v1/customers/${c.id}/integrations/${first.id}`);
      expect((await api.get(`/v1/customers/${c.id}`, { expand: ['integrations'] })).body.integrations.data).toEqual([second]);
    });
  });
});
