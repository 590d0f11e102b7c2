#!/usr/bin/env node
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { AccountError, accountService, MAX_KEY_RATE_LIMIT, type AccountService } from '../domain/accounts/account-service.js';
import { parseDuration, type Mode } from '../domain/accounts/api-keys.js';
import type { ApiKeyRecord, Store } from '../store/port.js';
import { BULK_COMMANDS, BULK_USAGE, runBulkCommand } from './bulk-commands.js';
import { UsageError } from './usage-error.js';

/*
 * The database drivers and the HTTP server load only when a command needs them: every
 * `clientele keys …` would otherwise pay for Fastify and its plugins at start-up.
 */
async function openDatabase(config: Config): Promise<Store> {
  const { openStore } = await import('../store/open-store.js');
  return openStore(config);
}

const USAGE = `Usage: clientele <command> [options]

Commands:
  serve      [--port N] [--host H] [--database URL]    run the API server (what npm start runs)
  migrate    [--database URL]                          apply pending database migrations
  accounts create --name N [--json]                    create an account with a test and a live secret key
  accounts list [--json]                               list accounts
  accounts update ACCOUNT --unique-emails on|off       require unique customer emails (case-insensitive)
  keys create --account A --mode test|live [--name N] [--restricted] [--expires-in 24h] [--rate-limit N] [--json]
  keys list   --account A [--mode test|live] [--json]
  keys update --account A --key KEY_ID --rate-limit N|default   requests per second for this key (0: none)
  keys revoke --account A --key KEY_ID                 (or: keys revoke KEY_ID --account A)
  keys roll   --account A --key KEY_ID [--expires-in 24h] [--json]
  backup  --to FILE                                    copy a running SQLite database (online, consistent)
  restore FILE [--force]                               put a backup back (server stopped; --force: even if one runs)
${BULK_USAGE}

Options may come before or after the sub-command; an option a command does not take is an error.
Every command reads DATABASE_URL (default sqlite:./data/clientele.db); --database overrides it.`;

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

/** `--rate-limit`: requests per second, 0 for none, or (update only) `default` for the mode's setting. */
function rateLimitOf(value: string | undefined, allowDefault: boolean): number | null | undefined {
  if (value === undefined) return undefined;
  if (allowDefault && value === 'default') return null;
  if (!/^\d+$/.test(value) || Number(value) > MAX_KEY_RATE_LIMIT) {
    fail(`--rate-limit must be requests per second, 0 to ${MAX_KEY_RATE_LIMIT} (0: no limit)${allowDefault ? ", or 'default'" : ''}, got '${value}'`);
  }
  return Number(value);
}

function keyLine(key: ApiKeyRecord): string {
  const status = key.revoked_at !== null ? 'revoked' : key.expires_at !== null && key.expires_at <= Date.now() / 1000 ? 'expired' : 'active';
  const expires = key.expires_at === null ? '' : ` expires ${new Date(key.expires_at * 1000).toISOString()}`;
  const limit = key.rate_limit === null ? '' : key.rate_limit === 0 ? '  rate-limit=none' : `  rate-limit=${key.rate_limit}/s`;
  const named = key.name === null ? '' : `  "${key.name}"`;
  return `${key.id}  ${key.prefix}_…${key.last4}  ${key.livemode ? 'live' : 'test'}  ${key.restricted ? 'restricted' : 'secret'}  ${status}${expires}${limit}${named}`;
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
    rate_limit: key.rate_limit,
    name: key.name,
  };
}

async function withServices<T>(config: Config, fn: (services: { accounts: AccountService }) => Promise<T>): Promise<T> {
  const store = await openDatabase(config);
  try {
    await store.migrate();
    return await fn({ accounts: accountService(store, { keyCacheMs: config.apiKeyCacheMs }) });
  } finally {
    await store.close();
  }
}

type OptionSpec = NonNullable<ParseArgsConfig['options']>;

const STRING = { type: 'string' } as const;
const FLAG = { type: 'boolean' } as const;

