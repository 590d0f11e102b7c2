import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { OperationsConfig } from '../config-operations.js';
import { serviceUnavailable, type ApiError } from '../domain/errors.js';
import { clientErrorAnswer } from './client-errors.js';
import type { ErrorRenderer } from './plugins/errors.js';
import { newRequestId } from './plugins/wire.js';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** Why a port could not be bound, as the one line `clientele` prints. */
export class ListenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ListenError';
  }
}

/** How often Node checks header and request timeouts (its default, 30 s, made a 30 s timeout fire at 60 s). */
const TIMEOUT_CHECK_MS = 250;
/** Node ≥ 22 closes an idle keep-alive socket this long after KEEP_ALIVE_TIMEOUT_MS (Node 20: 1 s, fixed). */
const KEEP_ALIVE_BUFFER_MS = 500;
/** A connection over the cap that has sent no request yet is closed after this long. */
const REJECTED_GRACE_MS = 1_000;

export interface ListenerOptions {
  host: string;
  port: number;
  /** The setting that names the port, for the error line (`PORT` or `METRICS_PORT`). */
  portSetting: string;
  /** What a busy port's line suggests (`set PORT or --port`). */
  hint: string;
}

/** Binds `server` or fails with one clear line. */
export function bind(server: http.Server, options: ListenerOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      const where = `port ${options.port}`;
      if (error.code === 'EADDRINUSE') reject(new ListenError(`${where} is already in use (${options.hint})`));
      else if (error.code === 'EACCES') reject(new ListenError(`${where} needs privileges this process does not have (${options.hint})`));
      else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') {
        reject(new ListenError(`HOST '${options.host}' is not an address of this machine (set HOST or --host)`));
      } else reject(new ListenError(`cannot listen on ${options.host}:${options.port} (${options.portSetting}): ${error.message}`));
    };
    const onListening = () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : options.port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host: options.host, port: options.port });
  });
}

function sendError(response: ServerResponse, render: ErrorRenderer, api: ApiError): void {
  const body = JSON.stringify(render(api));
  response.writeHead(api.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'request-id': newRequestId(),
    ...api.headers,
  });
  response.end(body);
}

/**
 * The API's HTTP server, bound before anything else happens at start (a busy port then costs
 * nothing: no database file, no migration, no account), configured with every timeout of
 * docs/operations.md#timeouts-and-slow-clients and the connection cap. Until the app is
 * attached it answers `/healthz` 200, `/readyz` and everything else 503 `service_unavailable`
 * (migrations are running). `drain()` starts a shutdown: every response closes its connection.
 */
export function apiListener(
  config: Pick<OperationsConfig, 'headersTimeoutMs' | 'requestTimeoutMs' | 'keepAliveTimeoutMs' | 'maxConnections'>,
  render: ErrorRenderer,
  hooks: { onTimeout?: () => void; onRejected?: () => void } = {},
) {
  const server = http.createServer({
    headersTimeout: config.headersTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    connectionsCheckingInterval: TIMEOUT_CHECK_MS,
    // Node ≥ 22 (ignored by Node 20, whose buffer is 1 s).
    ...{ keepAliveTimeoutBuffer: KEEP_ALIVE_BUFFER_MS },
  });
  let connections = 0;
  const rejected = new WeakSet<Socket>();
  let draining = false;

  const starting: Handler = (request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      response.end('{"status":"ok"}');
      return;
    }
    sendError(response, render, serviceUnavailable('starting'));
  };
  let handle: Handler = starting;

  // Before Node's own connection listener: count, and mark the ones over the cap.
  server.prependListener('connection', (socket: Socket) => {
    connections++;
    socket.once('close', () => connections--);
    if (connections > config.maxConnections) {
      rejected.add(socket);
      hooks.onRejected?.();
      setTimeout(() => socket.destroy(), REJECTED_GRACE_MS).unref();
    }
  });
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (rejected.has(request.socket)) {
      response.shouldKeepAlive = false;
      sendError(response, render, serviceUnavailable('too_many_connections'));
      return;
    }
    // Shutting down: let clients reconnect to another node after this answer.
    if (draining) response.shouldKeepAlive = false;
    handle(request, response);
  });
  server.on('clientError', clientErrorAnswer(render, hooks.onTimeout));

  return {
    server,
    /** Open connections (the metrics gauge). */
    connections: () => connections,
    /** From now on requests go to the app. */
    attach(handler: Handler): void {
      handle = handler;
    },
    drain(): void {
      draining = true;
    },
    get draining(): boolean {
      return draining;
    },
    /**
     * Stops accepting connections, closes the idle ones (and each busy one once its response is
     * sent), and resolves when none is left or after `timeoutMs`, when the rest are cut.
     */
    close(timeoutMs: number): Promise<void> {
      draining = true;
      return new Promise((resolve) => {
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        const deadline = setTimeout(() => server.closeAllConnections(), timeoutMs);
        server.close(() => {
          clearInterval(sweep);
          clearTimeout(deadline);
          resolve();
        });
        server.closeIdleConnections();
      });
    },
  };
}

export type ApiListener = ReturnType<typeof apiListener>;
