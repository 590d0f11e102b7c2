import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type TestApp } from '../../helpers/harness.js';
import { createCustomer, expectCustomer, expectError, freshAccount, missingCustomerId } from '../customers/support.js';
import { lookup } from '../integrations/support.js';
import { buildProfile, leaks, person, type Person, type Profile } from './support.js';

const BLANK_BILLING = {
  address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null },
  email: null,
  name: null,
  phone: null,
};

/**
 * SPEC C-7 (delete erases) and C-8 (export): one customer holding every kind of personal data,
 * deleted; then every place the API could show it is checked for every value.
 */
describe.each(STORES)('erasure and export (%s)', (kind) => {
  let t: TestApp;
  let p: Person;
  let profile: Profile;
  let exportBefore: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON under test
  let bystander: { id: string };
  let bystanderBefore: unknown;

  beforeAll(async () => {
    t = await createTestApp(kind);
    p = person('gone');
    profile = await buildProfile(t.api(), p);
    bystander = await createCustomer(t.api(), { name: 'Bystander', email: 'bystander@example.com', metadata: { keep: 'me' } });
    bystanderBefore = (await t.api().get(`/v1/customers/${bystander.id}`)).body;
    const exported = await t.api().get(`/v1/customers/${profile.customerId}/export`);
    expect(exported.status, JSON.stringify(exported.body)).toBe(200);
    exportBefore = exported.body;
    const deleted = await t.api().del(`/v1/customers/${profile.customerId}`);
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(200);
    expect(deleted.body).toEqual({ id: profile.customerId, object: 'customer', deleted: true });
  });
  afterAll(async () => t?.close());

  describe('export before delete holds everything', () => {
    it('is one customer_export document: record, payment methods, tax ids, integrations', () => {
      expect(exportBefore.object).toBe('customer_export');
      expect(typeof exportBefore.exported_at).toBe('number');
      expectCustomer(exportBefore.customer);
      expect(exportBefore.customer.id).toBe(profile.customerId);
      expect(exportBefore.customer.email).toBe(p.email);
      expect(exportBefore.customer.external_id).toBe(p.externalId);
      expect(exportBefore.customer.notes).toContain(`Updated notes ${p.tag}`);
      expect(exportBefore.customer.shipping.phone).toBe(p.shippingPhone);
      expect(exportBefore.customer.metadata).toEqual({
        crm_note: `meta-${p.tag}`,
        [`k${p.tag}`]: 'the key holds the tag',
        extra: `extra-${p.tag}`,
      });
      expect(exportBefore.customer.invoice_settings.default_payment_method).toBe(profile.card.id);
      expect(exportBefore.payment_methods.map((m: { id: string }) => m.id).sort()).toEqual([profile.card.id, profile.vaulted.id].sort());
      const card = exportBefore.payment_methods.find((m: { id: string }) => m.id === profile.card.id);
      expect(card.billing_details.name).toBe(`Card Holder ${p.tag}`);
      expect(card.metadata).toEqual({ pm_note: `pm-meta-${p.tag}` });
      expect(exportBefore.tax_ids.map((x: { value: string }) => x.value).sort()).toEqual([p.taxIdOnCreate, p.taxIdLater].sort());
      expect(exportBefore.integrations.map((i: { provider_id: string }) => i.provider_id).sort()).toEqual(
        [`crm-${p.tag}`, `hs-${p.tag}`].sort(),
      );
      expect(exportBefore.charges.map((c: { id: string }) => c.id)).toEqual([profile.charge.id]);
      expect(exportBefore.charges[0]).toMatchObject({ receipt_email: `receipt-${p.tag}@example.com`, amount_refunded: 1000 });
      expect(exportBefore.charges[0].billing_details.name).toBe(`Charge Payer ${p.tag}`);
      expect(exportBefore.refunds.map((r: { id: string }) => r.id)).toEqual([profile.refund.id]);
      expect(exportBefore.invoices.map((i: { id: string }) => i.id)).toEqual([profile.invoice.id]);
      expect(exportBefore.invoices[0]).toMatchObject({ customer_email: p.email, status: 'open' });
      expect(exportBefore.children).toEqual([]);
      expect(exportBefore.contacts).toEqual([expect.objectContaining({ id: profile.contacts[0], email: p.contactEmail, phone: p.contactPhone, name: `Contact Renamed ${p.tag}` })]);
      expect(exportBefore.addresses.map((a: { id: string }) => a.id)).toEqual([...profile.addresses].reverse());
      expect(exportBefore.addresses[0]).toMatchObject({ label: `Dock ${p.tag}`, default_for: ['shipping'], phone: p.shippingPhone });
      // Every personal value is in it (the E.164 forms kept for search are not shown).
      expect(leaks(JSON.stringify(exportBefore), p).sort()).toEqual([...p.values].filter((v) => v !== p.phoneDigits && v !== p.contactPhoneDigits).sort());
    });

    // Another account's or mode's customer answers like this: test/security/shared-suite.test.ts.
    it('is 404 for a missing customer', async () => {
      expectError(await t.api().get(`/v1/customers/${missingCustomerId()}/export`), 404, { code: 'resource_missing' });
    });
  });

  describe('after delete', () => {
    it('the customer is a tombstone', async () => {
      const res = await t.api().get(`/v1/customers/${profile.customerId}`, { expand: ['tax_ids', 'integrations'] });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: profile.customerId, object: 'customer', deleted: true });
    });

    it('its payment methods are detached: billing details and metadata blank, brand, last4 and expiry kept', async () => {
      const card = await t.api().get(`/v1/payment_methods/${profile.card.id}`);
      expect(card.status, JSON.stringify(card.body)).toBe(200);
      expect(card.body.customer).toBeNull();
      expect(card.body.billing_details).toEqual(BLANK_BILLING);
      expect(card.body.metadata).toEqual({});
      const before = profile.card.card as Record<string, unknown>;
      expect(card.body.card).toMatchObject({
        brand: 'visa',
        last4: '4242',
        exp_month: before.exp_month,
        exp_year: before.exp_year,
        funding: before.funding,
      });
      expect(card.body.card.fingerprint).toBeNull();
      const vaulted = await t.api().get(`/v1/payment_methods/${profile.vaulted.id}`);
      expect(vaulted.body.customer).toBeNull();
      expect(vaulted.body.billing_details).toEqual(BLANK_BILLING);
      expect(vaulted.body.metadata).toEqual({});
      expect(vaulted.body.card).toMatchObject({ brand: 'mastercard', last4: '4444', exp_month: 6 });
      expect(vaulted.body.provider).toEqual(profile.vaulted.provider);
      expect(leaks(card.raw.body + vaulted.raw.body, p)).toEqual([]);
    });

    it('its contacts and address book are gone, each with its deleted event (redacted), and search finds none of it', async () => {
      expectError(await t.api().get(`/v1/customers/${profile.customerId}/contacts`), 404, { code: 'resource_missing' });
      expectError(await t.api().get(`/v1/customers/${profile.customerId}/addresses`), 404, { code: 'resource_missing' });
      const events = (await t.api().get('/v1/events', { types: ['customer.contact.deleted', 'customer.address.deleted'], limit: 10 })).body.data;
      expect(events.map((e: { data: { object: { id: string } } }) => e.data.object.id).sort()).toEqual([...profile.contacts, ...profile.addresses].sort());
      expect(leaks(JSON.stringify(events), p)).toEqual([]);
      const address = events.find((e: { type: string }) => e.type === 'customer.address.deleted').data.object;
      expect(address).toMatchObject({ label: null, name: null, phone: null, address: null, metadata: {} });
      for (const query of [`contact_email:"${p.contactEmail}"`, `contact_phone:"${p.contactPhoneDigits}"`, `contact_email~"${p.tag}"`]) {
        const res = await t.api().get('/v1/customers/search', { query });
        expect(res.body.data, query).toEqual([]);
      }
      expect((await t.api().get('/v1/customers', { contact_email: p.contactEmail })).body.data).toEqual([]);
    });

    it('a detached method cannot be attached to anyone again', async () => {
      const other = await createCustomer(t.api());
      const res = await t.api().post(`/v1/payment_methods/${profile.card.id}/attach`, { customer: other.id });
      expectError(res, 400, { code: 'payment_method_unexpected_state' });
    });

    it('its tax ids and integrations are gone (reverse lookup 404)', async () => {
      for (const id of profile.taxIds) {
        expectError(await t.api().get(`/v1/customers/${profile.customerId}/tax_ids/${id}`), 404, { code: 'resource_missing' });
      }
      expectError(await t.api().get(`/v1/customers/${profile.customerId}/tax_ids`), 404, { code: 'resource_missing' });
      for (const i of profile.integrations) {
        expectError(await lookup(t.api(), i.provider, i.provider_id), 404, { code: 'resource_missing' });
      }
      expectError(await t.api().get(`/v1/customers/${profile.customerId}/integrations`), 404, { code: 'resource_missing' });
      // The provider ids are free for another customer.
      const next = await createCustomer(t.api());
      const again = await t.api().post(`/v1/customers/${next.id}/integrations`, {
        provider: profile.integrations[0]?.provider,
        provider_id: profile.integrations[0]?.provider_id,
      });
      expect(again.status, JSON.stringify(again.body)).toBe(200);
    });

    it('its charges, refunds and invoices stay, pointing to the tombstone, without the personal data copied into them', async () => {
      const charge = (await t.api().get(`/v1/charges/${profile.charge.id}`)).body;
      expect(charge).toMatchObject({
        customer: profile.customerId,
        amount: 4200,
        amount_refunded: 1000,
        currency: 'eur',
        status: 'succeeded',
        description: 'Consulting, March',
        receipt_email: null,
        billing_details: { name: null, email: null, phone: null, address: { line1: null, city: null, country: null } },
      });
      expect(leaks(JSON.stringify(charge), p)).toEqual([]);
      expect((await t.api().get(`/v1/refunds/${profile.refund.id}`)).body).toMatchObject({ charge: profile.charge.id, amount: 1000 });
      const invoice = (await t.api().get(`/v1/invoices/${profile.invoice.id}`)).body;
      expect(invoice).toMatchObject({ customer: profile.customerId, status: 'open', total: 4200, customer_email: null, customer_name: null, customer_address: null });
      expect(invoice.number).toBe(profile.invoice.number);
      expect(leaks(JSON.stringify(invoice), p)).toEqual([]);
      const listed = await t.api().get('/v1/charges', { customer: profile.customerId, expand: ['data.customer'] });
      expect(listed.body.data.map((c: { id: string }) => c.id)).toEqual([profile.charge.id]);
      expect(listed.body.data[0].customer).toEqual({ id: profile.customerId, object: 'customer', deleted: true });
      // The charge and invoice events keep their shape, not the personal data.
      const events = await t.api().get('/v1/events', { types: ['charge.succeeded', 'charge.refunded', 'invoice.finalized'], limit: 100 });
      const mine = events.body.data.filter((e: { data: { object: { customer: string } } }) => e.data.object.customer === profile.customerId);
      expect(mine.map((e: { type: string }) => e.type).sort()).toEqual(['charge.refunded', 'charge.succeeded', 'invoice.finalized']);
      expect(leaks(JSON.stringify(mine), p)).toEqual([]);
    });

    it('its external_id and email are free again', async () => {
      const reuse = await createCustomer(t.api(), { external_id: p.externalId, email: p.email });
      expect(reuse.id).not.toBe(profile.customerId);
      expect((await t.api().get(`/v1/customers/external/${p.externalId}`)).body.id).toBe(reuse.id);
      const list = await t.api().get('/v1/customers', { email: p.email });
      expect(list.body.data.map((c: { id: string }) => c.id)).toEqual([reuse.id]);
      await t.api().del(`/v1/customers/${reuse.id}`);
    });

    it('the email is free even where the account requires unique emails', async () => {
      const { account, api } = await freshAccount(t);
      await t.services.accounts.setUniqueEmails(account.id, true);
      const first = await createCustomer(api, { email: p.email });
      expectError(await api.post('/v1/customers', { email: p.email }), 409, { code: 'resource_already_exists' });
      await api.del(`/v1/customers/${first.id}`);
      expect((await api.post('/v1/customers', { email: p.email.toUpperCase() })).status).toBe(200);
    });

    it('replaying the create’s Idempotency-Key returns a response with no personal data', async () => {
      const create = profile.keyed.find((k) => k.path === '/v1/customers');
      if (!create) throw new Error('the profile was created without a keyed create');
      expect(leaks(create.response.raw.body, p)).toEqual(expect.arrayContaining([p.tag, p.email, p.externalId, p.phone, p.shippingPhone]));
      const replay = await t.api().post(create.path, create.params, { 'idempotency-key': create.key });
      expect(replay.status).toBe(200);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body.id).toBe(profile.customerId);
      expect(replay.body.object).toBe('customer');
      expect(leaks(replay.raw.body, p)).toEqual([]);
      expect(replay.body.email).toBeNull();
      expect(replay.body.metadata).toEqual({});
    });

    it('replaying any key that built the profile shows no personal data', async () => {
      for (const k of profile.keyed) {
        const replay = await t.api().post(k.path, k.params, { 'idempotency-key': k.key });
        expect(replay.headers['idempotent-replayed'], k.path).toBe('true');
        expect(replay.status, k.path).toBe(k.response.status);
        expect(leaks(replay.raw.body, p), `${k.path} replays personal data`).toEqual([]);
      }
    });

    it('export holds the tombstone and its payment history: no personal value anywhere in the document', async () => {
      const res = await t.api().get(`/v1/customers/${profile.customerId}/export`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.object).toBe('customer_export');
      expect(res.body.customer).toEqual({ id: profile.customerId, object: 'customer', deleted: true });
      expect(res.body.payment_methods).toEqual([]);
      expect(res.body.tax_ids).toEqual([]);
      expect(res.body.integrations).toEqual([]);
      expect(res.body.contacts).toEqual([]);
      expect(res.body.addresses).toEqual([]);
      expect(res.body.children).toEqual([]);
      // Payment history stays, without personal data.
      expect(res.body.charges.map((c: { id: string }) => c.id)).toEqual([profile.charge.id]);
      expect(res.body.refunds.map((r: { id: string }) => r.id)).toEqual([profile.refund.id]);
      expect(res.body.invoices.map((i: { id: string }) => i.id)).toEqual([profile.invoice.id]);
      expect(leaks(res.raw.body, p)).toEqual([]);
    });

    it('another customer is untouched', async () => {
      expect((await t.api().get(`/v1/customers/${bystander.id}`)).body).toEqual(bystanderBefore);
    });
  });
});

describe.each(STORES)('export (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());

  it('lists live children by id', async () => {
    const { api } = await freshAccount(t);
    const parent = await createCustomer(api);
    const a = await createCustomer(api, { parent: parent.id });
    const b = await createCustomer(api, { parent: parent.id });
    const gone = await createCustomer(api, { parent: parent.id });
    await api.del(`/v1/customers/${gone.id}`);
    const res = await api.get(`/v1/customers/${parent.id}/export`);
    expect(res.body.children.sort()).toEqual([a.id, b.id].sort());
  });

  it('takes expand like every endpoint, with nothing to expand, and no other parameter', async () => {
    const c = await createCustomer(t.api());
    expectError(await t.api().get(`/v1/customers/${c.id}/export`, { expand: ['tax_ids'] }), 400, { code: 'expand_invalid', param: 'expand' });
    expectError(await t.api().get(`/v1/customers/${c.id}/export`, { format: 'csv' }), 400, { code: 'parameter_unknown', param: 'format' });
  });
});
