import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../../src/domain/errors.js';
import { createTestApp, STORES, type Api, type ApiResponse, type TestApp } from '../../helpers/harness.js';
import {
  countCustomers,
  createCustomer,
  emailOfLength,
  expectError,
  freshAccount,
  postForm,
  uniqueSuffix,
} from './support.js';

type Params = Record<string, unknown>;

/** A field limit: the value at the boundary is accepted, one past it is refused. */
interface Limit {
  param: string;
  max: number;
  build: (length: number) => Params;
  read: (body: Record<string, unknown>) => unknown;
}

const text = (n: number, c = 'x') => c.repeat(n);

const LIMITS: Limit[] = [
  { param: 'email', max: 512, build: (n) => ({ email: emailOfLength(n) }), read: (b) => b.email },
  ...(['name'] as const).map((f) => ({ param: f, max: 256, build: (n: number) => ({ [f]: text(n) }), read: (b: Params) => b[f] })),
  ...(['business_name', 'individual_name', 'first_name', 'last_name'] as const).map((f) => ({
    param: f,
    max: 150,
    build: (n: number) => ({ [f]: text(n) }),
    read: (b: Params) => b[f],
  })),
  { param: 'phone', max: 20, build: (n) => ({ phone: `+${'1'.repeat(n - 1)}` }), read: (b) => b.phone },
  { param: 'description', max: 5000, build: (n) => ({ description: text(n) }), read: (b) => b.description },
  { param: 'notes', max: 10_000, build: (n) => ({ notes: text(n) }), read: (b) => b.notes },
  ...(['line1', 'line2'] as const).map((f) => ({
    param: `address[${f}]`,
    max: 255,
    build: (n: number) => ({ address: { [f]: text(n) } }),
    read: (b: Params) => (b.address as Params)[f],
  })),
  ...(['city', 'state'] as const).map((f) => ({
    param: `address[${f}]`,
    max: 100,
    build: (n: number) => ({ address: { [f]: text(n) } }),
    read: (b: Params) => (b.address as Params)[f],
  })),
  {
    param: 'address[postal_code]',
    max: 20,
    build: (n) => ({ address: { postal_code: text(n, '9') } }),
    read: (b) => (b.address as Params).postal_code,
  },
  {
    param: 'shipping[address][line1]',
    max: 255,
    build: (n) => ({ shipping: { name: 'S', address: { line1: text(n) } } }),
    read: (b) => ((b.shipping as Params).address as Params).line1,
  },
  {
    param: 'external_id',
    max: 255,
    build: (n) => ({ external_id: `${uniqueSuffix()}${text(n - 12)}` }),
    read: (b) => b.external_id,
  },
  {
    param: 'metadata[k]',
    max: 500,
    build: (n) => ({ metadata: { k: text(n) } }),
    read: (b) => (b.metadata as Params).k,
  },
];

/** A request that must be refused with 400, the given param and the given code. */
interface Invalid {
  label: string;
  params: Params;
  param: string;
  code: ErrorCode;
}

