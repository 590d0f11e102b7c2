import type { Socket } from 'node:net';
import { requestInvalid, requestTimeout } from '../domain/errors.js';
import type { ErrorRenderer } from './plugins/errors.js';
import { newRequestId } from './plugins/wire.js';

/**
 * Answers what Node's HTTP parser rejects before any route sees it, in the envelope: malformed
 * HTTP (400), and a request whose headers or whole self did not arrive within
 * HEADERS_TIMEOUT_MS / REQUEST_TIMEOUT_MS (408). The connection is closed after the answer.
 */
export function clientErrorAnswer(render: ErrorRenderer, onTimeout?: () => void) {
  return (error: Error, socket: Socket): void => {
    const code = (error as { code?: string }).code;
    if (code === 'ECONNRESET' || socket.destroyed) return;
    const timeout = code === 'ERR_HTTP_REQUEST_TIMEOUT';
    if (timeout) onTimeout?.();
    const api = timeout ? requestTimeout() : requestInvalid('Malformed HTTP request.');
    const body = JSON.stringify(render(api));
    socket.end(
      `HTTP/1.1 ${api.status} ${timeout ? 'Request Timeout' : 'Bad Request'}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Request-Id: ${newRequestId()}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  };
}
