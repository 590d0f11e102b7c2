import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/app.js';
import { createServices } from '../../../src/compose.js';
import { Api, STORES, testConfig } from '../../helpers/harness.js';
import { attemptsOf, createWebhookTestApp, customerEvent, Receiver, waitFor, type WebhookTestApp } from './support.js';

/**
 * SPEC E-4 with WEBHOOK_ALLOW_PRIVATE_NETWORKS off (the default): URLs whose host is, or
 * resolves to, a loopback, private, link-local, CGNAT, multicast, reserved or metadata address
 * are refused on create and update (400 url_invalid) — in every spelling the URL parser
 * accepts — and checked again when a delivery connects.
 */
const REFUSED: string[] = [
  // IPv4 ranges, at both ends where it matters.
  'http://0.0.0.0/',
  'http://0.1.2.3/',
  'http://10.0.0.1/',
  'http://10.255.255.255/',
  'http://100.64.0.1/',
  'http://100.127.255.254/',
  'http://127.0.0.1/',
  'http://127.255.255.254:8080/hook',
  'http://169.254.169.254/latest/meta-data/',
  'http://169.254.0.1/',
  'http://172.16.0.1/',
  'http://172.31.255.255/',
  'http://192.0.0.1/',
  'http://192.168.0.1/',
  'http://192.168.255.255/',
  'http://198.18.0.1/',
  'http://198.19.255.254/',
  'http://224.0.0.1/',
  'http://239.255.255.250/',
  'http://240.0.0.1/',
  'http://255.255.255.255/',
  'https://10.0.0.1/',
  'http://user:password@127.0.0.1/',
  // IPv6.
  'http://[::]/',
  'http://[::1]/',
  'http://[0:0:0:0:0:0:0:1]/',
  'http://[fc00::1]/',
  'http://[fd12:3456:789a::1]/',
  'http://[fd00:ec2::254]/',
  'http://[fe80::1]/',
  'http://[febf:ffff::1]/',
  'http://[ff02::1]/',
  'http://[64:ff9b::a9fe:a9fe]/',
  // IPv4-mapped and 6to4 forms of private IPv4.
  'http://[::ffff:127.0.0.1]/',
  'http://[::ffff:7f00:1]/',
  'http://[::ffff:10.0.0.1]/',
  'http://[::ffff:169.254.169.254]/',
  'http://[0:0:0:0:0:ffff:a9fe:a9fe]/',
  'http://[::ffff:192.168.1.1]/',
  'http://[2002:7f00:1::]/',
  // Numeric hosts the WHATWG parser turns into dotted quads.
  'http://2130706433/',
  'http://0x7f000001/',
  'http://0x7f.0.0.1/',
  'http://017700000001/',
  'http://0177.0.0.1/',
  'http://127.1/',
  'http://0/',
  'http://10.1/',
  'http://2852039166/',
  'http://0xa9fea9fe/',
  'http://0xA9.0xFE.0xA9.0xFE/',
  'http://3232235777/',
  // Names that resolve to loopback.
  'http://localhost/',
  'http://LOCALHOST:4242/hook',
];

/** Public addresses right next to the blocked ranges, written as IP literals (no DNS needed). */
const ACCEPTED: string[] = [
  'http://93.184.215.14/hook',
  'https://8.8.8.8:8443/x?y=1',
  'http://11.0.0.1/',
  'http://100.63.255.255/',
  'http://100.128.0.1/',
  'http://172.15.255.255/',
  'http://172.32.0.1/',
  'http://192.0.1.1/',
  'http://192.167.255.255/',
  'http://192.169.0.1/',
  'http://198.17.255.255/',
  'http://198.20.0.1/',
  'http://223.255.255.254/',
  'http://1249763342/',
  'https://[2606:4700:4700::1111]/hook',
  'http://[::ffff:8.8.8.8]/',
];

