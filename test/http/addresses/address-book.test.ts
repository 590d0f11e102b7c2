/**
 * SPEC K-1: a customer's address book over HTTP, on both stores — its own rules (fields,
 * validation, events, limits, list) and its defaults kept in step with the customer's `address`
 * and `shipping` in both directions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type Api, type TestApp } from '../../helpers/harness.js';
import { createCustomer, expectError, freshAccount, missingCustomerId } from '../customers/support.js';
import { allIds } from '../payment-methods/support.js';
import { ADDRESS_BOOK_FIELDS, ADDRESS_ID, addAddress, bookOf, expectInStep, place } from './support.js';

interface EventBody {
  type: string;
  request: { id: string };
  data: { object: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any -- event JSON
}

/** Every event of the account, oldest first. */
async function allEvents(api: Api): Promise<EventBody[]> {
  const out: EventBody[] = [];
  let startingAfter: string | undefined;
  for (;;) {
    const res = await api.get('/v1/events', { limit: 100, ...(startingAfter && { starting_after: startingAfter }) });
    const page = res.body.data as Array<EventBody & { id: string }>;
    out.push(...page);
    if (!res.body.has_more) return out.reverse();
    startingAfter = page[page.length - 1]?.id;
  }
}

async function eventTypes(api: Api): Promise<string[]> {
  return ((await api.get('/v1/events', { limit: 100 })).body.data as Array<{ type: string }>).map((e) => e.type).reverse();
}

