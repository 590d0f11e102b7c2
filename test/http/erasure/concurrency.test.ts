import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type ApiResponse, type TestApp } from '../../helpers/harness.js';
import { createCustomer } from '../customers/support.js';
import { lookup } from '../integrations/support.js';
import { cardParams, person } from './support.js';

const ROUNDS = 15;

function outcome(res: ApiResponse): string {
  return res.status === 200 ? 'ok' : `${res.status} ${(res.body?.error?.code as string | null | undefined) ?? ''}`.trim();
}

/**
 * Erasure racing writes to what it erases: every request answers cleanly (never a 500, e.g.
 * from a lock-order deadlock) and nothing personal is attached to the tombstone afterwards.
 */
describe.each(STORES)('erasure: racing writes (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());

  it('adding an integration while the customer is deleted: never left mapped to the tombstone', async () => {
    const api = t.api();
    for (let round = 0; round < ROUNDS; round++) {
      const c = await createCustomer(api);
      const providerId = `race-${round}-${c.id}`;
      const [add, remove] = await Promise.all([
        api.post(`/v1/customers/${c.id}/integrations`, { provider: 'stripe', provider_id: providerId }),
        api.del(`/v1/customers/${c.id}`),
      ]);
      expect(['ok/ok', '404 resource_missing/ok'], `round ${round}`).toContain(`${outcome(add)}/${outcome(remove)}`);
      expect((await lookup(api, 'stripe', providerId)).status).toBe(404);
      const export_ = await api.get(`/v1/customers/${c.id}/export`);
      expect(export_.body.integrations).toEqual([]);
    }
  });

  it('adding a tax id while the customer is deleted: no tax id survives on the tombstone', async () => {
    const api = t.api();
    for (let round = 0; round < ROUNDS; round++) {
      const c = await createCustomer(api);
      const [add, remove] = await Promise.all([
        api.post(`/v1/customers/${c.id}/tax_ids`, { type: 'ca_bn', value: `1234567${String(round).padStart(2, '0')}` }),
        api.del(`/v1/customers/${c.id}`),
      ]);
      expect(['ok/ok', '404 resource_missing/ok'], `round ${round}`).toContain(`${outcome(add)}/${outcome(remove)}`);
      expect((await api.get(`/v1/customers/${c.id}/export`)).body.tax_ids).toEqual([]);
    }
  });

  it('attaching a card while the customer is deleted: the card never ends up on the tombstone', async () => {
    const api = t.api();
    const p = person('race');
    for (let round = 0; round < ROUNDS; round++) {
      const c = await createCustomer(api);
      const pm = await api.post('/v1/payment_methods', cardParams(p));
      expect(pm.status).toBe(200);
      const [attach, remove] = await Promise.all([
        api.post(`/v1/payment_methods/${pm.body.id}/attach`, { customer: c.id }),
        api.del(`/v1/customers/${c.id}`),
      ]);
      expect(['ok/ok', '404 resource_missing/ok'], `round ${round}`).toContain(`${outcome(attach)}/${outcome(remove)}`);
      const after = await api.get(`/v1/payment_methods/${pm.body.id}`);
      expect(after.body.customer).toBeNull();
      if (attach.status === 200) expect(after.body.billing_details.name).toBeNull();
    }
  });

  it('detaching a card while its customer is deleted: both answer cleanly', async () => {
    const api = t.api();
    const p = person('race');
    for (let round = 0; round < ROUNDS; round++) {
      const c = await createCustomer(api);
      const pm = await api.post('/v1/payment_methods', cardParams(p));
      expect((await api.post(`/v1/payment_methods/${pm.body.id}/attach`, { customer: c.id })).status).toBe(200);
      const [detach, remove] = await Promise.all([api.post(`/v1/payment_methods/${pm.body.id}/detach`), api.del(`/v1/customers/${c.id}`)]);
      // The detach first (both succeed), or the delete first (it detached the card already).
      expect(['ok/ok', '400 payment_method_unexpected_state/ok'], `round ${round}`).toContain(`${outcome(detach)}/${outcome(remove)}`);
      const after = await api.get(`/v1/payment_methods/${pm.body.id}`);
      expect(after.body.customer).toBeNull();
    }
  });
});
