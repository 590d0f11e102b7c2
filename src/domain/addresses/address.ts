import type { Address } from '../customers/customer.js';

/** What an address book entry can be the customer's default for (SPEC K-1). */
export const ADDRESS_DEFAULTS = ['billing', 'shipping'] as const;

export type AddressDefault = (typeof ADDRESS_DEFAULTS)[number];

/**
 * One entry of a customer's address book (SPEC K-1). The entry that is the default for billing
 * is the customer's `address`; the default for shipping is its `shipping` (address, name, phone).
 */
export interface AddressRecord {
  id: string;
  livemode: boolean;
  created: number;
  updated: number;
  version: number;
  customer_id: string;
  label: string | null;
  name: string | null;
  phone: string | null;
  address: Address;
  /** The postal code folded for search (postalCodeKey): upper case, no spaces or dashes. */
  postal_code_key: string | null;
  default_billing: boolean;
  default_shipping: boolean;
  metadata: Record<string, string>;
}

/** SPEC K-1: the most entries one customer's address book can hold. */
export const MAX_ADDRESSES_PER_CUSTOMER = 100;
