import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type TestApp } from '../../helpers/harness.js';
import type { ErrorCode } from '../../../src/domain/errors.js';
import { expectError, freshAccount } from '../customers/support.js';
import {
  cardParams,
  createPaymentMethod,
  expectPaymentMethod,
  FUTURE_YEAR,
  providerParams,
  TEST_CARDS,
  VISA,
} from './support.js';

const NOW = new Date();
const THIS_YEAR = NOW.getUTCFullYear();
const THIS_MONTH = NOW.getUTCMonth() + 1;
/** The month before this one, as (month, year): always in the past. */
const LAST_MONTH = THIS_MONTH === 1 ? { month: 12, year: THIS_YEAR - 1 } : { month: THIS_MONTH - 1, year: THIS_YEAR };

/** SPEC PM-1, PM-2: creating card payment methods from a raw card or a processor's reference. */
describe.each(STORES)('payment methods: create (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());

  describe('raw card', () => {
    it.each(TEST_CARDS)('$brand $number: brand from the IIN, last4, expiry, keyed fingerprint; nothing else kept', async ({ number, brand, cvc }) => {
      const res = await t.api().post('/v1/payment_methods', cardParams({ number, cvc, exp_month: 7 }));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expectPaymentMethod(res.body);
      expect(res.body).toMatchObject({
        object: 'payment_method',
        type: 'card',
        customer: null,
        livemode: false,
        metadata: {},
        provider: null,
        billing_details: {
          address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null },
          email: null,
          name: null,
          phone: null,
        },
      });
      expect(res.body.card).toEqual({
        brand,
        country: null,
        display_brand: brand,
        exp_month: 7,
        exp_year: FUTURE_YEAR,
        fingerprint: expect.stringMatching(/^[A-Za-z0-9_-]{16}$/),
        funding: 'unknown',
        last4: number.slice(-4),
      });
      expect(Math.abs(res.body.created - Date.now() / 1000)).toBeLessThan(60);
      expect(res.raw.body).not.toContain(number);
      expect(res.raw.body).not.toContain(number.slice(0, 6));
      expect(res.raw.body).not.toMatch(/"(number|cvc)"/);
      expect(res.headers.etag).toBeDefined();

      const got = await t.api().get(`/v1/payment_methods/${res.body.id}`);
      expect(got.status).toBe(200);
      expect(got.body).toEqual(res.body);
    });

    it('accepts spaces and dashes in the number; the fingerprint ignores them', async () => {
      const plain = await createPaymentMethod(t.api(), cardParams({ number: VISA }));
      const spaced = await createPaymentMethod(t.api(), cardParams({ number: '4242 4242 4242 4242' }));
      const dashed = await createPaymentMethod(t.api(), cardParams({ number: '4242-4242-4242-4242' }));
      expect(spaced.card.last4).toBe('4242');
      expect(spaced.card.brand).toBe('visa');
      expect(spaced.card.fingerprint).toBe(plain.card.fingerprint);
      expect(dashed.card.fingerprint).toBe(plain.card.fingerprint);
    });

    it('the same card gives the same fingerprint within an account, a different one in another account', async () => {
      const { api: first } = await freshAccount(t);
      const { api: second } = await freshAccount(t);
      const a1 = await createPaymentMethod(first, cardParams({ number: VISA, exp_month: 1 }));
      const a2 = await createPaymentMethod(first, cardParams({ number: VISA, exp_month: 2, cvc: '999' }));
      const other = await createPaymentMethod(first, cardParams({ number: '4000056655665556' }));
      const b1 = await createPaymentMethod(second, cardParams({ number: VISA }));
      const b2 = await createPaymentMethod(second, cardParams({ number: VISA }));
      expect(a1.id).not.toBe(a2.id);
      expect(a2.card.fingerprint).toBe(a1.card.fingerprint);
      expect(other.card.fingerprint).not.toBe(a1.card.fingerprint);
      expect(b2.card.fingerprint).toBe(b1.card.fingerprint);
      expect(b1.card.fingerprint).not.toBe(a1.card.fingerprint);
      // Same last4 and brand, so only the key can have made them differ.
      expect(b1.card.last4).toBe(a1.card.last4);
    });

    it('the CVC is optional; a two-digit year means 20YY; the month may be the current one', async () => {
      const { cvc: _cvc, ...noCvc } = cardParams().card as Record<string, unknown>;
      const withoutCvc = await t.api().post('/v1/payment_methods', { type: 'card', card: noCvc });
      expect(withoutCvc.status, JSON.stringify(withoutCvc.body)).toBe(200);

      const twoDigit = await createPaymentMethod(t.api(), cardParams({ exp_year: FUTURE_YEAR % 100 }));
      expect(twoDigit.card.exp_year).toBe(FUTURE_YEAR);

      const current = await createPaymentMethod(t.api(), cardParams({ exp_month: THIS_MONTH, exp_year: THIS_YEAR }));
      expect(current.card).toMatchObject({ exp_month: THIS_MONTH, exp_year: THIS_YEAR });
    });

    it('takes billing details, card country and metadata; a live key makes a live method', async () => {
      const pm = await createPaymentMethod(
        t.api(),
        cardParams(
          { country: 'gb' },
          {
            billing_details: {
              name: 'Ada Lovelace',
              email: 'ada@example.com',
              phone: '+44 20 7946 0958',
              address: { line1: '12 St James Sq', city: 'London', postal_code: 'SW1Y 4JH', country: 'gb' },
            },
            metadata: { source: 'test', tier: 'gold' },
          },
        ),
      );
      expect(pm.billing_details).toEqual({
        name: 'Ada Lovelace',
        email: 'ada@example.com',
        phone: '+44 20 7946 0958',
        address: { line1: '12 St James Sq', line2: null, city: 'London', state: null, postal_code: 'SW1Y 4JH', country: 'GB' },
      });
      expect(pm.card.country).toBe('GB');
      expect(pm.metadata).toEqual({ source: 'test', tier: 'gold' });

      const live = await createPaymentMethod(t.api(t.account.live), cardParams());
      expect(live.livemode).toBe(true);
    });

    it('takes a JSON body as well as a form', async () => {
      const res = await t.api().postJson('/v1/payment_methods', {
        type: 'card',
        card: { number: '5555555555554444', exp_month: 3, exp_year: FUTURE_YEAR, cvc: '321' },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.card).toMatchObject({ brand: 'mastercard', last4: '4444', exp_month: 3, exp_year: FUTURE_YEAR });
    });

    it('refuses a bad billing email, country, multi-line name or phone, card country, and brand or last4 sent beside the number', async () => {
      expectError(
        await t.api().post('/v1/payment_methods', cardParams({}, { billing_details: { email: 'not-an-email' } })),
        400,
        { code: 'email_invalid', param: 'billing_details[email]' },
      );
      expectError(
        await t.api().post('/v1/payment_methods', cardParams({}, { billing_details: { address: { country: 'XX' } } })),
        400,
        { code: 'country_code_invalid', param: 'billing_details[address][country]' },
      );
      for (const field of ['name', 'phone']) {
        expectError(
          await t.api().post('/v1/payment_methods', cardParams({}, { billing_details: { [field]: 'two\nlines' } })),
          400,
          { code: 'invalid_characters', param: `billing_details[${field}]` },
        );
        expectError(
          await t.api().post('/v1/payment_methods', cardParams({}, { billing_details: { [field]: 'nul\u0000byte' } })),
          400,
          { code: 'invalid_characters', param: `billing_details[${field}]` },
        );
      }
      // A three-letter code is longer than the parameter's limit of 2.
      for (const [country, code] of [['ZZ', 'country_code_invalid'], ['1', 'country_code_invalid'], ['usa', 'parameter_invalid_string_too_long']] as const) {
        expectError(await t.api().post('/v1/payment_methods', cardParams({ country })), 400, { code, param: 'card[country]' });
        expectError(await t.api().post('/v1/payment_methods', providerParams({}, { country })), 400, { code, param: 'card[country]' });
      }
      expectError(await t.api().post('/v1/payment_methods', cardParams({ last4: '1111' })), 400, { code: 'parameters_exclusive', type: 'invalid_request_error' });
      expectError(await t.api().post('/v1/payment_methods', cardParams({ brand: 'amex' })), 400, { code: 'parameters_exclusive', type: 'invalid_request_error' });
    });
  });

  describe('card errors (402 card_error, as Stripe gives them)', () => {
    const cases: Array<[string, Record<string, unknown>, ErrorCode, string]> = [
      ['a number failing Luhn', { number: '4242424242424241' }, 'incorrect_number', 'card[number]'],
      ['a number with letters', { number: '4242abcd42424242' }, 'incorrect_number', 'card[number]'],
      ['a number too short', { number: '42424242424' }, 'incorrect_number', 'card[number]'],
      ['a number too long', { number: '42424242424242424242' }, 'incorrect_number', 'card[number]'],
      ['a spaced number of 32 characters', { number: '4242 4242 4242 4242 4242 4242 42' }, 'incorrect_number', 'card[number]'],
      ['an amex number of visa length', { number: '3782822463100051' }, 'incorrect_number', 'card[number]'],
      ['month 13', { exp_month: 13 }, 'invalid_expiry_month', 'card[exp_month]'],
      ['month 0', { exp_month: 0 }, 'invalid_expiry_month', 'card[exp_month]'],
      ['last year', { exp_month: 12, exp_year: THIS_YEAR - 1 }, 'invalid_expiry_year', 'card[exp_year]'],
      ['last month', { exp_month: LAST_MONTH.month, exp_year: LAST_MONTH.year }, 'invalid_expiry_year', 'card[exp_year]'],
      ['a year 51 years ahead', { exp_year: THIS_YEAR + 51 }, 'invalid_expiry_year', 'card[exp_year]'],
      ['a two-digit CVC', { cvc: '12' }, 'invalid_cvc', 'card[cvc]'],
      ['a CVC with a letter', { cvc: '12a' }, 'invalid_cvc', 'card[cvc]'],
      ['a four-digit CVC on a visa', { cvc: '1234' }, 'invalid_cvc', 'card[cvc]'],
      ['a three-digit CVC on an amex', { number: '378282246310005', cvc: '123' }, 'invalid_cvc', 'card[cvc]'],
      ['a five-digit CVC', { cvc: '12345' }, 'invalid_cvc', 'card[cvc]'],
      ['a ten-digit CVC', { cvc: '1234567890' }, 'invalid_cvc', 'card[cvc]'],
      ['the number is checked before the expiry', { number: '4242424242424241', exp_month: 13 }, 'incorrect_number', 'card[number]'],
      ['the expiry is checked before the CVC', { exp_month: 13, cvc: '1' }, 'invalid_expiry_month', 'card[exp_month]'],
    ];

    it.each(cases)('%s → %s', async (_label, card, code, param) => {
      const { api } = await freshAccount(t);
      const res = await api.post('/v1/payment_methods', cardParams(card));
      expectError(res, 402, { type: 'card_error', code, param });
      expect(res.body.error.doc_url).toBe(`${t.config.publicUrl}/docs/errors#${code}`);
      // doc_url is the fixed URL above; its host and port (127.0.0.1:4242) would match a last4 or CVC by chance.
      const echoed = res.raw.body.replace(res.body.error.doc_url as string, '');
      const number = String((card.number as string | undefined) ?? VISA);
      expect(echoed).not.toContain(number);
      expect(echoed).not.toContain(number.slice(-4));
      if (typeof card.cvc === 'string') expect(echoed).not.toContain(card.cvc);
      // Nothing was created.
      expect((await api.get('/v1/payment_methods')).body.data).toEqual([]);
    });

    it('messages are Stripe’s', async () => {
      const message = async (card: Record<string, unknown>) =>
        (await t.api().post('/v1/payment_methods', cardParams(card))).body.error.message as string;
      expect(await message({ number: '4242424242424241' })).toBe('Your card number is incorrect.');
      expect(await message({ exp_month: 13 })).toBe("Your card's expiration month is invalid.");
      expect(await message({ exp_year: THIS_YEAR - 1 })).toBe("Your card's expiration year is invalid.");
      expect(await message({ cvc: '1' })).toBe("Your card's security code is invalid.");
    });

    it('a missing expiry, number or type is parameter_missing (400), not a card error', async () => {
      const { exp_month: _m, ...noMonth } = cardParams().card as Record<string, unknown>;
      const { exp_year: _y, ...noYear } = cardParams().card as Record<string, unknown>;
      const { number: _n, ...noNumber } = cardParams().card as Record<string, unknown>;
      expectError(await t.api().post('/v1/payment_methods', { type: 'card', card: noMonth }), 400, {
        code: 'parameter_missing',
        param: 'card[exp_month]',
      });
      expectError(await t.api().post('/v1/payment_methods', { type: 'card', card: noYear }), 400, {
        code: 'parameter_missing',
        param: 'card[exp_year]',
      });
      expectError(await t.api().post('/v1/payment_methods', { type: 'card', card: noNumber }), 400, {
        code: 'parameter_missing',
        param: 'card[number]',
      });
      expectError(await t.api().post('/v1/payment_methods', { type: 'card' }), 400, { code: 'parameter_missing', param: 'card[number]' });
      expectError(await t.api().post('/v1/payment_methods', { card: cardParams().card }), 400, { code: 'parameter_missing', param: 'type' });
      expectError(await t.api().post('/v1/payment_methods', cardParams({}, { type: 'sepa_debit' })), 400, { code: 'parameter_invalid', param: 'type' });
      expectError(await t.api().post('/v1/payment_methods', cardParams({ exp_month: 'soon' })), 400, {
        code: 'parameter_invalid_integer',
        param: 'card[exp_month]',
      });
      expectError(await t.api().post('/v1/payment_methods', cardParams({ nickname: 'x' })), 400, {
        code: 'parameter_unknown',
        param: 'card[nickname]',
      });
    });
  });

  describe('vaulted by a processor (by reference)', () => {
    it('keeps the provider reference and the display details; no fingerprint', async () => {
      const params = providerParams(
        { billing_details: { name: 'Grace Hopper' }, metadata: { vault: 'stripe' } },
        { brand: 'mastercard', last4: '4444', exp_month: 9, funding: 'debit', country: 'us' },
      );
      const res = await t.api().post('/v1/payment_methods', params);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expectPaymentMethod(res.body);
      expect(res.body.provider).toEqual(params.provider);
      expect(res.body.card).toEqual({
        brand: 'mastercard',
        country: 'US',
        display_brand: 'mastercard',
        exp_month: 9,
        exp_year: FUTURE_YEAR,
        fingerprint: null,
        funding: 'debit',
        last4: '4444',
      });
      expect(res.body.billing_details.name).toBe('Grace Hopper');
      expect(res.body.metadata).toEqual({ vault: 'stripe' });
      expect((await t.api().get(`/v1/payment_methods/${res.body.id}`)).body).toEqual(res.body);
    });

    it('accepts every listed processor and custom:<name>; brand defaults to unknown', async () => {
      for (const name of ['stripe', 'adyen', 'braintree', 'razorpay', 'paypal', 'custom:acme-vault']) {
        const res = await t.api().post('/v1/payment_methods', providerParams({ provider: { name, reference: 'tok_1' } }, { brand: undefined }));
        expect(res.status, `${name}: ${JSON.stringify(res.body)}`).toBe(200);
        expect(res.body.provider).toEqual({ name, reference: 'tok_1' });
        expect(res.body.card.brand).toBe('unknown');
      }
    });

    it('refuses a number or CVC together with a provider', async () => {
      const both = await t.api().post('/v1/payment_methods', providerParams({}, { number: VISA, last4: undefined, brand: undefined }));
      expectError(both, 400, { code: 'parameters_exclusive', param: 'provider' });
      expect(both.raw.body).not.toContain(VISA);
      expectError(await t.api().post('/v1/payment_methods', providerParams({}, { cvc: '123' })), 400, {
        code: 'parameters_exclusive',
        param: 'provider',
      });
    });

    it('refuses an unknown provider, a bad last4 or brand, and missing display details', async () => {
      const api = t.api();
      const post = (extra: Record<string, unknown>, card: Record<string, unknown> = {}) => api.post('/v1/payment_methods', providerParams(extra, card));
      for (const name of ['acme', 'Stripe', 'custom:', 'custom:Upper']) {
        expectError(await post({ provider: { name, reference: 'tok_1' } }), 400, { code: 'parameter_invalid', param: 'provider[name]' });
      }
      for (const [last4, code] of [['42a2', 'parameter_invalid'], ['424', 'parameter_invalid'], ['', 'parameter_invalid_empty']] as const) {
        const res = await post({}, { last4 });
        expectError(res, 400, { code, param: 'card[last4]' });
      }
      expectError(await post({}, { last4: '42424' }), 400, { code: 'parameter_invalid_string_too_long', param: 'card[last4]' });
      expectError(await post({}, { last4: undefined }), 400, { code: 'parameter_missing', param: 'card[last4]' });
      expectError(await post({}, { brand: 'visa-electron' }), 400, { code: 'parameter_invalid', param: 'card[brand]' });
      expectError(await post({}, { exp_month: undefined }), 400, { code: 'parameter_missing', param: 'card[exp_month]' });
      expectError(await post({}, { exp_year: undefined }), 400, { code: 'parameter_missing', param: 'card[exp_year]' });
      expectError(await post({}, { exp_month: 13 }), 402, { type: 'card_error', code: 'invalid_expiry_month', param: 'card[exp_month]' });
      expectError(await post({}, { exp_year: THIS_YEAR - 1 }), 402, { type: 'card_error', code: 'invalid_expiry_year', param: 'card[exp_year]' });
      expectError(await post({ provider: { name: 'stripe' } }), 400, { code: 'parameter_missing', param: 'provider[reference]' });
      expectError(await post({ provider: { name: 'stripe', reference: '' } }), 400, { code: 'parameter_invalid_empty', param: 'provider[reference]' });
      expectError(await post({ provider: { name: 'stripe', reference: 'tok\n1' } }), 400, { code: 'invalid_characters', param: 'provider[reference]' });
    });
  });

  describe('idempotency', () => {
    it('a replay returns the first response byte for byte and creates nothing more', async () => {
      const { api } = await freshAccount(t);
      const headers = { 'idempotency-key': 'pm-create-1' };
      const first = await api.post('/v1/payment_methods', cardParams(), headers);
      const again = await api.post('/v1/payment_methods', cardParams(), headers);
      expect(first.status).toBe(200);
      expect(again.status).toBe(200);
      expect(again.raw.body).toBe(first.raw.body);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect((await api.get('/v1/payment_methods')).body.data).toHaveLength(1);

      const otherCard = await api.post('/v1/payment_methods', cardParams({ number: '5555555555554444' }), headers);
      expectError(otherCard, 400, { code: 'idempotency_params_mismatch', type: 'idempotency_error' });
      expect(otherCard.raw.body).not.toContain('5555555555554444');
    });

    it('a card error is replayed as it was first answered', async () => {
      const { api } = await freshAccount(t);
      const headers = { 'idempotency-key': 'pm-create-402' };
      const first = await api.post('/v1/payment_methods', cardParams({ exp_month: 13 }), headers);
      expectError(first, 402, { type: 'card_error', code: 'invalid_expiry_month' });
      const again = await api.post('/v1/payment_methods', cardParams({ exp_month: 13 }), headers);
      expect(again.status).toBe(402);
      expect(again.raw.body).toBe(first.raw.body);
      expect(again.headers['idempotent-replayed']).toBe('true');
    });
  });
});