/** What each command accepts: its options and how many positional arguments (beyond its name). */
const COMMANDS: Record<string, { options: OptionSpec; positionals: number }> = {
  serve: { options: { port: STRING, host: STRING }, positionals: 0 },
  migrate: { options: {}, positionals: 0 },
  'accounts create': { options: { name: STRING, json: FLAG }, positionals: 0 },
  'accounts list': { options: { json: FLAG }, positionals: 0 },
  'accounts update': { options: { 'unique-emails': STRING }, positionals: 1 },
  'keys create': {
    options: { account: STRING, mode: STRING, name: STRING, restricted: FLAG, 'expires-in': STRING, 'rate-limit': STRING, json: FLAG },
    positionals: 0,
  },
  'keys list': { options: { account: STRING, mode: STRING, json: FLAG }, positionals: 0 },
  'keys update': { options: { account: STRING, key: STRING, 'rate-limit': STRING, json: FLAG }, positionals: 1 },
  'keys revoke': { options: { account: STRING, key: STRING }, positionals: 1 },
  'keys roll': { options: { account: STRING, key: STRING, 'expires-in': STRING, json: FLAG }, positionals: 1 },
  backup: { options: { to: STRING }, positionals: 0 },
  restore: { options: { force: FLAG }, positionals: 1 },
  ...BULK_COMMANDS,
};

const GROUPS: Record<string, string[]> = {
  accounts: ['create', 'list', 'update'],
  keys: ['create', 'list', 'update', 'revoke', 'roll'],
};

interface Invocation {
  name: string;
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/**
 * Resolves `argv` to one command and parses its options strictly: flags may come before or
 * after the sub-command, and an option or argument the command does not take is an error
 * (a silently ignored `--unique-emails on` or an unquoted `--name Acme Corp` would do harm).
 */
function parseCommand(argv: string[]): Invocation {
  const [group, ...rest] = argv;
  const all: OptionSpec = { database: STRING };
  const subs = group !== undefined && Object.hasOwn(GROUPS, group) ? GROUPS[group] : undefined;
  for (const [name, spec] of Object.entries(COMMANDS)) {
    if (name === group || (subs && name.startsWith(`${group} `))) Object.assign(all, spec.options);
  }
  if (!subs && !(group !== undefined && Object.hasOwn(COMMANDS, group))) fail(`unknown command '${group ?? ''}'. Run 'clientele help'.`);
  const parsed = parseArgs({ args: rest, options: all, allowPositionals: true, strict: true });
  const positionals = [...parsed.positionals];
  let name = group as string;
  if (subs) {
    const sub = positionals.shift();
    if (sub === undefined) fail(`${group} needs a command: ${subs.join(', ')}`);
    if (!subs.includes(sub)) fail(`unknown ${group} command '${sub}' (${subs.join(', ')})`);
    name = `${group} ${sub}`;
  }
  const command = COMMANDS[name] as { options: OptionSpec; positionals: number };
  const values = parsed.values as Record<string, string | boolean | undefined>;
  for (const option of Object.keys(values)) {
    if (option !== 'database' && !(option in command.options)) fail(`${name} does not take --${option}`);
  }
  if (positionals.length > command.positionals) {
    fail(`${name}: unexpected argument '${positionals[command.positionals] as string}' (quote values that contain spaces)`);
  }
  return { name, values, positionals };
}

async function main(argv: string[]): Promise<void> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  // The server's human-facing lines (the one-time key, where it listens): stdout carries its JSON logs.
  const tell = (line: string) => process.stderr.write(`${line}\n`);
  const command = argv[0];
  if (!command || command === 'help' || argv.includes('--help') || argv.includes('-h')) {
    out(USAGE);
    return;
  }
  const { name, values, positionals } = parseCommand(argv);
  const [, sub] = name.split(' ');

