import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/domain/errors.js';
import { brandOf, CARD_LENGTHS, fingerprint, luhnValid, validateCard, type CardInput } from '../../src/domain/payment-methods/card.js';

// Stripe's published test card numbers (https://docs.stripe.com/testing#cards).
const TEST_CARDS = [
  ['4242424242424242', 'visa'],
  ['4000056655665556', 'visa'],
  ['5555555555554444', 'mastercard'],
  ['2223003122003222', 'mastercard'],
  ['378282246310005', 'amex'],
  ['6011111111111117', 'discover'],
  ['3056930009020004', 'diners'],
  ['36227206271667', 'diners'],
  ['3566002020360505', 'jcb'],
  ['6200000000000005', 'unionpay'],
] as const;

const NOW = new Date('2026-05-15T12:00:00Z');

function card(overrides: Partial<CardInput> = {}): CardInput {
  return { number: '4242424242424242', exp_month: 12, exp_year: 2030, ...overrides };
}

function caught(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected an ApiError');
}

/** Every field of the error, as a log line or an error envelope could show it. */
function everythingIn(error: ApiError): string {
  return JSON.stringify({ ...error, message: error.message, stack: error.stack, name: error.name });
}

/** Changes the digit at `index` (from the end when negative) to the next one. */
function bumpDigit(number: string, index: number): string {
  const i = index < 0 ? number.length + index : index;
  const next = String((Number(number[i]) + 1) % 10);
  return number.slice(0, i) + next + number.slice(i + 1);
}

describe('luhnValid', () => {
  it.each(TEST_CARDS)('accepts the test card %s', (number) => {
    expect(luhnValid(number)).toBe(true);
  });

  it.each(TEST_CARDS)('rejects %s with its last digit changed', (number) => {
    expect(luhnValid(bumpDigit(number, -1))).toBe(false);
  });

  it('detects a change in any single digit', () => {
    const number = '4242424242424242';
    for (let i = 0; i < number.length; i++) expect(luhnValid(bumpDigit(number, i)), `digit ${i}`).toBe(false);
  });

  it('accepts short known-good strings and rejects non-digit input', () => {
    expect(luhnValid('0')).toBe(true);
    expect(luhnValid('18')).toBe(true);
    expect(luhnValid('79927398713')).toBe(true); // the classic worked example
    expect(luhnValid('79927398710')).toBe(false);
    expect(luhnValid('')).toBe(false);
    expect(luhnValid('4242 4242 4242 4242')).toBe(false);
    expect(luhnValid('42424242424242a2')).toBe(false);
    expect(luhnValid('-4242424242424242')).toBe(false);
  });
});

describe('brandOf', () => {
  it.each(TEST_CARDS)('%s is %s', (number, brand) => {
    expect(brandOf(number)).toBe(brand);
  });

  it.each([
    // Visa
    ['4', 'visa'],
    ['4000000000000002', 'visa'],
    // Mastercard: 51–55 and 2221–2720
    ['5100000000000000', 'mastercard'],
    ['5599999999999999', 'mastercard'],
    ['5000000000000000', 'unknown'],
    ['5600000000000000', 'unknown'],
    ['2221000000000000', 'mastercard'],
    ['2720999999999999', 'mastercard'],
    ['2220999999999999', 'unknown'],
    ['2721000000000000', 'unknown'],
    // Amex: 34, 37
    ['340000000000000', 'amex'],
    ['370000000000000', 'amex'],
    ['350000000000000', 'unknown'],
    // Discover: 6011, 644–649, 65, 622126–622925
    ['6011000000000000', 'discover'],
    ['6440000000000000', 'discover'],
    ['6499999999999999', 'discover'],
    ['6430000000000000', 'unknown'],
    ['6500000000000000', 'discover'],
    ['6221260000000000', 'discover'],
    ['6229259999999999', 'discover'],
    ['6012000000000000', 'unknown'],
    // UnionPay: the rest of 62
    ['6221250000000000', 'unionpay'],
    ['6229260000000000', 'unionpay'],
    ['6200000000000000', 'unionpay'],
    ['6299999999999999', 'unionpay'],
    // Diners: 300–305, 36, 38–39
    ['30000000000000', 'diners'],
    ['30599999999999', 'diners'],
    ['30600000000000', 'unknown'],
    ['36000000000000', 'diners'],
    ['38000000000000', 'diners'],
    ['39000000000000', 'diners'],
    // JCB: 3528–3589
    ['3528000000000000', 'jcb'],
    ['3589999999999999', 'jcb'],
    ['3527999999999999', 'unknown'],
    ['3590000000000000', 'unknown'],
    // Others
    ['1000000000000000', 'unknown'],
    ['9000000000000000', 'unknown'],
    ['7000000000000000', 'unknown'],
  ] as const)('%s is %s', (number, brand) => {
    expect(brandOf(number)).toBe(brand);
  });

  it('ignores spaces and dashes', () => {
    expect(brandOf('3782 822463 10005')).toBe('amex');
    expect(brandOf('6011-1111-1111-1117')).toBe('discover');
  });

  it('reports prefixes too short to decide, and non-digits, as unknown', () => {
    expect(brandOf('')).toBe('unknown');
    expect(brandOf('2')).toBe('unknown');
    expect(brandOf('622')).toBe('unionpay'); // 62, and too short to be in the Discover sub-range
    expect(brandOf('abcd')).toBe('unknown');
  });
});