describe.each(STORES)('address book (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());

  describe('entries', () => {
    it('creates an entry with every field, reads it back, lists it; the customer is untouched without default_for', async () => {
      const { api } = await freshAccount(t);
      const customer = await createCustomer(api, { address: place('Home') });
      const res = await api.post(`/v1/customers/${customer.id}/addresses`, {
        label: 'Warehouse 2',
        name: 'Goods In',
        phone: '+49 30 555',
        address: { ...place('Lager'), country: 'de' },
        metadata: { dock: '4' },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(ADDRESS_BOOK_FIELDS);
      expect(res.body).toEqual({
        id: expect.stringMatching(ADDRESS_ID),
        object: 'address',
        address: { city: 'Berlin Lager', country: 'DE', line1: 'Lager Straße 1', line2: 'Hof Lager', postal_code: '10115', state: null },
        created: expect.any(Number),
        customer: customer.id,
        default_for: [],
        label: 'Warehouse 2',
        livemode: false,
        metadata: { dock: '4' },
        name: 'Goods In',
        phone: '+49 30 555',
        updated: res.body.created,
      });
      expect(res.headers.etag).toBe(`"${res.body.id}.v1"`);
      expect((await api.get(`/v1/customers/${customer.id}/addresses/${res.body.id}`)).body).toEqual(res.body);
      expect(await bookOf(api, customer.id)).toEqual([res.body]);
      const after = (await api.get(`/v1/customers/${customer.id}`)).body;
      expect(after).toEqual(customer);
      expect(await eventTypes(api)).toEqual(['customer.created', 'customer.address.created']);
    });

    it('updates with POST and PATCH (address replaced whole, metadata merged), deletes, with events', async () => {
      const { api } = await freshAccount(t);
      const customer = await createCustomer(api);
      const entry = await addAddress(api, customer.id, { label: 'Old', address: place('A'), metadata: { a: '1' } });
      const path = `/v1/customers/${customer.id}/addresses/${entry.id}`;
      const posted = await api.post(path, { label: 'New', address: { line1: 'Only line', country: 'FR' }, metadata: { b: '2' } });
      expect(posted.status, JSON.stringify(posted.body)).toBe(200);
      expect(posted.body).toMatchObject({
        label: 'New',
        address: { line1: 'Only line', line2: null, city: null, state: null, postal_code: null, country: 'FR' },
        metadata: { a: '1', b: '2' },
      });
      const patched = await api.patch(path, { label: null, phone: '+33 1 23' }, {}, { json: true });
      expect(patched.status, JSON.stringify(patched.body)).toBe(200);
      expect(patched.body).toMatchObject({ label: null, phone: '+33 1 23', address: posted.body.address });
      expect(patched.headers.etag).toBe(`"${entry.id}.v3"`);
      const deleted = await api.del(path);
      expect(deleted.body).toEqual({ id: entry.id, object: 'address', deleted: true });
      expectError(await api.get(path), 404, { code: 'resource_missing', param: 'id' });
      expect(await eventTypes(api)).toEqual(['customer.created', 'customer.address.created', 'customer.address.updated', 'customer.address.updated', 'customer.address.deleted']);
      const updated = (await api.get('/v1/events', { type: 'customer.address.updated' })).body.data[1];
      expect(updated.data.previous_attributes).toEqual({ label: 'Old', address: entry.address, metadata: { b: null } });
    });

    it('validates as the customer’s address is validated, and names what is wrong', async () => {
      const customer = await createCustomer(t.api());
      const add = (params: Record<string, unknown>) => t.api().post(`/v1/customers/${customer.id}/addresses`, params);
      expectError(await add({ label: 'No address' }), 400, { param: 'address' });
      expectError(await add({ address: { country: 'XX' } }), 400, { code: 'country_code_invalid', param: 'address[country]' });
      expectError(await add({ address: { line1: 'a\nb' } }), 400, { code: 'invalid_characters', param: 'address[line1]' });
      expectError(await add({ address: place('x'), label: 'l'.repeat(101) }), 400, { param: 'label' });
      expectError(await add({ address: place('x'), default_for: ['invoices'] }), 400, { param: 'default_for[0]' });
      expectError(await add({ address: { ...place('x'), zip: '1' } }), 400, { code: 'parameter_unknown', param: 'address[zip]' });
      const shippingWithoutName = await add({ address: place('x'), default_for: ['shipping'] });
      expectError(shippingWithoutName, 400, { code: 'parameter_invalid', param: 'name' });
      expect(shippingWithoutName.body.error.message).toContain('default for shipping needs a name');
      expect(await bookOf(t.api(), customer.id)).toEqual([]);
    });

    it('at most 100 entries per customer: the 101st is 400 customer_max_addresses', async () => {
      const { api } = await freshAccount(t);
      const customer = await createCustomer(api);
      for (let i = 0; i < 100; i += 10) {
        const batch = await Promise.all(Array.from({ length: 10 }, (_, j) => api.post(`/v1/customers/${customer.id}/addresses`, { address: place(`p${i + j}`) })));
        expect(batch.map((r) => r.status)).toEqual(Array(10).fill(200));
      }
      const over = await api.post(`/v1/customers/${customer.id}/addresses`, { address: place('over') });
      expectError(over, 400, { code: 'customer_max_addresses', param: null });
      expect(await allIds(api, `/v1/customers/${customer.id}/addresses`)).toHaveLength(100);
    });

    it('lists newest first with list conventions; a missing or deleted customer is 404', async () => {
      const { api } = await freshAccount(t);
      const customer = await createCustomer(api);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await addAddress(api, customer.id, { address: place(`l${i}`) })).id);
      const path = `/v1/customers/${customer.id}/addresses`;
      const page = await api.get(path, { limit: 2, starting_after: ids[3] });
      expect(page.body).toMatchObject({ object: 'list', url: path, has_more: true });
      expect(page.body.data.map((a: { id: string }) => a.id)).toEqual([ids[2], ids[1]]);
      const withCustomer = await api.get(path, { limit: 1, expand: ['data.customer'] });
      expect(withCustomer.body.data[0].customer.id).toBe(customer.id);
      expect((await api.del(`/v1/customers/${customer.id}`)).status).toBe(200);
      for (const id of [customer.id, missingCustomerId()]) {
        expectError(await api.get(`/v1/customers/${id}/addresses`), 404, { code: 'resource_missing', param: 'customer' });
        expectError(await api.post(`/v1/customers/${id}/addresses`, { address: place('x') }), 404, { code: 'resource_missing', param: 'customer' });
        expectError(await api.get(`/v1/customers/${id}/addresses/${ids[0]}`), 404, { code: 'resource_missing' });
      }
    });
  });

  describe('book → customer', () => {
    it('default_for: [billing] makes the entry the customer’s address, [shipping] its shipping, in the same write', async () => {
      const { api } = await freshAccount(t);
      const customer = await createCustomer(api, { address: place('Before'), name: 'Acme' });
      const hq = await addAddress(api, customer.id, { label: 'HQ', address: place('HQ'), default_for: ['billing'] });
      expect(hq.default_for).toEqual(['billing']);
      let state = await expectInStep(api, customer.id);
      expect(state.customer.address).toEqual(place('HQ'));
      expect(state.customer.shipping).toBeNull();
      const dock = await addAddress(api, customer.id, { label: 'Dock', name: 'Goods In', phone: '+49 30 1', address: place('Dock'), default_for: ['shipping'] });
      state = await expectInStep(api, customer.id);
      expect(state.customer.shipping).toEqual({ address: place('Dock'), name: 'Goods In', phone: '+49 30 1' });
      expect(state.customer.address).toEqual(place('HQ'));
      expect(state.billing?.id).toBe(hq.id);
      expect(state.shipping?.id).toBe(dock.id);
      // Each change to the customer has its customer.updated event, after the entry's.
      const types = await eventTypes(api);
      expect(types).toEqual(['customer.created', 'customer.address.created', 'customer.updated', 'customer.address.created', 'customer.updated']);
      const updates = (await api.get('/v1/events', { type: 'customer.updated' })).body.data;
      expect(updates[1].data.previous_attributes).toEqual({ address: place('Before') });
      expect(updates[0].data.previous_attributes).toEqual({ shipping: null });
      expect(updates[0].data.object.shipping).toEqual(state.customer.shipping);
    });

    it('a role moves: the entry that held it stops being the default, with its own event', async () => {
      const { api } = await freshAccount(t);
      const customer = await createCustomer(api);
      const first = await addAddress(api, customer.id, { name: 'One', address: place('One'), default_for: ['billing', 'shipping'] });
      const second = await addAddress(api, customer.id, { address: place('Two'), default_for: ['billing'] });
      let state = await expectInStep(api, customer.id);
      expect(state.billing?.id).toBe(second.id);
      expect(state.shipping?.id).toBe(first.id);
      expect(state.book.find((e) => e.id === first.id)?.default_for).toEqual(['shipping']);
      expect(state.customer.address).toEqual(place('Two'));
      expect(state.customer.shipping.address).toEqual(place('One'));
      const moved = (await api.get('/v1/events', { type: 'customer.address.updated' })).body.data[0];
      expect(moved.data.object.id).toBe(first.id);
      expect(moved.data.previous_attributes).toEqual({ default_for: ['billing', 'shipping'] });
      // Through an update of the other entry, by PATCH.
      const patched = await api.patch(`/v1/customers/${customer.id}/addresses/${first.id}`, { default_for: ['billing', 'shipping'] });
      expect(patched.status, JSON.stringify(patched.body)).toBe(200);
      state = await expectInStep(api, customer.id);
      expect(state.billing?.id).toBe(first.id);
      expect(state.book.find((e) => e.id === second.id)?.default_for).toEqual([]);
      expect(state.customer.address).toEqual(place('One'));
    });

    it('editing a default entry edits the customer; clearing the role or deleting the entry leaves the customer as it is', async () => {
      const { api } = await freshAccount(t);
      const customer = await createCustomer(api);
      const entry = await addAddress(api, customer.id, { name: 'Ship Here', address: place('E'), default_for: ['billing', 'shipping'] });
      const path = `/v1/customers/${customer.id}/addresses/${entry.id}`;
      const before = (await api.get(`/v1/customers/${customer.id}`)).headers.etag;
      expect((await api.post(path, { address: place('E2'), name: 'Ship There', phone: '+44 20 1' })).status).toBe(200);
      let state = await expectInStep(api, customer.id);
      expect(state.customer.address).toEqual(place('E2'));
      expect(state.customer.shipping).toEqual({ address: place('E2'), name: 'Ship There', phone: '+44 20 1' });
      const after = await api.get(`/v1/customers/${customer.id}`);
      expect(after.headers.etag).not.toBe(before);
      // A name change alone reaches shipping, not address.
      expect((await api.post(path, { name: 'Renamed' })).status).toBe(200);
      expect((await expectInStep(api, customer.id)).customer.shipping.name).toBe('Renamed');
      // The shipping default must keep a name.
      expectError(await api.post(path, { name: null }), 400, { code: 'parameter_invalid', param: 'name' });
      expectError(await api.post(path, { name: '' }), 400, { param: 'name' });
      // Dropping the roles (a form clears a list with an empty value): the entry stays, the
      // customer keeps its fields (no longer backed by the book).
      expect((await api.post(path, { default_for: '' })).status).toBe(200);
      state = await expectInStep(api, customer.id);
      expect(state.billing).toBeUndefined();
      expect(state.customer.address).toEqual(place('E2'));
      expect(state.customer.shipping.name).toBe('Renamed');
      expect((await api.post(path, { default_for: ['billing'], address: place('E3') })).status).toBe(200);
      expect((await expectInStep(api, customer.id)).customer.address).toEqual(place('E3'));
      expect((await api.del(path)).status).toBe(200);
      state = await expectInStep(api, customer.id);
      expect(state.book).toEqual([]);
      expect(state.customer.address).toEqual(place('E3'));
    });

    it('an update that changes nothing about the defaults writes no customer.updated', async () => {
      const { api } = await freshAccount(t);
      const customer = await createCustomer(api);
      const entry = await addAddress(api, customer.id, { address: place('Same'), default_for: ['billing'] });
      const version = (await api.get(`/v1/customers/${customer.id}`)).headers.etag;
      expect((await api.post(`/v1/customers/${customer.id}/addresses/${entry.id}`, { label: 'Just a label', default_for: ['billing'] })).status).toBe(200);
      expect((await api.get(`/v1/customers/${customer.id}`)).headers.etag).toBe(version);
      expect((await eventTypes(api)).filter((e) => e === 'customer.updated')).toHaveLength(1);
    });
  });

  describe('customer → book', () => {
    it('editing the customer’s address updates the billing default; its shipping the shipping default', async () => {
      const { api } = await freshAccount(t);
      const customer = await createCustomer(api);
      const billing = await addAddress(api, customer.id, { label: 'Billing', address: place('B'), default_for: ['billing'] });
      const shipping = await addAddress(api, customer.id, { label: 'Shipping', name: 'Dock', address: place('S'), default_for: ['shipping'] });
      expect((await api.post(`/v1/customers/${customer.id}`, { address: place('B2') })).status).toBe(200);
      let state = await expectInStep(api, customer.id);
      expect(state.billing).toMatchObject({ id: billing.id, label: 'Billing', address: place('B2'), default_for: ['billing'] });
      expect(state.shipping).toMatchObject({ id: shipping.id, address: place('S') });
      const patched = await api.patch(`/v1/customers/${customer.id}`, { shipping: { name: 'Dock 9', phone: '+1 212 555', address: place('S2') } }, {}, { json: true });
      expect(patched.status, JSON.stringify(patched.body)).toBe(200);
      state = await expectInStep(api, customer.id);
      expect(state.shipping).toMatchObject({ id: shipping.id, name: 'Dock 9', phone: '+1 212 555', address: place('S2'), default_for: ['shipping'] });
      const updated = (await api.get('/v1/events', { type: 'customer.address.updated' })).body.data;
      expect(updated.map((e: { data: { object: { id: string } } }) => e.data.object.id)).toEqual([shipping.id, billing.id]);
      expect(updated[1].data.previous_attributes).toEqual({ address: place('B') });
      // An update of other fields does not touch the book.
      const before = await bookOf(api, customer.id);
      expect((await api.post(`/v1/customers/${customer.id}`, { name: 'Other', metadata: { x: '1' } })).status).toBe(200);
      expect(await bookOf(api, customer.id)).toEqual(before);
    });

    it('through the other customer write paths: find-or-create by external_id and FlexPrice’s update', async () => {
      const { account, api } = await freshAccount(t);
      const customer = await createCustomer(api, { external_id: 'crm-7' });
      const entry = await addAddress(api, customer.id, { address: place('X'), default_for: ['billing'] });
      expect((await api.post('/v1/customers/external/crm-7', { address: place('Upserted') })).status).toBe(200);
      expect((await expectInStep(api, customer.id)).billing?.address).toEqual(place('Upserted'));
      const flex = await t.app.inject({
        method: 'PUT',
        url: `/flexprice/v1/customers?id=${customer.id}`,
        headers: { 'x-api-key': account.test, 'content-type': 'application/json' },
        payload: JSON.stringify({ address_city: 'Hamburg' }),
      });
      expect(flex.statusCode, flex.body).toBe(200);
      const state = await expectInStep(api, customer.id);
      expect(state.billing).toMatchObject({ id: entry.id, address: { ...place('Upserted'), city: 'Hamburg' } });
    });

    it('one entry for both roles follows an edit of either and keeps the role whose field it still matches', async () => {
      const { api } = await freshAccount(t);
      const customer = await createCustomer(api);
      const both = () => addAddress(api, customer.id, { name: 'Both', address: place('Both'), default_for: ['billing', 'shipping'] });
      const update = (params: Record<string, unknown>) => api.post(`/v1/customers/${customer.id}`, params);

      // Only address edited: the entry follows it; shipping still says the old address, so the entry stops being its default.
      let entry = await both();
      expect((await update({ address: place('Moved') })).status).toBe(200);
      let state = await expectInStep(api, customer.id);
      expect(state.book.find((e) => e.id === entry.id)).toMatchObject({ address: place('Moved'), default_for: ['billing'] });
      expect(state.customer.shipping.address).toEqual(place('Both'));

      // Only shipping edited: the entry follows shipping and stops being the billing default.
      entry = await both();
      expect((await update({ shipping: { name: 'Dock', address: place('Dock') } })).status).toBe(200);
      state = await expectInStep(api, customer.id);
      expect(state.book.find((e) => e.id === entry.id)).toMatchObject({ address: place('Dock'), name: 'Dock', phone: null, default_for: ['shipping'] });
      expect(state.customer.address).toEqual(place('Both'));

      // Both edited to one address: the entry follows and keeps both roles.
      entry = await both();
      expect((await update({ address: place('Together'), shipping: { name: 'T', phone: '+1 1', address: place('Together') } })).status).toBe(200);
      state = await expectInStep(api, customer.id);
      expect(state.book.find((e) => e.id === entry.id)).toMatchObject({ address: place('Together'), name: 'T', phone: '+1 1', default_for: ['billing', 'shipping'] });

      // Both edited, differently: the entry follows address and keeps billing only.
      expect((await update({ address: place('Apart A'), shipping: { name: 'T', address: place('Apart S') } })).status).toBe(200);
      state = await expectInStep(api, customer.id);
      expect(state.book.find((e) => e.id === entry.id)).toMatchObject({ address: place('Apart A'), name: 'T', default_for: ['billing'] });
      expect(state.shipping).toBeUndefined();
    });

    it('unsetting address or shipping takes the role from its entry; the entry stays', async () => {
      const { api } = await freshAccount(t);
      const customer = await createCustomer(api);
      const entry = await addAddress(api, customer.id, { name: 'N', address: place('U'), default_for: ['billing', 'shipping'] });
      expect((await api.post(`/v1/customers/${customer.id}`, { address: '' })).status).toBe(200);
      let state = await expectInStep(api, customer.id);
      expect(state.customer.address).toBeNull();
      expect(state.book.find((e) => e.id === entry.id)).toMatchObject({ address: place('U'), default_for: ['shipping'] });
      expect((await api.post(`/v1/customers/${customer.id}`, { shipping: '' })).status).toBe(200);
      state = await expectInStep(api, customer.id);
      expect(state.customer.shipping).toBeNull();
      expect(state.book.find((e) => e.id === entry.id)).toMatchObject({ address: place('U'), default_for: [] });
    });

    it('under concurrent writes from both sides the two never disagree', async () => {
      const { api } = await freshAccount(t);
      const customer = await createCustomer(api);
      const a = await addAddress(api, customer.id, { name: 'A', address: place('A0'), default_for: ['billing'] });
      const b = await addAddress(api, customer.id, { name: 'B', address: place('B0'), default_for: ['shipping'] });
      const writes: Array<() => Promise<unknown>> = [];
      for (let i = 0; i < 8; i++) {
        writes.push(() => api.post(`/v1/customers/${customer.id}`, { address: place(`C${i}`) }));
        writes.push(() => api.post(`/v1/customers/${customer.id}`, { shipping: { name: `S${i}`, address: place(`CS${i}`) } }));
        writes.push(() => api.post(`/v1/customers/${customer.id}/addresses/${a.id}`, { address: place(`A${i}`) }));
        writes.push(() => api.post(`/v1/customers/${customer.id}/addresses/${b.id}`, { address: place(`B${i}`), name: `B${i}` }));
        writes.push(() => api.post(`/v1/customers/${customer.id}/addresses/${i % 2 ? a.id : b.id}`, { default_for: i % 3 ? ['billing', 'shipping'] : ['billing'] }));
        writes.push(() => api.post(`/v1/customers/${customer.id}/addresses`, { name: `N${i}`, address: place(`N${i}`), default_for: i % 2 ? ['shipping'] : ['billing'] }));
      }
      const answers = (await Promise.all(writes.map((w) => w()))) as Array<{ status: number; body: unknown }>;
      expect(answers.filter((r) => r.status !== 200).map((r) => JSON.stringify(r.body))).toEqual([]);
      await expectInStep(api, customer.id);
      // After every committed write (its events share a request id), the customer as its latest
      // event shows it and the book as its events show it agree: replayed in commit order.
      const events = (await allEvents(api)).filter((e) => e.data.object.id === customer.id || e.data.object.customer === customer.id);
      const entries = new Map<string, Record<string, any>>(); // eslint-disable-line @typescript-eslint/no-explicit-any -- event JSON
      let shown: Record<string, any> = {}; // eslint-disable-line @typescript-eslint/no-explicit-any -- event JSON
      let checked = 0;
      events.forEach((event, i) => {
        if (event.type === 'customer.address.deleted') entries.delete(String(event.data.object.id));
        else if (event.type.startsWith('customer.address.')) entries.set(String(event.data.object.id), event.data.object);
        else shown = event.data.object;
        if (events[i + 1]?.request.id === event.request.id) return;
        const billing = [...entries.values()].filter((e) => e.default_for.includes('billing'));
        const shipping = [...entries.values()].filter((e) => e.default_for.includes('shipping'));
        expect(billing.length + shipping.length <= 2 && billing.length <= 1 && shipping.length <= 1, `after ${event.request.id}`).toBe(true);
        if (billing[0]) expect(shown.address, `address after ${event.request.id}`).toEqual(billing[0].address);
        if (shipping[0]) expect(shown.shipping, `shipping after ${event.request.id}`).toEqual({ address: shipping[0].address, name: shipping[0].name, phone: shipping[0].phone });
        checked++;
      });
      expect(checked).toBeGreaterThanOrEqual(writes.length);
    });
  });
});