  if (command === 'serve' || command === 'migrate') {
    const config = loadConfig(process.env, {
      port: values.port as string | undefined,
      host: values.host as string | undefined,
      database: values.database as string | undefined,
    });
    if (command === 'migrate') {
      const store = await openDatabase(config);
      try {
        const applied = await store.migrate();
        out(applied.length ? `Applied ${applied.join(', ')}` : 'Database is up to date.');
      } finally {
        await store.close();
      }
      return;
    }
    const { boundHeapGrowth } = await import('../lib/heap.js');
    boundHeapGrowth();
    const { startServer } = await import('../server.js');
    const server = await startServer(config, tell);
    tell(`Clientele listening on ${server.url}${server.metricsUrl ? ` (metrics on ${server.metricsUrl}/metrics)` : ''}`);
    let closing = false;
    const shutdown = (signal: string) => {
      if (closing) return;
      closing = true;
      server.app.log.info({ signal, drainMs: config.shutdownDrainMs }, 'shutting down: /readyz answers 503, still serving during the drain');
      // Whatever still runs this long after the drain is cut short.
      setTimeout(() => {
        server.app.log.error('shutdown did not finish in time; exiting');
        process.exit(1);
      }, config.shutdownDrainMs + config.shutdownTimeoutMs + 1_000).unref();
      server.shutdown().then(
        () => process.exit(0),
        (error: unknown) => {
          server.app.log.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.on('SIGINT', () => shutdown('SIGINT'));
    process.on('SIGTERM', () => shutdown('SIGTERM'));
    return;
  }

  if (command === 'accounts') {
    const config = loadConfig(process.env, { database: values.database as string | undefined });
    if (sub === 'create') {
      const accountName = values.name as string | undefined;
      if (!accountName) fail('accounts create needs --name');
      const { account, test, live } = await withServices(config, (s) => s.accounts.createAccount(accountName));
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
    const config = loadConfig(process.env, { database: values.database as string | undefined });
    const account = values.account as string | undefined;
    if (!account) fail(`${name} needs --account`);
    if (sub === 'create') {
      const mode = modeOf(values.mode as string | undefined, true) as Mode;
      const expires = expiresIn(values['expires-in'] as string | undefined);
      const rateLimit = rateLimitOf(values['rate-limit'] as string | undefined, false) ?? null;
      const keyName = (values.name as string | undefined) ?? null;
      const created = await withServices(config, (s) =>
        s.accounts.createKey(account, mode, Boolean(values.restricted), expires, { rateLimit, name: keyName }),
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
    const flagged = values.key as string | undefined;
    if (flagged !== undefined && positionals[0] !== undefined && flagged !== positionals[0]) {
      fail(`${name}: give the key once, either as --key or as an argument`);
    }
    const keyId = flagged ?? positionals[0];
    if (sub === 'update') {
      if (!keyId) fail('keys update needs --key key_…');
      const rateLimit = rateLimitOf(values['rate-limit'] as string | undefined, true);
      if (rateLimit === undefined) fail('keys update needs --rate-limit N (requests per second, 0: none) or --rate-limit default');
      const key = await withServices(config, (s) => s.accounts.setKeyRateLimit(account, keyId, rateLimit));
      if (values.json) out(JSON.stringify(publicKey(key)));
      else out(`updated ${keyLine(key)}${key.rate_limit === null ? '  rate-limit=default' : ''}`);
      return;
    }
    if (sub === 'revoke') {
      if (!keyId) fail('keys revoke needs --key key_…');
      const key = await withServices(config, (s) => s.accounts.revokeKey(account, keyId));
      out(`revoked ${keyLine(key)}`);
      return;
    }
    if (sub === 'roll') {
      if (!keyId) fail('keys roll needs --key key_…');
      const expires = expiresIn(values['expires-in'] as string | undefined);
      const created = await withServices(config, (s) => s.accounts.rollKey(account, keyId, expires));
      if (values.json) out(JSON.stringify({ ...publicKey(created.key), secret: created.secret, replaces: keyId }));
      else {
        out(`revoked ${keyId}; new key ${keyLine(created.key)}`);
        out(`secret (shown once): ${created.secret}`);
      }
      return;
    }
    fail(`unknown keys command '${sub ?? ''}' (create, list, update, revoke, roll)`);
  }

  if (command === 'backup' || command === 'restore') {
    const config = loadConfig(process.env, { database: values.database as string | undefined });
    if (config.database.kind !== 'sqlite') {
      fail(`${command} is for the embedded SQLite database; for PostgreSQL use pg_dump / pg_restore (see docs/deployment.md#backups)`);
    }
    const { backupSqlite, restoreSqlite } = await import('../store/sqlite-backup.js');
    if (command === 'backup') {
      const to = values.to as string | undefined;
      if (!to) fail('backup needs --to FILE');
      const done = await backupSqlite(config.database.path, to);
      out(`Backed up ${config.database.path} to ${to}: ${(done.bytes / 1048576).toFixed(1)} MiB in ${done.ms} ms (integrity ok).`);
      return;
    }
    const from = positionals[0];
    if (!from) fail('restore needs the backup file: clientele restore FILE');
    const done = await restoreSqlite(from, config.database.path, { force: Boolean(values.force) });
    out(`Restored ${from} to ${config.database.path} (integrity ok, migrations up to ${done.latestMigration}). Start the server.`);
    return;
  }

  if (command in BULK_COMMANDS) {
    process.exitCode = await runBulkCommand(command, values, positionals);
    return;
  }

  fail(`unknown command '${command}'. Run 'clientele help'.`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const known =
    error instanceof UsageError ||
    error instanceof ConfigError ||
    error instanceof AccountError ||
    // Matched by name: their modules (and the drivers) may never have loaded.
    (error instanceof Error && ['StoreOpenError', 'ListenError', 'BackupError'].includes(error.name)) ||
    (error instanceof TypeError && 'code' in error && String((error as { code: unknown }).code).startsWith('ERR_PARSE_ARGS'));
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`clientele: ${known ? message : `unexpected error: ${message}`}\n`);
  process.exit(1);
});
