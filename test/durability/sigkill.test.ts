import { afterAll, describe, expect, it } from 'vitest';
import { cli, killAll, startServerProcess, waitReady } from '../helpers/processes.js';
import { databaseUrl, freshDatabase, STORES } from '../helpers/harness.js';

interface Acked {
  id: string;
  n: number;
}

/**
 * SPEC W-8/R-1 durability: a server killed with SIGKILL in the middle of a burst of creates
 * loses none that were acknowledged, and leaves nothing half-written.
 */
describe.each(STORES)('crash durability (%s)', (kind) => {
  afterAll(() => killAll());

  it('keeps every acknowledged create across a SIGKILL mid-burst', async () => {
    const env = { DATABASE_URL: databaseUrl(await freshDatabase(kind)), CLIENTELE_BOOTSTRAP: 'false', LOG_LEVEL: 'warn' };
    const account = JSON.parse(await cli(['accounts', 'create', '--name', 'Durable', '--json'], env)) as { keys: { test: string } };
    const auth = { authorization: `Bearer ${account.keys.test}`, 'content-type': 'application/x-www-form-urlencoded' };
    const server = await startServerProcess(env);
    await waitReady(server);

    const acked: Acked[] = [];
    let next = 0;
    let killed = false;
    const worker = async () => {
      while (next < 5000) {
        const n = next++;
        try {
          const response = await fetch(`${server.url}/v1/customers`, {
            method: 'POST',
            headers: auth,
            body: `external_id=dur-${n}&metadata[n]=${n}&email=d${n}%40example.com&address[country]=DE`,
            signal: AbortSignal.timeout(5_000),
          });
          if (response.status !== 200) throw new Error(`status ${response.status}`);
          const body = (await response.json()) as { id: string };
          acked.push({ id: body.id, n });
          if (acked.length >= 150 && !killed) {
            killed = true;
            server.child.kill('SIGKILL');
          }
        } catch {
          if (killed) return;
          throw new Error('request failed before the kill');
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    expect(killed).toBe(true);
    await new Promise<void>((resolve) => {
      if (server.child.exitCode !== null || server.child.signalCode !== null) resolve();
      else server.child.once('exit', () => resolve());
    });

    const again = await startServerProcess(env);
    await waitReady(again);
    const get = async (path: string) => {
      const response = await fetch(`${again.url}${path}`, { headers: auth });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    for (const { id, n } of acked) {
      const { status, body } = await get(`/v1/customers/${id}`);
      expect(status).toBe(200);
      expect(body).toMatchObject({ id, external_id: `dur-${n}`, metadata: { n: String(n) }, email: `d${n}@example.com` });
    }
    // Everything stored — acknowledged or not — is whole: its metadata index and external_id
    // lookups agree with the record.
    let startingAfter = '';
    let seen = 0;
    for (;;) {
      const page = await get(`/v1/customers?limit=100${startingAfter ? `&starting_after=${startingAfter}` : ''}`);
      const data = page.body.data as Array<{ id: string; external_id: string; metadata: { n: string } }>;
      for (const c of data) {
        seen++;
        const byMeta = await get(`/v1/customers?metadata[n]=${c.metadata.n}`);
        expect((byMeta.body.data as Array<{ id: string }>).map((x) => x.id)).toEqual([c.id]);
        const byExt = await get(`/v1/customers/external/${c.external_id}`);
        expect(byExt.body.id).toBe(c.id);
      }
      if (!page.body.has_more) break;
      startingAfter = data[data.length - 1]!.id;
    }
    expect(seen).toBeGreaterThanOrEqual(acked.length);
    await again.stop();
  }, 120_000 /* a burst of writes, a SIGKILL and a restart of a real server process: ~4 s idle */);
});
