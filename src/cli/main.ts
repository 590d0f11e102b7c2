#!/usr/bin/env node
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { createServices } from '../compose.js';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { AccountError } from '../domain/accounts/account-service.js';
import { parseDuration, type Mode } from '../domain/accounts/api-keys.js';
import { startServer } from '../server.js';
import { openStore, StoreOpenError } from '../store/open-store.js';
import type { ApiKeyRecord } from '../store/port.js';

const USAGE = `Usage: clientele <command> [options]

Commands:
  serve      [--port N] [--host H] [--database URL]    run the API server (what npm start runs)
  migrate    [--database URL]                          apply pending database migrations
  accounts create --name N [--json]                    create an account with a test and a live secret key
  accounts list [--json]                               list accounts
  accounts update ACCOUNT --unique-emails on|off       require unique customer emails (case-insensitive)
  keys create --account A --mode test|live [--restricted] [--expires-in 24h] [--json]
  keys list   --account A [--mode test|live] [--json]
  keys revoke --account A --key KEY_ID                 (or: keys revoke KEY_ID --account A)
  keys roll   --account A --key KEY_ID [--expires-in 24h] [--json]

Every command reads DATABASE_URL (default sqlite:./data/clientele.db); --database overrides it.`;

class UsageError extends Error {}

function fail(message: string): never {
  throw new UsageError(message);
}

function modeOf(value: string | undefined, required: boolean): Mode | undefined {
  if (value === undefined) {
    if (required) fail('--mode is required (test or live)');
    return undefined;
  }
  if (value !== 'test' && value !== 'live') fail(`--mode must be test or live, got '${value}'`);
  return value;
}

function expiresIn(value: string | undefined): number | null {
  if (value === undefined) return null;
  const seconds = parseDuration(value);
  if (seconds === null) fail(`--expires-in must look like 30m, 24h or 7d, got '${value}'`);
  return seconds;
}

function keyLine(key: ApiKeyRecord): string {
  const status = key.revoked_at !== null ? 'revoked' : key.expires_at !== null && key.expires_at <= Date.now() / 1000 ? 'expired' : 'active';
  const expires = key.expires_at === null ? '' : ` expires ${new Date(key.expires_at * 1000).toISOString()}`;
  return `${key.id}  ${key.prefix}_…${key.last4}  ${key.livemode ? 'live' : 'test'}  ${key.restricted ? 'restricted' : 'secret'}  ${status}${expires}`;
}

function publicKey(key: ApiKeyRecord) {
  return {
    id: key.id,
    mode: key.livemode ? 'live' : 'test',
    restricted: key.restricted,
    redacted: `${key.prefix}_…${key.last4}`,
    created: key.created,
    expires_at: key.expires_at,
    revoked_at: key.revoked_at,
  };
}

async function withServices<T>(config: Config, fn: (services: ReturnType<typeof createServices>) => Promise<T>): Promise<T> {
  const store = await openStore(config);
  try {
    await store.migrate();
    return await fn(createServices(store, config));
  } finally {
    await store.close();
  }
}

