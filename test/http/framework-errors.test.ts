import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type TestApp } from '../helpers/harness.js';

/** Errors raised below the routes (router, HTTP parser) still get the envelope and a Request-Id. */
describe.each(STORES)('framework-level errors (%s)', (kind) => {
  let t: TestApp;
  let port = 0;
  beforeAll(async () => {
    t = await createTestApp(kind);
    port = (await t.listen()).port;
  });
  afterAll(async () => t?.close());

  it('answers an undecodable URL with a 400 envelope', async () => {
    const r = await t.api().get('/v1/customers/%E0%A4%A');
    expect(r.status).toBe(400);
    expect(r.headers['request-id']).toMatch(/^req_/);
    expect(r.body.error).toMatchObject({
      type: 'invalid_request_error',
      code: 'url_invalid_encoding',
      param: null,
      doc_url: `${t.config.publicUrl}/docs/errors#url_invalid_encoding`,
    });
  });

  it('answers an over-long path segment with a 414 envelope', async () => {
    const r = await t.api().get(`/v1/customers/${'x'.repeat(600)}`);
    expect(r.status).toBe(414);
    expect(r.headers['request-id']).toMatch(/^req_/);
    expect(r.body.error).toMatchObject({ type: 'invalid_request_error', code: 'url_too_long', doc_url: `${t.config.publicUrl}/docs/errors#url_too_long` });
  });

  it('answers malformed HTTP (non-numeric Content-Length) with a 400 envelope', async () => {
    const raw = await new Promise<string>((resolve, reject) => {
      let data = '';
      const socket = connect(port, '127.0.0.1', () =>
        socket.write('POST /v1/customers HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n'),
      );
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (data += chunk));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
      setTimeout(() => reject(new Error('no answer')), 5_000).unref();
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400/);
    expect(raw).toMatch(/Request-Id: req_/i);
    const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as { error: Record<string, unknown> };
    expect(body.error).toEqual({
      type: 'invalid_request_error',
      code: 'request_invalid',
      message: 'Malformed HTTP request.',
      param: null,
      doc_url: `${t.config.publicUrl}/docs/errors#request_invalid`,
    });
  });
});
