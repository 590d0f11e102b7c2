import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type TestApp } from '../../helpers/harness.js';
import {
  createCustomer,
  expectCustomer,
  expectError,
  KEY_ID,
  missingCustomerId,
  postForm,
  restoreClock,
  setClock,
} from './support.js';

/** SPEC C-2 update (any subset), C-3 unset rules, C-4 metadata merge. */
describe.each(STORES)('customers: update (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());
  afterEach(() => restoreClock());

  const full = () => ({
    email: 'grace@example.com',
    name: 'Grace Hopper',
    business_name: 'Navy',
    individual_name: 'Grace B. Hopper',
    first_name: 'Grace',
    last_name: 'Hopper',
    phone: '+1 202 555 0143',
    description: 'Admiral',
    notes: 'COBOL',
    external_id: `gh-${Math.random().toString(36).slice(2)}`,
    address: { line1: '1 Navy Yard', city: 'Washington', state: 'DC', postal_code: '20374', country: 'US' },
    preferred_locales: ['en-US'],
    tax_exempt: 'exempt',
    invoice_settings: { footer: 'Thanks', custom_fields: [{ name: 'Ref', value: 'A1' }] },
    metadata: { a: '1', b: '2' },
  });

  it('updates any subset and leaves every other field as it was', async () => {
    const c = await createCustomer(t.api(), full());
    const res = await t.api().post(`/v1/customers/${c.id}`, { name: 'Amazing Grace' });
    expect(res.status).toBe(200);
    expectCustomer(res.body);
    const { name, updated: _u, ...rest } = res.body;
    const { name: _n, updated: _u2, ...before } = c;
    expect(name).toBe('Amazing Grace');
    expect(rest).toEqual(before);
    expect((await t.api().get(`/v1/customers/${c.id}`)).body).toEqual(res.body);
  });

  it('an update that changes nothing succeeds and leaves updated, the ETag and the events as they were', async () => {
    setClock(1_700_200_000);
    const created = await t.api().post('/v1/customers', full());
    const c = created.body;
    const events = async () => (await t.api().get(`/v1/events?type=customer.updated&limit=100`)).body.data.filter((e: { data: { object: { id: string } } }) => e.data.object.id === c.id);
    setClock(1_700_200_500);
    for (const body of [undefined, { name: c.name, metadata: { a: '1' } }]) {
      const res = await t.api().post(`/v1/customers/${c.id}`, body);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(c);
      expect(res.headers.etag).toBe(created.headers.etag);
    }
    expect(await events()).toEqual([]);
    // A real change afterwards is written as usual.
    const changed = await t.api().post(`/v1/customers/${c.id}`, { name: 'Someone else' });
    expect(changed.body.updated).toBe(1_700_200_500);
    expect(changed.headers.etag).not.toBe(created.headers.etag);
    expect(await events()).toHaveLength(1);
  });

  it.each([
    'email',
    'name',
    'business_name',
    'individual_name',
    'first_name',
    'last_name',
    'phone',
    'description',
    'notes',
    'external_id',
    'address',
    'shipping',
  ])('`%s=` (empty) unsets the field to null', async (field) => {
    const c = await createCustomer(t.api(), {
      ...full(),
      shipping: { name: 'Dock', address: { line1: 'Pier 1', country: 'US' } },
    });
    expect(c[field]).not.toBeNull();
    const res = await postForm(t.api(), `/v1/customers/${c.id}`, `${field}=`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body[field]).toBeNull();
    expect((await t.api().get(`/v1/customers/${c.id}`)).body[field]).toBeNull();
  });

  it('JSON null unsets like the empty form value', async () => {
    const c = await createCustomer(t.api(), full());
    const res = await t.api().postJson(`/v1/customers/${c.id}`, { email: null, description: null, address: null });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ email: null, description: null, address: null, name: 'Grace Hopper' });
  });

  it('`preferred_locales=` clears the list; a new list replaces the old one', async () => {
    const c = await createCustomer(t.api(), { preferred_locales: ['en-US', 'es'] });
    const replaced = await t.api().post(`/v1/customers/${c.id}`, { preferred_locales: ['fr-CA'] });
    expect(replaced.body.preferred_locales).toEqual(['fr-CA']);
    const cleared = await postForm(t.api(), `/v1/customers/${c.id}`, 'preferred_locales=');
    expect(cleared.status).toBe(200);
    expect(cleared.body.preferred_locales).toEqual([]);
  });

  describe('metadata (C-4)', () => {
    it('merges keys: given keys replace, others are kept', async () => {
      const c = await createCustomer(t.api(), { metadata: { a: '1', b: '2' } });
      const res = await t.api().post(`/v1/customers/${c.id}`, { metadata: { b: 'two', c: '3' } });
      expect(res.body.metadata).toEqual({ a: '1', b: 'two', c: '3' });
      expect((await t.api().get(`/v1/customers/${c.id}`)).body.metadata).toEqual({ a: '1', b: 'two', c: '3' });
    });

    it('`metadata[k]=` (empty) removes k only', async () => {
      const c = await createCustomer(t.api(), { metadata: { a: '1', b: '2', c: '3' } });
      const res = await postForm(t.api(), `/v1/customers/${c.id}`, 'metadata[a]=&metadata[c]=three');
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.metadata).toEqual({ b: '2', c: 'three' });
      expect((await t.api().get(`/v1/customers/${c.id}`)).body.metadata).toEqual({ b: '2', c: 'three' });
      // The removed key no longer matches a metadata filter either.
      const listed = await t.api().get('/v1/customers', { metadata: { a: '1' } });
      expect(listed.body.data.map((x: { id: string }) => x.id)).not.toContain(c.id);
    });

    it('JSON `"k": ""` and `"k": null` remove k too', async () => {
      const c = await createCustomer(t.api(), { metadata: { a: '1', b: '2', c: '3' } });
      const res = await t.api().postJson(`/v1/customers/${c.id}`, { metadata: { a: '', b: null } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.metadata).toEqual({ c: '3' });
    });

    it('`metadata=` clears all keys', async () => {
      const c = await createCustomer(t.api(), { metadata: { a: '1', b: '2' } });
      const res = await postForm(t.api(), `/v1/customers/${c.id}`, 'metadata=');
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.metadata).toEqual({});
      const listed = await t.api().get('/v1/customers', { metadata: { b: '2' } });
      expect(listed.body.data.map((x: { id: string }) => x.id)).not.toContain(c.id);
    });

    it('removing a key that is not there is harmless', async () => {
      const c = await createCustomer(t.api(), { metadata: { a: '1' } });
      const res = await postForm(t.api(), `/v1/customers/${c.id}`, 'metadata[zzz]=');
      expect(res.status).toBe(200);
      expect(res.body.metadata).toEqual({ a: '1' });
    });
  });

  it('address is replaced whole, not merged', async () => {
    const c = await createCustomer(t.api(), {
      address: { line1: '1 Main St', line2: 'Apt 2', city: 'Springfield', state: 'IL', postal_code: '62701', country: 'US' },
    });
    const res = await t.api().post(`/v1/customers/${c.id}`, { address: { line1: '9 Rue de Rivoli', country: 'fr' } });
    expect(res.status).toBe(200);
    expect(res.body.address).toEqual({ line1: '9 Rue de Rivoli', line2: null, city: null, state: null, postal_code: null, country: 'FR' });
  });

  it('shipping is replaced whole', async () => {
    const c = await createCustomer(t.api(), {
      shipping: { name: 'A', phone: '123', address: { line1: 'x', city: 'y', country: 'US' } },
    });
    const res = await t.api().post(`/v1/customers/${c.id}`, { shipping: { name: 'B', address: { line1: 'z' } } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.shipping).toEqual({
      name: 'B',
      phone: null,
      address: { line1: 'z', line2: null, city: null, state: null, postal_code: null, country: null },
    });
  });

  it('invoice_settings merges per subfield', async () => {
    const c = await createCustomer(t.api(), {
      invoice_settings: { footer: 'F1', custom_fields: [{ name: 'PO', value: '1' }] },
    });
    const step1 = await t.api().post(`/v1/customers/${c.id}`, {
      invoice_settings: { rendering_options: { amount_tax_display: 'exclude_tax' } },
    });
    expect(step1.status, JSON.stringify(step1.body)).toBe(200);
    expect(step1.body.invoice_settings).toEqual({
      footer: 'F1',
      custom_fields: [{ name: 'PO', value: '1' }],
      default_payment_method: null,
      rendering_options: { amount_tax_display: 'exclude_tax', template: null },
    });
    const step2 = await postForm(t.api(), `/v1/customers/${c.id}`, 'invoice_settings[footer]=');
    expect(step2.status, JSON.stringify(step2.body)).toBe(200);
    expect(step2.body.invoice_settings).toEqual({
      footer: null,
      custom_fields: [{ name: 'PO', value: '1' }],
      default_payment_method: null,
      rendering_options: { amount_tax_display: 'exclude_tax', template: null },
    });
    const step3 = await postForm(t.api(), `/v1/customers/${c.id}`, 'invoice_settings[custom_fields]=');
    expect(step3.body.invoice_settings.custom_fields).toBeNull();
    expect(step3.body.invoice_settings.rendering_options).toEqual({ amount_tax_display: 'exclude_tax', template: null });
  });

  it.each(['none', 'exempt', 'reverse'])('tax_exempt=%s is accepted', async (value) => {
    const c = await createCustomer(t.api(), { tax_exempt: value === 'none' ? 'exempt' : 'none' });
    const res = await t.api().post(`/v1/customers/${c.id}`, { tax_exempt: value });
    expect(res.status).toBe(200);
    expect(res.body.tax_exempt).toBe(value);
  });

  it('tax_exempt rejects other values and `tax_exempt=` resets it to none', async () => {
    const c = await createCustomer(t.api(), { tax_exempt: 'exempt' });
    expectError(await t.api().post(`/v1/customers/${c.id}`, { tax_exempt: 'partial' }), 400, { code: 'parameter_invalid', param: 'tax_exempt' });
    expect((await t.api().get(`/v1/customers/${c.id}`)).body.tax_exempt).toBe('exempt');
    const reset = await postForm(t.api(), `/v1/customers/${c.id}`, 'tax_exempt=');
    expect(reset.status).toBe(200);
    expect(reset.body.tax_exempt).toBe('none');
  });

  it('balance and next_invoice_sequence take integers from the form', async () => {
    const c = await createCustomer(t.api());
    const res = await postForm(t.api(), `/v1/customers/${c.id}`, 'balance=-1500&next_invoice_sequence=42');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ balance: -1500, next_invoice_sequence: 42 });
  });

  it('`updated` moves with the change and updated_by names the updating key; created and created_by stay', async () => {
    const creator = await t.services.accounts.createKey(t.account.id, 'test', false, null);
    const updater = await t.services.accounts.createKey(t.account.id, 'test', false, null);
    setClock(1_700_100_000);
    const c = await createCustomer(t.api(creator.secret), { name: 'Clock' });
    expect(c).toMatchObject({ created: 1_700_100_000, updated: 1_700_100_000, created_by: creator.key.id, updated_by: creator.key.id });
    setClock(1_700_100_777);
    const res = await t.api(updater.secret).post(`/v1/customers/${c.id}`, { name: 'Clock 2' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      created: 1_700_100_000,
      updated: 1_700_100_777,
      created_by: creator.key.id,
      updated_by: updater.key.id,
    });
    expect(res.body.updated_by).toMatch(KEY_ID);
    for (const secret of [creator.secret, updater.secret]) expect(res.raw.body).not.toContain(secret);
    restoreClock();
    expect((await t.api().get(`/v1/customers/${c.id}`)).body).toEqual(res.body);
  });

  it('updating a missing customer is 404 resource_missing', async () => {
    const id = missingCustomerId();
    const res = await t.api().post(`/v1/customers/${id}`, { name: 'ghost' });
    expectError(res, 404, { code: 'resource_missing', param: 'id' });
    expect(res.body.error.message).toContain(id);
  });

  it('a failed update writes nothing', async () => {
    const c = await createCustomer(t.api(), full());
    const res = await t.api().post(`/v1/customers/${c.id}`, { name: 'Changed', email: 'not-an-email' });
    expectError(res, 400, { code: 'email_invalid', param: 'email' });
    expect((await t.api().get(`/v1/customers/${c.id}`)).body).toEqual(c);
  });
});
