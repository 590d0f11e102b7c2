import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type TestApp } from '../../helpers/harness.js';
import { createCharge, createInvoice, createRefund, eventsOf, statsOf, transition } from '../charges/support.js';
import { createCustomer, expectError, freshAccount, missingCustomerId, uniqueSuffix } from '../customers/support.js';
import { addAddress, addContact, addIntegration, addTaxId, attachCard, listAll, merge, ok } from './support.js';

/** docs/merging.md: POST /v1/customers/:id/merge through HTTP. */
describe.each(STORES)('customer merge (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());

  it('moves every owned object, fills fields, and leaves a tombstone that leads to the survivor', async () => {
    const { api } = await freshAccount(t);
    const ext = `crm-${uniqueSuffix()}`;
    const target = await createCustomer(api, { name: 'Ada', metadata: { tier: 'gold', shared: 'target' }, notes: 'VIP' });
    const source = await createCustomer(api, {
      email: 'ada@example.com',
      phone: '+33 6 12 34 56 78',
      name: 'Ada L.',
      external_id: ext,
      metadata: { shared: 'source', region: 'eu' },
      notes: 'Met at the fair',
      balance: 250,
    });
    const child = await createCustomer(api, { parent: source.id, name: 'child' });
    const targetCard = await attachCard(api, target.id);
    const sourceCard = await attachCard(api, source.id);
    await ok(api.post(`/v1/customers/${source.id}`, { invoice_settings: { default_payment_method: sourceCard } }));
    await addTaxId(api, target.id, '12-3456789');
    const dupTax = await addTaxId(api, source.id, '12-3456789');
    const ownTax = await addTaxId(api, source.id, '98-7654321');
    const hs = await addIntegration(api, source.id);
    await addContact(api, target.id, 'billing@acme.example');
    const dupContact = await addContact(api, source.id, 'Billing@acme.example');
    const ownContact = await addContact(api, source.id, 'ops@acme.example');
    const targetHome = await addAddress(api, target.id, '1 target st', { default_for: ['billing'] });
    const sourceHome = await addAddress(api, source.id, '2 source st', { default_for: ['billing'] });
    const charge = await createCharge(api, source.id, { amount: 1200 });
    await createRefund(api, charge.id, { amount: 200 });
    const childCharge = await createCharge(api, child.id, { amount: 300 });
    const invoice = await createInvoice(api, source.id);
    await transition(api, invoice.id, 'finalize');
    await createCharge(api, target.id, { amount: 50 });

    const merged = await ok(merge(api, target.id, { source: source.id }), 'merge');
    expect(merged.id).toBe(target.id);
    expect(merged.merged_from).toEqual([source.id]);
    // The target's own non-null fields stay; the source's fill its nulls.
    expect(merged.name).toBe('Ada');
    expect(merged.email).toBe('ada@example.com');
    expect(merged.phone).toBe('+33 6 12 34 56 78');
    expect(merged.external_id).toBe(ext);
    expect(merged.balance).toBe(250);
    expect(merged.metadata).toEqual({ tier: 'gold', shared: 'target', region: 'eu' });
    expect(merged.notes).toBe(`VIP\n\n[merged from ${source.id}] Met at the fair`);
    expect(merged.invoice_settings.default_payment_method).toBe(sourceCard);

    // Owned objects moved (duplicates dropped) and nothing is left on the source.
    const cards = (await listAll(api, `/v1/customers/${target.id}/payment_methods`)).map((p) => p.id).sort();
    expect(cards).toEqual([targetCard, sourceCard].sort());
    const taxIds = await listAll(api, `/v1/customers/${target.id}/tax_ids`);
    expect(taxIds.map((x) => x.value).sort()).toEqual(['12-3456789', '98-7654321']);
    expect(taxIds.map((x) => x.id)).toContain(ownTax.id);
    expect(taxIds.map((x) => x.id)).not.toContain(dupTax.id);
    const contacts = (await listAll(api, `/v1/customers/${target.id}/contacts`)).map((c) => c.id);
    expect(contacts).toContain(ownContact.id);
    expect(contacts).not.toContain(dupContact.id);
    expect(contacts).toHaveLength(2);
    const addresses = await listAll(api, `/v1/customers/${target.id}/addresses`);
    expect(addresses.map((a) => a.id).sort()).toEqual([targetHome.id, sourceHome.id].sort());
    expect(addresses.filter((a) => (a.default_for as string[]).includes('billing')).map((a) => a.id)).toEqual([targetHome.id]);
    expect((await ok(api.get(`/v1/charges/${charge.id}`))).customer).toBe(target.id);
    expect((await ok(api.get(`/v1/invoices/${invoice.id}`))).customer).toBe(target.id);
    expect((await ok(api.get(`/v1/customers/${child.id}`))).parent).toBe(target.id);
    // Stats: the source's own figures are the target's now, and the child counts in its tree.
    const stats = await statsOf(api, target.id);
    expect(stats.charge_count).toBe(2);
    expect(stats.total_spent).toEqual({ usd: 1050 });
    expect(stats.invoice_count).toBe(1);
    expect(stats.tree).toMatchObject({ charge_count: 3, total_spent: { usd: 1350 } });
    const treeCharges = (await listAll(api, '/v1/charges', { customer: target.id, include_descendants: true })).map((c) => c.id);
    expect(treeCharges).toContain(childCharge.id);
    expect(treeCharges).toContain(charge.id);

    // The tombstone, and every old reference leading to the survivor.
    const tomb = await api.get(`/v1/customers/${source.id}`);
    expect(tomb.status).toBe(200);
    expect(tomb.body).toEqual({ id: source.id, object: 'customer', deleted: true, merged_into: target.id });
    expect((await api.get(`/v1/customers/${source.id}`, { expand: ['stats'] })).body).toEqual(tomb.body);
    expect((await ok(api.get(`/v1/customers/external/${ext}`))).id).toBe(target.id);
    expect((await ok(api.get(`/v1/integrations/hubspot/${hs.provider_id}`))).id).toBe(target.id);
    const write = await api.post(`/v1/customers/${source.id}`, { name: 'x' });
    expectError(write, 400, { code: 'customer_merged', param: 'id' });
    expect(write.body.error.message).toContain(target.id);
    expectError(await api.post(`/v1/customers/${source.id}/tax_ids`, { type: 'us_ein', value: '11-1111111' }), 400, { code: 'customer_merged' });
    expectError(await api.post('/v1/charges', { amount: 5, currency: 'usd', customer: source.id }), 400, { code: 'customer_merged' });
  });

  it('prefer=source reverses the field rule; the default payment method is the target’s, else the source’s', async () => {
    const { api } = await freshAccount(t);
    const target = await createCustomer(api, { name: 'Target name', email: 'target@example.com', metadata: { k: 'target' } });
    const source = await createCustomer(api, { name: 'Source name', metadata: { k: 'source' } });
    const card = await attachCard(api, source.id);
    await ok(api.post(`/v1/customers/${source.id}`, { invoice_settings: { default_payment_method: card } }));
    const merged = await ok(merge(api, target.id, { source: source.id, prefer: 'source' }));
    expect(merged.name).toBe('Source name');
    expect(merged.email).toBe('target@example.com');
    expect(merged.metadata).toEqual({ k: 'source' });
    expect(merged.invoice_settings.default_payment_method).toBe(card);
  });

  it('external ids: both set needs external_id=target|source; the other becomes an alias', async () => {
    const { api } = await freshAccount(t);
    const [a, b] = [`a-${uniqueSuffix()}`, `b-${uniqueSuffix()}`];
    const target = await createCustomer(api, { external_id: a });
    const source = await createCustomer(api, { external_id: b });
    expectError(await merge(api, target.id, { source: source.id }), 400, { code: 'merge_external_id_conflict', param: 'external_id' });
    const merged = await ok(merge(api, target.id, { source: source.id, external_id: 'source' }));
    expect(merged.external_id).toBe(b);
    for (const old of [a, b]) expect((await ok(api.get(`/v1/customers/external/${old}`))).id).toBe(target.id);
    // Find-or-create by the alias updates the survivor, keeping its own external_id.
    const upsert = await ok(api.post(`/v1/customers/external/${a}`, { name: 'via alias' }));
    expect(upsert.id).toBe(target.id);
    expect(upsert.external_id).toBe(b);
    expect(upsert.name).toBe('via alias');
    // A chain: the survivor merged again, every old id leads to the last survivor in one hop.
    const last = await createCustomer(api);
    await ok(merge(api, last.id, { source: target.id }));
    expect((await ok(api.get(`/v1/customers/${source.id}`))).merged_into).toBe(last.id);
    expect((await ok(api.get(`/v1/customers/external/${a}`))).id).toBe(last.id);
    expect((await ok(api.get(`/v1/customers/${last.id}`))).merged_from).toEqual([target.id, source.id]);
  });

  it('refuses self, deleted, merged, other account or mode, and cycles', async () => {
    const { api, account } = await freshAccount(t);
    const a = await createCustomer(api);
    const b = await createCustomer(api);
    expectError(await merge(api, a.id, { source: a.id }), 400, { code: 'merge_same_customer', param: 'source' });
    expectError(await merge(api, a.id, { source: missingCustomerId() }), 404, { code: 'resource_missing', param: 'source' });
    expectError(await merge(api, missingCustomerId(), { source: a.id }), 404, { code: 'resource_missing', param: 'id' });
    const gone = await createCustomer(api);
    await ok(api.del(`/v1/customers/${gone.id}`));
    expectError(await merge(api, a.id, { source: gone.id }), 404, { code: 'resource_missing' });
    const other = await freshAccount(t);
    const foreign = await createCustomer(other.api);
    expectError(await merge(api, a.id, { source: foreign.id }), 404, { code: 'resource_missing' });
    const live = await createCustomer(t.api(account.live));
    expectError(await merge(api, a.id, { source: live.id }), 404, { code: 'resource_missing' });
    await ok(merge(api, a.id, { source: b.id }));
    expectError(await merge(api, a.id, { source: b.id }), 400, { code: 'customer_merged', param: 'source' });
    expectError(await merge(api, b.id, { source: a.id }), 400, { code: 'customer_merged', param: 'id' });

    const parent = await createCustomer(api);
    const kid = await createCustomer(api, { parent: parent.id });
    const grandkid = await createCustomer(api, { parent: kid.id });
    expectError(await merge(api, grandkid.id, { source: parent.id }), 400, { code: 'merge_would_create_cycle', param: 'source' });
    // The target would take the source's parent, which hangs below the target.
    const root = await createCustomer(api);
    const below = await createCustomer(api, { parent: root.id });
    const leaf = await createCustomer(api, { parent: below.id });
    expectError(await merge(api, root.id, { source: leaf.id }), 400, { code: 'merge_would_create_cycle', param: 'parent' });
    // Nothing changed.
    expect((await ok(api.get(`/v1/customers/${leaf.id}`))).parent).toBe(below.id);
    // A child merged into its parent is fine: its children become the parent's.
    const sub = await createCustomer(api, { parent: leaf.id });
    const merged = await ok(merge(api, below.id, { source: leaf.id }));
    expect(merged.parent).toBe(root.id);
    expect((await ok(api.get(`/v1/customers/${sub.id}`))).parent).toBe(below.id);
  });

  it('If-Match on the target and source_if_match on the source make it conditional', async () => {
    const { api } = await freshAccount(t);
    const target = await api.post('/v1/customers', { name: 't' });
    const source = await api.post('/v1/customers', { name: 's' });
    const stale = '"cus_nope.v1"';
    expectError(await merge(api, target.body.id, { source: source.body.id }, { 'If-Match': stale }), 412);
    expectError(await merge(api, target.body.id, { source: source.body.id, source_if_match: stale }), 412);
    const res = await merge(api, target.body.id, { source: source.body.id, source_if_match: source.headers.etag as string }, { 'If-Match': target.headers.etag as string });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.headers.etag).not.toBe(target.headers.etag);
  });

  it('an idempotency key replays the same answer without merging twice', async () => {
    const { api } = await freshAccount(t);
    const target = await createCustomer(api);
    const source = await createCustomer(api);
    const key = { 'Idempotency-Key': `merge-${uniqueSuffix()}` };
    const first = await merge(api, target.id, { source: source.id }, key);
    const again = await merge(api, target.id, { source: source.id }, key);
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect((await eventsOf(api, 'customer.merged')).filter((e) => e.data.object.id === target.id)).toHaveLength(1);
  });

  it('writes customer.merged, customer.deleted with merged_into and one *.updated per moved object, in the same transaction', async () => {
    const { api } = await freshAccount(t);
    const target = await createCustomer(api);
    const source = await createCustomer(api);
    const card = await attachCard(api, source.id);
    const tax = await addTaxId(api, source.id);
    const charge = await createCharge(api, source.id);
    await ok(merge(api, target.id, { source: source.id }));
    const [mergedEvent] = await eventsOf(api, 'customer.merged');
    expect(mergedEvent?.data.object.id).toBe(target.id);
    const sourcePart = (mergedEvent?.data as unknown as { source: { id: string; moved: Record<string, string[]> } }).source;
    expect(sourcePart.id).toBe(source.id);
    expect(sourcePart.moved).toMatchObject({ payment_methods: [card], tax_ids: [tax.id], charges: [charge.id] });
    const [deleted] = await eventsOf(api, 'customer.deleted');
    expect(deleted?.data.object).toMatchObject({ id: source.id, deleted: true, merged_into: target.id });
    expect((await eventsOf(api, 'payment_method.updated')).map((e) => e.data.object.id)).toContain(card);
    expect((await eventsOf(api, 'customer.tax_id.updated')).map((e) => e.data.object.id)).toContain(tax.id);
    const chargeEvent = (await eventsOf(api, 'charge.updated')).find((e) => e.data.object.id === charge.id);
    expect(chargeEvent?.data.object.customer).toBe(target.id);
    // All of them written by the merge's one request.
    const requestIds = new Set(
      [...(await eventsOf(api, 'customer.merged')), ...(await eventsOf(api, 'customer.deleted')), ...(await eventsOf(api, 'payment_method.updated'))].map(
        (e) => (e as unknown as { request: { id: string } }).request.id,
      ),
    );
    expect(requestIds.size).toBe(1);
  });

  it('the export shows what the survivor absorbed; erasing the survivor erases both parties', async () => {
    const { api } = await freshAccount(t);
    const ext = `gone-${uniqueSuffix()}`;
    const target = await createCustomer(api, { name: 'Keep' });
    const source = await createCustomer(api, { email: 'old@example.com', external_id: ext });
    const card = await attachCard(api, source.id);
    await ok(merge(api, target.id, { source: source.id }));
    const exported = await ok(api.get(`/v1/customers/${target.id}/export`));
    expect(exported.payment_methods.map((p: { id: string }) => p.id)).toContain(card);
    expect(exported.merges).toEqual([
      expect.objectContaining({ object: 'customer_merge', source: source.id, target: target.id, moved: expect.objectContaining({ payment_methods: [card] }) }),
    ]);
    await ok(api.del(`/v1/customers/${target.id}`));
    expectError(await api.get(`/v1/customers/external/${ext}`), 404);
    const events = await ok(api.get('/v1/events', { limit: 100 }));
    const text = JSON.stringify(events.data.filter((e: { data: { object: { id: string } } }) => [source.id, target.id].includes(e.data.object.id)));
    expect(text).not.toContain('old@example.com');
    expect(text).not.toContain(ext);
    expect((await ok(api.get(`/v1/customers/${target.id}/export`))).merges).toEqual([]);
  });

  it('concurrent merges over the same customers serialise: one wins, the others get customer_merged', async () => {
    const { api } = await freshAccount(t);
    const a = await createCustomer(api);
    const b = await createCustomer(api);
    const c = await createCustomer(api);
    await attachCard(api, a.id);
    await createCharge(api, b.id);
    const results = await Promise.all([
      merge(api, a.id, { source: b.id }),
      merge(api, b.id, { source: a.id }),
      merge(api, c.id, { source: b.id }),
      merge(api, b.id, { source: c.id }),
    ]);
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1);
    for (const r of results) {
      if (r.status !== 200) expectError(r, 400, { code: 'customer_merged' });
    }
    // Whatever order they ran in, exactly one customer of the three is left alive... or two when
    // a refused merge left its pair apart; every tombstone leads to a live one, and the charge is on it.
    const states = await Promise.all([a, b, c].map(async (x) => (await api.get(`/v1/customers/${x.id}`)).body));
    const live = states.filter((s) => !s.deleted).map((s) => s.id);
    expect(live.length).toBeGreaterThanOrEqual(1);
    for (const s of states.filter((x) => x.deleted)) expect(live).toContain(s.merged_into);
    const charges = await listAll(api, '/v1/charges');
    expect(charges).toHaveLength(1);
    expect(live).toContain(charges[0]?.customer);
  });
});
