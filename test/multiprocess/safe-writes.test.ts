import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, killAll, startServerProcess, waitReady, type ServerProcess } from '../helpers/processes.js';
import { databaseUrl, freshDatabase, STORES } from '../helpers/harness.js';

/** W-8 and W-9 across two stateless API processes sharing one PostgreSQL database. */
describe.skipIf(!STORES.includes('postgres'))('safe writes across two processes (postgres)', () => {
  let servers: ServerProcess[] = [];
  let key = '';

  beforeAll(async () => {
    const env = {
      DATABASE_URL: databaseUrl(await freshDatabase('postgres')),
      CLIENTELE_BOOTSTRAP: 'false',
      LOG_LEVEL: 'warn',
    };
    key = (JSON.parse(await cli(['accounts', 'create', '--name', 'Split', '--json'], env)) as { keys: { test: string } }).keys.test;
    servers = await Promise.all([startServerProcess(env), startServerProcess(env)]);
    await Promise.all(servers.map((s) => waitReady(s)));
  }, 120_000 /* starts two server processes and the CLI: a few seconds idle, more on a loaded CI machine */);
  afterAll(() => killAll());

  const post = async (server: ServerProcess, path: string, body: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    return { status: response.status, text: await response.text() };
  };

  it('keeps all 50 metadata keys written concurrently through both processes', async () => {
    const created = JSON.parse((await post(servers[0]!, '/v1/customers', 'name=Shared')).text) as { id: string };
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => post(servers[i % 2]!, `/v1/customers/${created.id}`, `metadata[k${i}]=v${i}`)),
    );
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
    const final = (await (
      await fetch(`${servers[1]!.url}/v1/customers/${created.id}`, { headers: { authorization: `Bearer ${key}` } })
    ).json()) as { metadata: Record<string, string> };
    expect(Object.keys(final.metadata)).toHaveLength(50);
    for (let i = 0; i < 50; i++) expect(final.metadata[`k${i}`]).toBe(`v${i}`);
  });

  it('30 parallel requests with one key split across both processes create one customer', async () => {
    const idem = `split-${Date.now()}`;
    const email = `${idem}@example.com`;
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        post(servers[i % 2]!, '/v1/customers', `email=${encodeURIComponent(email)}`, { 'idempotency-key': idem }),
      ),
    );
    expect(results.every((r) => r.status === 200 || r.status === 409)).toBe(true);
    const bodies = new Set(results.filter((r) => r.status === 200).map((r) => r.text));
    expect(bodies.size).toBe(1);
    const list = (await (
      await fetch(`${servers[0]!.url}/v1/customers?email=${encodeURIComponent(email)}`, { headers: { authorization: `Bearer ${key}` } })
    ).json()) as { data: unknown[] };
    expect(list.data).toHaveLength(1);
  });
});
