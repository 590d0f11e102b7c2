import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nowSeconds } from '../../../src/lib/ids.js';
import { createTestApp, STORES, type TestAccount, type TestApp } from '../../helpers/harness.js';

interface ApiEvent {
  id: string;
  object: string;
  type: string;
  created: number;
  livemode: boolean;
  api_version: string;
  pending_webhooks: number;
  data: { object: Record<string, unknown>; previous_attributes?: Record<string, unknown> };
  request: { id: string | null; idempotency_key: string | null };
}

/** SPEC E-1: every change writes its event in the same transaction. */
describe.each(STORES)('events (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());

  async function eventsOf(account: TestAccount, query: Record<string, unknown> = {}): Promise<ApiEvent[]> {
    const r = await t.api(account.test).get('/v1/events', { limit: 100, ...query });
    expect(r.status).toBe(200);
    return r.body.data as ApiEvent[];
  }

  it('records customer.created with the object, the request id and the idempotency key', async () => {
    const account = await t.newAccount();
    const created = await t.api(account.test).post('/v1/customers', { name: 'Ada', email: 'ada@example.com' }, { 'idempotency-key': 'evt-key-1' });
    const [event] = await eventsOf(account);
    expect(event).toMatchObject({
      object: 'event',
      type: 'customer.created',
      livemode: false,
      pending_webhooks: 0,
      request: { id: created.headers['request-id'], idempotency_key: 'evt-key-1' },
    });
    expect(event!.id).toMatch(/^evt_/);
    expect(event!.data.object).toEqual(created.body);
    expect(event!.data.previous_attributes).toBeUndefined();
    const one = await t.api(account.test).get(`/v1/events/${event!.id}`);
    expect(one.body).toEqual(event);
  });

  it('records customer.updated with previous_attributes holding exactly the changed fields', async () => {
    const account = await t.newAccount();
    const c = await t.api(account.test).post('/v1/customers', { name: 'Old', email: 'o@example.com', metadata: { keep: '1', drop: '2' } });
    await t.api(account.test).post(`/v1/customers/${c.body.id}`, { name: 'New', metadata: { drop: '', add: '3' } });
    const [updated] = await eventsOf(account, { type: 'customer.updated' });
    expect(updated!.data.object).toMatchObject({ name: 'New', email: 'o@example.com', metadata: { keep: '1', add: '3' } });
    expect(updated!.data.previous_attributes).toEqual({ name: 'Old', metadata: { drop: '2', add: null } });
  });

  it('writes no event for an update that changes nothing, and none for a failed write', async () => {
    const account = await t.newAccount();
    const c = await t.api(account.test).post('/v1/customers', { name: 'Same' });
    await t.api(account.test).post(`/v1/customers/${c.body.id}`, { name: 'Same' });
    const bad = await t.api(account.test).post(`/v1/customers/${c.body.id}`, { email: 'not-an-email' });
    expect(bad.status).toBe(400);
    const refused = await t.api(account.test).post('/v1/customers', { tax_id_data: [{ type: 'eu_vat', value: 'DE000' }] });
    expect(refused.status).toBe(400);
    expect((await eventsOf(account)).map((e) => e.type)).toEqual(['customer.created']);
  });

  it('covers payment methods, tax ids, integrations and delete', async () => {
    const account = await t.newAccount();
    const api = t.api(account.test);
    const pm = await api.post('/v1/payment_methods', { type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: 2040 } });
    const c = await api.post('/v1/customers', { name: 'Full', payment_method: pm.body.id, invoice_settings: { default_payment_method: pm.body.id } });
    await api.post(`/v1/payment_methods/${pm.body.id}`, { metadata: { a: '1' } });
    const tax = await api.post(`/v1/customers/${c.body.id}/tax_ids`, { type: 'eu_vat', value: 'DE136695976' });
    await api.del(`/v1/customers/${c.body.id}/tax_ids/${tax.body.id}`);
    const integration = await api.post(`/v1/customers/${c.body.id}/integrations`, { provider: 'stripe', provider_id: 'cus_X' });
    await api.del(`/v1/customers/${c.body.id}/integrations/${integration.body.id}`);
    await api.post(`/v1/payment_methods/${pm.body.id}/detach`);
    await api.del(`/v1/customers/${c.body.id}`);
    const types = (await eventsOf(account)).map((e) => e.type).reverse();
    expect(types).toEqual([
      'customer.created',
      'payment_method.attached',
      'payment_method.updated',
      'customer.tax_id.created',
      'customer.tax_id.deleted',
      'customer.integration.created',
      'customer.integration.deleted',
      'payment_method.detached',
      'customer.updated',
      'customer.deleted',
    ]);
    const cleared = (await eventsOf(account, { type: 'customer.updated' }))[0]!;
    expect(cleared.data.previous_attributes).toMatchObject({ invoice_settings: { default_payment_method: pm.body.id } });
  });

  it('filters by type, types[] and created, and pages with list conventions', async () => {
    const account = await t.newAccount();
    const api = t.api(account.test);
    for (let i = 0; i < 12; i++) {
      const c = await api.post('/v1/customers', { name: `c${i}` });
      if (i % 3 === 0) await api.post(`/v1/customers/${c.body.id}`, { name: `c${i}!` });
    }
    expect(await eventsOf(account, { type: 'customer.updated' })).toHaveLength(4);
    expect(await eventsOf(account, { types: ['customer.updated', 'customer.created'] })).toHaveLength(16);
    const first = await api.get('/v1/events', { limit: 5 });
    expect(first.body.has_more).toBe(true);
    const next = await api.get('/v1/events', { limit: 5, starting_after: first.body.data[4].id });
    const ids = [...first.body.data, ...next.body.data].map((e: ApiEvent) => e.id);
    expect(new Set(ids).size).toBe(10);
    const all = await eventsOf(account);
    const future = await eventsOf(account, { created: { gt: nowSeconds() + 60 } });
    expect(future).toHaveLength(0);
    expect(await eventsOf(account, { created: { lte: nowSeconds() + 60 } })).toHaveLength(all.length);
    expect((await api.get('/v1/events', { type: 'customer.exploded' })).status).toBe(400);
    expect((await api.get('/v1/events', { type: 'customer.created', types: ['customer.updated'] })).status).toBe(400);
  });

  // Another account's or mode's events (list, retrieve, cursors): test/security/shared-suite.test.ts.

  it('works through the stripe SDK (retrieve, list, auto-pagination)', async () => {
    const account = await t.newAccount();
    for (let i = 0; i < 13; i++) await t.api(account.test).post('/v1/customers', { name: `sdk${i}` });
    const { host, port } = await t.listen();
    const stripe = new Stripe(account.test, { host, port, protocol: 'http', maxNetworkRetries: 0 });
    const all = await stripe.events.list({ limit: 5, type: 'customer.created' }).autoPagingToArray({ limit: 100 });
    expect(all).toHaveLength(13);
    const one = await stripe.events.retrieve(all[0]!.id);
    expect(one.type).toBe('customer.created');
  });

  it('sweeps events past the retention period', async () => {
    const account = await t.newAccount();
    await t.api(account.test).post('/v1/customers', { name: 'Old news' });
    expect(await eventsOf(account)).toHaveLength(1);
    expect(await t.services.events.sweep(30, nowSeconds())).toBe(0);
    expect(await eventsOf(account)).toHaveLength(1);
    expect(await t.services.events.sweep(30, nowSeconds() + 31 * 86400)).toBeGreaterThanOrEqual(1);
    expect(await eventsOf(account)).toHaveLength(0);
  });
});
