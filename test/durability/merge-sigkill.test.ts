import { afterAll, describe, expect, it } from 'vitest';
import { cli, killAll, startServerProcess, waitReady } from '../helpers/processes.js';
import { databaseUrl, freshDatabase, STORES } from '../helpers/harness.js';

interface Pair {
  target: string;
  source: string;
  charges: string[];
  taxIds: string[];
  providerId: string;
}

/**
 * docs/merging.md: a server killed with SIGKILL while merges are in flight leaves each merge
 * whole or absent: the source is a tombstone with every object on the target, or it is live
 * with every object still its own; an acknowledged merge is always whole.
 */
describe.each(STORES)('merge crash durability (%s)', (kind) => {
  afterAll(() => killAll());

  it('a SIGKILL during a burst of merges leaves each one all or nothing', async () => {
    const env = { DATABASE_URL: databaseUrl(await freshDatabase(kind)), CLIENTELE_BOOTSTRAP: 'false', LOG_LEVEL: 'warn' };
    const account = JSON.parse(await cli(['accounts', 'create', '--name', 'Durable merges', '--json'], env)) as { keys: { test: string } };
    const headers = { authorization: `Bearer ${account.keys.test}`, 'content-type': 'application/x-www-form-urlencoded' };
    const server = await startServerProcess(env);
    await waitReady(server);
    const post = async (base: string, path: string, body: string) => {
      const response = await fetch(`${base}${path}`, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
      const json = (await response.json()) as Record<string, unknown>;
      if (response.status !== 200) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`);
      return json;
    };

    // Pairs whose sources hold enough to make each merge a transaction of some length.
    const pairs: Pair[] = await Promise.all(
      Array.from({ length: 6 }, async (_, p): Promise<Pair> => {
        const target = (await post(server.url, '/v1/customers', `name=target-${p}`)).id as string;
        const source = (await post(server.url, '/v1/customers', `name=source-${p}&email=s${p}%40example.com`)).id as string;
        const charges: string[] = [];
        for (let i = 0; i < 4; i++) charges.push((await post(server.url, '/v1/charges', `amount=${100 + i}&currency=usd&customer=${source}`)).id as string);
        const taxIds = [
          (await post(server.url, `/v1/customers/${source}/tax_ids`, 'type=us_ein&value=12-3456789')).id as string,
          (await post(server.url, `/v1/customers/${source}/tax_ids`, 'type=us_ein&value=98-7654321')).id as string,
        ];
        const providerId = `hs-${p}`;
        await post(server.url, `/v1/customers/${source}/integrations`, `provider=hubspot&provider_id=${providerId}`);
        return { target, source, charges, taxIds, providerId };
      }),
    );

    const acked = new Set<string>();
    let killed = false;
    await Promise.all(
      pairs.map(async (pair) => {
        try {
          await post(server.url, `/v1/customers/${pair.target}/merge`, `source=${pair.source}`);
          acked.add(pair.source);
          if (!killed) {
            killed = true;
            server.child.kill('SIGKILL');
          }
        } catch (error) {
          if (!killed) throw error;
        }
      }),
    );
    expect(killed).toBe(true);
    await new Promise<void>((resolve) => {
      if (server.child.exitCode !== null || server.child.signalCode !== null) resolve();
      else server.child.once('exit', () => resolve());
    });

    const again = await startServerProcess(env);
    await waitReady(again);
    const get = async (path: string) => {
      const response = await fetch(`${again.url}${path}`, { headers });
      return (await response.json()) as Record<string, unknown>;
    };
    let whole = 0;
    for (const pair of pairs) {
      const source = await get(`/v1/customers/${pair.source}`);
      const target = await get(`/v1/customers/${pair.target}`);
      const merged = source.deleted === true;
      if (acked.has(pair.source)) expect(merged, `${pair.source} was acknowledged`).toBe(true);
      const owner = merged ? pair.target : pair.source;
      if (merged) {
        whole++;
        expect(source.merged_into).toBe(pair.target);
        expect(target.merged_from).toEqual([pair.source]);
      } else {
        expect(source.email).toBe(`s${pairs.indexOf(pair)}@example.com`);
        expect(target).not.toHaveProperty('merged_from');
      }
      for (const id of pair.charges) expect((await get(`/v1/charges/${id}`)).customer, `${id} of ${pair.source}`).toBe(owner);
      const taxIds = (await get(`/v1/customers/${owner}/tax_ids`)).data as Array<{ id: string }>;
      expect(taxIds.map((x) => x.id).sort()).toEqual([...pair.taxIds].sort());
      expect((await get(`/v1/integrations/hubspot/${pair.providerId}`)).id).toBe(owner);
      const stats = (await get(`/v1/customers/${owner}?expand[]=stats`)).stats as { charge_count: number };
      expect(stats.charge_count).toBe(pair.charges.length);
    }
    expect(whole).toBeGreaterThanOrEqual(1);
    await again.stop();
  }, 120_000 /* real server processes, a SIGKILL and a restart */);
});
