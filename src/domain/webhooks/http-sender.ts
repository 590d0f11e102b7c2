import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { bareHost, DestinationRefused, type UrlGuard } from './url-guard.js';

/** What one POST to an endpoint came to. */
export interface SendResult {
  statusCode: number | null;
  error: string | null;
  latencyMs: number;
}

/** At most this much of a response is read (and then thrown away): only the status matters. */
const RESPONSE_READ_LIMIT = 64 * 1024;

function describe(error: unknown, timeoutMs: number): string {
  if (error instanceof DestinationRefused) return `Refused: ${error.message}`;
  const e = (error ?? {}) as { code?: string; message?: string };
  switch (e.code) {
    case 'ETIMEDOUT_TOTAL':
      return `Timed out: no complete answer within ${timeoutMs} ms.`;
    case 'ECONNREFUSED':
      return 'Connection refused.';
    case 'ECONNRESET':
      return 'Connection reset by the endpoint.';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'Host unreachable.';
    default:
      return (e.message ?? String(error)).slice(0, 500);
  }
}

/**
 * POSTs one signed event (SPEC E-3, E-4). The connection goes to an address the guard checked
 * at connect time: IP literals are checked here, names through the guard's `lookup`, which
 * re-resolves and re-checks, so a DNS answer that changed since the endpoint was saved cannot
 * reach a private address. Redirects are never followed, nothing is pooled, and the whole
 * exchange — connect, send, headers, body — must finish within `timeoutMs`.
 */
export function postWebhook(
  url: URL,
  headers: Record<string, string>,
  body: string,
  options: { timeoutMs: number; guard: UrlGuard },
): Promise<SendResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const host = bareHost(url);

  return new Promise<SendResult>((resolve) => {
    let settled = false;
    const finish = (statusCode: number | null, error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ statusCode, error, latencyMs: elapsed() });
    };
    const timer = setTimeout(() => {
      const error = Object.assign(new Error('timeout'), { code: 'ETIMEDOUT_TOTAL' });
      request?.destroy(error);
      finish(null, describe(error, options.timeoutMs));
    }, options.timeoutMs);

    let request: http.ClientRequest | undefined;
    const start = async () => {
      if (isIP(host) !== 0) await options.guard.resolveChecked(host);
      if (settled) return;
      const client = url.protocol === 'https:' ? https : http;
      const auth = url.username ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` : undefined;
      request = client.request({
        method: 'POST',
        hostname: host,
        port: url.port || (url.protocol === 'https:' ? 443 : 80),
        path: `${url.pathname}${url.search}`,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: options.guard.lookup,
        agent: false,
        ...(auth !== undefined && { auth }),
      });
      request.on('error', (error) => finish(null, describe(error, options.timeoutMs)));
      request.on('response', (response) => {
        const status = response.statusCode ?? null;
        let read = 0;
        const done = () => {
          const location = response.headers.location;
          const note =
            status !== null && status >= 300 && status < 400
              ? `Redirect not followed${location ? ` (Location: ${location.slice(0, 200)})` : ''}; only a 2xx answer counts as delivered.`
              : null;
          response.destroy();
          finish(status, note);
        };
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > RESPONSE_READ_LIMIT) done();
        });
        response.on('end', done);
        response.on('error', (error) => finish(status, describe(error, options.timeoutMs)));
      });
      request.end(body);
    };
    start().catch((error: unknown) => finish(null, describe(error, options.timeoutMs)));
  });
}
