/**
 * Card number rules (PM-2): Luhn, brand from the IIN, expiry and CVC shape, and the keyed
 * fingerprint. Pure: no I/O; the clock is passed in.
 *
 * The full number only ever exists in memory here and in the caller's hands: no error this
 * module throws carries it (or any part of it), and the fingerprint is an HMAC keyed with a
 * per-account secret, because a plain hash of a card number is brute-forced from the first
 * six and last four digits (only ~10^6 candidates remain, a fraction of them Luhn-valid).
 */
import { createHmac } from 'node:crypto';
import { incorrectNumber, invalidCvc, invalidExpiryMonth, invalidExpiryYear } from '../errors.js';

export type CardBrand = 'visa' | 'mastercard' | 'amex' | 'discover' | 'diners' | 'jcb' | 'unionpay' | 'unknown';

export interface CardInput {
  number: string;
  exp_month: number;
  exp_year: number;
  cvc?: string;
}

export interface ValidCard {
  brand: CardBrand;
  last4: string;
  exp_month: number;
  /** Always four digits: a two-digit input year (29) means 2029. */
  exp_year: number;
  /** Funding needs the issuer's BIN data, which Clientele does not have; see validateCard. */
  funding: 'unknown' | 'credit';
  /** Digits only. Use it for fingerprint() and last4; never store or log it. */
  normalizedNumber: string;
}

/** Valid PAN lengths by brand (ISO/IEC 7812 allows 8–19; networks issue 12–19 today). */
export const CARD_LENGTHS: Readonly<Record<CardBrand, readonly number[]>> = Object.freeze({
  visa: [13, 16, 19],
  mastercard: [16],
  amex: [15],
  discover: [16, 17, 18, 19],
  diners: [14, 15, 16, 17, 18, 19],
  jcb: [16, 17, 18, 19],
  unionpay: [16, 17, 18, 19],
  unknown: [12, 13, 14, 15, 16, 17, 18, 19],
});

const MIN_LENGTH = 12;
const MAX_LENGTH = 19;
/** Expiry years further out than this are typos, as Stripe treats them. */
const MAX_YEARS_AHEAD = 50;

/** Luhn (ISO/IEC 7812-1 annex B) over a string of digits; false for anything else or empty. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = digits.length - 1, double = false; i >= 0; i--, double = !double) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

function normalize(number: string): string {
  return number.replace(/[\s-]/g, '');
}

/** The first `length` digits as a number, or -1 when the number is shorter than that. */
function prefix(digits: string, length: number): number {
  return digits.length >= length ? Number(digits.slice(0, length)) : -1;
}

function inRange(value: number, low: number, high: number): boolean {
  return value >= low && value <= high;
}

/**
 * The card network from the IIN (issuer identification number) ranges the networks publish.
 * Co-branded Discover/UnionPay cards (622126–622925) are reported as Discover; the rest of
 * 62 is UnionPay. Spaces and dashes are ignored; anything unrecognised is 'unknown'.
 */
export function brandOf(number: string): CardBrand {
  const digits = normalize(number);
  if (!/^\d+$/.test(digits)) return 'unknown';
  const p2 = prefix(digits, 2);
  const p3 = prefix(digits, 3);
  const p4 = prefix(digits, 4);
  const p6 = prefix(digits, 6);

  if (digits.startsWith('4')) return 'visa';
  if (inRange(p2, 51, 55) || inRange(p4, 2221, 2720)) return 'mastercard';
  if (p2 === 34 || p2 === 37) return 'amex';
  if (p4 === 6011 || inRange(p3, 644, 649) || p2 === 65 || inRange(p6, 622126, 622925)) return 'discover';
  if (inRange(p3, 300, 305) || p2 === 36 || p2 === 38 || p2 === 39) return 'diners';
  if (inRange(p4, 3528, 3589)) return 'jcb';
  if (p2 === 62) return 'unionpay';
  return 'unknown';
}

/**
 * Checks a card as Stripe does and reduces it to what may be kept. Checks run in the order
 * number, expiry month, expiry year, CVC; the first failure is thrown (402 `card_error`).
 *
 * Expiry is compared in UTC: a card is good through the last day of its expiry month, so
 * only a year before `now`'s, or `now`'s year with an earlier month, is in the past (reported
 * as `invalid_expiry_year`; `invalid_expiry_month` is only for a month outside 1–12).
 *
 * `funding` is 'unknown': debit, credit and prepaid share IIN ranges, and only the issuer's
 * BIN table tells them apart.
 */
/**
 * The expiry rule on its own (also for methods vaulted elsewhere, whose display details carry
 * an expiry but no number): month 1–12, a two-digit year means 20YY, not in the past, at most
 * MAX_YEARS_AHEAD ahead.
 */
export function validateExpiry(expMonth: number, expYear: number, now: Date): { exp_month: number; exp_year: number } {
  if (!Number.isInteger(expMonth) || expMonth < 1 || expMonth > 12) throw invalidExpiryMonth();
  if (!Number.isInteger(expYear) || expYear < 0) throw invalidExpiryYear();
  const year = expYear < 100 ? 2000 + expYear : expYear;
  const thisYear = now.getUTCFullYear();
  const thisMonth = now.getUTCMonth() + 1;
  if (year < thisYear || year > thisYear + MAX_YEARS_AHEAD || (year === thisYear && expMonth < thisMonth)) {
    throw invalidExpiryYear();
  }
  return { exp_month: expMonth, exp_year: year };
}

export function validateCard(input: CardInput, now: Date): ValidCard {
  const digits = typeof input.number === 'string' ? normalize(input.number) : '';
  if (!/^\d+$/.test(digits) || digits.length < MIN_LENGTH || digits.length > MAX_LENGTH) throw incorrectNumber();
  const brand = brandOf(digits);
  if (!CARD_LENGTHS[brand].includes(digits.length) || !luhnValid(digits)) throw incorrectNumber();

  const { exp_month: month, exp_year: year } = validateExpiry(input.exp_month, input.exp_year, now);

  if (input.cvc !== undefined) {
    const cvcPattern = brand === 'amex' ? /^\d{4}$/ : /^\d{3}$/;
    if (typeof input.cvc !== 'string' || !cvcPattern.test(input.cvc)) throw invalidCvc();
  }

  return {
    brand,
    last4: digits.slice(-4),
    exp_month: month,
    exp_year: year,
    funding: 'unknown',
    normalizedNumber: digits,
  };
}

/**
 * A stable, per-account card fingerprint: HMAC-SHA256 keyed with the account's secret over
 * the digits of the number, as the first 16 characters of base64url (Stripe's length).
 * The same card gives the same fingerprint within an account and unrelated ones across
 * accounts. Never replace this with a plain hash (see the module comment).
 */
export function fingerprint(number: string, accountSecret: string): string {
  if (typeof accountSecret !== 'string' || accountSecret.length === 0) {
    // A keyless HMAC would be as weak as a plain hash; refuse rather than degrade.
    throw new Error('fingerprint requires a non-empty account secret');
  }
  return createHmac('sha256', accountSecret).update(normalize(number)).digest('base64url').slice(0, 16);
}
