import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { Api, ApiResponse } from '../../helpers/harness.js';

/** Every field of a payment method (SPEC PM-1), and of its card and billing details. */
export const PAYMENT_METHOD_FIELDS = [
  'billing_details',
  'card',
  'created',
  'customer',
  'id',
  'livemode',
  'metadata',
  'object',
  'provider',
  'type',
];
export const CARD_FIELDS = ['brand', 'country', 'display_brand', 'exp_month', 'exp_year', 'fingerprint', 'funding', 'last4'];
export const BILLING_DETAILS_FIELDS = ['address', 'email', 'name', 'phone'];
export const ADDRESS_FIELDS = ['city', 'country', 'line1', 'line2', 'postal_code', 'state'];

export const PM_ID = /^pm_[0-9A-Za-z]{26}$/;
export const TAX_ID_ID = /^txi_[0-9A-Za-z]{26}$/;

/** Each network's published test number, with the brand its IIN gives and its CVC length. */
export const TEST_CARDS: ReadonlyArray<{ number: string; brand: string; cvc: string }> = [
  { number: '4242424242424242', brand: 'visa', cvc: '123' },
  { number: '4000056655665556', brand: 'visa', cvc: '123' },
  { number: '5555555555554444', brand: 'mastercard', cvc: '123' },
  { number: '2223003122003222', brand: 'mastercard', cvc: '123' },
  { number: '378282246310005', brand: 'amex', cvc: '1234' },
  { number: '6011111111111117', brand: 'discover', cvc: '123' },
  { number: '3056930009020004', brand: 'diners', cvc: '123' },
  { number: '36227206271667', brand: 'diners', cvc: '123' },
  { number: '3566002020360505', brand: 'jcb', cvc: '123' },
  { number: '6200000000000005', brand: 'unionpay', cvc: '123' },
];

export const VISA = '4242424242424242';

/** A year safely in the future whenever the suite runs. */
export const FUTURE_YEAR = new Date().getUTCFullYear() + 3;

/** A raw card's create parameters; override any part. */
export function cardParams(card: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'card', card: { number: VISA, exp_month: 12, exp_year: FUTURE_YEAR, cvc: '123', ...card }, ...extra };
}

/** A processor-vaulted card's create parameters (display details only). */
export function providerParams(extra: Record<string, unknown> = {}, card: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'card',
    provider: { name: 'stripe', reference: `pm_ext_${randomBytes(6).toString('hex')}` },
    card: { brand: 'visa', last4: '4242', exp_month: 12, exp_year: FUTURE_YEAR, ...card },
    ...extra,
  };
}

export type PaymentMethodBody = Record<string, any> & { id: string }; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON under test

/** Creates a payment method, failing loudly if the create did not succeed. */
export async function createPaymentMethod(api: Api, params: Record<string, unknown> = cardParams()): Promise<PaymentMethodBody> {
  const res = await api.post('/v1/payment_methods', params);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** Creates a raw card and attaches it to the customer. */
export async function attachedCard(api: Api, customerId: string, card: Record<string, unknown> = {}): Promise<PaymentMethodBody> {
  const pm = await createPaymentMethod(api, cardParams(card));
  const res = await api.post(`/v1/payment_methods/${pm.id}/attach`, { customer: customerId });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** A payment method object: exactly the PM-1 key sets, nested objects complete. */
export function expectPaymentMethod(body: Record<string, unknown>): void {
  expect(Object.keys(body).sort()).toEqual(PAYMENT_METHOD_FIELDS);
  expect(body.object).toBe('payment_method');
  expect(body.id).toMatch(PM_ID);
  expect(body.type).toBe('card');
  const billing = body.billing_details as Record<string, unknown>;
  expect(Object.keys(billing).sort()).toEqual(BILLING_DETAILS_FIELDS);
  expect(Object.keys(billing.address as object).sort()).toEqual(ADDRESS_FIELDS);
  expect(Object.keys(body.card as object).sort()).toEqual(CARD_FIELDS);
}

/** The response body with the identifier that was asked for replaced by a placeholder. */
export function shape(res: ApiResponse, asked: string): { status: number; body: string } {
  return { status: res.status, body: JSON.stringify(res.body).split(asked).join('<asked>') };
}

function base62(length: number): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  return Array.from(randomBytes(length), (b) => alphabet[b % 62]).join('');
}

/** A well-formed id that no account holds. */
export function missingId(prefix: 'pm' | 'txi' | 'cus'): string {
  return `${prefix}_${base62(24)}`;
}

/** Stripe's message when a default payment method is not one of the customer's (PM-4). */
export function notTheCustomersMethod(id: string): string {
  return `The customer does not have a payment method with the ID ${id}. The payment method must be attached to the customer.`;
}

/** Every id the list returns, following has_more with limit 100. */
export async function allIds(api: Api, path: string, query: Record<string, unknown> = {}): Promise<string[]> {
  const ids: string[] = [];
  let startingAfter: string | undefined;
  for (;;) {
    const res = await api.get(path, { ...query, limit: 100, ...(startingAfter && { starting_after: startingAfter }) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const page = (res.body.data as Array<{ id: string }>).map((o) => o.id);
    ids.push(...page);
    if (!res.body.has_more) return ids;
    startingAfter = page[page.length - 1];
  }
}
