/**
 * The `clientele` command as a user runs it (SPEC ): the built `dist/cli/main.js` in a
 * child process over a fresh SQLite file, alone and beside a running server on the same file.
 * Every child is killed in afterAll; every wait is bounded.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'dist', 'cli', 'main.js');
const RUN_TIMEOUT_MS = 20_000;
/** Each test runs several node processes; on a busy machine a few seconds each. */
const TEST_TIMEOUT_MS = 120_000;
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

const SECRET = (prefix: string) => new RegExp(`^${prefix}_[0-9A-Za-z]{48}$`);

const children = new Set<ChildProcess>();

/** `npm test` builds first; a bare `vitest run` on a fresh clone builds here. */
function ensureBuilt(): void {
  if (existsSync(MAIN)) return;
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'pipe', timeout: 180_000 });
}

/** The environment a user's shell would give: nothing of the test run's database or server settings. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['DATABASE_URL', 'CLIENTELE_BOOTSTRAP', 'PORT', 'HOST', 'LOG_LEVEL', 'NODE_OPTIONS']) delete env[name];
  // Tests stop servers at once; the drain of a real shutdown is tested in test/ops/lifecycle.test.ts.
  return { ...env, SHUTDOWN_DRAIN_MS: '0', ...extra };
}

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs one CLI command to completion (killed if it outlives RUN_TIMEOUT_MS). */
function run(args: string[], env: Record<string, string>): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`clientele ${args.join(' ')} did not finish in ${RUN_TIMEOUT_MS} ms\n${stdout}\n${stderr}`));
    }, RUN_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Runs a command that must succeed silently on stderr; returns its stdout. */
async function ok(args: string[], env: Record<string, string>): Promise<string> {
  const result = await run(args, env);
  expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 0, stderr: '' });
  return result.stdout;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

interface Server {
  url: string;
  /** Why the process ended, if it has (for diagnostics when a request fails). */
  ended(): string | null;
  stdout(): string;
  stderr(): string;
  /** SIGTERM, then SIGKILL if it has not exited within STOP_TIMEOUT_MS; resolves to the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `clientele serve` on a free port and waits (bounded) until it says it is listening. */
async function serve(env: Record<string, string>): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN, 'serve', '--port', String(port), '--host', '127.0.0.1'], {
    cwd: ROOT,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  let ended: string | null = null;
  // 'close', not 'exit': by then its standard output and error have been read to the end.
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code, signal) => {
      ended = `exit code ${String(code)}, signal ${String(signal)}`;
      children.delete(child);
      resolve(code);
    }),
  );
  const stop = async (): Promise<number | null> => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`server did not start in ${START_TIMEOUT_MS} ms\n${stdout}\n${stderr}`)), START_TIMEOUT_MS);
    const check = () => {
      // Human-facing lines go to stderr (stdout carries the JSON logs).
      const match = /Clientele listening on (http:\/\/\S+)/.exec(stderr);
      if (match?.[1]) finish(null, match[1]);
    };
    function finish(error: Error | null, value?: string) {
      clearTimeout(timer);
      child.stderr.off('data', check);
      if (error) reject(error);
      else resolve(value as string);
    }
    child.stderr.on('data', check);
    void exited.then(() => finish(new Error(`server ended (${String(ended)}) before listening\n${stdout}\n${stderr}`)));
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  expect(url).toBe(`http://127.0.0.1:${port}`);
  return { url, ended: () => ended, stdout: () => stdout, stderr: () => stderr, stop };
}

