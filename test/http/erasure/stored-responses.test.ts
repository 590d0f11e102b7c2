import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type Api, type ApiResponse, type TestApp } from '../../helpers/harness.js';
import { createCustomer } from '../customers/support.js';
import { leaks, person } from './support.js';

function keyed(api: Api, path: string, params: Record<string, unknown>): Promise<ApiResponse & { key: string }> {
  const key = `k-${randomBytes(8).toString('hex')}`;
  return api.post(path, params, { 'idempotency-key': key }).then((res) => ({ ...res, key }));
}

/**
 * SPEC C-7 with W-8: erasure redacts the stored responses that show the erased customer's data
 * — and only that data. Another customer's stored response that merely names the erased one
 * (as its parent, say) still replays byte for byte.
 */
describe.each(STORES)('erasure: stored responses (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());

  it("a child's stored create still replays byte for byte after its former parent is erased", async () => {
    const p = person('parent');
    const parent = await createCustomer(t.api(), { email: p.email, name: `Parent ${p.tag}` });
    const child = await keyed(t.api(), '/v1/customers', { email: 'child@example.com', name: 'Child Co', parent: parent.id });
    expect(child.status).toBe(200);
    await t.api().post(`/v1/customers/${child.body.id}`, { parent: '' });
    expect((await t.api().del(`/v1/customers/${parent.id}`)).status).toBe(200);
    const replay = await t.api().post(
      '/v1/customers',
      { email: 'child@example.com', name: 'Child Co', parent: parent.id },
      { 'idempotency-key': child.key },
    );
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.raw.body).toBe(child.raw.body);
  });

  it('in a response that expanded the erased customer, only that part is redacted', async () => {
    const p = person('parent');
    const parent = await createCustomer(t.api(), { email: p.email, name: `Parent ${p.tag}`, metadata: { secret: p.tag } });
    const params = { email: 'kid@example.com', name: 'Kid Co', metadata: { mine: 'yes' }, parent: parent.id, expand: ['parent'] };
    const child = await keyed(t.api(), '/v1/customers', params);
    expect(child.body.parent.email).toBe(p.email);
    await t.api().post(`/v1/customers/${child.body.id}`, { parent: '' });
    expect((await t.api().del(`/v1/customers/${parent.id}`)).status).toBe(200);
    const replay = await t.api().post('/v1/customers', params, { 'idempotency-key': child.key });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(leaks(replay.raw.body, p)).toEqual([]);
    expect(replay.body.parent.id).toBe(parent.id);
    expect(replay.body.parent.email).toBeNull();
    expect(replay.body.parent.metadata).toEqual({});
    expect(replay.body.email).toBe('kid@example.com');
    expect(replay.body.name).toBe('Kid Co');
    expect(replay.body.metadata).toEqual({ mine: 'yes' });
  });

  it("a stored error that quotes the erased customer's data is redacted", async () => {
    const p = person('holder');
    const holder = await createCustomer(t.api(), { external_id: p.externalId });
    const clash = await keyed(t.api(), '/v1/customers', { external_id: p.externalId });
    expect(clash.status).toBe(409);
    expect(clash.raw.body).toContain(p.externalId);
    expect((await t.api().del(`/v1/customers/${holder.id}`)).status).toBe(200);
    const replay = await t.api().post('/v1/customers', { external_id: p.externalId }, { 'idempotency-key': clash.key });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.status).toBe(409);
    expect(leaks(replay.raw.body, p)).toEqual([]);
  });

  it("the erased customer's own responses (create, update, a card's create) are redacted", async () => {
    const p = person('self');
    const create = await keyed(t.api(), '/v1/customers', { email: p.email, notes: `notes ${p.tag}` });
    const update = await keyed(t.api(), `/v1/customers/${create.body.id}`, { phone: p.phone });
    expect(update.status).toBe(200);
    expect((await t.api().del(`/v1/customers/${create.body.id}`)).status).toBe(200);
    const replays = [
      await t.api().post('/v1/customers', { email: p.email, notes: `notes ${p.tag}` }, { 'idempotency-key': create.key }),
      await t.api().post(`/v1/customers/${create.body.id}`, { phone: p.phone }, { 'idempotency-key': update.key }),
    ];
    for (const replay of replays) {
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body.id).toBe(create.body.id);
      expect(leaks(replay.raw.body, p)).toEqual([]);
    }
  });
});
