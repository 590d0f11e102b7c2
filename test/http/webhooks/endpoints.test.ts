import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../../src/domain/owned-resources.js';
import type { ErrorCode } from '../../../src/domain/errors.js';
import { STORES } from '../../helpers/harness.js';
import { createWebhookTestApp, type WebhookTestApp } from './support.js';

/** SPEC E-2: webhook endpoint CRUD over HTTP and its validation (isolation: test/security/shared-suite.test.ts). */
describe.each(STORES)('webhook endpoints (%s)', (kind) => {
  let t: WebhookTestApp;
  beforeAll(async () => {
    t = await createWebhookTestApp(kind, {}, { worker: false });
  });
  afterAll(async () => t?.close());

  const url = 'http://127.0.0.1:9/hooks';

  it('creates an endpoint and shows its secret only in the create response', async () => {
    const account = await t.newAccount();
    const api = t.api(account.test);
    const created = await api.post('/v1/webhook_endpoints', {
      url,
      enabled_events: ['customer.created', 'customer.deleted'],
      description: 'CRM sync',
      metadata: { team: 'crm' },
    });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^we_[0-9A-Za-z]{26}$/),
      object: 'webhook_endpoint',
      api_version: null,
      application: null,
      created: expect.any(Number),
      description: 'CRM sync',
      enabled_events: ['customer.created', 'customer.deleted'],
      livemode: false,
      metadata: { team: 'crm' },
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
      status: 'enabled',
      url,
    });
    expect(Buffer.from((created.body.secret as string).slice(6), 'base64')).toHaveLength(32);

    const { secret: _secret, ...withoutSecret } = created.body;
    const retrieved = await api.get(`/v1/webhook_endpoints/${created.body.id}`);
    expect(retrieved.status).toBe(200);
    expect(retrieved.body).toEqual(withoutSecret);
    const updated = await api.post(`/v1/webhook_endpoints/${created.body.id}`, { description: 'x' });
    expect(updated.body.secret).toBeUndefined();
    const listed = await api.get('/v1/webhook_endpoints');
    expect(listed.body.data[0].secret).toBeUndefined();
    // Every endpoint gets its own secret.
    const other = await api.post('/v1/webhook_endpoints', { url, enabled_events: ['*'] });
    expect(other.body.secret).not.toBe(created.body.secret);
  });

  it('replays an idempotent create with the same endpoint and secret', async () => {
    const account = await t.newAccount();
    const params = { url, enabled_events: ['*'] };
    const first = await t.api(account.test).post('/v1/webhook_endpoints', params, { 'idempotency-key': 'we-1' });
    const again = await t.api(account.test).post('/v1/webhook_endpoints', params, { 'idempotency-key': 'we-1' });
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect((await t.api(account.test).get('/v1/webhook_endpoints')).body.data).toHaveLength(1);
  });

  it('updates url, enabled_events, description, metadata and status', async () => {
    const account = await t.newAccount();
    const api = t.api(account.test);
    const { body: e } = await api.post('/v1/webhook_endpoints', { url, enabled_events: ['*'], metadata: { a: '1', b: '2' }, description: 'd' });
    const updated = await api.post(`/v1/webhook_endpoints/${e.id}`, {
      url: 'https://127.0.0.1:8443/v2',
      enabled_events: ['payment_method.attached', 'payment_method.attached', 'customer.updated'],
      metadata: { a: '', c: '3' },
      description: '',
      disabled: 'true',
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      url: 'https://127.0.0.1:8443/v2',
      enabled_events: ['payment_method.attached', 'customer.updated'],
      metadata: { b: '2', c: '3' },
      description: null,
      status: 'disabled',
    });
    const enabled = await api.postJson(`/v1/webhook_endpoints/${e.id}`, { disabled: false, metadata: null });
    expect(enabled.body).toMatchObject({ status: 'enabled', metadata: {} });
    expect((await api.get(`/v1/webhook_endpoints/${e.id}`)).body).toEqual(enabled.body);
    // An empty update changes nothing.
    expect((await api.post(`/v1/webhook_endpoints/${e.id}`, {})).body).toEqual(enabled.body);
  });

  it('deletes an endpoint', async () => {
    const account = await t.newAccount();
    const api = t.api(account.test);
    const { body: e } = await api.post('/v1/webhook_endpoints', { url, enabled_events: ['*'] });
    const deleted = await api.del(`/v1/webhook_endpoints/${e.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ id: e.id, object: 'webhook_endpoint', deleted: true });
    for (const r of [
      await api.get(`/v1/webhook_endpoints/${e.id}`),
      await api.post(`/v1/webhook_endpoints/${e.id}`, { description: 'x' }),
      await api.del(`/v1/webhook_endpoints/${e.id}`),
      await api.get(`/v1/webhook_endpoints/${e.id}/attempts`),
    ]) {
      expect(r.status).toBe(404);
      expect(r.body.error).toMatchObject({ type: 'invalid_request_error', code: 'resource_missing' });
    }
  });

  it('lists newest first with cursors both ways', async () => {
    const account = await t.newAccount();
    const api = t.api(account.test);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.unshift((await api.post('/v1/webhook_endpoints', { url, enabled_events: ['*'], description: `n${i}` })).body.id);
    const first = await api.get('/v1/webhook_endpoints', { limit: 2 });
    expect(first.body).toMatchObject({ object: 'list', url: '/v1/webhook_endpoints', has_more: true });
    expect(first.body.data.map((e: { id: string }) => e.id)).toEqual(ids.slice(0, 2));
    const next = await api.get('/v1/webhook_endpoints', { limit: 2, starting_after: ids[1] });
    expect(next.body.data.map((e: { id: string }) => e.id)).toEqual(ids.slice(2, 4));
    const last = await api.get('/v1/webhook_endpoints', { limit: 10, starting_after: ids[3] });
    expect(last.body).toMatchObject({ has_more: false });
    expect(last.body.data.map((e: { id: string }) => e.id)).toEqual([ids[4]]);
    const back = await api.get('/v1/webhook_endpoints', { limit: 2, ending_before: ids[4] });
    expect(back.body.data.map((e: { id: string }) => e.id)).toEqual(ids.slice(2, 4));
    const missing = await api.get('/v1/webhook_endpoints', { starting_after: 'we_nope' });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: 'resource_missing', param: 'starting_after' });
  });

  describe('validation', () => {
    const cases: Array<[string, Record<string, unknown>, { param: string; code: ErrorCode; message?: RegExp }]> = [
      ['url missing', { enabled_events: ['*'] }, { param: 'url', code: 'parameter_missing' }],
      ['enabled_events missing', { url }, { param: 'enabled_events', code: 'parameter_missing' }],
      ['an unknown event type', { url, enabled_events: ['*', 'customer.exploded'] }, { param: 'enabled_events[1]', code: 'parameter_invalid', message: /customer\.exploded.*not an event type/ }],
      ['a Stripe type Clientele does not send', { url, enabled_events: ['charge.dispute.created'] }, { param: 'enabled_events[0]', code: 'parameter_invalid' }],
      ['an empty event type', { url, enabled_events: [''] }, { param: 'enabled_events[0]', code: 'parameter_invalid_empty' }],
      ['an ftp url', { url: 'ftp://example.com/x', enabled_events: ['*'] }, { param: 'url', code: 'url_invalid', message: /only http and https/ }],
      ['a javascript url', { url: 'javascript:alert(1)', enabled_events: ['*'] }, { param: 'url', code: 'url_invalid' }],
      ['a relative url', { url: '/hooks', enabled_events: ['*'] }, { param: 'url', code: 'url_invalid' }],
      ['a url of 2049 characters', { url: `http://127.0.0.1/${'a'.repeat(2032)}`, enabled_events: ['*'] }, { param: 'url', code: 'parameter_invalid_string_too_long' }],
      ['a description of 5001 characters', { url, enabled_events: ['*'], description: 'd'.repeat(5001) }, { param: 'description', code: 'parameter_invalid_string_too_long' }],
      ['a metadata value of 501 characters', { url, enabled_events: ['*'], metadata: { k: 'v'.repeat(501) } }, { param: 'metadata[k]', code: 'parameter_invalid_string_too_long' }],
      ['an unknown parameter', { url, enabled_events: ['*'], secret: 'whsec_mine' }, { param: 'secret', code: 'parameter_unknown' }],
      ['status instead of disabled', { url, enabled_events: ['*'], status: 'disabled' }, { param: 'status', code: 'parameter_unknown' }],
    ];
    it.each(cases)('refuses %s on create', async (_name, params, expected) => {
      const account = await t.newAccount();
      const r = await t.api(account.test).post('/v1/webhook_endpoints', params);
      expect(r.status).toBe(400);
      expect(r.body.error).toMatchObject({ type: 'invalid_request_error', param: expected.param, code: expected.code });
      if (expected.message) expect(r.body.error.message).toMatch(expected.message);
      expect((await t.api(account.test).get('/v1/webhook_endpoints')).body.data).toHaveLength(0);
    });

    it('refuses an empty enabled_events list, here and on update', async () => {
      const account = await t.newAccount();
      const api = t.api(account.test);
      const r = await api.postJson('/v1/webhook_endpoints', { url, enabled_events: [] });
      expect(r.status).toBe(400);
      expect(r.body.error).toMatchObject({ code: 'parameter_invalid_empty', param: 'enabled_events' });
      const { body: e } = await api.post('/v1/webhook_endpoints', { url, enabled_events: ['*'] });
      const u = await api.postJson(`/v1/webhook_endpoints/${e.id}`, { enabled_events: [] });
      expect(u.status).toBe(400);
      expect(u.body.error).toMatchObject({ code: 'parameter_invalid_empty', param: 'enabled_events' });
      const bad = await api.post(`/v1/webhook_endpoints/${e.id}`, { url: 'gopher://x', enabled_events: ['nope'] });
      expect(bad.status).toBe(400);
      expect((await api.get(`/v1/webhook_endpoints/${e.id}`)).body).toMatchObject({ url, enabled_events: ['*'] });
    });

    it('accepts every known event type and *', async () => {
      const account = await t.newAccount();
      const r = await t.api(account.test).post('/v1/webhook_endpoints', { url, enabled_events: [...EVENT_TYPES, '*'] });
      expect(r.status).toBe(200);
      expect(r.body.enabled_events).toEqual([...EVENT_TYPES, '*']);
    });
  });

  // Another account's or mode's endpoint, keys and restricted keys: test/security/shared-suite.test.ts.
});
