import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseUrl, freshDatabase, STORES } from '../helpers/harness.js';
import { CLI, cli, killAll, runCli, startServerProcess, waitReady, type CliResult } from '../helpers/processes.js';
import { firstResponse, rawConnection, sleep } from './support.js';

/**
 * Issue #21 §4 and §7: a start that never surprises and a stop that lets a load balancer take
 * the node out. Real `clientele serve` processes.
 */

function busyPort(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address ? address.port : 0 });
    });
  });
}

function oneLine(result: CliResult): string {
  expect(result.code).toBe(1);
  const lines = result.stderr.split('\n').filter((l) => l.trim() !== '');
  expect(lines, result.stderr).toHaveLength(1);
  expect(result.stdout).toBe('');
  return lines[0] as string;
}

async function tablesOf(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ tablename: string }>(`select tablename from pg_tables where schemaname = 'public'`);
    return result.rows.map((r) => r.tablename);
  } finally {
    await client.end();
  }
}

describe('start: a busy port or a bad setting is one line and writes nothing', () => {
  afterAll(async () => killAll());

  it.each(STORES)('a busy port on an empty database (%s): one line, exit 1, no file, no table, no key', async (kind) => {
    const { server, port } = await busyPort();
    try {
      const database = await freshDatabase(kind);
      const dir = database.kind === 'sqlite' ? join(mkdtempSync(join(tmpdir(), 'clientele-busy-')), 'data') : null;
      const url = database.kind === 'sqlite' ? `sqlite:${join(dir as string, 'clientele.db')}` : databaseUrl(database);
      const result = await runCli(['serve', '--port', String(port), '--host', '127.0.0.1'], { DATABASE_URL: url, CLIENTELE_BOOTSTRAP: 'true' });
      expect(oneLine(result)).toBe(`clientele: port ${port} is already in use (set PORT or --port)`);
      expect(result.stderr).not.toMatch(/sk_test_|Created account/);
      if (dir) expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
      else expect(await tablesOf(url)).toEqual([]);
    } finally {
      server.close();
    }
  });

  it('a busy METRICS_PORT is named too, and nothing is written', async () => {
    const { server, port } = await busyPort();
    try {
      const dir = mkdtempSync(join(tmpdir(), 'clientele-busy-'));
      const result = await runCli(['serve', '--port', '0', '--host', '127.0.0.1'], {
        DATABASE_URL: `sqlite:${join(dir, 'data', 'c.db')}`,
        METRICS_PORT: String(port),
      });
      expect(oneLine(result)).toBe(`clientele: port ${port} is already in use (set METRICS_PORT)`);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      server.close();
    }
  });

  it('each new setting that is wrong is one line naming it, and nothing is written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clientele-bad-'));
    const base = { DATABASE_URL: `sqlite:${join(dir, 'data', 'c.db')}` };
    const cases: Array<[Record<string, string>, string]> = [
      [{ RATE_LIMIT_TEST: 'lots' }, "clientele: RATE_LIMIT_TEST must be an integer, got 'lots'"],
      [{ RATE_LIMIT_SEARCH: '-1' }, "clientele: RATE_LIMIT_SEARCH must be an integer, got '-1'"],
      [{ HEADERS_TIMEOUT_MS: '50' }, 'clientele: HEADERS_TIMEOUT_MS must be between 100 and 600000, got 50'],
      [{ HEADERS_TIMEOUT_MS: '40000' }, 'clientele: HEADERS_TIMEOUT_MS (40000) must not exceed REQUEST_TIMEOUT_MS (30000)'],
      [{ MAX_CONNECTIONS: '0' }, 'clientele: MAX_CONNECTIONS must be between 1 and 1000000, got 0'],
      [{ METRICS_PORT: '4242' }, 'clientele: METRICS_PORT must differ from PORT (both are 4242)'],
      [{ METRICS_TOKEN: 'short' }, 'clientele: METRICS_TOKEN must be 16-256 printable characters without spaces (e.g. openssl rand -hex 32)'],
      [{ SHUTDOWN_DRAIN_MS: '5s' }, "clientele: SHUTDOWN_DRAIN_MS must be an integer, got '5s'"],
    ];
    for (const [env, line] of cases) {
      const result = await runCli(['serve'], { ...base, ...env });
      expect(oneLine(result)).toBe(line);
    }
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe.skipIf(!STORES.includes('postgres'))('/readyz while migrations run', () => {
  afterAll(async () => killAll());

  it('answers 503 service_unavailable (and /healthz 200) until the migrations are done', async () => {
    const database = await freshDatabase('postgres');
    const url = databaseUrl(database);
    // Hold the migration lock, as another node migrating would.
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    await holder.query('begin');
    await holder.query(`select pg_advisory_xact_lock(hashtextextended('clientele:migrate', 0))`);
    // A port known in advance: the server announces itself only once it is ready.
    const { server: probe, port } = await busyPort();
    await new Promise((resolve) => probe.close(resolve));
    const child = spawn(process.execPath, [CLI, 'serve', '--port', String(port), '--host', '127.0.0.1'], {
      env: { PATH: process.env.PATH, DATABASE_URL: url, CLIENTELE_BOOTSTRAP: 'false', LOG_LEVEL: 'warn', SHUTDOWN_DRAIN_MS: '0' },
      stdio: 'ignore',
    });
    const server = { url: `http://127.0.0.1:${port}` };
    try {
      let ready: Response | undefined;
      // A guard, not a bound: on a loaded machine node alone can take seconds to start.
      const deadline = Date.now() + 60_000;
      while (!ready && Date.now() < deadline) ready = await fetch(`${server.url}/readyz`).catch(() => sleep(50).then(() => undefined));
      if (!ready) throw new Error('the server did not bind its port');
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { error: { code: string; message: string } }).error).toMatchObject({
        code: 'service_unavailable',
        message: 'The server is starting (applying database migrations). Retry in a moment.',
      });
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${server.url}/v1/customers`)).status).toBe(503);
      await holder.query('commit');
      let after = await fetch(`${server.url}/readyz`);
      while (after.status !== 200 && Date.now() < deadline + 60_000) {
        await sleep(50);
        after = await fetch(`${server.url}/readyz`);
      }
      expect(after.status).toBe(200);
    } finally {
      child.kill('SIGKILL');
      await holder.end();
    }
  });
});

describe.each(STORES)('graceful shutdown with requests in flight (%s)', (kind) => {
  afterAll(async () => killAll());

  it('SIGTERM: /readyz 503 at once, requests still served during the drain, the in-flight one finishes, exit 0', async () => {
    const database = await freshDatabase(kind);
    const env = { DATABASE_URL: databaseUrl(database), CLIENTELE_BOOTSTRAP: 'false', SHUTDOWN_DRAIN_MS: '1000' };
    const key = (JSON.parse(await cli(['accounts', 'create', '--name', 'Drain', '--json'], env)) as { keys: { test: string } }).keys.test;
    const server = await startServerProcess(env);
    await waitReady(server);
    const port = Number(new URL(server.url).port);

    // A create whose body is still arriving when the signal comes.
    const body = 'name=In%20flight';
    const inFlight = await rawConnection(port);
    inFlight.send(
      `POST /v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`,
    );
    await sleep(100);
    const exited = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)));
    server.child.kill('SIGTERM');
    const signalled = performance.now();

    // At once: not ready, but still serving.
    let ready: Response;
    do ready = await fetch(`${server.url}/readyz`);
    while (ready.status === 200 && performance.now() - signalled < 800);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { error: { code: string } }).error.code).toBe('service_unavailable');
    const during = await fetch(`${server.url}/v1/customers`, { headers: { authorization: `Bearer ${key}` } });
    expect(during.status).toBe(200);
    expect(during.headers.get('connection')).toBe('close');

    // The in-flight request completes after the drain, then the process exits cleanly.
    await sleep(Math.max(0, 1200 - (performance.now() - signalled)));
    inFlight.send(body.slice(5));
    await inFlight.closed;
    const answer = firstResponse(inFlight.received());
    expect(answer.status, inFlight.received()).toBe(200);
    expect(answer.body).toMatchObject({ object: 'customer', name: 'In flight' });
    expect(await exited).toBe(0);
    // It stopped accepting connections once the drain was over.
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });
});
