import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EU_VAT_COUNTRIES, TAX_ID_TYPES } from '../../../src/domain/tax-ids/tax-id-types.js';
import { createTestApp, STORES, type Api, type TestApp } from '../../helpers/harness.js';
import { countCustomers, createCustomer, expectCustomer, expectError, freshAccount } from '../customers/support.js';
import { allIds, missingId, TAX_ID_ID } from '../payment-methods/support.js';
import { EU_VAT_EXAMPLES, TAX_ID_EXAMPLES, TAX_ID_FIELDS } from './support.js';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** SPEC T-1 (tax_exempt) and T-2 (typed tax ids under a customer). */
describe.each(STORES)('tax ids (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());

  const addTaxId = (api: Api, customerId: string, type: string, value: string) =>
    api.post(`/v1/customers/${customerId}/tax_ids`, { type, value });

  it('the examples cover every supported type', () => {
    expect(TAX_ID_EXAMPLES.map((e) => e.type).sort()).toEqual(Object.keys(TAX_ID_TYPES).sort());
  });

  describe('create, retrieve, list, delete', () => {
    it.each(TAX_ID_EXAMPLES)('$type: the value is normalised and the country derived ($input → $value, $country)', async ({ type, input, value, country }) => {
      const { api } = await freshAccount(t);
      const customer = await createCustomer(api);
      const res = await addTaxId(api, customer.id, type, input);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(TAX_ID_FIELDS);
      expect(res.body).toEqual({
        id: expect.stringMatching(TAX_ID_ID),
        object: 'tax_id',
        country,
        created: expect.any(Number),
        customer: customer.id,
        livemode: false,
        owner: { type: 'customer', customer: customer.id },
        type,
        value,
        verification: { status: 'unverified', verified_address: null, verified_name: null },
      });
      const got = await api.get(`/v1/customers/${customer.id}/tax_ids/${res.body.id}`);
      expect(got.status).toBe(200);
      expect(got.body).toEqual(res.body);
    });

    it.each(EU_VAT_EXAMPLES)('eu_vat $input: the country comes from the prefix ($country)', async ({ input, value, country }) => {
      const customer = await createCustomer(t.api());
      const res = await addTaxId(t.api(), customer.id, 'eu_vat', input);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ type: 'eu_vat', value, country });
    });

    it('lists newest first with the list envelope and pages; delete returns the stub and removes it', async () => {
      const { api } = await freshAccount(t);
      const customer = await createCustomer(api);
      const ids: string[] = [];
      for (const example of TAX_ID_EXAMPLES.slice(0, 4)) {
        ids.push((await addTaxId(api, customer.id, example.type, example.input)).body.id);
      }
      const path = `/v1/customers/${customer.id}/tax_ids`;
      const res = await api.get(path);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ object: 'list', url: path, has_more: false });
      expect(res.body.data.map((x: { id: string }) => x.id)).toEqual([...ids].reverse());
      const page = await api.get(path, { limit: 2, starting_after: ids[3] });
      expect(page.body.data.map((x: { id: string }) => x.id)).toEqual([ids[2], ids[1]]);
      expect(page.body.has_more).toBe(true);
      // Another customer's tax ids are not in this list.
      const other = await createCustomer(api);
      await addTaxId(api, other.id, 'us_ein', '12-3456789');
      expect(await allIds(api, path)).toEqual([...ids].reverse());

      const deleted = await api.del(`${path}/${ids[1]}`);
      expect(deleted.status).toBe(200);
      expect(deleted.body).toEqual({ id: ids[1], object: 'tax_id', deleted: true });
      expectError(await api.get(`${path}/${ids[1]}`), 404, { code: 'resource_missing' });
      expectError(await api.del(`${path}/${ids[1]}`), 404, { code: 'resource_missing' });
      expect(await allIds(api, path)).toEqual([ids[3], ids[2], ids[0]]);
    });

    it('a tax id is only found under its own customer; missing ones are 404', async () => {
      const { api } = await freshAccount(t);
      const a = await createCustomer(api);
      const b = await createCustomer(api);
      const taxId = (await addTaxId(api, a.id, 'au_abn', '51824753556')).body;
      expectError(await api.get(`/v1/customers/${b.id}/tax_ids/${taxId.id}`), 404, { code: 'resource_missing' });
      expectError(await api.del(`/v1/customers/${b.id}/tax_ids/${taxId.id}`), 404, { code: 'resource_missing' });
      expect((await api.get(`/v1/customers/${a.id}/tax_ids/${taxId.id}`)).status).toBe(200);
      const id = missingId('txi');
      const missing = await api.get(`/v1/customers/${a.id}/tax_ids/${id}`);
      expectError(missing, 404, { code: 'resource_missing' });
      expect(missing.body.error.message).toContain(id);
      const noCustomer = missingId('cus');
      for (const res of [
        await addTaxId(api, noCustomer, 'us_ein', '12-3456789'),
        await api.get(`/v1/customers/${noCustomer}/tax_ids`),
        await api.get(`/v1/customers/${noCustomer}/tax_ids/${taxId.id}`),
      ]) {
        expectError(res, 404, { code: 'resource_missing' });
        expect(res.body.error.message).toContain(noCustomer);
      }
    });

    it('a live key creates live tax ids', async () => {
      const api = t.api(t.account.live);
      const customer = await createCustomer(api);
      const res = await addTaxId(api, customer.id, 'gb_vat', 'GB980780684');
      expect(res.body.livemode).toBe(true);
    });

    it('create is idempotent with an Idempotency-Key', async () => {
      const { api } = await freshAccount(t);
      const customer = await createCustomer(api);
      const headers = { 'idempotency-key': `txi-${customer.id}` };
      const first = await api.post(`/v1/customers/${customer.id}/tax_ids`, { type: 'us_ein', value: '12-3456789' }, headers);
      const again = await api.post(`/v1/customers/${customer.id}/tax_ids`, { type: 'us_ein', value: '12-3456789' }, headers);
      expect(again.raw.body).toBe(first.raw.body);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(await allIds(api, `/v1/customers/${customer.id}/tax_ids`)).toHaveLength(1);
    });

    it('a customer holds at most 25 tax ids', async () => {
      const { api } = await freshAccount(t);
      const customer = await createCustomer(api);
      for (let i = 0; i < 25; i++) expect((await addTaxId(api, customer.id, 'ca_bn', '123456789')).status).toBe(200);
      const res = await addTaxId(api, customer.id, 'ca_bn', '123456789');
      expectError(res, 400, { code: 'customer_max_tax_ids' });
      expect(res.body.error.message).toContain('25');
      expect(await allIds(api, `/v1/customers/${customer.id}/tax_ids`)).toHaveLength(25);
    });
  });

  describe('invalid values: 400 tax_id_invalid saying which rule failed, with an example that passes', () => {
    it.each(TAX_ID_EXAMPLES)('$type refuses $invalid', async ({ type, invalid }) => {
      const { api } = await freshAccount(t);
      const customer = await createCustomer(api);
      const res = await addTaxId(api, customer.id, type, invalid);
      expectError(res, 400, { type: 'invalid_request_error', code: 'tax_id_invalid', param: 'value' });
      // The message names the type (for eu_vat, the member state), which rule failed and a value that passes.
      const expected = type === 'eu_vat' ? EU_VAT_COUNTRIES.DE : TAX_ID_TYPES[type];
      if (!expected) throw new Error(`no table entry for ${type}`);
      expect(res.body.error.message).toMatch(
        new RegExp(
          `^Invalid value for ${type}: (not in the format of an? ${escapeRegExp(expected.description)} \\(for example ${escapeRegExp(expected.example)}\\)` +
            `|it has the format of an? ${escapeRegExp(expected.description)}, but its check (digit|letter) is wrong, so it is probably mistyped \\(a valid one looks like ${escapeRegExp(expected.example)}\\))\\.$`,
        ),
      );
      expect(await allIds(api, `/v1/customers/${customer.id}/tax_ids`)).toEqual([]);
      // The example given passes.
      expect((await addTaxId(api, customer.id, type, expected.example)).status).toBe(200);
    });

    it.each(EU_VAT_EXAMPLES)('eu_vat $invalid: the message names that member state and a number of it that passes', async ({ invalid, value }) => {
      const customer = await createCustomer(t.api());
      const res = await addTaxId(t.api(), customer.id, 'eu_vat', invalid);
      expectError(res, 400, { code: 'tax_id_invalid', param: 'value' });
      const state = EU_VAT_COUNTRIES[value.slice(0, 2)];
      expect(res.body.error.message).toContain(state?.description);
      expect(res.body.error.message.endsWith(`looks like ${state?.example}).`)).toBe(true);
    });

    it("Stripe's documentation example DE123456789 is refused for its check digit, and the message says so", async () => {
      const customer = await createCustomer(t.api());
      const res = await addTaxId(t.api(), customer.id, 'eu_vat', 'DE123456789');
      expectError(res, 400, { code: 'tax_id_invalid', param: 'value' });
      expect(res.body.error.message).toBe(
        'Invalid value for eu_vat: it has the format of a German VAT number, but its check digit is wrong, so it is probably mistyped (a valid one looks like DE136695976).',
      );
    });

    it('eu_vat with a prefix that is not a member state lists the prefixes', async () => {
      const customer = await createCustomer(t.api());
      for (const value of ['US123456789', 'GB980780684', '136695976']) {
        const res = await addTaxId(t.api(), customer.id, 'eu_vat', value);
        expectError(res, 400, { code: 'tax_id_invalid', param: 'value' });
        for (const prefix of Object.keys(EU_VAT_COUNTRIES)) expect(res.body.error.message).toContain(prefix);
      }
    });

    it('an unknown type is refused naming the supported ones; type and value are required', async () => {
      const customer = await createCustomer(t.api());
      const res = await addTaxId(t.api(), customer.id, 'xx_vat', '123');
      expectError(res, 400, { code: 'parameter_invalid', param: 'type' });
      for (const type of Object.keys(TAX_ID_TYPES)) expect(res.body.error.message).toContain(type);
      expectError(await t.api().post(`/v1/customers/${customer.id}/tax_ids`, { value: '123456789' }), 400, {
        code: 'parameter_missing',
        param: 'type',
      });
      expectError(await t.api().post(`/v1/customers/${customer.id}/tax_ids`, { type: 'ca_bn' }), 400, {
        code: 'parameter_missing',
        param: 'value',
      });
      expectError(await addTaxId(t.api(), customer.id, 'ca_bn', ''), 400, { code: 'parameter_invalid_empty', param: 'value' });
      expectError(await addTaxId(t.api(), customer.id, 'ca_bn', '1'.repeat(65)), 400, { code: 'parameter_invalid_string_too_long', param: 'value' });
      expectError(await t.api().post(`/v1/customers/${customer.id}/tax_ids`, { type: 'ca_bn', value: '123456789', country: 'CA' }), 400, {
        code: 'parameter_unknown',
        param: 'country',
      });
    });
  });

  describe('tax_id_data[] on customer create', () => {
    it('creates every tax id with the customer; expand[]=tax_ids returns them', async () => {
      const { api } = await freshAccount(t);
      const res = await api.post('/v1/customers', {
        name: 'Taxed',
        tax_id_data: [
          { type: 'eu_vat', value: 'de 136 695 976' },
          { type: 'br_cnpj', value: '11222333000181' },
        ],
        expand: ['tax_ids'],
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.tax_ids).toMatchObject({ object: 'list', url: `/v1/customers/${res.body.id}/tax_ids`, has_more: false });
      const data = res.body.tax_ids.data as Array<Record<string, unknown>>;
      expect(data.map((x) => [x.type, x.value, x.country, x.customer]).sort()).toEqual(
        [
          ['br_cnpj', '11.222.333/0001-81', 'BR', res.body.id],
          ['eu_vat', 'DE136695976', 'DE', res.body.id],
        ].sort(),
      );
      const listed = await api.get(`/v1/customers/${res.body.id}/tax_ids`);
      expect([...listed.body.data].sort((a, b) => a.id.localeCompare(b.id))).toEqual([...data].sort((a, b) => String(a.id).localeCompare(String(b.id))));
    });

    it('an invalid entry names its index (tax_id_data[1][value]) and nothing is written', async () => {
      const { api } = await freshAccount(t);
      const before = await countCustomers(api);
      const res = await api.post('/v1/customers', {
        name: 'Half taxed',
        tax_id_data: [
          { type: 'eu_vat', value: 'DE136695976' },
          { type: 'au_abn', value: '51 824 753 557' },
        ],
      });
      expectError(res, 400, { code: 'tax_id_invalid', param: 'tax_id_data[1][value]' });
      expect(res.body.error.message.endsWith(`looks like ${TAX_ID_TYPES.au_abn?.example}).`)).toBe(true);
      const unknownType = await api.post('/v1/customers', { tax_id_data: [{ type: 'zz_tin', value: '1' }] });
      expectError(unknownType, 400, { code: 'parameter_invalid', param: 'tax_id_data[0][type]' });
      const missingValue = await api.post('/v1/customers', { tax_id_data: [{ type: 'eu_vat' }] });
      expectError(missingValue, 400, { code: 'parameter_missing', param: 'tax_id_data[0][value]' });
      expect(await countCustomers(api)).toBe(before);
    });

    it('at most 25 entries', async () => {
      const { api } = await freshAccount(t);
      const res = await api.post('/v1/customers', { tax_id_data: Array.from({ length: 26 }, () => ({ type: 'ca_bn', value: '123456789' })) });
      expectError(res, 400, { code: 'parameter_invalid_too_many_items', param: 'tax_id_data' });
      expect(await countCustomers(api)).toBe(0);
    });
  });

  describe('expand[]=tax_ids', () => {
    it('on retrieve, update and list (data.tax_ids); absent unless asked for', async () => {
      const { api } = await freshAccount(t);
      const a = await createCustomer(api);
      const b = await createCustomer(api);
      const txi = (await addTaxId(api, a.id, 'jp_cn', '5835678256246')).body;
      const plain = await api.get(`/v1/customers/${a.id}`);
      expectCustomer(plain.body);

      const got = await api.get(`/v1/customers/${a.id}`, { expand: ['tax_ids'] });
      expect(got.body.tax_ids).toEqual({ object: 'list', url: `/v1/customers/${a.id}/tax_ids`, has_more: false, data: [txi] });
      const { tax_ids: _t, ...rest } = got.body;
      expect(rest).toEqual(plain.body);

      const updated = await api.post(`/v1/customers/${a.id}`, { name: 'Renamed', expand: ['tax_ids'] });
      expect(updated.body.tax_ids.data).toEqual([txi]);
      expect(updated.body.name).toBe('Renamed');

      const listed = await api.get('/v1/customers', { expand: ['data.tax_ids'] });
      const byId = new Map((listed.body.data as Array<{ id: string; tax_ids: { data: unknown[] } }>).map((c) => [c.id, c]));
      expect(byId.get(a.id)?.tax_ids.data).toEqual([txi]);
      expect(byId.get(b.id)?.tax_ids.data).toEqual([]);
      expectError(await api.get('/v1/customers', { expand: ['tax_ids'] }), 400, { code: 'expand_invalid', param: 'expand' });
      for (const c of (await api.get('/v1/customers')).body.data) expect(c).not.toHaveProperty('tax_ids');
    });
  });

  describe('customer delete', () => {
    it('removes the customer’s tax ids, in the database too', async () => {
      const { account, api } = await freshAccount(t);
      const customer = await createCustomer(api, { tax_id_data: [{ type: 'us_ein', value: '12-3456789' }] });
      const kept = await createCustomer(api, { tax_id_data: [{ type: 'ca_bn', value: '123456789' }] });
      const [txi] = await allIds(api, `/v1/customers/${customer.id}/tax_ids`);
      expect(txi).toMatch(TAX_ID_ID);
      expect((await api.del(`/v1/customers/${customer.id}`)).status).toBe(200);
      expectError(await api.get(`/v1/customers/${customer.id}/tax_ids`), 404, { code: 'resource_missing' });
      expectError(await api.get(`/v1/customers/${customer.id}/tax_ids/${txi}`), 404, { code: 'resource_missing' });
      expectError(await addTaxId(api, customer.id, 'us_ein', '12-3456789'), 404, { code: 'resource_missing' });
      const scope = { accountId: account.id, livemode: false };
      expect(await t.store.read((r) => r.taxIds.find(scope, customer.id, txi as string))).toBeUndefined();
      expect(await t.store.read((r) => r.taxIds.countOf(scope, customer.id))).toBe(0);
      expect(await t.store.read((r) => r.taxIds.countOf(scope, kept.id))).toBe(1);
    });
  });

  describe('tax_exempt (T-1)', () => {
    it('is none by default and takes none, exempt and reverse on create and update', async () => {
      const { api } = await freshAccount(t);
      expect((await createCustomer(api)).tax_exempt).toBe('none');
      for (const value of ['none', 'exempt', 'reverse']) {
        expect((await createCustomer(api, { tax_exempt: value })).tax_exempt).toBe(value);
      }
      const c = await createCustomer(api, { tax_exempt: 'exempt' });
      expect((await api.post(`/v1/customers/${c.id}`, { tax_exempt: 'reverse' })).body.tax_exempt).toBe('reverse');
      expect((await api.get(`/v1/customers/${c.id}`)).body.tax_exempt).toBe('reverse');
      expect((await api.post(`/v1/customers/${c.id}`, { tax_exempt: '' })).body.tax_exempt).toBe('none');
      for (const bad of ['partial', 'EXEMPT', 'true']) {
        const res = await api.post(`/v1/customers/${c.id}`, { tax_exempt: bad });
        expectError(res, 400, { code: 'parameter_invalid', param: 'tax_exempt' });
        expect(res.body.error.message).toContain('none, exempt, reverse');
      }
      expect((await api.get(`/v1/customers/${c.id}`)).body.tax_exempt).toBe('none');
    });
  });
});
