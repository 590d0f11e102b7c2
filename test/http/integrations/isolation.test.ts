import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type Api, type TestApp } from '../../helpers/harness.js';
import { createCustomer, expectError, freshAccount, missingCustomerId, uniqueSuffix } from '../customers/support.js';
import { shapeOf } from '../hierarchy/support.js';
import { addIntegration, integrationIds, lookup, type IntegrationBody } from './support.js';

function missingIntegrationId(): string {
  return `int_${uniqueSuffix()}${uniqueSuffix()}`;
}

/** SPEC A-2: another account's (or mode's) customer or integration is a 404 identical to a missing one. */
describe.each(STORES)('integrations: isolation (%s)', (kind) => {
  let t: TestApp;
  let mine: Api;
  let theirs: Api;
  let myLive: Api;
  let theirCustomer: { id: string };
  let theirIntegration: IntegrationBody;
  let myCustomer: { id: string };
  let myIntegration: IntegrationBody;

  beforeAll(async () => {
    t = await createTestApp(kind);
    const me = await freshAccount(t);
    mine = me.api;
    myLive = t.api(me.account.live);
    theirs = (await freshAccount(t)).api;
    theirCustomer = await createCustomer(theirs);
    theirIntegration = await addIntegration(theirs, theirCustomer.id, { provider: 'stripe', provider_id: `theirs-${uniqueSuffix()}` });
    myCustomer = await createCustomer(mine);
    myIntegration = await addIntegration(mine, myCustomer.id, { provider: 'stripe', provider_id: `mine-${uniqueSuffix()}` });
  });
  afterAll(async () => t?.close());

  it("creating on another account's customer looks exactly like a missing customer", async () => {
    const missing = missingCustomerId();
    const params = { provider: 'hubspot', provider_id: `x-${uniqueSuffix()}` };
    const foreign = await mine.post(`/v1/customers/${theirCustomer.id}/integrations`, params);
    const absent = await mine.post(`/v1/customers/${missing}/integrations`, params);
    expectError(foreign, 404, { code: 'resource_missing' });
    expect(shapeOf(foreign, theirCustomer.id)).toEqual(shapeOf(absent, missing));
    expect(await integrationIds(theirs, theirCustomer.id)).toEqual([theirIntegration.id]);
  });

  it("listing another account's customer's integrations looks exactly like a missing customer", async () => {
    const missing = missingCustomerId();
    const foreign = await mine.get(`/v1/customers/${theirCustomer.id}/integrations`);
    const absent = await mine.get(`/v1/customers/${missing}/integrations`);
    expectError(foreign, 404, { code: 'resource_missing' });
    expect(shapeOf(foreign, theirCustomer.id)).toEqual(shapeOf(absent, missing));
  });

  it("deleting another account's integration, by any path, looks exactly like a missing one and deletes nothing", async () => {
    const missingCus = missingCustomerId();
    const viaTheirCustomer = await mine.del(`/v1/customers/${theirCustomer.id}/integrations/${theirIntegration.id}`);
    const viaMissingCustomer = await mine.del(`/v1/customers/${missingCus}/integrations/${theirIntegration.id}`);
    expect(shapeOf(viaTheirCustomer, theirCustomer.id)).toEqual(shapeOf(viaMissingCustomer, missingCus));
    const missingInt = missingIntegrationId();
    const viaMyCustomer = await mine.del(`/v1/customers/${myCustomer.id}/integrations/${theirIntegration.id}`);
    const absent = await mine.del(`/v1/customers/${myCustomer.id}/integrations/${missingInt}`);
    expectError(viaMyCustomer, 404, { code: 'resource_missing', param: 'id' });
    expect(shapeOf(viaMyCustomer, theirIntegration.id)).toEqual(shapeOf(absent, missingInt));
    expect(await integrationIds(theirs, theirCustomer.id)).toEqual([theirIntegration.id]);
    expect((await lookup(theirs, 'stripe', theirIntegration.provider_id)).body.id).toBe(theirCustomer.id);
  });

  it("the reverse lookup of another account's provider id looks exactly like an unknown one", async () => {
    const unknown = `unknown-${uniqueSuffix()}`;
    const foreign = await lookup(mine, 'stripe', theirIntegration.provider_id);
    const absent = await lookup(mine, 'stripe', unknown);
    expectError(foreign, 404, { code: 'resource_missing' });
    expect(shapeOf(foreign, theirIntegration.provider_id)).toEqual(shapeOf(absent, unknown));
  });

  it('the other mode sees none of it: live keys do not find test-mode integrations', async () => {
    const unknown = `unknown-${uniqueSuffix()}`;
    const crossMode = await lookup(myLive, 'stripe', myIntegration.provider_id);
    expect(shapeOf(crossMode, myIntegration.provider_id)).toEqual(shapeOf(await lookup(myLive, 'stripe', unknown), unknown));
    const missing = missingCustomerId();
    const list = await myLive.get(`/v1/customers/${myCustomer.id}/integrations`);
    expect(shapeOf(list, myCustomer.id)).toEqual(shapeOf(await myLive.get(`/v1/customers/${missing}/integrations`), missing));
    expectError(await myLive.del(`/v1/customers/${myCustomer.id}/integrations/${myIntegration.id}`), 404, { code: 'resource_missing' });
    expect(await integrationIds(mine, myCustomer.id)).toEqual([myIntegration.id]);
  });

  it("expand[]=integrations never shows another account's integrations", async () => {
    const res = await mine.get('/v1/customers', { expand: ['data.integrations'] });
    const all = JSON.stringify(res.body);
    expect(all).not.toContain(theirIntegration.id);
    expect(all).not.toContain(theirIntegration.provider_id);
    expect(all).toContain(myIntegration.id);
  });
});