async function main(argv: string[]): Promise<void> {
  const [command, sub, ...rest] = argv;
  const out = (line: string) => process.stdout.write(`${line}\n`);
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    out(USAGE);
    return;
  }
  const args = (list: string[], options: NonNullable<ParseArgsConfig['options']>) => {
    const parsed = parseArgs({ args: list, options: { ...options, database: { type: 'string' } }, allowPositionals: true, strict: true });
    return { values: parsed.values as Record<string, string | boolean | undefined>, positionals: parsed.positionals };
  };

  if (command === 'serve' || command === 'migrate') {
    const { values } = args([sub, ...rest].filter((a): a is string => a !== undefined), {
      port: { type: 'string' },
      host: { type: 'string' },
    });
    const config = loadConfig(process.env, {
      port: values.port as string | undefined,
      host: values.host as string | undefined,
      database: values.database as string | undefined,
    });
    if (command === 'migrate') {
      const store = await openStore(config);
      try {
        const applied = await store.migrate();
        out(applied.length ? `Applied ${applied.join(', ')}` : 'Database is up to date.');
      } finally {
        await store.close();
      }
      return;
    }
    const server = await startServer(config, out);
    out(`Clientele listening on ${server.url}`);
    let closing = false;
    const shutdown = (signal: string) => {
      if (closing) return;
      closing = true;
      server.app.log.info({ signal }, 'shutting down: finishing in-flight requests');
      server.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.on('SIGINT', () => shutdown('SIGINT'));
    process.on('SIGTERM', () => shutdown('SIGTERM'));
    return;
  }

  if (command === 'accounts') {
    const { values, positionals } = args(rest, {
      name: { type: 'string' },
      json: { type: 'boolean' },
      'unique-emails': { type: 'string' },
    });
    const config = loadConfig(process.env, { database: values.database as string | undefined });
    if (sub === 'create') {
      const name = values.name as string | undefined;
      if (!name) fail('accounts create needs --name');
      const { account, test, live } = await withServices(config, (s) => s.accounts.createAccount(name));
      if (values.json) {
        out(JSON.stringify({ id: account.id, name: account.name, keys: { test: test.secret, live: live.secret } }));
      } else {
        out(`Account ${account.id} (${account.name})`);
        out(`  test secret key: ${test.secret}`);
        out(`  live secret key: ${live.secret}`);
        out('Store these keys now: they are not shown again.');
      }
      return;
    }
    if (sub === 'list') {
      const accounts = await withServices(config, (s) => s.accounts.listAccounts());
      if (values.json) {
        out(JSON.stringify(accounts.map((a) => ({ id: a.id, name: a.name, created: a.created, unique_emails: a.unique_emails }))));
      } else for (const a of accounts) out(`${a.id}  ${a.name}  unique-emails=${a.unique_emails ? 'on' : 'off'}`);
      return;
    }
    if (sub === 'update') {
      const id = positionals[0];
      if (!id) fail('accounts update needs the account id: clientele accounts update acct_… --unique-emails on');
      const setting = values['unique-emails'] as string | undefined;
      if (setting !== 'on' && setting !== 'off') fail('accounts update needs --unique-emails on|off');
      const account = await withServices(config, (s) => s.accounts.setUniqueEmails(id, setting === 'on'));
      out(`${account.id}  unique-emails=${account.unique_emails ? 'on' : 'off'}`);
      return;
    }
    fail(`unknown accounts command '${sub ?? ''}' (create, list, update)`);
  }

  if (command === 'keys') {
    const { values, positionals } = args(rest, {
      account: { type: 'string' },
      mode: { type: 'string' },
      restricted: { type: 'boolean' },
      'expires-in': { type: 'string' },
      key: { type: 'string' },
      json: { type: 'boolean' },
    });
    const config = loadConfig(process.env, { database: values.database as string | undefined });
    const account = values.account as string | undefined;
    if (!account) fail(`keys ${sub ?? ''} needs --account`);
    if (sub === 'create') {
      const mode = modeOf(values.mode as string | undefined, true) as Mode;
      const created = await withServices(config, (s) =>
        s.accounts.createKey(account, mode, Boolean(values.restricted), expiresIn(values['expires-in'] as string | undefined)),
      );
      if (values.json) out(JSON.stringify({ ...publicKey(created.key), secret: created.secret }));
      else {
        out(keyLine(created.key));
        out(`secret (shown once): ${created.secret}`);
      }
      return;
    }
    if (sub === 'list') {
      const mode = modeOf(values.mode as string | undefined, false);
      const keys = await withServices(config, (s) => s.accounts.listKeys(account, mode));
      if (values.json) out(JSON.stringify(keys.map(publicKey)));
      else for (const k of keys) out(keyLine(k));
      return;
    }
    const keyId = (values.key as string | undefined) ?? positionals[0];
    if (sub === 'revoke') {
      if (!keyId) fail('keys revoke needs --key key_…');
      const key = await withServices(config, (s) => s.accounts.revokeKey(account, keyId));
      out(`revoked ${keyLine(key)}`);
      return;
    }
    if (sub === 'roll') {
      if (!keyId) fail('keys roll needs --key key_…');
      const created = await withServices(config, (s) =>
        s.accounts.rollKey(account, keyId, expiresIn(values['expires-in'] as string | undefined)),
      );
      if (values.json) out(JSON.stringify({ ...publicKey(created.key), secret: created.secret, replaces: keyId }));
      else {
        out(`revoked ${keyId}; new key ${keyLine(created.key)}`);
        out(`secret (shown once): ${created.secret}`);
      }
      return;
    }
    fail(`unknown keys command '${sub ?? ''}' (create, list, revoke, roll)`);
  }

  fail(`unknown command '${command}'. Run 'clientele help'.`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const known =
    error instanceof UsageError ||
    error instanceof ConfigError ||
    error instanceof AccountError ||
    error instanceof StoreOpenError ||
    (error instanceof TypeError && 'code' in error && String((error as { code: unknown }).code).startsWith('ERR_PARSE_ARGS'));
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`clientele: ${known ? message : `unexpected error: ${message}`}\n`);
  process.exit(1);
});
