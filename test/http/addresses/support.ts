import { expect } from 'vitest';
import type { Api } from '../../helpers/harness.js';
import { allIds } from '../payment-methods/support.js';

export const ADDRESS_BOOK_FIELDS = ['address', 'created', 'customer', 'default_for', 'id', 'label', 'livemode', 'metadata', 'name', 'object', 'phone', 'updated'];
export const ADDRESS_ID = /^addr_[0-9A-Za-z]{26}$/;

/** A complete address of the customer's shape, every line distinct by `tag`. */
export function place(tag: string, country = 'DE', postal = '10115') {
  return { line1: `${tag} Straße 1`, line2: `Hof ${tag}`, city: `Berlin ${tag}`, state: null, postal_code: postal, country };
}

export type Entry = Record<string, any> & { id: string; default_for: string[] }; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON under test

export async function addAddress(api: Api, customerId: string, params: Record<string, unknown>): Promise<Entry> {
  const res = await api.post(`/v1/customers/${customerId}/addresses`, params);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** Every entry of the customer's address book, newest first. */
export async function bookOf(api: Api, customerId: string): Promise<Entry[]> {
  const ids = await allIds(api, `/v1/customers/${customerId}/addresses`);
  const expanded = await api.get(`/v1/customers/${customerId}`, { expand: ['addresses'] });
  expect(expanded.status).toBe(200);
  const entries = expanded.body.addresses.data as Entry[];
  expect(entries.map((e) => e.id)).toEqual(ids);
  return entries;
}

/**
 * SPEC K-1's invariant, read back through the API: one default per role at most, the billing
 * default's address is the customer's `address`, the shipping default's (address, name, phone)
 * its `shipping`. Returns the customer and its book.
 */
export async function expectInStep(api: Api, customerId: string) {
  const customer = (await api.get(`/v1/customers/${customerId}`)).body;
  const book = await bookOf(api, customerId);
  const billing = book.filter((e) => e.default_for.includes('billing'));
  const shipping = book.filter((e) => e.default_for.includes('shipping'));
  expect(billing.length, 'billing defaults').toBeLessThanOrEqual(1);
  expect(shipping.length, 'shipping defaults').toBeLessThanOrEqual(1);
  if (billing[0]) expect(customer.address, 'customer.address is its billing default').toEqual(billing[0].address);
  if (shipping[0]) {
    expect(customer.shipping, 'customer.shipping is its shipping default').toEqual({
      address: shipping[0].address,
      name: shipping[0].name,
      phone: shipping[0].phone,
    });
  }
  return { customer, book, billing: billing[0], shipping: shipping[0] };
}
