import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, FastifyServerOptions, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import qs from 'qs';
import { inject } from 'vitest';
import type { ServerProcess } from './processes.js';
import { lookupPlanGuard } from './lookup-plans.js';
import { tenantScopeGuard, tenantTablesOf } from './tenant-scope.js';
import { buildApp } from '../../src/app.js';
import { createServices, type Services } from '../../src/compose.js';
import { loadConfig, type Config, type DatabaseTarget } from '../../src/config.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/port.js';

export type StoreKind = 'sqlite' | 'postgres';

/** The stores this run covers: both unless TEST_DB narrows it (e.g. TEST_DB=sqlite). */
export const STORES: StoreKind[] = (process.env.TEST_DB ?? 'sqlite,postgres')
  .split(',')
  .map((s) => s.trim())
  .filter((s): s is StoreKind => s === 'sqlite' || s === 'postgres');

/** A fresh, empty database of the given kind: a new SQLite file or a new PostgreSQL database. */
export async function freshDatabase(kind: StoreKind): Promise<DatabaseTarget> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'clientele-test-'));
    return { kind: 'sqlite', path: join(dir, 'clientele.db') };
  }
  const admin = inject('pgAdminUrl');
  if (!admin) throw new Error('PostgreSQL tests need the global setup (TEST_DB includes postgres)');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return { kind: 'postgres', url: url.toString() };
}

export function databaseUrl(target: DatabaseTarget): string {
  return target.kind === 'sqlite' ? `sqlite:${target.path}` : target.url;
}

export interface TestAccount {
  id: string;
  test: string;
  live: string;
}

export interface TestApp {
  kind: StoreKind;
  app: FastifyInstance;
  store: Store;
  services: Services;
  config: Config;
  database: DatabaseTarget;
  account: TestAccount;
  newAccount(name?: string): Promise<TestAccount>;
  api(key?: string | null): Api;
  /** What the statement check saw (test/helpers/tenant-scope.ts). */
  tenantScope: { readonly seen: number; readonly violations: readonly string[] };
  /** Starts listening on a random loopback port; returns the base URL. */
  listen(): Promise<{ host: string; port: number; url: string }>;
  close(): Promise<void>;
}

export function testConfig(database: DatabaseTarget, env: Record<string, string> = {}): Config {
  const base = loadConfig({ CLIENTELE_BOOTSTRAP: 'false', LOG_LEVEL: 'silent', ...env });
  return { ...base, database };
}

export interface TestAppOptions {
  /** Replaces some services (e.g. the console's sessions with a test clock). */
  services?: (services: Services, store: Store, config: Config) => Services;
  /** The app's logger (default: none); a test that reads the logs passes `{ level, stream }`. */
  logger?: FastifyServerOptions['logger'];
}

/** Builds the app exactly as the server does, over a fresh database with one account. */
export async function createTestApp(kind: StoreKind, env: Record<string, string> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  const database = await freshDatabase(kind);
  const config = testConfig(database, env);
  // Every statement the app sends after migrating is checked for its account and mode scope.
  const guard = tenantScopeGuard();
  const plans = lookupPlanGuard();
  // Plans are checked for what the app sends too, not for the migrations (run once; a
  // migration's statement may read a table that a later one drops, so it cannot be explained).
  let migrated = false;
  const store = await openStore(config, {
    onStatement: (statement) => {
      guard.onStatement(statement);
      if (migrated) plans.onStatement(statement);
    },
  });
  await store.migrate();
  migrated = true;
  const tenantTables = await tenantTablesOf(database);
  guard.start(tenantTables);
  const created = createServices(store, config);
  const services = options.services ? options.services(created, store, config) : created;
  const app = await buildApp({ config, unitOfWork: store.unitOfWork, services, logger: options.logger ?? false });
  await app.ready();
  const newAccount = async (name = 'Test account'): Promise<TestAccount> => {
    const { account, test, live } = await services.accounts.createAccount(name);
    return { id: account.id, test: test.secret, live: live.secret };
  };
  const account = await newAccount();
  let listening = false;
  return {
    kind,
    app,
    store,
    services,
    config,
    database,
    account,
    newAccount,
    api: (key = account.test) => new Api(app, key),
    async listen() {
      await app.listen({ host: '127.0.0.1', port: 0 });
      listening = true;
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      return { host: '127.0.0.1', port, url: `http://127.0.0.1:${port}` };
    },
    tenantScope: guard,
    async close() {
      void listening;
      await app.close();
      await store.close();
      if (guard.violations.length > 0) {
        throw new Error(`Statements not scoped to an account and mode:\n${guard.violations.join('\n')}`);
      }
      const plansRead = database.kind === 'sqlite' ? plans.violations(database.path, tenantTables) : [];
      if (plansRead.length > 0) throw new Error(`Lookups whose SQLite plan reads a whole account:\n${plansRead.join('\n')}`);
    },
  };
}

