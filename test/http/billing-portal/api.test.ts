/**
 * Issue 19: Stripe's billing-portal API over raw HTTP on both stores — sessions (their link, its
 * single use and expiry, the digest-only storage) and configurations (shape, default on first
 * use, updates, lists, isolation between accounts and modes).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type TestApp } from '../../helpers/harness.js';
import { storedText } from './support.js';

describe.each(STORES)('billing portal API (%s)', (kind) => {
  let t: TestApp;
  let customer: string;

  beforeAll(async () => {
    t = await createTestApp(kind, { PUBLIC_URL: 'https://billing.example.com' });
    customer = (await t.api().post('/v1/customers', { name: 'Portal Person', email: 'pp@example.com' })).body.id;
  });
  afterAll(async () => t?.close());

  it('creates a session in Stripe’s shape, with a default configuration made on first use', async () => {
    const before = await t.api().get('/v1/billing_portal/configurations');
    expect(before.body.data).toEqual([]);
    const r = await t.api().post('/v1/billing_portal/sessions', { customer, return_url: 'https://shop.example/account' });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body).sort()).toEqual(
      ['configuration', 'created', 'customer', 'expires_at', 'flow', 'id', 'livemode', 'locale', 'object', 'on_behalf_of', 'return_url', 'url'].sort(),
    );
    expect(r.body).toMatchObject({ object: 'billing_portal.session', customer, livemode: false, locale: null, flow: null, on_behalf_of: null, return_url: 'https://shop.example/account' });
    expect(r.body.id).toMatch(/^bps_[0-9A-Za-z]{26}$/);
    expect(r.body.expires_at - r.body.created).toBe(600);
    expect(r.body.url).toMatch(new RegExp(`^https://billing\\.example\\.com/portal/session/${t.account.id}\\.t\\.[0-9A-Za-z]{43}$`));
    const configs = await t.api().get('/v1/billing_portal/configurations');
    expect(configs.body.data).toHaveLength(1);
    expect(configs.body.data[0]).toMatchObject({ id: r.body.configuration, is_default: true, active: true, object: 'billing_portal.configuration' });
    // A second session uses the same default.
    const again = await t.api().post('/v1/billing_portal/sessions', { customer, return_url: 'https://shop.example/account' });
    expect(again.body.configuration).toBe(r.body.configuration);
    expect(again.body.url).not.toBe(r.body.url);
  });

  it('stores only the digest of the link token', async () => {
    // With an Idempotency-Key too: the answer (holding the token) is not kept for a replay.
    const r = await t.api().post('/v1/billing_portal/sessions', { customer, return_url: 'https://shop.example/a' }, { 'idempotency-key': 'portal-1' });
    const token = String(r.body.url).split('.').pop() as string;
    const rows = await storedText(t.database, ['portal_sessions', 'idempotency_keys', 'events']);
    expect(rows).toContain(r.body.id);
    expect(rows).not.toContain(token);
    const retry = await t.api().post('/v1/billing_portal/sessions', { customer, return_url: 'https://shop.example/a' }, { 'idempotency-key': 'portal-1' });
    expect(retry.status).toBe(200);
    expect(retry.body.id).not.toBe(r.body.id);
  });

  it('accepts a JSON body, locale, and refuses what does not apply', async () => {
    const json = await t.api().postRaw('/v1/billing_portal/sessions', JSON.stringify({ customer, return_url: 'https://shop.example/', locale: 'de' }), 'application/json');
    expect(json.status).toBe(200);
    expect(json.body.locale).toBe('de');
    const missing = await t.api().post('/v1/billing_portal/sessions', { customer: 'cus_nope', return_url: 'https://shop.example/' });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: 'resource_missing', param: 'customer' });
    const badUrl = await t.api().post('/v1/billing_portal/sessions', { customer, return_url: 'javascript:alert(1)' });
    expect(badUrl.body.error).toMatchObject({ code: 'url_invalid', param: 'return_url' });
    const noReturn = await t.api().post('/v1/billing_portal/sessions', { customer });
    expect(noReturn.body.error).toMatchObject({ code: 'parameter_missing', param: 'return_url' });
    const locale = await t.api().post('/v1/billing_portal/sessions', { customer, return_url: 'https://shop.example/', locale: 'xx' });
    expect(locale.status).toBe(400);
    const flow = await t.api().post('/v1/billing_portal/sessions', { customer, return_url: 'https://shop.example/', flow_data: { type: 'payment_method_update' } });
    expect(flow.body.error.code).toBe('parameter_unknown');
    const deleted = (await t.api().post('/v1/customers', { name: 'Gone' })).body.id;
    await t.api().del(`/v1/customers/${deleted}`);
    const gone = await t.api().post('/v1/billing_portal/sessions', { customer: deleted, return_url: 'https://shop.example/' });
    expect(gone.body.error).toMatchObject({ code: 'resource_missing', param: 'customer' });
  });

  it('creates, retrieves, updates and lists configurations in Stripe’s shape', async () => {
    const created = await t.api().post('/v1/billing_portal/configurations', {
      business_profile: { headline: 'Acme billing', privacy_policy_url: 'https://acme.example/privacy' },
      features: { customer_update: { enabled: true, allowed_updates: ['email', 'address'] }, invoice_history: { enabled: false } },
      default_return_url: 'https://acme.example/account',
      metadata: { team: 'billing' },
    });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^bpc_/),
      object: 'billing_portal.configuration',
      active: true,
      application: null,
      business_profile: { headline: 'Acme billing', privacy_policy_url: 'https://acme.example/privacy', terms_of_service_url: null },
      created: expect.any(Number),
      default_return_url: 'https://acme.example/account',
      features: {
        customer_update: { enabled: true, allowed_updates: ['email', 'address'] },
        invoice_history: { enabled: false },
        payment_method_update: { enabled: true },
      },
      is_default: false,
      livemode: false,
      login_page: { enabled: false, url: null },
      metadata: { team: 'billing' },
      name: null,
      updated: expect.any(Number),
    });
    const id = created.body.id;
    expect((await t.api().get(`/v1/billing_portal/configurations/${id}`)).body).toEqual(created.body);
    const updated = await t.api().post(`/v1/billing_portal/configurations/${id}`, { features: { customer_update: { allowed_updates: '' } }, active: false });
    expect(updated.body.features.customer_update.allowed_updates).toEqual([]);
    expect(updated.body.active).toBe(false);
    const inactive = await t.api().post('/v1/billing_portal/sessions', { customer, configuration: id });
    expect(inactive.body.error).toMatchObject({ code: 'portal_configuration_inactive', param: 'configuration' });
    await t.api().post(`/v1/billing_portal/configurations/${id}`, { active: true });
    // Its default_return_url stands in for a missing return_url.
    const session = await t.api().post('/v1/billing_portal/sessions', { customer, configuration: id });
    expect(session.body).toMatchObject({ configuration: id, return_url: 'https://acme.example/account' });
    const list = await t.api().get('/v1/billing_portal/configurations', { is_default: false });
    expect(list.body).toMatchObject({ object: 'list', url: '/v1/billing_portal/configurations', has_more: false });
    expect(list.body.data.map((c: { id: string }) => c.id)).toEqual([id]);
    const page = await t.api().get('/v1/billing_portal/configurations', { limit: 1 });
    expect(page.body.has_more).toBe(true);
    const next = await t.api().get('/v1/billing_portal/configurations', { limit: 1, starting_after: page.body.data[0].id });
    expect(next.body.data[0].is_default).toBe(true);
    const bad = await t.api().post('/v1/billing_portal/configurations', { features: { customer_update: { allowed_updates: ['card'] } } });
    expect(bad.body.error).toMatchObject({ code: 'parameter_invalid', param: 'features[customer_update][allowed_updates][0]' });
    const login = await t.api().post('/v1/billing_portal/configurations', { login_page: { enabled: true } });
    expect(login.body.error).toMatchObject({ code: 'portal_login_unavailable', param: 'login_page[enabled]' });
    const defaultOff = await t.api().post(`/v1/billing_portal/configurations/${next.body.data[0].id}`, { active: false });
    expect(defaultOff.body.error).toMatchObject({ code: 'parameter_invalid', param: 'active' });
    expect((await t.api().get('/v1/billing_portal/configurations/bpc_missing')).status).toBe(404);
  });

  it('keeps accounts and modes apart', async () => {
    const other = await t.newAccount('Other');
    const mine = (await t.api().get('/v1/billing_portal/configurations')).body.data[0].id;
    expect((await t.api(other.test).get(`/v1/billing_portal/configurations/${mine}`)).status).toBe(404);
    expect((await t.api(t.account.live).get(`/v1/billing_portal/configurations/${mine}`)).status).toBe(404);
    expect((await t.api(other.test).get('/v1/billing_portal/configurations')).body.data).toEqual([]);
    const foreign = await t.api(other.test).post('/v1/billing_portal/sessions', { customer, return_url: 'https://x.example/' });
    expect(foreign.body.error).toMatchObject({ code: 'resource_missing', param: 'customer' });
    const withConfig = await t.api(other.test).post('/v1/billing_portal/sessions', { customer: (await t.api(other.test).post('/v1/customers', {})).body.id, configuration: mine, return_url: 'https://x.example/' });
    expect(withConfig.body.error).toMatchObject({ code: 'resource_missing', param: 'configuration' });
  });
});