describe.each(STORES)('webhook SSRF guard (%s)', (kind) => {
  let t: WebhookTestApp;
  let receiver: Receiver;
  /** A second app on the same database that allows private networks, as a developer's might. */
  let permissive: FastifyInstance;

  beforeAll(async () => {
    t = await createWebhookTestApp(kind, { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false' });
    receiver = await Receiver.start();
    const config = testConfig(t.database, { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
    permissive = await buildApp({ config, unitOfWork: t.store.unitOfWork, services: createServices(t.store, config), logger: false });
    await permissive.ready();
  });
  afterAll(async () => {
    await permissive?.close();
    await t?.close();
    await receiver?.close();
  });

  it('is off by default', () => {
    expect(testConfig(t.database).webhookAllowPrivateNetworks).toBe(false);
  });

  it.each(REFUSED)('refuses %s on create', async (url) => {
    const r = await t.api().post('/v1/webhook_endpoints', { url, enabled_events: ['*'] });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ type: 'invalid_request_error', code: 'url_invalid', param: 'url' });
    expect(r.body.error.message).toMatch(/blocked address/);
  });

  it.each(ACCEPTED)('accepts the public %s', async (url) => {
    const r = await t.api().post('/v1/webhook_endpoints', { url, enabled_events: ['*'] });
    expect(r.status).toBe(200);
    expect(r.body.url).toBe(url);
    expect((await t.api().del(`/v1/webhook_endpoints/${r.body.id}`)).status).toBe(200);
  });

  it('refuses a host that does not resolve', async () => {
    const r = await t.api().post('/v1/webhook_endpoints', { url: 'https://no-such-host.invalid/hook', enabled_events: ['*'] });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'url_invalid', param: 'url' });
    expect(r.body.error.message).toMatch(/could not be resolved/);
    // The fully qualified form of localhost: loopback where it resolves, unresolvable where not; refused either way.
    const dotted = await t.api().post('/v1/webhook_endpoints', { url: 'http://localhost./', enabled_events: ['*'] });
    expect(dotted.status).toBe(400);
    expect(dotted.body.error).toMatchObject({ code: 'url_invalid', param: 'url' });
  });

  it('refuses private URLs on update and keeps the old one', async () => {
    const { body: e } = await t.api().post('/v1/webhook_endpoints', { url: 'https://93.184.215.14/hook', enabled_events: ['*'] });
    for (const url of ['http://127.0.0.1/x', 'http://[::ffff:a9fe:a9fe]/', 'http://0x7f000001/', 'http://localhost/']) {
      const r = await t.api().post(`/v1/webhook_endpoints/${e.id}`, { url, description: 'should not stick' });
      expect(r.status).toBe(400);
      expect(r.body.error).toMatchObject({ code: 'url_invalid', param: 'url' });
    }
    expect((await t.api().get(`/v1/webhook_endpoints/${e.id}`)).body).toMatchObject({ url: 'https://93.184.215.14/hook', description: null });
    await t.api().del(`/v1/webhook_endpoints/${e.id}`);
  });

  it('checks again at delivery: an endpoint saved while private networks were allowed is refused, as an attempt error', async () => {
    const account = await t.newAccount();
    const allowed = new Api(permissive, account.test);
    const byIp = await allowed.post('/v1/webhook_endpoints', { url: receiver.url('/by-ip'), enabled_events: ['*'] });
    const byName = await allowed.post('/v1/webhook_endpoints', { url: `http://localhost:${receiver.port}/by-name`, enabled_events: ['*'] });
    expect([byIp.status, byName.status]).toEqual([200, 200]);
    const eventId = await customerEvent(t, account);
    const [ipAttempt] = await waitFor('the by-ip attempt', async () => {
      const list = await attemptsOf(t, account, byIp.body.id);
      return list.length > 0 && list;
    });
    const [nameAttempt] = await waitFor('the by-name attempt', async () => {
      const list = await attemptsOf(t, account, byName.body.id);
      return list.length > 0 && list;
    });
    expect(ipAttempt).toMatchObject({ event: eventId, status_code: null });
    expect(ipAttempt!.error).toMatch(/^Refused: The host 127\.0\.0\.1 is a blocked address \(loopback\)/);
    expect(ipAttempt!.next_retry_at).not.toBeNull();
    expect(nameAttempt).toMatchObject({ event: eventId, status_code: null });
    expect(nameAttempt!.error).toMatch(/^Refused: The host localhost resolves to a blocked address \((loopback|unspecified, loopback or IPv4-compatible)\)/);
    // The address a name resolves to is never echoed back (no oracle for internal DNS).
    expect(nameAttempt!.error).not.toMatch(/127\.0\.0\.1|::1/);
    expect(receiver.requests).toHaveLength(0);
  });
});
