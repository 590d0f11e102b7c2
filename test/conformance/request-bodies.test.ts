import { connect } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type TestApp } from '../helpers/harness.js';
import { createCustomer } from '../http/customers/support.js';

/** Writes raw HTTP on one socket and collects what comes back until the server closes it or `ms` pass. */
function rawExchange(port: number, text: string, ms = 2_000): Promise<{ data: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ data, closed: false });
    }, ms);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ data, closed: true });
    });
    socket.write(text);
  });
}

describe.each(STORES)('request bodies as clients send them (%s)', (kind) => {
  let t: TestApp;
  let port: number;
  let stripe: Stripe;
  beforeAll(async () => {
    t = await createTestApp(kind);
    ({ port } = await t.listen());
    stripe = new Stripe(t.account.test, { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0 });
  });
  afterAll(async () => t?.close());

  describe('a GET or DELETE that declares a body', () => {
    it('is refused with 400 body_not_allowed and the connection closed, so the next request is never read as its body', async () => {
      const auth = `Basic ${Buffer.from(`${t.account.test}:`).toString('base64')}`;
      const next = `GET /v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\r\n\r\n`;
      const { data, closed } = await rawExchange(
        port,
        `GET /v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\r\nContent-Length: 99999999999\r\n\r\n${next}`,
      );
      expect(closed).toBe(true);
      const responses = data.split('HTTP/1.1 ').filter(Boolean);
      expect(responses).toHaveLength(1);
      expect(responses[0]).toMatch(/^400 /);
      expect(responses[0]?.toLowerCase()).toContain('connection: close');
      expect(responses[0]).toContain('"code":"body_not_allowed"');
    });

    it('the same for DELETE and for a chunked body; Content-Length: 0 is no body', async () => {
      const customer = await createCustomer(t.api());
      const del = await t.app.inject({
        method: 'DELETE',
        url: `/v1/customers/${customer.id}`,
        headers: { authorization: `Bearer ${t.account.test}`, 'content-type': 'application/json' },
        payload: '{}',
      });
      expect([del.statusCode, JSON.parse(del.body).error.code, del.headers.connection]).toEqual([400, 'body_not_allowed', 'close']);
      expect((await t.api().get(`/v1/customers/${customer.id}`)).body.deleted).toBeUndefined();
      const auth = `Bearer ${t.account.test}`;
      const chunked = await rawExchange(port, `GET /v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`);
      expect(chunked.data).toMatch(/^HTTP\/1.1 400 /);
      const empty = await t.app.inject({ method: 'GET', url: '/v1/customers', headers: { authorization: auth, 'content-length': '0' } });
      expect(empty.statusCode).toBe(200);
    });
  });

  describe('Content-Encoding', () => {
    const body = JSON.stringify({ name: 'Compressed', metadata: { via: 'gzip' } });
    it.each([
      ['gzip', gzipSync],
      ['deflate', deflateSync],
      ['br', brotliCompressSync],
    ] as const)('%s bodies are decompressed, as JSON and as forms', async (encoding, compress) => {
      const json = await t.app.inject({
        method: 'POST',
        url: '/v1/customers',
        headers: { authorization: `Bearer ${t.account.test}`, 'content-type': 'application/json', 'content-encoding': encoding },
        payload: compress(Buffer.from(body)),
      });
      expect(json.statusCode, json.body).toBe(200);
      expect(JSON.parse(json.body)).toMatchObject({ name: 'Compressed', metadata: { via: 'gzip' } });
      const form = await t.app.inject({
        method: 'POST',
        url: '/v1/customers',
        headers: { authorization: `Bearer ${t.account.test}`, 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': encoding },
        payload: compress(Buffer.from('name=Compressed%20form&metadata[via]=form')),
      });
      expect(JSON.parse(form.body)).toMatchObject({ name: 'Compressed form', metadata: { via: 'form' } });
    });

    it('counts the 1 MiB limit after decompression: a small body that expands past it is 413', async () => {
      const bomb = gzipSync(Buffer.from(JSON.stringify({ description: 'x'.repeat(3 * 1024 * 1024) })));
      expect(bomb.length).toBeLessThan(64 * 1024);
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/customers',
        headers: { authorization: `Bearer ${t.account.test}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
        payload: bomb,
      });
      expect([res.statusCode, JSON.parse(res.body).error.code]).toEqual([413, 'body_too_large']);
    });

    it('an unknown encoding is 415 content_encoding_unsupported; a body that does not decompress is 400', async () => {
      const unknown = await t.app.inject({
        method: 'POST',
        url: '/v1/customers',
        headers: { authorization: `Bearer ${t.account.test}`, 'content-type': 'application/json', 'content-encoding': 'compress' },
        payload: body,
      });
      expect([unknown.statusCode, JSON.parse(unknown.body).error.code]).toEqual([415, 'content_encoding_unsupported']);
      const broken = await t.app.inject({
        method: 'POST',
        url: '/v1/customers',
        headers: { authorization: `Bearer ${t.account.test}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
        payload: body,
      });
      expect([broken.statusCode, JSON.parse(broken.body).error.code]).toEqual([400, 'body_invalid']);
    });
  });

  describe('legacy Stripe APIs are answered in the envelope, naming what to use instead', () => {
    it.each([
      ['POST', '/v1/tokens'],
      ['GET', '/v1/tokens/tok_123'],
      ['POST', '/v1/sources'],
      ['GET', '/v1/sources/src_123'],
      ['GET', '/v1/customers/cus_x/sources'],
      ['POST', '/v1/customers/cus_x/sources'],
      ['DELETE', '/v1/customers/cus_x/sources/card_1'],
    ])('%s %s is 404 legacy_api_unsupported pointing at payment methods', async (method, url) => {
      const res = await t.app.inject({ method: method as 'GET', url, headers: { authorization: `Bearer ${t.account.test}` } });
      const error = JSON.parse(res.body).error;
      expect([res.statusCode, error.code]).toEqual([404, 'legacy_api_unsupported']);
      expect(error.message).toContain('/v1/payment_methods');
    });

    it('source= on a customer is 400 naming the parameter and the alternative, and creates nothing', async () => {
      const res = await t.api().post('/v1/customers', { source: 'tok_visa', name: 'Legacy' });
      expect([res.status, res.body.error.code, res.body.error.param]).toEqual([400, 'legacy_api_unsupported', 'source']);
      expect(res.body.error.message).toContain('invoice_settings[default_payment_method]');
      expect((await t.api().get('/v1/customers/search', { query: 'name:"Legacy"' })).body.data).toEqual([]);
    });

    it('the stripe SDK raises StripeInvalidRequestError with that code for tokens, sources and source=', async () => {
      const calls: Array<() => Promise<unknown>> = [
        () => stripe.tokens.create({ card: { number: '4242424242424242', exp_month: '12', exp_year: '2040', cvc: '123' } } as never),
        () => stripe.sources.retrieve('src_123'),
        () => stripe.customers.listSources('cus_x'),
        () => stripe.customers.create({ source: 'tok_visa' }),
      ];
      for (const call of calls) {
        const error = (await call().then(
          () => null,
          (e: unknown) => e,
        )) as Stripe.errors.StripeError | null;
        expect(error?.type).toBe('StripeInvalidRequestError');
        expect(error?.code).toBe('legacy_api_unsupported');
      }
    });
  });
});
