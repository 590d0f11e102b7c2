/**
 * FlexPrice's official SDK, `@flexprice/sdk` 2.0.1, unchanged, against a listening Clientele
 * (SPEC D-1): its six customer calls over real HTTP, with `serverURL` pointed at
 * /flexprice/v1 and the key as `apiKeyAuth` (sent as x-api-key). The SDK only resolves a create
 * on 201 and a delete on 204, and parses every response with its own models.
 */
import { Flexprice } from '@flexprice/sdk';
import { ErrorsErrorsErrorResponse, FlexPriceError, type DtoCreateCustomerRequest, type DtoCustomerResponse } from '@flexprice/sdk/sdk/models';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type TestApp } from '../helpers/harness.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Runs `fn` and returns the FlexPrice SDK error it raised (failing the test if it resolved). */
async function raised(fn: () => Promise<unknown>): Promise<FlexPriceError> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof FlexPriceError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

/** The FlexPrice error body of any SDK error: `{success: false, error: {message, internal_error, …}}`. */
function bodyOf(error: FlexPriceError): { success: boolean; error: { message: string; internal_error: string; param: string | null } } {
  return JSON.parse(error.body) as ReturnType<typeof bodyOf>;
}

let unique = 0;
const ext = (label: string) => `${label}-${process.pid}-${++unique}`;

