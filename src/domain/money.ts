import currencyCodes from 'currency-codes';
import { amountTooLarge, amountTooSmall, parameterInvalid } from './errors.js';

/**
 * Amounts and currencies of charges, refunds and invoices (SPEC S-1). An amount is an integer
 * in the currency's minor unit, whose exponent ISO 4217 fixes per currency: cents for usd (2),
 * yen for jpy (0: it has no minor unit), fils for bhd (3). Currencies are ISO 4217 codes,
 * lower-case, as Stripe writes them.
 */

/** Stripe's largest amount, in minor units: 999,999.99 usd, 99,999,999 jpy. */
export const MAX_AMOUNT = 99_999_999;

/**
 * Codes in ISO 4217 that are not money one pays in: precious metals, SDR and bond-market
 * units, the testing code and "no currency". ISO gives them no minor unit.
 */
const NOT_PAYABLE = new Set(['XAG', 'XAU', 'XBA', 'XBB', 'XBC', 'XBD', 'XDR', 'XPD', 'XPT', 'XSU', 'XTS', 'XUA', 'XXX']);

const EXPONENTS: ReadonlyMap<string, number> = new Map(
  currencyCodes.data.filter((c) => !NOT_PAYABLE.has(c.code)).map((c) => [c.code.toLowerCase(), c.digits]),
);

/** Every accepted currency, lower-case, with its minor-unit exponent. */
export function currencyExponents(): ReadonlyMap<string, number> {
  return EXPONENTS;
}

/** The minor-unit exponent of an accepted (lower-case) currency. */
export function exponentOf(currency: string): number {
  return EXPONENTS.get(currency) ?? 2;
}

/** A currency as sent, case-insensitively: returns its lower-case code, or refuses it. */
export function validateCurrency(input: string, param = 'currency'): string {
  const code = input.toLowerCase();
  if (!EXPONENTS.has(code)) {
    throw parameterInvalid(`Invalid currency: '${input.slice(0, 20)}' is not an ISO 4217 currency code (e.g. usd, eur, jpy).`, param);
  }
  return code;
}

/** `12.34 usd`, `500 jpy`: an amount in major units, for messages. */
export function formatAmount(amount: number, currency: string): string {
  const exponent = exponentOf(currency);
  const sign = amount < 0 ? '-' : '';
  const digits = String(Math.abs(amount)).padStart(exponent + 1, '0');
  const major = exponent === 0 ? digits : `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
  return `${sign}${major} ${currency}`;
}

/** A charge's or refund's amount: at least 1 minor unit, at most MAX_AMOUNT. */
export function validateAmount(amount: number, currency: string, param = 'amount'): number {
  if (amount < 1) {
    throw amountTooSmall(`Invalid ${param}: ${amount}; the amount must be at least 1 (${formatAmount(1, currency)}).`, param);
  }
  if (amount > MAX_AMOUNT) {
    throw amountTooLarge(
      `Invalid ${param}: ${amount}; the amount must be at most ${MAX_AMOUNT} (${formatAmount(MAX_AMOUNT, currency)}).`,
      param,
    );
  }
  return amount;
}
