import { connect, type Socket } from 'node:net';
import type { Config } from '../../src/config.js';
import { accountService } from '../../src/domain/accounts/account-service.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { freshDatabase, testConfig, type StoreKind } from '../helpers/harness.js';

export interface InProcessServer {
  server: RunningServer;
  config: Config;
  port: number;
  /** A test secret key of an account made for the test. */
  key: string;
  /** That account's id. */
  accountId: string;
  close(): Promise<void>;
}

/** The real server (startServer: its own listener, every timeout, the cap) on a fresh database, on a free loopback port. */
export async function startInProcess(kind: StoreKind, env: Record<string, string> = {}): Promise<InProcessServer> {
  const database = await freshDatabase(kind);
  const config: Config = { ...testConfig(database, { PORT: '0', SHUTDOWN_DRAIN_MS: '0', ...env }), host: '127.0.0.1' };
  const server = await startServer(config, () => undefined);
  const { account, test } = await accountService(server.store, { keyCacheMs: 500 }).createAccount('Ops test');
  return { server, config, port: Number(new URL(server.url).port), key: test.secret, accountId: account.id, close: () => server.close() };
}

export interface RawExchange {
  socket: Socket;
  /** Everything the server sent so far. */
  received(): string;
  /** Resolves when the server closed the connection, with ms since the socket connected. */
  closed: Promise<number>;
  /** ms since connecting. */
  elapsed(): number;
  send(text: string): void;
}

/** A raw TCP connection to the server, so a test decides exactly what is sent and when. */
export function rawConnection(port: number): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let started = 0;
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (text += chunk));
    const closed = new Promise<number>((done) => socket.once('close', () => done(performance.now() - started)));
    socket.once('error', () => undefined);
    socket.once('connect', () => {
      started = performance.now();
      resolve({
        socket,
        received: () => text,
        closed,
        elapsed: () => performance.now() - started,
        send: (data) => {
          if (!socket.destroyed) socket.write(data);
        },
      });
    });
    socket.once('error', reject);
  });
}

/** The status and parsed JSON body of the first response in `raw`. */
export function firstResponse(raw: string): { status: number; body: any } { // eslint-disable-line @typescript-eslint/no-explicit-any -- assertions read arbitrary JSON
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? NaN);
  const start = raw.indexOf('\r\n\r\n');
  const length = Number(/\r\ncontent-length: (\d+)/i.exec(raw)?.[1] ?? NaN);
  const text = start < 0 ? '' : raw.slice(start + 4, Number.isNaN(length) ? undefined : start + 4 + length);
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status, body };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls `fn` every `everyMs` until `stop()` resolves; returns the stopper. */
export function every(everyMs: number, fn: () => void): () => void {
  const timer = setInterval(fn, everyMs);
  return () => clearInterval(timer);
}
