import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecondWriteError } from '../../src/store/unit-of-work.js';
import type { IdempotencyRecord } from '../../src/store/port.js';
import { createTestApp, STORES, type TestApp } from '../helpers/harness.js';
import { createCustomer } from '../http/customers/support.js';

/** The store port's unit of work: one write transaction per request, a hook that commits with it. */
describe.each(STORES)('unit of work (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());

  const scopeOf = () => ({ accountId: t.account.id, livemode: false });
  const record = (key: string): IdempotencyRecord => ({
    key,
    endpoint: 'POST /v1/test',
    params_hash: 'h',
    status_code: 200,
    headers: {},
    body: '{}',
    request_id: 'req_test',
    created: Math.floor(Date.now() / 1000),
  });

  it('runs the hook inside the write transaction, before its commit, with what the write returned', async () => {
    const scope = scopeOf();
    let seen: unknown;
    const { value, wrote } = await t.store.unitOfWork(
      async (repos, result) => {
        seen = result;
        await repos.idempotency.save(scope, record('uow-1'), 0);
      },
      () => t.store.write(async () => 'written'),
    );
    expect([value, wrote, seen]).toEqual(['written', true, 'written']);
    expect(await t.store.read((r) => r.idempotency.find(scope, 'uow-1'))).toBeDefined();
  });

  it('a hook that fails rolls the write back with it', async () => {
    const scope = scopeOf();
    const customer = await createCustomer(t.api(), { name: 'Before' });
    const failing = t.store.unitOfWork(
      async () => {
        throw new Error('hook failed');
      },
      () =>
        t.store.write(async (repos) => {
          const current = await repos.customers.findById(scope, customer.id);
          await repos.customers.update(scope, { ...current!, name: 'After', version: current!.version + 1 });
        }),
    );
    await expect(failing).rejects.toThrow('hook failed');
    expect((await t.api().get(`/v1/customers/${customer.id}`)).body.name).toBe('Before');
  });

  it('refuses a second write transaction in one unit, loudly, and commits nothing of it', async () => {
    const scope = scopeOf();
    const twice = t.store.unitOfWork(null, async () => {
      await t.store.write((repos) => repos.idempotency.save(scope, record('uow-first'), 0));
      await t.store.write((repos) => repos.idempotency.save(scope, record('uow-second'), 0));
    });
    await expect(twice).rejects.toBeInstanceOf(SecondWriteError);
    expect(await t.store.read((r) => r.idempotency.find(scope, 'uow-second'))).toBeUndefined();
  });

  it('refuses two write transactions started at once in one unit', async () => {
    const scope = scopeOf();
    const both = t.store.unitOfWork(null, () =>
      Promise.all([
        t.store.write((repos) => repos.idempotency.save(scope, record('uow-a'), 0)),
        t.store.write((repos) => repos.idempotency.save(scope, record('uow-b'), 0)),
      ]),
    );
    await expect(both).rejects.toBeInstanceOf(SecondWriteError);
  });

  it('lets a write that failed (rolled back) be retried in the same unit', async () => {
    const scope = scopeOf();
    let attempts = 0;
    const { wrote } = await t.store.unitOfWork(null, async () => {
      await t.store
        .write(async () => {
          attempts++;
          throw new Error('conflict');
        })
        .catch(() => undefined);
      await t.store.write(async (repos) => {
        attempts++;
        await repos.idempotency.save(scope, record('uow-retry'), 0);
      });
    });
    expect([attempts, wrote]).toEqual([2, true]);
  });

  it('reports a unit that wrote nothing', async () => {
    const { wrote } = await t.store.unitOfWork(null, () => t.store.read(async () => undefined));
    expect(wrote).toBe(false);
  });
});
