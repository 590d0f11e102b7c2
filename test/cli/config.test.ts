import { createServer, type Server } from 'node:net';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { describePostgresError } from '../../src/store/postgres.js';
import { freshDatabase, STORES } from '../helpers/harness.js';
import { killAll, runCli, type CliResult } from '../helpers/processes.js';

/**
 * bad configuration fails fast with a clear message. `clientele serve` must exit non-zero
 * with exactly one line on stderr that names the problem, no stack trace, never echoing a
 * password, and without ever listening.
 */

/** A loopback port nothing listens on (bound, then released). */
function closedPort(): Promise<number> {
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

async function serve(env: Record<string, string>, args: string[] = []): Promise<CliResult> {
  return runCli(['serve', '--port', '0', '--host', '127.0.0.1', ...args], { CLIENTELE_BOOTSTRAP: 'false', LOG_LEVEL: 'warn', ...env }, 15_000);
}

/** The shape every configuration failure shares; returns the one stderr line. */
function expectOneClearLine(result: CliResult): string {
  expect(result.timedOut).toBe(false);
  expect(result.code).not.toBe(0);
  expect(result.code).not.toBeNull();
  expect(result.stdout).not.toMatch(/listening/i);
  const lines = result.stderr.split('\n').filter((line) => line.trim() !== '');
  expect(lines, result.stderr).toHaveLength(1);
  const line = lines[0] as string;
  expect(line).toMatch(/^clientele: /);
  expect(line).not.toMatch(/unexpected error|\bat .+:\d+:\d+|Error:|\{/);
  return line;
}

const pgAdminUrl = STORES.includes('postgres') ? inject('pgAdminUrl') : null;

describe('clientele serve refuses bad configuration', () => {
  afterAll(async () => {
    await killAll();
  });

  it('an unknown scheme names the scheme and the supported ones', async () => {
    const line = expectOneClearLine(await serve({ DATABASE_URL: 'mysql://root:hunter2@127.0.0.1:3306/app' }));
    expect(line).toContain("scheme 'mysql' is not supported");
    expect(line).toContain('postgres://');
    expect(line).not.toContain('hunter2');
  });

  it('a malformed postgres URL is refused before any connection attempt', async () => {
    for (const url of ['postgres://app:hunter2@[::1/clientele', 'postgres://app:hunter2@db.internal:99999/clientele']) {
      const line = expectOneClearLine(await serve({ DATABASE_URL: url }));
      expect(line).toMatch(/DATABASE_URL is not a valid postgres:\/\/ URL/);
      expect(line).not.toContain('hunter2');
    }
    const noHost = expectOneClearLine(await serve({ DATABASE_URL: 'postgres:///clientele' }));
    expect(noHost).toContain('DATABASE_URL has no host');
  });

  it('a bad PORT (environment or flag) names the setting and the value', async () => {
    const fromEnv = await runCli(['serve'], { PORT: 'eighty', DATABASE_URL: 'sqlite::memory:', CLIENTELE_BOOTSTRAP: 'false' });
    expect(expectOneClearLine(fromEnv)).toBe("clientele: PORT must be an integer, got 'eighty'");
    const fromFlag = await runCli(['serve', '--port', '70000'], { DATABASE_URL: 'sqlite::memory:', CLIENTELE_BOOTSTRAP: 'false' });
    expect(expectOneClearLine(fromFlag)).toBe('clientele: PORT must be between 0 and 65535, got 70000');
  });

  it('other bad settings are named too', async () => {
    expect(expectOneClearLine(await serve({ DATABASE_URL: 'sqlite::memory:', LOG_LEVEL: 'loud' }))).toContain("LOG_LEVEL must be one of");
    expect(expectOneClearLine(await serve({ DATABASE_URL: 'sqlite::memory:', PG_POOL_MAX: '0' }))).toContain('PG_POOL_MAX must be between 1 and 1000');
    expect(expectOneClearLine(await serve({ DATABASE_URL: 'sqlite::memory:', CLIENTELE_BOOTSTRAP: 'maybe' }))).toContain(
      "CLIENTELE_BOOTSTRAP must be true or false, got 'maybe'",
    );
    expect(expectOneClearLine(await serve({ DATABASE_URL: 'sqlite::memory:', PUBLIC_URL: 'https://api.example.com/' }))).toBe(
      "clientele: PUBLIC_URL must not end with a slash (use https://api.example.com), got 'https://api.example.com/'",
    );
  });

  it('an unreachable PostgreSQL (nothing listening) says connection refused, at once', async () => {
    const port = await closedPort();
    const line = expectOneClearLine(await serve({ DATABASE_URL: `postgres://app:hunter2@127.0.0.1:${port}/clientele` }));
    expect(line).toMatch(new RegExp(`^clientele: cannot connect to PostgreSQL at 127\\.0\\.0\\.1:${port}: connection refused`));
    expect(line).not.toContain('hunter2');
  });

  it('a server that is not PostgreSQL (closes the connection) is reported as such', async () => {
    const server: Server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const line = expectOneClearLine(await serve({ DATABASE_URL: `postgres://app:hunter2@127.0.0.1:${port}/clientele` }));
      expect(line).toContain(`cannot connect to PostgreSQL at 127.0.0.1:${port}: `);
      expect(line).toMatch(/closed the connection/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  describe.skipIf(!pgAdminUrl)('against the real PostgreSQL cluster', () => {
    const withUrl = (edit: (url: URL) => void): string => {
      const url = new URL(pgAdminUrl as string);
      edit(url);
      return url.toString();
    };

    it('a wrong password says authentication failed for that user, without echoing it', async () => {
      const url = withUrl((u) => (u.password = 'not-the-password'));
      const line = expectOneClearLine(await serve({ DATABASE_URL: url }));
      const { hostname, port } = new URL(url);
      expect(line).toContain(`cannot connect to PostgreSQL at ${hostname}:${port}: authentication failed for user 'postgres'`);
      expect(line).not.toContain('not-the-password');
    });

    it('a database that does not exist is named', async () => {
      const url = withUrl((u) => (u.pathname = '/no_such_database'));
      const line = expectOneClearLine(await serve({ DATABASE_URL: url }));
      expect(line).toContain(": database 'no_such_database' does not exist");
    });

    it('a good URL still starts (the failures above are the configuration, not the harness)', async () => {
      const target = await freshDatabase('postgres');
      const url = target.kind === 'postgres' ? target.url : '';
      const result = await runCli(['migrate'], { DATABASE_URL: url });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^Applied 0001_initial/);
    });
  });
});

describe('PUBLIC_URL', () => {
  const publicUrl = (env: Record<string, string>) => loadConfig(env).publicUrl;
  const refusal = (env: Record<string, string>) => {
    try {
      loadConfig(env);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error(`accepted ${JSON.stringify(env)}`);
  };

  it('defaults to the listen address, an IPv6 host in brackets', () => {
    expect(publicUrl({})).toBe('http://127.0.0.1:4242');
    expect(publicUrl({ HOST: '0.0.0.0', PORT: '8080' })).toBe('http://0.0.0.0:8080');
    expect(publicUrl({ HOST: '::1', PORT: '8080' })).toBe('http://[::1]:8080');
    expect(publicUrl({ HOST: '::' })).toBe('http://[::]:4242');
  });

  it('takes an absolute http(s) URL, with a path prefix for a reverse proxy', () => {
    expect(publicUrl({ PUBLIC_URL: 'https://api.example.com' })).toBe('https://api.example.com');
    expect(publicUrl({ PUBLIC_URL: 'https://example.com/clientele' })).toBe('https://example.com/clientele');
    expect(publicUrl({ PUBLIC_URL: 'http://[2001:db8::1]:4242' })).toBe('http://[2001:db8::1]:4242');
  });

  it('refuses anything else, naming the setting', () => {
    expect(refusal({ PUBLIC_URL: '' })).toMatch(/^PUBLIC_URL must be an absolute http:\/\/ or https:\/\/ URL/);
    expect(refusal({ PUBLIC_URL: 'api.example.com' })).toMatch(/^PUBLIC_URL must be an absolute/);
    expect(refusal({ PUBLIC_URL: '/clientele' })).toMatch(/^PUBLIC_URL must be an absolute/);
    expect(refusal({ PUBLIC_URL: 'ftp://api.example.com' })).toBe("PUBLIC_URL must use http:// or https://, got 'ftp://api.example.com'");
    expect(refusal({ PUBLIC_URL: 'https://api.example.com/' })).toMatch(/^PUBLIC_URL must not end with a slash/);
    expect(refusal({ PUBLIC_URL: 'https://example.com/clientele/' })).toMatch(/^PUBLIC_URL must not end with a slash/);
    expect(refusal({ PUBLIC_URL: 'https://api.example.com?x=1' })).toMatch(/^PUBLIC_URL must not have a query string or fragment/);
    expect(refusal({ PUBLIC_URL: 'https://api.example.com#top' })).toMatch(/^PUBLIC_URL must not have a query string or fragment/);
    expect(refusal({ PUBLIC_URL: 'https://user:hunter2@api.example.com' })).toBe('PUBLIC_URL must not contain a user name or password');
  });

  it('a HOST that cannot form the default URL asks for PUBLIC_URL', () => {
    expect(refusal({ HOST: 'not a host' })).toMatch(/^HOST 'not a host' does not form a URL .*; set PUBLIC_URL/);
    expect(publicUrl({ HOST: 'not a host', PUBLIC_URL: 'https://api.example.com' })).toBe('https://api.example.com');
  });
});

describe('WEBHOOK_LEASE_MS (how soon a crashed process\'s delivery is sent again)', () => {
  it('defaults to twice the timeout plus 5 s, following WEBHOOK_TIMEOUT_MS', () => {
    expect(loadConfig({}).webhookLeaseMs).toBe(25_000);
    expect(loadConfig({ WEBHOOK_TIMEOUT_MS: '1000' }).webhookLeaseMs).toBe(7_000);
    expect(loadConfig({ WEBHOOK_TIMEOUT_MS: '1000', WEBHOOK_LEASE_MS: '2000' }).webhookLeaseMs).toBe(2_000);
  });

  it('refuses a lease a live attempt could outlive (under the timeout plus 1 s)', () => {
    expect(() => loadConfig({ WEBHOOK_TIMEOUT_MS: '1000', WEBHOOK_LEASE_MS: '1999' })).toThrow('WEBHOOK_LEASE_MS must be between 2000 and 3600000, got 1999');
    expect(() => loadConfig({ WEBHOOK_LEASE_MS: '10999' })).toThrow('WEBHOOK_LEASE_MS must be between 11000 and 3600000, got 10999');
  });
});

describe('SMTP_URL and MAIL_FROM (the portal\'s sign-in by email)', () => {
  const refusal = (env: Record<string, string>) => {
    try {
      loadConfig(env);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error(`accepted ${JSON.stringify(env)}`);
  };

  it('defaults to no SMTP server and a From of Clientele at localhost', () => {
    expect(loadConfig({})).toMatchObject({ smtpUrl: null, mailFrom: 'Clientele <no-reply@localhost>' });
    expect(loadConfig({ SMTP_URL: ' ' }).smtpUrl).toBeNull();
  });

  it('takes smtp:// and smtps:// URLs with credentials, and an address with or without a name', () => {
    expect(loadConfig({ SMTP_URL: 'smtp://mail.example.com:587' }).smtpUrl).toBe('smtp://mail.example.com:587');
    expect(loadConfig({ SMTP_URL: 'smtps://user:p%40ss@mail.example.com:465' }).smtpUrl).toBe('smtps://user:p%40ss@mail.example.com:465');
    expect(loadConfig({ MAIL_FROM: 'Acme Billing <billing@acme.example>' }).mailFrom).toBe('Acme Billing <billing@acme.example>');
    expect(loadConfig({ MAIL_FROM: 'billing@acme.example' }).mailFrom).toBe('billing@acme.example');
  });

  it('refuses anything else, never echoing a password', () => {
    expect(refusal({ SMTP_URL: 'mail.example.com' })).toMatch(/^SMTP_URL must be a URL such as smtp:\/\//);
    const wrongScheme = refusal({ SMTP_URL: 'https://user:hunter2@mail.example.com' });
    expect(wrongScheme).toBe("SMTP_URL must use smtp:// or smtps://, got 'https://…'");
    expect(refusal({ SMTP_URL: 'smtp://user:hunter2@' })).not.toContain('hunter2');
    expect(refusal({ MAIL_FROM: 'nobody' })).toMatch(/^MAIL_FROM must be an email address/);
    expect(refusal({ MAIL_FROM: 'Name <a@b.example>\r\nBcc: x@y.example' })).toMatch(/^MAIL_FROM must be an email address/);
  });

  it('a bad SMTP_URL stops `clientele serve` with one line', async () => {
    const line = expectOneClearLine(await serve({ DATABASE_URL: 'sqlite::memory:', SMTP_URL: 'http://user:hunter2@mail.example.com' }));
    expect(line).toBe("clientele: SMTP_URL must use smtp:// or smtps://, got 'http://…'");
  });
});

describe('describePostgresError', () => {
  const url = 'postgres://app:hunter2@db.internal:6432/clientele';
  const line = (error: unknown) => describePostgresError(error, url);
  const driver = (code: string | undefined, message: string) => Object.assign(new Error(message), code ? { code } : {});

  it('names the target and the cause for failures the process tests cannot provoke cheaply', () => {
    expect(line(driver(undefined, 'Connection terminated due to connection timeout'))).toBe(
      'cannot connect to PostgreSQL at db.internal:6432: timed out after 10 s',
    );
    expect(line(driver('ENOTFOUND', 'getaddrinfo ENOTFOUND db.internal'))).toBe(
      'cannot connect to PostgreSQL at db.internal:6432: host not found',
    );
    expect(line(driver('53300', 'sorry, too many clients already'))).toBe(
      'cannot connect to PostgreSQL at db.internal:6432: too many connections: sorry, too many clients already (lower PG_POOL_MAX or raise max_connections)',
    );
    expect(line(driver('28000', 'no pg_hba.conf entry for host "10.0.0.9", user "app", database "clientele", no encryption'))).toBe(
      'cannot connect to PostgreSQL at db.internal:6432: access refused: no pg_hba.conf entry for host "10.0.0.9", user "app", database "clientele", no encryption',
    );
    expect(line(driver(undefined, 'SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string'))).toBe(
      "cannot connect to PostgreSQL at db.internal:6432: the server wants a password for user 'app' and DATABASE_URL has none",
    );
    expect(line(driver('XX000', 'first line\nsecond line'))).toBe('cannot connect to PostgreSQL at db.internal:6432: first line (XX000)');
    expect(line(undefined)).toBe('cannot connect to PostgreSQL at db.internal:6432: unknown error');
  });

  it('never includes the password', () => {
    for (const code of ['ECONNREFUSED', '28P01', '3D000', undefined]) expect(line(driver(code, 'x'))).not.toContain('hunter2');
  });
});
