/**
 * The address book and the customer's Stripe fields never disagree (SPEC K-1): the entry that is
 * the default for billing holds the customer's `address`, the default for shipping holds its
 * `shipping` (address, name, phone). Pure: the address service applies the book's side of a
 * change to the customer, the address resource's afterCustomerUpdate applies a direct edit of the
 * customer to the book, both in the writing transaction under the customer's row lock.
 */
import type { Address, CustomerRecord, Shipping } from '../customers/customer.js';
import type { AddressRecord } from './address.js';

const ADDRESS_LINES = ['line1', 'line2', 'city', 'state', 'postal_code', 'country'] as const;

export function sameAddress(a: Address | null, b: Address | null): boolean {
  if (a === null || b === null) return a === b;
  return ADDRESS_LINES.every((line) => a[line] === b[line]);
}

export function sameShipping(a: Shipping | null, b: Shipping | null): boolean {
  if (a === null || b === null) return a === b;
  return a.name === b.name && a.phone === b.phone && sameAddress(a.address, b.address);
}

/** The customer's `shipping` as a shipping default gives it (such an entry always has a name). */
export function shippingOf(entry: Pick<AddressRecord, 'address' | 'name' | 'phone'>): Shipping {
  return { address: { ...entry.address }, name: entry.name ?? '', phone: entry.phone };
}

/** Upper case without spaces or dashes: `ec1a 1bb` and `EC1A1BB` are one postal code to search. */
export function postalCodeKey(postalCode: string | null): string | null {
  const key = postalCode?.toUpperCase().replace(/[\s-]/g, '') ?? '';
  return key === '' ? null : key;
}

/** Book → customer: the customer's address and shipping once `entry` holds the roles it has. */
export function customerFollowing(customer: CustomerRecord, entry: AddressRecord): CustomerRecord {
  return {
    ...customer,
    ...(entry.default_billing && { address: { ...entry.address } }),
    ...(entry.default_shipping && { shipping: shippingOf(entry) }),
  };
}

/** Whether a customer write changed its address or its shipping. */
export function editsAddressOrShipping(before: CustomerRecord, after: CustomerRecord): boolean {
  return !sameAddress(before.address, after.address) || !sameShipping(before.shipping, after.shipping);
}

function sameEntry(a: AddressRecord, b: AddressRecord): boolean {
  return (
    sameAddress(a.address, b.address) &&
    a.name === b.name &&
    a.phone === b.phone &&
    a.default_billing === b.default_billing &&
    a.default_shipping === b.default_shipping
  );
}

/**
 * Customer → book: the default entries after a direct edit of the customer's `address` or
 * `shipping` (only those that change). An entry follows the edit of the field it is the default
 * for. One entry that is the default for both follows an edit of either; when the edit leaves the
 * two fields different (only one was edited, or both to different addresses — then the entry
 * follows `address`), it keeps only the role whose field it still matches, so the other field has
 * no default until one is set. A field set to null takes its role from the entry; the entry stays.
 */
export function entriesFollowing(before: CustomerRecord, after: CustomerRecord, defaults: readonly AddressRecord[]): AddressRecord[] {
  if (!editsAddressOrShipping(before, after)) return [];
  const addressEdited = !sameAddress(before.address, after.address);
  const shippingEdited = !sameShipping(before.shipping, after.shipping);
  const changed: AddressRecord[] = [];
  for (const entry of defaults) {
    let next: AddressRecord = { ...entry };
    const shipping = after.shipping;
    const followsShipping =
      entry.default_shipping &&
      shippingEdited &&
      shipping !== null &&
      (!entry.default_billing || !addressEdited || after.address === null || sameAddress(after.address, shipping.address));
    if (followsShipping) next = { ...next, address: { ...shipping.address }, name: shipping.name, phone: shipping.phone };
    if (entry.default_billing && addressEdited && after.address !== null) next.address = { ...after.address };
    next.default_billing = entry.default_billing && after.address !== null && sameAddress(next.address, after.address);
    next.default_shipping = entry.default_shipping && shipping !== null && sameShipping(shippingOf(next), shipping);
    next.postal_code_key = postalCodeKey(next.address.postal_code);
    if (!sameEntry(entry, next)) changed.push(next);
  }
  return changed;
}