describe('validateCard', () => {
  describe('accepts', () => {
    it.each(TEST_CARDS)('the test card %s as %s', (number, brand) => {
      const cvc = brand === 'amex' ? '1234' : '123';
      const result = validateCard({ number, exp_month: 12, exp_year: 2030, cvc }, NOW);
      expect(result).toEqual({
        brand,
        last4: number.slice(-4),
        exp_month: 12,
        exp_year: 2030,
        funding: 'unknown',
        normalizedNumber: number,
      });
    });

    it('strips spaces and dashes from the number', () => {
      const result = validateCard(card({ number: ' 4242 4242-4242 4242 ' }), NOW);
      expect(result.normalizedNumber).toBe('4242424242424242');
      expect(result.last4).toBe('4242');
      expect(result.brand).toBe('visa');
    });

    it('accepts every length its brand is issued in', () => {
      expect(validateCard(card({ number: '4222222222222' }), NOW).brand).toBe('visa'); // 13 digits
      expect(validateCard(card({ number: '6205500000000000004' }), NOW).brand).toBe('unionpay'); // 19 digits
      expect(validateCard(card({ number: '6011000990139424' }), NOW).brand).toBe('discover');
    });

    it('accepts unknown brands of 12 to 19 digits when Luhn-valid', () => {
      const twelve = '100000000008';
      expect(luhnValid(twelve)).toBe(true);
      expect(validateCard(card({ number: twelve }), NOW)).toMatchObject({ brand: 'unknown', last4: '0008' });
      const nineteen = '1000000000000000009';
      expect(luhnValid(nineteen)).toBe(true);
      expect(validateCard(card({ number: nineteen }), NOW).brand).toBe('unknown');
    });
  });

  describe('incorrect_number', () => {
    const expectIncorrectNumber = (number: string) => {
      const error = caught(() => validateCard(card({ number }), NOW));
      expect(error).toMatchObject({
        message: 'Your card number is incorrect.',
        status: 402,
        type: 'card_error',
        code: 'incorrect_number',
        param: 'card[number]',
      });
      return error;
    };

    it.each(TEST_CARDS)('for %s with one digit changed (Luhn failure)', (number) => {
      expectIncorrectNumber(bumpDigit(number, -1));
      expectIncorrectNumber(bumpDigit(number, 3));
    });

    it.each([
      ['letters', '4242424242424a42'],
      ['a dot', '4242.4242.4242.4242'],
      ['a slash', '4242/4242/4242/4242'],
      ['a plus sign', '+4242424242424242'],
      ['full-width digits', '４２４２４２４２４２４２４２４２'],
      ['the empty string', ''],
      ['spaces only', '    '],
    ])('for %s', (_label, number) => {
      expectIncorrectNumber(number);
    });

    it('for a Luhn-valid number that is too short or too long', () => {
      expect(luhnValid('10000000009')).toBe(true);
      expectIncorrectNumber('10000000009'); // 11 digits
      expect(luhnValid('10000000000000000008')).toBe(true);
      expectIncorrectNumber('10000000000000000008'); // 20 digits
    });

    it("for a Luhn-valid number of a length its brand doesn't issue", () => {
      const amex16 = '3782822463100003';
      expect(luhnValid(amex16)).toBe(true);
      expectIncorrectNumber(amex16);
      const mastercard15 = '555555555555558';
      expect(luhnValid(mastercard15)).toBe(true);
      expectIncorrectNumber(mastercard15);
      const visa15 = '424242424242424';
      expect(luhnValid(visa15)).toBe(true);
      expectIncorrectNumber(visa15);
      expect(CARD_LENGTHS.amex).toEqual([15]);
    });

    it('before any expiry or CVC problem', () => {
      const error = caught(() =>
        validateCard({ number: '4242424242424241', exp_month: 13, exp_year: 1999, cvc: 'x' }, NOW),
      );
      expect(error.code).toBe('incorrect_number');
    });
  });

  describe('expiry', () => {
    const codeFor = (exp_month: number, exp_year: number, now = NOW) =>
      caught(() => validateCard(card({ exp_month, exp_year }), now)).code;

    it('accepts the current month and year (a card is good through its expiry month)', () => {
      expect(validateCard(card({ exp_month: 5, exp_year: 2026 }), NOW)).toMatchObject({ exp_month: 5, exp_year: 2026 });
    });

    it('reports a past month of the current year as invalid_expiry_year', () => {
      const error = caught(() => validateCard(card({ exp_month: 4, exp_year: 2026 }), NOW));
      expect(error).toMatchObject({
        message: "Your card's expiration year is invalid.",
        status: 402,
        type: 'card_error',
        code: 'invalid_expiry_year',
        param: 'card[exp_year]',
      });
    });

    it('reports a past year as invalid_expiry_year', () => {
      expect(codeFor(12, 2025)).toBe('invalid_expiry_year');
      expect(codeFor(1, 2000)).toBe('invalid_expiry_year');
      expect(codeFor(1, 0)).toBe('invalid_expiry_year'); // 2000
      expect(codeFor(1, 202)).toBe('invalid_expiry_year'); // a three-digit year is the year 202
      expect(codeFor(1, -1)).toBe('invalid_expiry_year');
    });

    it('accepts up to 50 years ahead and rejects further', () => {
      expect(validateCard(card({ exp_month: 12, exp_year: 2076 }), NOW).exp_year).toBe(2076);
      expect(codeFor(1, 2077)).toBe('invalid_expiry_year');
      expect(codeFor(1, 9999)).toBe('invalid_expiry_year');
    });

    it('reads two-digit years as 20YY', () => {
      expect(validateCard(card({ exp_month: 1, exp_year: 29 }), NOW).exp_year).toBe(2029);
      expect(validateCard(card({ exp_month: 5, exp_year: 26 }), NOW).exp_year).toBe(2026);
      expect(codeFor(4, 26)).toBe('invalid_expiry_year');
      expect(codeFor(12, 25)).toBe('invalid_expiry_year');
      expect(validateCard(card({ exp_month: 1, exp_year: 76 }), NOW).exp_year).toBe(2076);
      expect(codeFor(1, 77)).toBe('invalid_expiry_year'); // 2077: more than 50 years ahead
    });

    it.each([0, 13, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects month %s as invalid_expiry_month', (month) => {
      const error = caught(() => validateCard(card({ exp_month: month }), NOW));
      expect(error).toMatchObject({
        message: "Your card's expiration month is invalid.",
        status: 402,
        type: 'card_error',
        code: 'invalid_expiry_month',
        param: 'card[exp_month]',
      });
    });

    it('checks the month before the year', () => {
      expect(codeFor(13, 1999)).toBe('invalid_expiry_month');
    });

    it('rejects a non-integer year', () => {
      expect(codeFor(1, 2030.5)).toBe('invalid_expiry_year');
      expect(codeFor(1, Number.NaN)).toBe('invalid_expiry_year');
    });

    it('uses the injected clock, in UTC, at the month boundary', () => {
      const lastInstantOfMay = new Date('2026-05-31T23:59:59.999Z');
      const firstInstantOfJune = new Date('2026-06-01T00:00:00.000Z');
      expect(validateCard(card({ exp_month: 5, exp_year: 2026 }), lastInstantOfMay).exp_month).toBe(5);
      expect(codeFor(5, 2026, firstInstantOfJune)).toBe('invalid_expiry_year');
      expect(validateCard(card({ exp_month: 6, exp_year: 2026 }), firstInstantOfJune).exp_month).toBe(6);
    });

    it('handles the year boundary', () => {
      const newYear = new Date('2027-01-01T00:00:00Z');
      expect(codeFor(12, 2026, newYear)).toBe('invalid_expiry_year');
      expect(validateCard(card({ exp_month: 1, exp_year: 2027 }), newYear).exp_year).toBe(2027);
      expect(validateCard(card({ exp_month: 12, exp_year: 2077 }), newYear).exp_year).toBe(2077);
    });
  });

  describe('cvc', () => {
    const cvcError = (number: string, cvc: string) => caught(() => validateCard(card({ number, cvc }), NOW));

    it('accepts three digits for non-Amex cards and four for Amex', () => {
      expect(() => validateCard(card({ cvc: '123' }), NOW)).not.toThrow();
      expect(() => validateCard(card({ cvc: '000' }), NOW)).not.toThrow();
      expect(() => validateCard(card({ number: '378282246310005', cvc: '1234' }), NOW)).not.toThrow();
      expect(() => validateCard(card({ number: '3566002020360505', cvc: '737' }), NOW)).not.toThrow();
    });

    it('is optional', () => {
      expect(() => validateCard(card({ cvc: undefined }), NOW)).not.toThrow();
    });

    it.each([
      ['4242424242424242', '12'],
      ['4242424242424242', '1234'],
      ['4242424242424242', 'abc'],
      ['4242424242424242', '12a'],
      ['4242424242424242', ' 123'],
      ['4242424242424242', ''],
      ['5555555555554444', '1234'],
      ['378282246310005', '123'],
      ['378282246310005', '12345'],
      ['378282246310005', '12 4'],
    ])('rejects %s with cvc %j', (number, cvc) => {
      expect(cvcError(number, cvc)).toMatchObject({
        message: "Your card's security code is invalid.",
        status: 402,
        type: 'card_error',
        code: 'invalid_cvc',
        param: 'card[cvc]',
      });
    });

    it('is checked after the expiry', () => {
      const error = caught(() => validateCard(card({ exp_month: 1, exp_year: 2020, cvc: '1' }), NOW));
      expect(error.code).toBe('invalid_expiry_year');
    });
  });

  it('never puts the card number, or any part of it, into an error', () => {
    const attempts: CardInput[] = [
      card({ number: '4242424242424241' }),
      card({ number: '4242 4242 4242 4241' }),
      card({ number: '424242424242424x' }),
      card({ number: '42424242424242424242' }),
      card({ number: '3782822463100003' }),
      card({ exp_month: 13 }),
      card({ exp_month: 4, exp_year: 2026 }),
      card({ exp_year: 2099 }),
      card({ cvc: '98' }),
      card({ number: '378282246310005', cvc: '987' }),
    ];
    for (const attempt of attempts) {
      const error = caught(() => validateCard(attempt, NOW));
      const all = everythingIn(error);
      const digits = attempt.number.replace(/\D/g, '');
      expect(all).not.toContain(attempt.number);
      expect(all).not.toContain(digits);
      expect(all).not.toContain(digits.slice(-4));
      expect(all).not.toContain(digits.slice(0, 6));
      expect(error.message).not.toMatch(/\d/);
      if (attempt.cvc) expect(error.message).not.toContain(attempt.cvc);
    }
  });
});

