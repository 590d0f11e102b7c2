import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callServer, databaseUrl, freshDatabase, STORES } from '../helpers/harness.js';
import { cli, killAll, startServerProcess, waitReady, type ServerProcess } from '../helpers/processes.js';

/**
 * any number of server processes may share one PostgreSQL database. Two real
 * `clientele serve` processes, one database: each sees the other's writes at once, concurrent
 * metadata merges lose nothing, a key revoked from the CLI is refused by both within 1 s, and
 * two processes starting together on an empty database migrate and bootstrap exactly once.
 */

/** Requests to the servers; five seconds each at most. */
const call = (server: ServerProcess, key: string, method: string, path: string, params?: Record<string, unknown>) =>
  callServer(server, key, method, path, params, 5_000);

const serverEnv = (url: string, bootstrap: boolean) => ({
  DATABASE_URL: url,
  CLIENTELE_BOOTSTRAP: String(bootstrap),
  LOG_LEVEL: 'warn',
  PG_POOL_MAX: '5',
});

describe.skipIf(!STORES.includes('postgres'))('two server processes on one PostgreSQL database', () => {
  afterAll(async () => {
    await killAll();
  });

  describe('sharing one database', () => {
    let env: Record<string, string>;
    let account: { id: string; name: string; keys: { test: string; live: string } };
    let a: ServerProcess;
    let b: ServerProcess;

    beforeAll(async () => {
      const url = databaseUrl(await freshDatabase('postgres'));
      env = { DATABASE_URL: url };
      account = JSON.parse(await cli(['accounts', 'create', '--name', 'Multi-process', '--json'], env));
      [a, b] = await Promise.all([startServerProcess(serverEnv(url, false)), startServerProcess(serverEnv(url, false))]);
      await Promise.all([waitReady(a), waitReady(b)]);
    });

    it('each process sees the other’s creates, updates and deletes immediately', async () => {
      const key = account.keys.test;
      const created = await call(a, key, 'POST', '/v1/customers', { email: 'ada@example.com', name: 'Ada' });
      expect(created.status).toBe(200);
      const id: string = created.body.id;
      expect(await call(b, key, 'GET', `/v1/customers/${id}`)).toEqual({ status: 200, body: created.body });

      const renamed = await call(b, key, 'POST', `/v1/customers/${id}`, { name: 'Ada Lovelace' });
      expect(renamed.status).toBe(200);
      const seenByA = await call(a, key, 'GET', `/v1/customers/${id}`);
      expect(seenByA.body.name).toBe('Ada Lovelace');
      expect(seenByA.body).toEqual(renamed.body);

      // Alternate creates between the processes; both list every one of them, newest first.
      const ids: string[] = [];
      for (let i = 0; i < 8; i++) {
        const made = await call(i % 2 ? a : b, key, 'POST', '/v1/customers', { email: `c${i}@example.com` });
        expect(made.status).toBe(200);
        ids.push(made.body.id);
        const other = await call(i % 2 ? b : a, key, 'GET', `/v1/customers/${made.body.id}`);
        expect(other.body.email).toBe(`c${i}@example.com`);
      }
      for (const server of [a, b]) {
        const listed = await call(server, key, 'GET', '/v1/customers?limit=100');
        expect(listed.status).toBe(200);
        const listedIds = (listed.body.data as Array<{ id: string }>).map((c) => c.id);
        expect(listedIds.slice(0, ids.length)).toEqual([...ids].reverse());
        expect(listedIds).toContain(id);
      }

      const deleted = await call(a, key, 'DELETE', `/v1/customers/${ids[0]}`);
      expect(deleted.status).toBe(200);
      const tombstone = await call(b, key, 'GET', `/v1/customers/${ids[0]}`);
      expect(tombstone.body).toMatchObject({ id: ids[0], deleted: true });
    });

    it('concurrent metadata merges through both processes keep every key', async () => {
      const key = account.keys.test;
      const created = await call(a, key, 'POST', '/v1/customers', { metadata: { origin: 'a' } });
      const id: string = created.body.id;
      const writes = Array.from({ length: 24 }, (_, i) =>
        call(i % 2 ? a : b, key, 'POST', `/v1/customers/${id}`, { metadata: { [`k${i}`]: `v${i}` } }),
      );
      const replies = await Promise.all(writes);
      expect(replies.map((r) => r.status)).toEqual(replies.map(() => 200));

      const expected: Record<string, string> = { origin: 'a' };
      for (let i = 0; i < 24; i++) expected[`k${i}`] = `v${i}`;
      for (const server of [a, b]) {
        const got = await call(server, key, 'GET', `/v1/customers/${id}`);
        expect(got.body.metadata).toEqual(expected);
      }
      // The metadata index behind list filters saw every merge too, from either process.
      const filtered = await call(b, key, 'GET', `/v1/customers?metadata[k7]=v7&metadata[k12]=v12`);
      expect((filtered.body.data as Array<{ id: string }>).map((c) => c.id)).toEqual([id]);
    });

    it('a key revoked from the CLI is refused by both processes within 1 s', async () => {
      const made = JSON.parse(await cli(['keys', 'create', '--account', account.id, '--mode', 'test', '--json'], env));
      const listed: Array<{ id: string; revoked_at: number | null }> = JSON.parse(
        await cli(['keys', 'list', '--account', account.id, '--mode', 'test', '--json'], env),
      );
      const entry = listed.find((k) => k.id === made.id);
      expect(entry).toMatchObject({ id: made.id, revoked_at: null });
      const secret: string = made.secret;

      // Both processes have the key cached as valid and keep using it while it is revoked; each
      // notes when it first refuses it. A direct connection notes when the revocation commits.
      for (const server of [a, b]) expect((await call(server, secret, 'GET', '/v1/customers?limit=1')).status).toBe(200);
      const watcher = new pg.Client({ connectionString: env.DATABASE_URL });
      await watcher.connect();
      const deadline = Date.now() + 15_000;
      let stop = false;
      const committedAt = (async () => {
        while (!stop && Date.now() < deadline) {
          const { rows } = await watcher.query('select revoked_at from api_keys where id = $1', [made.id]);
          if (rows[0]?.revoked_at != null) return Date.now();
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        return Infinity;
      })();
      const firstRefusal = [a, b].map(async (server) => {
        while (!stop && Date.now() < deadline) {
          const reply = await call(server, secret, 'GET', '/v1/customers?limit=1').catch(() => ({ status: 0 }));
          if (reply.status === 401) return Date.now();
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        return Infinity;
      });

      try {
        await cli(['keys', 'revoke', '--account', account.id, '--key', made.id], env);
        const committed = await committedAt;
        const refused = await Promise.all(firstRefusal);
        expect(committed).toBeLessThan(Infinity);
        for (const at of refused) expect(at - committed).toBeLessThanOrEqual(1_000);
      } finally {
        stop = true;
        await Promise.allSettled([committedAt, ...firstRefusal]);
        await watcher.end();
      }

      // It stays refused; the account's other keys are untouched.
      for (const server of [a, b]) {
        const refused = await call(server, secret, 'GET', '/v1/customers?limit=1');
        expect(refused.status).toBe(401);
        expect(refused.body.error.type).toBe('invalid_request_error');
        expect((await call(server, account.keys.test, 'GET', '/v1/customers?limit=1')).status).toBe(200);
      }
    });
  });

  it('two processes starting together on an empty database migrate and bootstrap once', async () => {
    const url = databaseUrl(await freshDatabase('postgres'));
    const [first, second] = await Promise.all([
      startServerProcess(serverEnv(url, true)),
      startServerProcess(serverEnv(url, true)),
    ]);
    await Promise.all([waitReady(first), waitReady(second)]);

    const accounts: Array<{ id: string; name: string }> = JSON.parse(
      await cli(['accounts', 'list', '--json'], { DATABASE_URL: url }),
    );
    expect(accounts).toHaveLength(1);
    const announced = [first, second].filter((s) => s.output().stderr.includes(`Created account ${accounts[0]?.id}`));
    expect(announced).toHaveLength(1);

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string; n: string }>(
        'select name, count(*) as n from clientele_migrations group by name order by name',
      );
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) expect(Number(row.n)).toBe(1);
    } finally {
      await client.end();
    }

    // The printed bootstrap key works on both processes.
    const key = /test secret key \(shown once, store it now\): (\S+)/.exec(announced[0]?.output().stderr ?? '')?.[1];
    expect(key).toMatch(/^sk_test_/);
    for (const server of [first, second]) expect((await call(server, key as string, 'GET', '/v1/customers')).status).toBe(200);
    await Promise.all([first.stop(), second.stop()]);
  });
});