describe.each(STORES)('@flexprice/sdk: customers (%s)', (kind) => {
  let t: TestApp;
  let serverURL: string;
  let base: { host: string; port: number };
  let flexprice: Flexprice;
  let stripe: Stripe;
  const sdk = (key: string) => new Flexprice({ serverURL, apiKeyAuth: key });

  beforeAll(async () => {
    t = await createTestApp(kind);
    const listening = await t.listen();
    base = listening;
    serverURL = `${listening.url}/flexprice/v1`;
    flexprice = sdk(t.account.test);
    stripe = new Stripe(t.account.test, { host: base.host, port: base.port, protocol: 'http', maxNetworkRetries: 0 });
  });
  afterAll(async () => t?.close());

  describe('the six calls', () => {
    it('createCustomer sends every field and gets every field of its model back (201)', async () => {
      const externalId = ext('acme');
      const created = await flexprice.customers.createCustomer({
        externalId,
        name: 'Acme Corporation',
        email: 'billing@acme.com',
        addressLine1: '1 Market St',
        addressLine2: 'Floor 2',
        addressCity: 'San Francisco',
        addressState: 'CA',
        addressPostalCode: '94105',
        addressCountry: 'us',
        metadata: { segment: 'enterprise', region: 'us-west' },
        integrationEntityMapping: [{ provider: 'stripe', id: `cus_${externalId}` }],
        skipOnboardingWorkflow: true,
      });
      expect(created).toEqual({
        id: expect.stringMatching(/^cus_[0-9A-Za-z]+$/),
        externalId,
        name: 'Acme Corporation',
        email: 'billing@acme.com',
        addressLine1: '1 Market St',
        addressLine2: 'Floor 2',
        addressCity: 'San Francisco',
        addressState: 'CA',
        addressPostalCode: '94105',
        addressCountry: 'US',
        metadata: { segment: 'enterprise', region: 'us-west' },
        environmentId: 'test',
        tenantId: t.account.id,
        status: 'published',
        createdAt: expect.stringMatching(ISO),
        updatedAt: expect.stringMatching(ISO),
        createdBy: expect.stringMatching(/^key_/),
        updatedBy: expect.stringMatching(/^key_/),
      });
      expect(created.updatedAt).toBe(created.createdAt);
    });

    it('getCustomer and getCustomerByExternalId return the same customer', async () => {
      const created = await flexprice.customers.createCustomer({ externalId: ext('get'), name: 'Gettable' });
      const byId = await flexprice.customers.getCustomer(created.id as string);
      const byExternal = await flexprice.customers.getCustomerByExternalId(created.externalId as string);
      expect(byId).toEqual(created);
      expect(byExternal).toEqual(created);
    });

    it('updateCustomer by id and by external id: the lines sent change, metadata is replaced, external_id can move', async () => {
      const created = await flexprice.customers.createCustomer({
        externalId: ext('upd'),
        name: 'Before',
        addressCity: 'Berlin',
        addressCountry: 'DE',
        metadata: { keep: 'no', old: 'x' },
      });
      const byId = await flexprice.customers.updateCustomer({ addressLine1: 'Unter den Linden 1', metadata: { fresh: 'yes' } }, created.id);
      expect(byId).toMatchObject({
        id: created.id,
        name: 'Before',
        addressLine1: 'Unter den Linden 1',
        addressCity: 'Berlin',
        addressCountry: 'DE',
        metadata: { fresh: 'yes' },
      });
      const moved = ext('moved');
      const byExternal = await flexprice.customers.updateCustomer({ name: 'After', externalId: moved }, undefined, created.externalId);
      expect(byExternal).toMatchObject({ id: created.id, name: 'After', externalId: moved, metadata: { fresh: 'yes' } });
      expect((await flexprice.customers.getCustomerByExternalId(moved)).id).toBe(created.id);
      const gone = await raised(() => flexprice.customers.getCustomerByExternalId(created.externalId as string));
      expect(gone).toBeInstanceOf(ErrorsErrorsErrorResponse);
      expect(gone.statusCode).toBe(404);
    });

    it('deleteCustomer (204) erases it: getCustomer shows it archived, its external id is free again', async () => {
      const externalId = ext('del');
      const created = await flexprice.customers.createCustomer({ externalId, name: 'Doomed', email: 'doomed@example.com', metadata: { a: 'b' } });
      await expect(flexprice.customers.deleteCustomer(created.id as string)).resolves.toBeUndefined();
      const archived = await flexprice.customers.getCustomer(created.id as string);
      expect(archived).toEqual({
        id: created.id,
        metadata: {},
        environmentId: 'test',
        tenantId: t.account.id,
        status: 'archived',
        createdAt: created.createdAt,
        updatedAt: expect.stringMatching(ISO),
        createdBy: created.createdBy,
        updatedBy: expect.stringMatching(/^key_/),
      });
      expect(await stripe.customers.retrieve(created.id as string)).toMatchObject({ id: created.id, deleted: true });
      const reused = await flexprice.customers.createCustomer({ externalId, name: 'Reborn' });
      expect(reused.id).not.toBe(created.id);
      const again = await raised(() => flexprice.customers.deleteCustomer(created.id as string));
      expect(again.statusCode).toBe(404);
      expect(bodyOf(again).error.internal_error).toBe('resource_missing');
    });

    it('queryCustomer filters, pages by offset with a total, and orders by created_at', async () => {
      const tag = ext('q');
      const made: DtoCustomerResponse[] = [];
      for (let i = 0; i < 5; i++) made.push(await flexprice.customers.createCustomer({ externalId: `${tag}-${i}`, email: `${tag}-${i}@example.com` }));
      const ids = made.map((c) => c.id as string);
      const externalIds = made.map((c) => c.externalId as string);

      const all = await flexprice.customers.queryCustomer({ externalIds, limit: 10 });
      expect(all.items?.map((c) => c.id)).toEqual([...ids].reverse());
      expect(all.pagination).toEqual({ total: 5, limit: 10, offset: 0 });

      const page = await flexprice.customers.queryCustomer({ customerIds: ids, limit: 2, offset: 2, order: 'asc' });
      expect(page.items?.map((c) => c.id)).toEqual(ids.slice(2, 4));
      expect(page.pagination).toEqual({ total: 5, limit: 2, offset: 2 });

      const sorted = await flexprice.customers.queryCustomer({ customerIds: ids, sort: [{ field: 'created_at', direction: 'asc' }], limit: 1 });
      expect(sorted.items?.map((c) => c.id)).toEqual([ids[0]]);

      const byEmail = await flexprice.customers.queryCustomer({ email: `${tag}-3@example.com` });
      expect(byEmail.items?.map((c) => c.id)).toEqual([ids[3]]);
      const byExternal = await flexprice.customers.queryCustomer({ externalId: `${tag}-1` });
      expect(byExternal.items?.map((c) => c.id)).toEqual([ids[1]]);

      const from = made[0]?.createdAt as string;
      const inRange = await flexprice.customers.queryCustomer({ customerIds: ids, startTime: from, endTime: new Date(Date.now() + 60_000).toISOString() });
      expect(inRange.pagination?.total).toBe(5);
      const before = await flexprice.customers.queryCustomer({ customerIds: ids, endTime: new Date(Date.parse(from) - 1000).toISOString() });
      expect(before.pagination?.total).toBe(0);

      await flexprice.customers.deleteCustomer(ids[4] as string);
      const live = await flexprice.customers.queryCustomer({ customerIds: ids });
      expect(live.pagination?.total).toBe(4);
      const archived = await flexprice.customers.queryCustomer({ customerIds: ids, status: 'archived' });
      expect(archived.items?.map((c) => [c.id, c.status])).toEqual([[ids[4], 'archived']]);
    });
  });

  describe('validation errors as the SDK surfaces them', () => {
    it('400s are its ErrorsErrorsErrorResponse with message and internalError (the code)', async () => {
      const error = await raised(() => flexprice.customers.createCustomer({ externalId: ext('bad'), email: 'not-an-email' }));
      expect(error).toBeInstanceOf(ErrorsErrorsErrorResponse);
      const parsed = error as ErrorsErrorsErrorResponse;
      expect(parsed.statusCode).toBe(400);
      expect(parsed.success).toBe(false);
      expect(parsed.error).toEqual({ message: 'Invalid email address: not-an-email', internalError: 'email_invalid' });
      expect(parsed.message).toBe('Invalid email address: not-an-email');
      expect(bodyOf(parsed).error.param).toBe('email');
    });

    it.each<[Partial<DtoCreateCustomerRequest>, string, string]>([
      [{ addressCountry: 'XX' }, 'country_code_invalid', 'address_country'],
      [{ parentCustomerId: 'cus_nope', parentCustomerExternalId: 'nope' }, 'parameters_exclusive', 'parent_customer_external_id'],
      [{ parentCustomerExternalId: 'no-such-parent' }, 'resource_missing', 'parent_customer_external_id'],
      [{ integrationEntityMapping: [{ provider: 'stripe', id: '' }] }, 'parameter_invalid_empty', 'integration_entity_mapping[0][id]'],
      [{ taxRateOverrides: [] }, 'parameter_unknown', 'tax_rate_overrides'],
      [{ name: 'x'.repeat(257) }, 'parameter_invalid_string_too_long', 'name'],
    ])('%j → 400 %s naming %s', async (fields, code, param) => {
      const error = await raised(() => flexprice.customers.createCustomer({ externalId: ext('bad'), ...fields }));
      expect(error).toBeInstanceOf(ErrorsErrorsErrorResponse);
      expect(error.statusCode).toBe(400);
      expect((error as ErrorsErrorsErrorResponse).error?.internalError).toBe(code);
      expect(bodyOf(error).error.param).toBe(param);
      expect((error as ErrorsErrorsErrorResponse).error?.message).not.toMatch(/parent_external_id|address\[/);
    });

    it('other statuses keep the same body: a duplicate external id is 409, an unknown id 404', async () => {
      const externalId = ext('dup');
      const first = await flexprice.customers.createCustomer({ externalId });
      const duplicate = await raised(() => flexprice.customers.createCustomer({ externalId }));
      expect(duplicate.statusCode).toBe(409);
      expect(bodyOf(duplicate)).toEqual({
        success: false,
        error: expect.objectContaining({ internal_error: 'resource_already_exists', param: 'external_id', message: expect.stringContaining(first.id as string) }),
      });
      const missing = await raised(() => flexprice.customers.getCustomer('cus_doesnotexist'));
      expect(missing.statusCode).toBe(404);
      expect(bodyOf(missing).error.internal_error).toBe('resource_missing');
      const neither = await raised(() => flexprice.customers.updateCustomer({ name: 'x' }));
      expect(neither.statusCode).toBe(400);
      expect(bodyOf(neither).error).toMatchObject({ internal_error: 'parameter_missing', param: 'id' });
    });
  });

  describe('hierarchy by external id', () => {
    it('parents by external id on create and update, detaches with an empty parent, refuses cycles and deleting a parent', async () => {
      const parent = await flexprice.customers.createCustomer({ externalId: ext('org'), name: 'Org' });
      const child = await flexprice.customers.createCustomer({ externalId: ext('dept'), name: 'Dept A', parentCustomerExternalId: parent.externalId });
      expect(child.parentCustomerId).toBe(parent.id);
      expect(child.parentCustomer).toMatchObject({ id: parent.id, externalId: parent.externalId, name: 'Org' });
      expect(child.parentCustomer?.parentCustomer).toBeUndefined();
      expect((await stripe.customers.retrieve(child.id as string)) as unknown).toMatchObject({ parent: parent.id });

      const cycle = await raised(() => flexprice.customers.updateCustomer({ parentCustomerExternalId: child.externalId }, parent.id));
      expect(cycle.statusCode).toBe(400);
      expect(bodyOf(cycle).error).toMatchObject({ internal_error: 'hierarchy_cycle', param: 'parent_customer_external_id' });

      const blocked = await raised(() => flexprice.customers.deleteCustomer(parent.id as string));
      expect(blocked.statusCode).toBe(400);
      expect(bodyOf(blocked).error.internal_error).toBe('customer_has_children');

      const other = await flexprice.customers.createCustomer({ externalId: ext('org2'), name: 'Org 2' });
      const moved = await flexprice.customers.updateCustomer({ parentCustomerId: other.id }, undefined, child.externalId);
      expect(moved.parentCustomerId).toBe(other.id);
      const detached = await flexprice.customers.updateCustomer({ parentCustomerId: '' }, child.id);
      expect(detached.parentCustomerId).toBeUndefined();
      expect(detached.parentCustomer).toBeUndefined();
      await flexprice.customers.deleteCustomer(parent.id as string);
    });
  });

  describe('integration mappings', () => {
    it('are Clientele integrations: listed on /v1, found by the reverse lookup, added on update, unique per provider id', async () => {
      const stripeId = `cus_${ext('map')}`;
      const created = await flexprice.customers.createCustomer({ externalId: ext('mapped'), integrationEntityMapping: [{ provider: 'stripe', id: stripeId }] });
      const listed = await t.api().get(`/v1/customers/${created.id}/integrations`);
      expect(listed.body.data.map((i: { provider: string; provider_id: string }) => [i.provider, i.provider_id])).toEqual([['stripe', stripeId]]);
      expect((await t.api().get(`/v1/integrations/stripe/${stripeId}`)).body.id).toBe(created.id);

      const razorpayId = `cust_${ext('rzp')}`;
      await flexprice.customers.updateCustomer(
        { integrationEntityMapping: [{ provider: 'stripe', id: stripeId }, { provider: 'razorpay', id: razorpayId }] },
        created.id,
      );
      const after = await t.api().get(`/v1/customers/${created.id}/integrations`);
      expect(after.body.data.map((i: { provider: string }) => i.provider).sort()).toEqual(['razorpay', 'stripe']);

      const taken = await raised(() => flexprice.customers.createCustomer({ externalId: ext('thief'), integrationEntityMapping: [{ provider: 'stripe', id: stripeId }] }));
      expect(taken.statusCode).toBe(409);
      expect(bodyOf(taken).error).toMatchObject({ internal_error: 'resource_already_exists', param: 'integration_entity_mapping[0][id]' });
      // The refused create left nothing behind: one transaction.
      const thieves = await flexprice.customers.queryCustomer({ externalIds: [`thief-${process.pid}-${unique}`] });
      expect(thieves.pagination?.total).toBe(0);
    });
  });

  describe('one record, two wire formats', () => {
    it('a customer created through FlexPrice is the one the stripe SDK reads, and the other way round', async () => {
      const viaFlexprice = await flexprice.customers.createCustomer({
        externalId: ext('cross'),
        name: 'Cross Co',
        email: 'cross@example.com',
        addressCity: 'Paris',
        addressCountry: 'FR',
        metadata: { plan: 'pro' },
      });
      const seen = await stripe.customers.retrieve(viaFlexprice.id as string);
      expect(seen).toMatchObject({
        id: viaFlexprice.id,
        name: 'Cross Co',
        email: 'cross@example.com',
        address: { city: 'Paris', country: 'FR', line1: null, line2: null, postal_code: null, state: null },
        metadata: { plan: 'pro' },
        external_id: viaFlexprice.externalId,
        livemode: false,
      });
      expect((seen as unknown as { created: number }).created).toBe(Date.parse(viaFlexprice.createdAt as string) / 1000);

      const viaStripe = await stripe.customers.create({
        name: 'Stripe Made',
        email: 'stripe@example.com',
        address: { line1: '5 Rue X', postal_code: '75001', country: 'fr' },
        metadata: { from: 'stripe' },
        external_id: ext('stripe-made'),
      } as Stripe.CustomerCreateParams);
      await stripe.customers.update(viaStripe.id, { name: 'Stripe Renamed' });
      expect(await flexprice.customers.getCustomer(viaStripe.id)).toMatchObject({
        id: viaStripe.id,
        name: 'Stripe Renamed',
        email: 'stripe@example.com',
        addressLine1: '5 Rue X',
        addressPostalCode: '75001',
        addressCountry: 'FR',
        metadata: { from: 'stripe' },
        externalId: (viaStripe as unknown as { external_id: string }).external_id,
        status: 'published',
      });

      const events = await stripe.events.list({ type: 'customer.created', limit: 100 });
      expect(events.data.filter((e) => (e.data.object as { id: string }).id === viaFlexprice.id)).toHaveLength(1);
    });
  });

  describe('keys and isolation', () => {
    it("another account's key sees nothing; the live key is another world with environment_id live", async () => {
      const mine = await flexprice.customers.createCustomer({ externalId: ext('mine') });
      const other = await t.newAccount('Other');
      const foreign = sdk(other.test);
      expect((await raised(() => foreign.customers.getCustomer(mine.id as string))).statusCode).toBe(404);
      expect((await raised(() => foreign.customers.getCustomerByExternalId(mine.externalId as string))).statusCode).toBe(404);
      expect((await raised(() => foreign.customers.updateCustomer({ name: 'x' }, mine.id))).statusCode).toBe(404);
      expect((await raised(() => foreign.customers.deleteCustomer(mine.id as string))).statusCode).toBe(404);
      expect((await foreign.customers.queryCustomer({ customerIds: [mine.id as string] })).pagination?.total).toBe(0);
      const foreignParent = await raised(() => foreign.customers.createCustomer({ externalId: ext('kid'), parentCustomerId: mine.id }));
      expect(bodyOf(foreignParent).error.internal_error).toBe('resource_missing');

      const live = sdk(t.account.live);
      expect((await raised(() => live.customers.getCustomer(mine.id as string))).statusCode).toBe(404);
      const liveCustomer = await live.customers.createCustomer({ externalId: mine.externalId as string });
      expect(liveCustomer).toMatchObject({ environmentId: 'live', tenantId: t.account.id });
      expect(liveCustomer.id).not.toBe(mine.id);
      expect((await flexprice.customers.getCustomerByExternalId(mine.externalId as string)).id).toBe(mine.id);
    });

    it('a wrong key is 401 and a restricted key may only read', async () => {
      const wrong = await raised(() => sdk('sk_test_wrong').customers.getCustomer('cus_x'));
      expect(wrong.statusCode).toBe(401);
      expect(bodyOf(wrong).error).toMatchObject({ internal_error: 'api_key_invalid', message: expect.stringContaining('x-api-key') });
      const restricted = await t.services.accounts.createKey(t.account.id, 'test', true, null);
      const reader = sdk(restricted.secret);
      const denied = await raised(() => reader.customers.createCustomer({ externalId: ext('ro') }));
      expect(denied.statusCode).toBe(403);
      expect(bodyOf(denied).error.internal_error).toBe('permission_denied');
      const mine = await flexprice.customers.createCustomer({ externalId: ext('readable') });
      expect((await reader.customers.getCustomer(mine.id as string)).id).toBe(mine.id);
      // The search is a POST that only reads.
      expect((await reader.customers.queryCustomer({ customerIds: [mine.id as string] })).items?.map((c) => c.id)).toEqual([mine.id]);
    });
  });
});