describe('fingerprint', () => {
  const secretA = 'acct_secret_a_3f9c1e';
  const secretB = 'acct_secret_b_77d0aa';

  it('is 16 base64url characters', () => {
    const fp = fingerprint('4242424242424242', secretA);
    expect(fp).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });

  it('is stable for the same card and account, however the number was formatted', () => {
    const fp = fingerprint('4242424242424242', secretA);
    expect(fingerprint('4242424242424242', secretA)).toBe(fp);
    expect(fingerprint('4242 4242 4242 4242', secretA)).toBe(fp);
    expect(fingerprint('4242-4242-4242-4242', secretA)).toBe(fp);
  });

  it('differs across accounts for the same card', () => {
    for (const [number] of TEST_CARDS) {
      expect(fingerprint(number, secretA)).not.toBe(fingerprint(number, secretB));
    }
  });

  it('differs across cards within an account', () => {
    const fps = new Set(TEST_CARDS.map(([number]) => fingerprint(number, secretA)));
    expect(fps.size).toBe(TEST_CARDS.length);
  });

  it('is the keyed HMAC-SHA256 of the digits, not a plain hash', () => {
    const number = '5555555555554444';
    const expected = createHmac('sha256', secretA).update(number).digest('base64url').slice(0, 16);
    expect(fingerprint(number, secretA)).toBe(expected);
    const plain = createHash('sha256').update(number).digest('base64url').slice(0, 16);
    expect(fingerprint(number, secretA)).not.toBe(plain);
  });

  it('does not reveal the number', () => {
    const number = '4242424242424242';
    const fp = fingerprint(number, secretA);
    expect(fp).not.toContain('4242');
  });

  it('refuses an empty account secret rather than degrading to an unkeyed hash', () => {
    expect(() => fingerprint('4242424242424242', '')).toThrow(/secret/);
  });
});