const INVALID: Invalid[] = [
  ...['plainaddress', 'a@b', 'a@@example.com', 'a..b@example.com', 'a b@example.com', '@example.com', 'ann@', 'ann@exa_mple.com'].map(
    (email): Invalid => ({ label: `email ${email}`, params: { email }, param: 'email', code: 'email_invalid' }),
  ),
  { label: 'unknown country', params: { address: { country: 'ZZ' } }, param: 'address[country]', code: 'country_code_invalid' },
  { label: 'alpha-3 country', params: { address: { country: 'DEU' } }, param: 'address[country]', code: 'parameter_invalid_string_too_long' },
  { label: 'one-letter country', params: { address: { country: 'D' } }, param: 'address[country]', code: 'country_code_invalid' },
  { label: 'unknown shipping country', params: { shipping: { name: 'S', address: { country: 'XX' } } }, param: 'shipping[address][country]', code: 'country_code_invalid' },
  { label: 'locale with underscore', params: { preferred_locales: ['en_US'] }, param: 'preferred_locales[0]', code: 'parameter_invalid' },
  { label: 'locale prose', params: { preferred_locales: ['en', 'not a locale'] }, param: 'preferred_locales[1]', code: 'parameter_invalid' },
  { label: 'locale one letter', params: { preferred_locales: ['e'] }, param: 'preferred_locales[0]', code: 'parameter_invalid' },
  ...(
    [
      ['AB', 'parameter_invalid'],
      ['ABCDEFGH12345', 'parameter_invalid_string_too_long'],
      ['abc1', 'parameter_invalid'],
      ['AB-C', 'parameter_invalid'],
      ['ÄBCD', 'parameter_invalid'],
      ['AB C', 'parameter_invalid'],
    ] as const
  ).map(([prefix, code]): Invalid => ({ label: `invoice_prefix ${prefix}`, params: { invoice_prefix: prefix }, param: 'invoice_prefix', code })),
  { label: 'metadata key of 41 chars', params: { metadata: { [text(41, 'k')]: 'v' } }, param: `metadata[${text(41, 'k')}]`, code: 'parameter_invalid' },
  { label: 'metadata with 51 keys', params: { metadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) }, param: 'metadata', code: 'parameter_invalid_too_many_items' },
  { label: 'nested metadata', params: { metadata: { a: { b: 'c' } } }, param: 'metadata[a]', code: 'parameter_invalid' },
  { label: 'shipping without a name', params: { shipping: { address: { line1: 'x' } } }, param: 'shipping[name]', code: 'parameter_missing' },
  { label: 'shipping without an address', params: { shipping: { name: 'x' } }, param: 'shipping[address]', code: 'parameter_missing' },
  { label: '11 preferred locales', params: { preferred_locales: Array.from({ length: 11 }, () => 'en') }, param: 'preferred_locales', code: 'parameter_invalid_too_many_items' },
  {
    label: '5 invoice custom fields',
    params: { invoice_settings: { custom_fields: Array.from({ length: 5 }, (_, i) => ({ name: `n${i}`, value: 'v' })) } },
    param: 'invoice_settings[custom_fields]',
    code: 'parameter_invalid_too_many_items',
  },
  {
    label: 'an invoice custom field name of 41 characters',
    params: { invoice_settings: { custom_fields: [{ name: text(41), value: 'v' }] } },
    param: 'invoice_settings[custom_fields][0][name]',
    code: 'parameter_invalid_string_too_long',
  },
  { label: 'tax_exempt other value', params: { tax_exempt: 'partial' }, param: 'tax_exempt', code: 'parameter_invalid' },
  { label: 'balance not an integer', params: { balance: '1.5' }, param: 'balance', code: 'parameter_invalid_integer' },
  { label: 'balance text', params: { balance: 'ten' }, param: 'balance', code: 'parameter_invalid_integer' },
  { label: 'next_invoice_sequence 0', params: { next_invoice_sequence: 0 }, param: 'next_invoice_sequence', code: 'parameter_invalid_integer' },
  { label: 'null byte in name', params: { name: 'Ada\u0000Lovelace' }, param: 'name', code: 'invalid_characters' },
  { label: 'null byte in email', params: { email: 'ada\u0000@example.com' }, param: 'email', code: 'invalid_characters' },
  { label: 'bell in description', params: { description: 'ding\u0007' }, param: 'description', code: 'invalid_characters' },
  { label: 'escape in notes', params: { notes: '\u001b[31mred' }, param: 'notes', code: 'invalid_characters' },
  { label: 'DEL in last_name', params: { last_name: 'x\u007f' }, param: 'last_name', code: 'invalid_characters' },
  { label: 'null byte in address line', params: { address: { line1: 'a\u0000' } }, param: 'address[line1]', code: 'invalid_characters' },
  { label: 'null byte in metadata value', params: { metadata: { k: 'v\u0000' } }, param: 'metadata[k]', code: 'invalid_characters' },
  { label: 'null byte in metadata key', params: { metadata: { 'k\u0000': 'v' } }, param: 'metadata', code: 'invalid_characters' },
  { label: 'null byte in a locale', params: { preferred_locales: ['en\u0000'] }, param: 'preferred_locales[0]', code: 'invalid_characters' },
  { label: 'tab in name', params: { name: 'Ada\tLovelace' }, param: 'name', code: 'invalid_characters' },
  { label: 'newline in name', params: { name: 'Ada\nLovelace' }, param: 'name', code: 'invalid_characters' },
  { label: 'carriage return in first_name', params: { first_name: 'Ada\r' }, param: 'first_name', code: 'invalid_characters' },
  { label: 'newline in email', params: { email: 'ada@example.com\n' }, param: 'email', code: 'invalid_characters' },
  { label: 'newline in phone', params: { phone: '123\n456' }, param: 'phone', code: 'invalid_characters' },
  { label: 'newline in address line', params: { address: { line1: 'a\nb' } }, param: 'address[line1]', code: 'invalid_characters' },
  { label: 'tab in external_id', params: { external_id: 'a\tb' }, param: 'external_id', code: 'invalid_characters' },
];

