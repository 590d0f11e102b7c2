import type { FastifyInstance } from 'fastify';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/app.js';
import { createServices } from '../../../src/compose.js';
import { openStore } from '../../../src/store/open-store.js';
import type { DatabaseTarget } from '../../../src/config.js';
import { digestKey } from '../../../src/domain/accounts/api-keys.js';
import type { Store } from '../../../src/store/port.js';
import { createTestApp, form, STORES, type TestApp } from '../../helpers/harness.js';
import { signIn } from './support.js';

/** SPEC U-1: console sessions live in the database, so every server process on it knows them. */
describe.each(STORES)('console sessions across server processes (%s)', (kind) => {
  let t: TestApp;
  let otherStore: Store;
  let other: FastifyInstance;
  beforeAll(async () => {
    t = await createTestApp(kind);
    // A second app with its own connections to the same database: another server process.
    otherStore = await openStore(t.config);
    other = await buildApp({ config: t.config, unitOfWork: otherStore.unitOfWork, services: createServices(otherStore, t.config), logger: false });
    await other.ready();
  });
  afterAll(async () => {
    await other?.close();
    await otherStore?.close();
    await t?.close();
  });

  it('signs in on one process and is recognised, and signed out, on another', async () => {
    const cookie = await signIn(t.app, t.account.test, 'ada@example.com');
    const page = await other.inject({ method: 'GET', url: '/console/test/customers', headers: { cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Signed in as ada@example.com');
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)?.[1] as string;
    const out = await other.inject({
      method: 'POST',
      url: '/console/sign-out',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: form({ csrf }),
    });
    expect(out.statusCode).toBe(303);
    const after = await t.app.inject({ method: 'GET', url: '/console/test/customers', headers: { cookie } });
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toBe('/console/sign-in');
  });

  it('stores only a digest of the session token, in a row of the account and mode', async () => {
    const cookie = await signIn(t.app, t.account.test, 'grace@example.com');
    const token = cookie.slice(cookie.indexOf('.') + 1);
    expect(token).toMatch(/^[0-9A-Za-z]{43}$/);
    const rows = await sessionRows(t.database);
    const row = rows.find((r) => r.actor === 'grace@example.com');
    expect(row).toMatchObject({ account_id: t.account.id, livemode: 0, token_digest: digestKey(token) });
    expect(JSON.stringify(rows)).not.toContain(token);
  });
});

/** The console_sessions table as it is on disk, read outside the app. */
async function sessionRows(database: DatabaseTarget): Promise<Array<Record<string, unknown>>> {
  const query = 'SELECT account_id, livemode, token_digest, actor FROM console_sessions';
  if (database.kind === 'sqlite') {
    const db = new BetterSqlite3(database.path, { readonly: true });
    try {
      return db.prepare(query).all() as Array<Record<string, unknown>>;
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return (await client.query(query)).rows.map((r: Record<string, unknown>) => ({ ...r, livemode: Number(r.livemode) }));
  } finally {
    await client.end();
  }
}
