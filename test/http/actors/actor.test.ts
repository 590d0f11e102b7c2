import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type TestApp } from '../../helpers/harness.js';

interface RequestInfo {
  id: string | null;
  idempotency_key: string | null;
  actor: string | null;
}

/** SPEC U-3: the Clientele-Actor header is recorded on the events a write produces. */
describe.each(STORES)('Clientele-Actor (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());

  async function requestsOf(secret: string): Promise<Array<{ type: string; request: RequestInfo }>> {
    const r = await t.api(secret).get('/v1/events', { limit: 100 });
    expect(r.status).toBe(200);
    return r.body.data as Array<{ type: string; request: RequestInfo }>;
  }

  it('records the actor on every event of the write, and null without the header', async () => {
    const account = await t.newAccount();
    const created = await t.api(account.test).post('/v1/customers', { name: 'Ada', tax_id_data: [{ type: 'eu_vat', value: 'DE811907980' }] }, { 'clientele-actor': 'ada.agent@example.com' });
    expect(created.status).toBe(200);
    await t.api(account.test).post(`/v1/customers/${created.body.id}`, { name: 'Ada L.' });
    const [updated, ...creates] = await requestsOf(account.test);
    expect(updated).toMatchObject({ type: 'customer.updated', request: { actor: null } });
    expect(creates.map((e) => e.type).sort()).toEqual(['customer.created', 'customer.tax_id.created']);
    for (const e of creates) expect(e.request).toEqual({ id: created.headers['request-id'], idempotency_key: null, actor: 'ada.agent@example.com' });
  });

  it('takes UTF-8 names, trimmed, up to 100 characters', async () => {
    const account = await t.newAccount();
    const name = `  ${'Jürgen Weiß '.repeat(8)}`.slice(0, 100);
    const header = Buffer.from(name, 'utf8').toString('latin1');
    const r = await t.api(account.test).post('/v1/customers', { name: 'X' }, { 'clientele-actor': header });
    expect(r.status).toBe(200);
    expect((await requestsOf(account.test))[0]?.request.actor).toBe(name.trim());
  });

  it.each([
    ['too long', 'x'.repeat(101), /at most 100 characters/],
    ['a control character', 'ada\u0007', /printable characters only/],
    ['empty', '   ', /must not be empty/],
    ['not UTF-8', '\u00ff\u00fe', /valid UTF-8/],
  ])('refuses an actor that is %s with 400 actor_invalid, writing nothing', async (_what, value, message) => {
    const account = await t.newAccount();
    const r = await t.api(account.test).post('/v1/customers', { name: 'X' }, { 'clientele-actor': value });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ type: 'invalid_request_error', code: 'actor_invalid', param: null });
    expect(r.body.error.message).toMatch(message);
    expect((await t.api(account.test).get('/v1/customers')).body.data).toEqual([]);
  });

  it('is ignored on reads, and accepted through the stripe SDK as an extra header', async () => {
    const account = await t.newAccount();
    const read = await t.api(account.test).get('/v1/customers', {}, { 'clientele-actor': 'x'.repeat(500) });
    expect(read.status).toBe(200);
    const { port } = await t.listen();
    const stripe = new Stripe(account.test, { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0 });
    await stripe.customers.create({ name: 'Via SDK' }, { headers: { 'Clientele-Actor': 'sdk-user' } });
    expect((await requestsOf(account.test))[0]?.request.actor).toBe('sdk-user');
  });

  it('keeps the key id on the event, whose name the console shows when no actor was given', async () => {
    const account = await t.newAccount();
    const key = await t.services.accounts.createKey(account.id, 'test', false, null, { name: '  billing-service ' });
    expect(key.key.name).toBe('billing-service');
    await t.api(key.secret).post('/v1/customers', { name: 'Keyed' });
    const events = await t.store.read((r) => r.events.list({ accountId: account.id, livemode: false }, {}, { limit: 10 }));
    expect(events[0]).toMatchObject({ actor: null, key_id: key.key.id });
    await expect(t.services.accounts.createKey(account.id, 'test', false, null, { name: 'a\nb' })).rejects.toThrow(/printable/);
  });
});
