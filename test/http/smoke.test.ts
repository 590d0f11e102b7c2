import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type TestApp } from '../helpers/harness.js';

describe.each(STORES)('smoke (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());

  it('creates and retrieves a customer', async () => {
    const created = await t.api().post('/v1/customers', { email: 'ada@example.com', metadata: { tier: 'gold' } });
    expect(created.status).toBe(200);
    const got = await t.api().get(`/v1/customers/${created.body.id}`);
    expect(got.body).toEqual(created.body);
  });
});