export interface ApiResponse {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test assertions read arbitrary JSON
  headers: Record<string, string | string[] | number | undefined>;
  raw: LightMyRequestResponse;
}

function wrap(raw: LightMyRequestResponse): ApiResponse {
  let body: unknown = raw.body;
  try {
    body = raw.body === '' ? undefined : JSON.parse(raw.body);
  } catch {
    // leave non-JSON bodies as text
  }
  return { status: raw.statusCode, body, headers: raw.headers, raw };
}

/** Form-encodes like the stripe SDK does (bracket notation, indexed arrays). */
export function form(params: Record<string, unknown>): string {
  return qs.stringify(params, { arrayFormat: 'indices' });
}

export interface ServerReply {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- assertions read arbitrary JSON
}

/** One request to a real server process over HTTP: a key, a form body when params are given, a time limit. */
export async function callServer(
  server: Pick<ServerProcess, 'url'>,
  key: string,
  method: string,
  path: string,
  params?: Record<string, unknown>,
  timeoutMs = 10_000,
): Promise<ServerReply> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(params && { 'content-type': 'application/x-www-form-urlencoded' }) },
    ...(params && { body: form(params) }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** HTTP through app.inject with a key, the way a client would call. */
export class Api {
  constructor(
    private readonly app: FastifyInstance,
    private readonly key: string | null,
  ) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return this.key ? { authorization: `Bearer ${this.key}`, ...extra } : extra;
  }

  async post(path: string, params: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<ApiResponse> {
    return wrap(
      await this.app.inject({
        method: 'POST',
        url: path,
        payload: form(params),
        headers: this.headers({ 'content-type': 'application/x-www-form-urlencoded', ...headers }),
      }),
    );
  }

  async postRaw(path: string, payload: string, contentType: string, headers: Record<string, string> = {}): Promise<ApiResponse> {
    return wrap(
      await this.app.inject({
        method: 'POST',
        url: path,
        payload,
        headers: this.headers({ 'content-type': contentType, ...headers }),
      }),
    );
  }

  async postJson(path: string, body: unknown, headers: Record<string, string> = {}): Promise<ApiResponse> {
    return this.postRaw(path, JSON.stringify(body), 'application/json', headers);
  }

  /** PATCH with a form body, or with `json: true` a JSON one (SPEC W-10). */
  async patch(path: string, params: Record<string, unknown> = {}, headers: Record<string, string> = {}, options: { json?: boolean } = {}): Promise<ApiResponse> {
    return wrap(
      await this.app.inject({
        method: 'PATCH',
        url: path,
        payload: options.json ? JSON.stringify(params) : form(params),
        headers: this.headers({ 'content-type': options.json ? 'application/json' : 'application/x-www-form-urlencoded', ...headers }),
      }),
    );
  }

  async get(path: string, query: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<ApiResponse> {
    const q = form(query);
    return wrap(await this.app.inject({ method: 'GET', url: q ? `${path}?${q}` : path, headers: this.headers(headers) }));
  }

  async del(path: string, headers: Record<string, string> = {}): Promise<ApiResponse> {
    return wrap(await this.app.inject({ method: 'DELETE', url: path, headers: this.headers(headers) }));
  }
}