/** SPEC C-3, C-4: every limit at its boundary and one past it; every refusal writes nothing. */
describe.each(STORES)('customers: validation (%s)', (kind) => {
  let t: TestApp;
  let api: Api;
  beforeAll(async () => {
    t = await createTestApp(kind);
    api = (await freshAccount(t)).api;
  });
  afterAll(async () => t?.close());

  /** Sends the request and asserts it was refused without writing anything. */
  async function expectRefused(send: () => Promise<ApiResponse>, status: number, param: string, code: ErrorCode) {
    const before = await countCustomers(api);
    const res = await send();
    expectError(res, status, { param, code });
    expect(await countCustomers(api)).toBe(before);
    return res;
  }

  describe.each(LIMITS.map((l) => [l.param, l] as const))('%s', (_name, limit) => {
    it(`accepts ${limit.max} characters on create and update`, async () => {
      const params = limit.build(limit.max);
      const res = await api.post('/v1/customers', params);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(String(limit.read(res.body))).toHaveLength(limit.max);
      const c = await createCustomer(api);
      const updated = await api.post(`/v1/customers/${c.id}`, limit.build(limit.max));
      expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    });

    it(`refuses ${limit.max + 1} characters on create and update`, async () => {
      await expectRefused(() => api.post('/v1/customers', limit.build(limit.max + 1)), 400, limit.param, 'parameter_invalid_string_too_long');
      const c = await createCustomer(api);
      await expectRefused(() => api.post(`/v1/customers/${c.id}`, limit.build(limit.max + 1)), 400, limit.param, 'parameter_invalid_string_too_long');
      expect((await api.get(`/v1/customers/${c.id}`)).body).toEqual(c);
    });
  });

  it.each(INVALID.map((c) => [c.label, c] as const))('refuses %s', async (_label, c) => {
    await expectRefused(() => api.post('/v1/customers', c.params), 400, c.param, c.code);
  });

  it.each(INVALID.map((c) => [c.label, c] as const))('refuses %s as JSON too', async (_label, c) => {
    // JSON takes integers as numbers; the form-string cases for balance are covered above.
    if (c.param === 'balance') return;
    await expectRefused(() => api.postJson('/v1/customers', c.params), 400, c.param, c.code);
  });

  it.each(INVALID.map((c) => [c.label, c] as const))('refuses %s on update, leaving the customer as it was', async (_label, c) => {
    const existing = await createCustomer(api, { name: 'Stable', metadata: { keep: 'me' } });
    await expectRefused(() => api.post(`/v1/customers/${existing.id}`, c.params), 400, c.param, c.code);
    expect((await api.get(`/v1/customers/${existing.id}`)).body).toEqual(existing);
  });

  it('accepts valid addresses, upper-casing the country', async () => {
    for (const [given, stored] of [['de', 'DE'], ['Gb', 'GB'], ['US', 'US'], ['xk', 'XK']]) {
      const c = await createCustomer(api, { address: { country: given } });
      expect((c.address as Params).country).toBe(stored);
    }
  });

  it('accepts BCP-47 tags, canonicalised', async () => {
    const c = await createCustomer(api, { preferred_locales: ['en', 'EN-us', 'zh-Hant-TW', 'de-CH-1996'] });
    expect(c.preferred_locales).toEqual(['en', 'en-US', 'zh-Hant-TW', 'de-CH-1996']);
  });

  it('accepts tabs and line breaks in description and notes', async () => {
    const value = 'line one\nline two\r\n\tindented';
    const c = await createCustomer(api, { description: value, notes: value });
    expect(c.description).toBe(value);
    expect(c.notes).toBe(value);
    const json = await api.postJson('/v1/customers', { description: value, notes: value });
    expect(json.status).toBe(200);
    expect(json.body.notes).toBe(value);
  });

  it('accepts non-ASCII text', async () => {
    const c = await createCustomer(api, { name: 'Zoë Ñandú 王小明 🚀', email: 'zoe@example.com' });
    expect(c.name).toBe('Zoë Ñandú 王小明 🚀');
  });

  describe('invoice_prefix', () => {
    it('accepts 3 to 12 upper-case letters and digits', async () => {
      for (const prefix of [`A${uniqueSuffix().slice(0, 2).toUpperCase()}`, `Z${uniqueSuffix().toUpperCase().slice(0, 11)}`]) {
        const c = await createCustomer(api, { invoice_prefix: prefix });
        expect(c.invoice_prefix).toBe(prefix);
      }
    });

    it('is unique per account on create and update, and free across accounts', async () => {
      const prefix = `P${uniqueSuffix().toUpperCase().slice(0, 8)}`;
      await createCustomer(api, { invoice_prefix: prefix });
      await expectRefused(() => api.post('/v1/customers', { invoice_prefix: prefix }), 400, 'invoice_prefix', 'invoice_prefix_taken');
      const other = await createCustomer(api);
      await expectRefused(() => api.post(`/v1/customers/${other.id}`, { invoice_prefix: prefix }), 400, 'invoice_prefix', 'invoice_prefix_taken');
      expect((await api.get(`/v1/customers/${other.id}`)).body).toEqual(other);
      const elsewhere = await freshAccount(t);
      expect((await createCustomer(elsewhere.api, { invoice_prefix: prefix })).invoice_prefix).toBe(prefix);
    });
  });

  describe('metadata', () => {
    it('accepts 50 keys, keys of 40 characters, and refuses a merge that would make 51', async () => {
      const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`.padEnd(40, '_'), 'v']));
      const c = await createCustomer(api, { metadata: fifty });
      expect(Object.keys(c.metadata as object)).toHaveLength(50);
      await expectRefused(() => api.post(`/v1/customers/${c.id}`, { metadata: { extra: 'v' } }), 400, 'metadata', 'parameter_invalid_too_many_items');
      expect((await api.get(`/v1/customers/${c.id}`)).body).toEqual(c);
      // Replacing one key keeps the count at 50.
      const swapped = await postForm(api, `/v1/customers/${c.id}`, `metadata[${'k0'.padEnd(40, '_')}]=&metadata[extra]=v`);
      expect(swapped.status, JSON.stringify(swapped.body)).toBe(200);
      expect(Object.keys(swapped.body.metadata)).toHaveLength(50);
    });

    it('refuses brackets in keys and non-string values (JSON)', async () => {
      await expectRefused(() => api.postJson('/v1/customers', { metadata: { 'a[b': 'x' } }), 400, 'metadata[a[b]', 'parameter_invalid');
      await expectRefused(() => api.postJson('/v1/customers', { metadata: { 'a]': 'x' } }), 400, 'metadata[a]]', 'parameter_invalid');
      await expectRefused(() => api.postJson('/v1/customers', { metadata: { a: 1 } }), 400, 'metadata[a]', 'parameter_invalid');
      await expectRefused(() => api.postJson('/v1/customers', { metadata: { a: true } }), 400, 'metadata[a]', 'parameter_invalid');
      await expectRefused(() => api.postJson('/v1/customers', { metadata: ['a'] }), 400, 'metadata', 'parameter_invalid');
    });
  });

  it('refuses empty values for fields that cannot be unset', async () => {
    const c = await createCustomer(api);
    for (const field of ['balance', 'next_invoice_sequence', 'invoice_prefix']) {
      await expectRefused(() => postForm(api, `/v1/customers/${c.id}`, `${field}=`), 400, field, 'parameter_invalid_empty');
    }
  });
});