async function get(url: string, key: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${key}` }, signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function post(url: string, key: string, body: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-www-form-urlencoded' },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function freshDatabaseUrl(): string {
  return `sqlite:${join(mkdtempSync(join(tmpdir(), 'clientele-cli-')), 'x.db')}`;
}

/** Long enough for the server's key cache (apiKeyCacheMs, 500 ms) to forget a revoked key. */
const KEY_CACHE_GRACE_MS = 700;

interface PublicKey {
  id: string;
  mode: string;
  restricted: boolean;
  redacted: string;
  created: number;
  expires_at: number | null;
  revoked_at: number | null;
  name?: string | null;
  secret?: string;
  replaces?: string;
}

beforeAll(() => {
  ensureBuilt();
}, 200_000 /* builds dist/ when it is missing (tsc): ~30 s on a fresh clone */);

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

describe('clientele CLI over a fresh SQLite database', { timeout: TEST_TIMEOUT_MS }, () => {
  const env = { DATABASE_URL: freshDatabaseUrl() };
  let account: { id: string; name: string; keys: { test: string; live: string } };

  beforeAll(async () => {
    const stdout = await ok(['accounts', 'create', '--name', 'N', '--json'], env);
    account = JSON.parse(stdout) as typeof account;
  });

  it('accounts create --json prints exactly the account, its name and both secret keys', async () => {
    const stdout = await ok(['accounts', 'create', '--name', 'Acme Ltd', '--json'], env);
    expect(stdout).toMatch(
      /^\{"id":"acct_[0-9A-Za-z]+","name":"Acme Ltd","keys":\{"test":"sk_test_[0-9A-Za-z]{48}","live":"sk_live_[0-9A-Za-z]{48}"\}\}\n$/,
    );
    const parsed = JSON.parse(stdout) as typeof account;
    expect(Object.keys(parsed)).toEqual(['id', 'name', 'keys']);
    expect(Object.keys(parsed.keys)).toEqual(['test', 'live']);
    expect(parsed.id).not.toBe(account.id);

    expect(Object.keys(account)).toEqual(['id', 'name', 'keys']);
    expect(account.name).toBe('N');
    expect(account.id).toMatch(/^acct_[0-9A-Za-z]+$/);
    expect(account.keys.test).toMatch(SECRET('sk_test'));
    expect(account.keys.live).toMatch(SECRET('sk_live'));
  });

  it('accounts create without --json prints the id and keys for a human', async () => {
    const stdout = await ok(['accounts', 'create', '--name', 'Human'], env);
    expect(stdout).toMatch(/^Account acct_[0-9A-Za-z]+ \(Human\)\n {2}test secret key: sk_test_[0-9A-Za-z]{48}\n {2}live secret key: sk_live_[0-9A-Za-z]{48}\n/);
  });

  it('accounts list --json lists accounts with their settings, and never a key', async () => {
    const stdout = await ok(['accounts', 'list', '--json'], env);
    const accounts = JSON.parse(stdout) as { id: string; name: string; created: number; unique_emails: boolean }[];
    const mine = accounts.find((a) => a.id === account.id);
    expect(mine).toEqual({ id: account.id, name: 'N', created: expect.any(Number), unique_emails: false });
    expect(Object.keys(mine ?? {})).toEqual(['id', 'name', 'created', 'unique_emails']);
    expect(Math.abs((mine?.created ?? 0) - Date.now() / 1000)).toBeLessThan(300);
    expect(stdout).not.toMatch(/[sr]k_(test|live)_/);

    const plain = await ok(['accounts', 'list'], env);
    expect(plain).toContain(`${account.id}  N  unique-emails=off`);
  });

  it('accounts update --unique-emails switches the setting on and off', async () => {
    const created = JSON.parse(await ok(['accounts', 'create', '--name', 'Toggle', '--json'], env)) as typeof account;
    expect(await ok(['accounts', 'update', created.id, '--unique-emails', 'on'], env)).toBe(`${created.id}  unique-emails=on\n`);
    const listed = JSON.parse(await ok(['accounts', 'list', '--json'], env)) as { id: string; unique_emails: boolean }[];
    expect(listed.find((a) => a.id === created.id)?.unique_emails).toBe(true);
    expect(listed.find((a) => a.id === account.id)?.unique_emails).toBe(false);
    expect(await ok(['accounts', 'update', created.id, '--unique-emails', 'off'], env)).toBe(`${created.id}  unique-emails=off\n`);
  });

  it('keys create prints the key line and the secret once', async () => {
    const stdout = await ok(['keys', 'create', '--account', account.id, '--mode', 'test'], env);
    const lines = stdout.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    const line = /^(key_[0-9A-Za-z]+) {2}sk_test_…([0-9A-Za-z]{4}) {2}test {2}secret {2}active$/.exec(lines[0] ?? '');
    expect(line).not.toBeNull();
    const secret = /^secret \(shown once\): (sk_test_[0-9A-Za-z]{48})$/.exec(lines[1] ?? '')?.[1];
    expect(secret).toMatch(SECRET('sk_test'));
    expect(secret?.slice(-4)).toBe(line?.[2]);
  });

  it('keys create --json prints the key record and its secret', async () => {
    const stdout = await ok(['keys', 'create', '--account', account.id, '--mode', 'live', '--json'], env);
    expect(stdout.endsWith('\n')).toBe(true);
    expect(stdout.trimEnd()).not.toContain('\n');
    const key = JSON.parse(stdout) as PublicKey;
    expect(Object.keys(key)).toEqual(['id', 'mode', 'restricted', 'redacted', 'created', 'expires_at', 'revoked_at', 'rate_limit', 'name', 'secret']);
    expect(key).toMatchObject({ mode: 'live', restricted: false, expires_at: null, revoked_at: null, rate_limit: null, name: null });
    expect(key.id).toMatch(/^key_[0-9A-Za-z]+$/);
    expect(key.secret).toMatch(SECRET('sk_live'));
    expect(key.redacted).toBe(`sk_live_…${key.secret?.slice(-4)}`);
  });

  it('keys create --name names the key (SPEC U-3): shown by keys list, refused when not a short printable label', async () => {
    const named = JSON.parse(await ok(['keys', 'create', '--account', account.id, '--mode', 'test', '--name', 'billing-service', '--json'], env)) as PublicKey;
    expect(named).toMatchObject({ name: 'billing-service' });
    const listed = await ok(['keys', 'list', '--account', account.id, '--mode', 'test'], env);
    expect(listed.split('\n').find((l) => l.startsWith(named.id))).toMatch(/ {2}"billing-service"$/);
    const tooLong = await run(['keys', 'create', '--account', account.id, '--mode', 'test', '--name', 'x'.repeat(101)], env);
    expect(tooLong.code).not.toBe(0);
    expect(tooLong.stderr).toMatch(/key name must be at most 100 characters/);
  });

  it('keys create --restricted gives an rk_ key; --expires-in sets the expiry', async () => {
    const restricted = JSON.parse(
      await ok(['keys', 'create', '--account', account.id, '--mode', 'test', '--restricted', '--json'], env),
    ) as PublicKey;
    expect(restricted.secret).toMatch(SECRET('rk_test'));
    expect(restricted).toMatchObject({ mode: 'test', restricted: true });
    expect(restricted.redacted).toMatch(/^rk_test_…/);

    const expiring = JSON.parse(
      await ok(['keys', 'create', '--account', account.id, '--mode', 'test', '--expires-in', '24h', '--json'], env),
    ) as PublicKey;
    expect(expiring.expires_at).toBe(expiring.created + 24 * 3600);

    const plain = await ok(['keys', 'create', '--account', account.id, '--mode', 'live', '--restricted', '--expires-in', '30m'], env);
    expect(plain).toMatch(/^key_[0-9A-Za-z]+ {2}rk_live_…[0-9A-Za-z]{4} {2}live {2}restricted {2}active expires \d{4}-\d\d-\d\dT/);
    expect(plain).toMatch(/secret \(shown once\): rk_live_[0-9A-Za-z]{48}\n$/);
  });

  it('keys list --mode live lists only live keys and never a secret', async () => {
    const json = await ok(['keys', 'list', '--account', account.id, '--mode', 'live', '--json'], env);
    const keys = JSON.parse(json) as PublicKey[];
    expect(keys.length).toBeGreaterThanOrEqual(1);
    expect(keys.every((k) => k.mode === 'live')).toBe(true);
    expect(keys.some((k) => k.redacted === `sk_live_…${account.keys.live.slice(-4)}`)).toBe(true);
    for (const k of keys) expect(Object.keys(k)).toEqual(['id', 'mode', 'restricted', 'redacted', 'created', 'expires_at', 'revoked_at', 'rate_limit', 'name']);
    expect(json).not.toMatch(/[sr]k_(test|live)_[0-9A-Za-z]{8}/);

    const plain = await ok(['keys', 'list', '--account', account.id, '--mode', 'live'], env);
    const lines = plain.trimEnd().split('\n');
    expect(lines).toHaveLength(keys.length);
    for (const line of lines) expect(line).toMatch(/^key_[0-9A-Za-z]+ {2}[sr]k_live_…[0-9A-Za-z]{4} {2}live {2}/);

    const all = JSON.parse(await ok(['keys', 'list', '--account', account.id, '--json'], env)) as PublicKey[];
    expect(all.some((k) => k.mode === 'test')).toBe(true);
    expect(all.length).toBeGreaterThan(keys.length);
  });

  it('keys revoke marks a key revoked; revoking it again fails', async () => {
    const key = JSON.parse(await ok(['keys', 'create', '--account', account.id, '--mode', 'test', '--json'], env)) as PublicKey;
    const stdout = await ok(['keys', 'revoke', '--account', account.id, '--key', key.id], env);
    expect(stdout).toMatch(new RegExp(`^revoked ${key.id} {2}sk_test_…[0-9A-Za-z]{4} {2}test {2}secret {2}revoked\\n$`));
    const listed = JSON.parse(await ok(['keys', 'list', '--account', account.id, '--mode', 'test', '--json'], env)) as PublicKey[];
    expect(listed.find((k) => k.id === key.id)?.revoked_at).toEqual(expect.any(Number));

    const again = await run(['keys', 'revoke', '--account', account.id, '--key', key.id], env);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toBe(`clientele: key ${key.id} is already revoked\n`);

    // The positional form works too.
    const other = JSON.parse(await ok(['keys', 'create', '--account', account.id, '--mode', 'test', '--json'], env)) as PublicKey;
    expect(await ok(['keys', 'revoke', other.id, '--account', account.id], env)).toMatch(new RegExp(`^revoked ${other.id} `));
  });

  it('keys roll revokes a key and issues one of the same kind and mode', async () => {
    const old = JSON.parse(
      await ok(['keys', 'create', '--account', account.id, '--mode', 'live', '--restricted', '--json'], env),
    ) as PublicKey;
    const rolled = JSON.parse(await ok(['keys', 'roll', '--account', account.id, '--key', old.id, '--json'], env)) as PublicKey;
    expect(rolled.replaces).toBe(old.id);
    expect(rolled.id).not.toBe(old.id);
    expect(rolled).toMatchObject({ mode: 'live', restricted: true, revoked_at: null });
    expect(rolled.secret).toMatch(SECRET('rk_live'));
    const listed = JSON.parse(await ok(['keys', 'list', '--account', account.id, '--json'], env)) as PublicKey[];
    expect(listed.find((k) => k.id === old.id)?.revoked_at).toEqual(expect.any(Number));
    expect(listed.find((k) => k.id === rolled.id)?.revoked_at).toBeNull();

    const plain = await ok(['keys', 'roll', '--account', account.id, '--key', rolled.id, '--expires-in', '7d'], env);
    expect(plain).toMatch(new RegExp(`^revoked ${rolled.id}; new key key_[0-9A-Za-z]+ {2}rk_live_…`));
    expect(plain).toMatch(/secret \(shown once\): rk_live_[0-9A-Za-z]{48}\n$/);
  });

  it('flags may come before the sub-command', async () => {
    const keys = JSON.parse(await ok(['keys', '--account', account.id, '--json', 'list', '--mode', 'live'], env)) as PublicKey[];
    expect(keys.every((k) => k.mode === 'live')).toBe(true);
  });

  it('errors are one line on stderr, prefixed clientele:, with a non-zero exit and no stack trace', async () => {
    const cases: [string[], RegExp, Record<string, string>?][] = [
      [['frobnicate'], /unknown command 'frobnicate'/],
      [['keys', 'create', '--mode', 'test'], /keys create needs --account/],
      [['keys', 'list'], /keys list needs --account/],
      [['keys', 'create', '--account', account.id], /--mode is required/],
      [['keys', 'create', '--account', account.id, '--mode', 'prod'], /--mode must be test or live, got 'prod'/],
      [['keys', 'list', '--account', account.id, '--mode', 'staging'], /--mode must be test or live/],
      [['keys', 'create', '--account', 'acct_doesnotexist', '--mode', 'test'], /no such account: acct_doesnotexist/],
      [['keys', 'list', '--account', 'acct_doesnotexist'], /no such account: acct_doesnotexist/],
      [['accounts', 'update', 'acct_doesnotexist', '--unique-emails', 'on'], /no such account: acct_doesnotexist/],
      [['keys', 'create', '--account', account.id, '--mode', 'test', '--frobnicate'], /Unknown option '--frobnicate'/],
      [['accounts', 'list', '--verbose'], /Unknown option '--verbose'/],
      [['keys', 'create', '--account', account.id, '--mode', 'test', '--expires-in', '24x'], /--expires-in must look like/],
      [['keys', 'revoke', '--account', account.id, '--key', 'key_doesnotexist'], /no such key: key_doesnotexist/],
      [['keys', 'revoke', '--account', account.id], /keys revoke needs --key/],
      [['keys', 'roll', '--account', account.id], /keys roll needs --key/],
      [['keys', 'rotate', '--account', account.id], /unknown keys command 'rotate'/],
      [['keys'], /keys needs a command/],
      [['accounts', 'delete'], /unknown accounts command 'delete'/],
      [['accounts', 'create'], /accounts create needs --name/],
      [['accounts', 'create', '--name', '   '], /account name must be 1–200 characters/],
      [['accounts', 'create', '--name', 'Acme', 'Corp'], /unexpected argument 'Corp'/],
      [['accounts', 'create', '--name', 'Acme', '--unique-emails', 'on'], /accounts create does not take --unique-emails/],
      [['accounts', 'update', account.id, '--unique-emails', 'maybe'], /--unique-emails on\|off/],
      [['accounts', 'update', '--unique-emails', 'on'], /needs the account id/],
      [['keys', 'list', '--account', account.id, '--restricted'], /keys list does not take --restricted/],
      [['toString'], /unknown command 'toString'/],
      [['accounts', 'list'], /DATABASE_URL scheme 'mysql' is not supported/, { DATABASE_URL: 'mysql://localhost/x' }],
      [['serve', '--port', '99999'], /PORT must be between 0 and 65535/],
    ];
    const before = await ok(['accounts', 'list', '--json'], env);
    const results: Result[] = [];
    for (let i = 0; i < cases.length; i += 4) {
      const batch = cases.slice(i, i + 4).map(([args, , extra]) => run(args, { ...env, ...extra }));
      results.push(...(await Promise.all(batch)));
    }
    cases.forEach(([args, message], i) => {
      const result = results[i] as Result;
      const summary = { args, code: result.code === 0 ? 0 : 'non-zero', stdout: result.stdout };
      expect(summary).toEqual({ args, code: 'non-zero', stdout: '' });
      expect(result.signal).toBeNull();
      expect(result.stderr).toMatch(/^clientele: [^\n]+\n$/);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/\bat .+:\d+:\d+|node:internal|unexpected error/);
    });
    // Nothing failed half-way: no account was created by the failing commands.
    expect(await ok(['accounts', 'list', '--json'], env)).toBe(before);
  });

  it('help prints the usage on stdout', async () => {
    const help = await ok(['help'], env);
    expect(help).toMatch(/^Usage: clientele <command>/);
    expect(await ok(['keys', 'create', '--help'], env)).toBe(help);
  });
});

describe('clientele CLI beside a running server on the same SQLite file', { timeout: TEST_TIMEOUT_MS }, () => {
  const env = { DATABASE_URL: freshDatabaseUrl(), CLIENTELE_BOOTSTRAP: 'false', LOG_LEVEL: 'info' };
  let server: Server;
  let account: { id: string; keys: { test: string; live: string } };

  beforeAll(async () => {
    account = JSON.parse(await ok(['accounts', 'create', '--name', 'Shared', '--json'], env)) as typeof account;
    server = await serve(env);
  });
  afterEach(() => {
    // A request that failed with "fetch failed" is explained by how the server ended.
    expect(server.ended(), `the server ended; its stderr:\n${server.stderr()}`).toBeNull();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('does not bootstrap when CLIENTELE_BOOTSTRAP=false', () => {
    for (const output of [server.stdout(), server.stderr()]) {
      expect(output).not.toMatch(/[sr]k_(test|live)_/);
      expect(output).not.toContain('Created account');
    }
  });

  it('a key created by the CLI while the server runs authenticates against it', async () => {
    const key = JSON.parse(await ok(['keys', 'create', '--account', account.id, '--mode', 'test', '--json'], env)) as PublicKey;
    const listed = await get(`${server.url}/v1/customers`, key.secret as string);
    expect(listed.status).toBe(200);
    expect(listed.body.object).toBe('list');

    const created = await post(`${server.url}/v1/customers`, key.secret as string, 'email=cli%40example.com');
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ object: 'customer', livemode: false, created_by: key.id });

    // The account's own keys from `accounts create` work too, each in its mode.
    const live = await get(`${server.url}/v1/customers/${created.body.id as string}`, account.keys.live);
    expect(live.status).toBe(404);
    const test = await get(`${server.url}/v1/customers/${created.body.id as string}`, account.keys.test);
    expect(test.status).toBe(200);

    // No secret reaches the server's logs.
    expect(server.stdout()).not.toContain(key.secret as string);
    expect(server.stdout()).not.toContain(account.keys.test);
  });

  it('a restricted key from the CLI reads but cannot write', async () => {
    const key = JSON.parse(
      await ok(['keys', 'create', '--account', account.id, '--mode', 'live', '--restricted', '--json'], env),
    ) as PublicKey;
    expect((await get(`${server.url}/v1/customers`, key.secret as string)).status).toBe(200);
    const write = await post(`${server.url}/v1/customers`, key.secret as string, 'name=x');
    expect(write.status).toBe(403);
  });

  it('a key revoked or rolled by the CLI stops working on the running server', async () => {
    const key = JSON.parse(await ok(['keys', 'create', '--account', account.id, '--mode', 'test', '--json'], env)) as PublicKey;
    expect((await get(`${server.url}/v1/customers`, key.secret as string)).status).toBe(200);
    await ok(['keys', 'revoke', '--account', account.id, '--key', key.id], env);
    await new Promise((resolve) => setTimeout(resolve, KEY_CACHE_GRACE_MS));
    const after = await get(`${server.url}/v1/customers`, key.secret as string);
    expect(after.status).toBe(401);
    expect((after.body.error as { type: string }).type).toBe('invalid_request_error');

    const old = JSON.parse(await ok(['keys', 'create', '--account', account.id, '--mode', 'test', '--json'], env)) as PublicKey;
    expect((await get(`${server.url}/v1/customers`, old.secret as string)).status).toBe(200);
    const rolled = JSON.parse(await ok(['keys', 'roll', '--account', account.id, '--key', old.id, '--json'], env)) as PublicKey;
    await new Promise((resolve) => setTimeout(resolve, KEY_CACHE_GRACE_MS));
    expect((await get(`${server.url}/v1/customers`, old.secret as string)).status).toBe(401);
    expect((await get(`${server.url}/v1/customers`, rolled.secret as string)).status).toBe(200);
  });

  it('a key with --expires-in works until it expires', async () => {
    const key = JSON.parse(
      await ok(['keys', 'create', '--account', account.id, '--mode', 'test', '--expires-in', '1h', '--json'], env),
    ) as PublicKey;
    expect((await get(`${server.url}/v1/customers`, key.secret as string)).status).toBe(200);
  });

  it('accounts update --unique-emails on takes effect on the running server', async () => {
    const first = await post(`${server.url}/v1/customers`, account.keys.test, 'email=same%40example.com');
    expect(first.status).toBe(200);
    expect((await post(`${server.url}/v1/customers`, account.keys.test, 'email=SAME%40example.com')).status).toBe(200);
    await ok(['accounts', 'update', account.id, '--unique-emails', 'on'], env);
    const duplicate = await post(`${server.url}/v1/customers`, account.keys.test, 'email=Other%40example.com');
    expect(duplicate.status).toBe(200);
    const clash = await post(`${server.url}/v1/customers`, account.keys.test, 'email=other%40EXAMPLE.com');
    expect(clash.status).toBe(409);
    expect(clash.body.error).toMatchObject({ code: 'resource_already_exists', param: 'email' });
  });

  it('CLI commands keep working while the server writes to the same file', async () => {
    const writes = Promise.all(
      Array.from({ length: 20 }, (_, i) => post(`${server.url}/v1/customers`, account.keys.test, `name=busy${i}`)),
    );
    const [cli, responses] = await Promise.all([
      Promise.all([
        run(['keys', 'create', '--account', account.id, '--mode', 'test', '--json'], env),
        run(['keys', 'list', '--account', account.id, '--json'], env),
        run(['accounts', 'list', '--json'], env),
      ]),
      writes,
    ]);
    for (const result of cli) expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(responses.map((r) => r.status)).toEqual(Array.from({ length: 20 }, () => 200));
  });
});

describe('first start on an empty database (bootstrap)', { timeout: TEST_TIMEOUT_MS }, () => {
  const env = { DATABASE_URL: freshDatabaseUrl(), CLIENTELE_BOOTSTRAP: 'true', LOG_LEVEL: 'info' };
  let first: Server | undefined;
  let second: Server | undefined;
  afterAll(async () => {
    await first?.stop();
    await second?.stop();
  });

  it('prints a test key once, that key works, and a restart prints none', async () => {
    first = await serve(env);
    // The one-time key block is on stderr, apart from the JSON logs on stdout.
    const out = first.stderr();
    const secrets = out.match(/[sr]k_(test|live)_[0-9A-Za-z]+/g) ?? [];
    expect(secrets).toHaveLength(1);
    const key = secrets[0] as string;
    expect(key).toMatch(SECRET('sk_test'));
    const accountId = /Created account (acct_[0-9A-Za-z]+)/.exec(out)?.[1];
    expect(accountId).toBeDefined();

    const created = await post(`${first.url}/v1/customers`, key, 'name=Bootstrapped');
    expect(created.status).toBe(200);
    expect(created.body.livemode).toBe(false);
    expect((await get(`${first.url}/v1/customers/${created.body.id as string}`, key)).status).toBe(200);
    // Once the process has exited its logs are all out (pino writes them asynchronously).
    expect(await first.stop()).toBe(0);
    // Requests are logged, the key is not; the key block is printed once.
    expect(first.stdout()).toContain('"msg":"request completed"');
    expect(first.stdout()).not.toContain(key);
    expect(first.stderr().split(key).length - 1).toBe(1);

    const accounts = JSON.parse(await ok(['accounts', 'list', '--json'], env)) as { id: string }[];
    expect(accounts.map((a) => a.id)).toEqual([accountId]);

    second = await serve(env);
    for (const output of [second.stdout(), second.stderr()]) {
      expect(output).not.toMatch(/[sr]k_(test|live)_/);
      expect(output).not.toContain('Created account');
    }
    const again = await get(`${second.url}/v1/customers/${created.body.id as string}`, key);
    expect(again.status).toBe(200);
    expect(again.body.name).toBe('Bootstrapped');
    expect(await second.stop()).toBe(0);
    expect(JSON.parse(await ok(['accounts', 'list', '--json'], env))).toHaveLength(1);
  });
});
