import type { AddressInput } from '../customers/customer-input.js';
import { mergeMetadata, singleLine, validateAddressInput } from '../customers/customer-rules.js';
import { parameterInvalid } from '../errors.js';
import { ADDRESS_DEFAULTS, type AddressDefault, type AddressRecord } from './address.js';
import { postalCodeKey } from './address-book.js';

/** An address book write as it arrives from the wire (shape-checked by the route schema); null unsets. */
export interface AddressBookInput {
  label?: string | null;
  name?: string | null;
  phone?: string | null;
  address?: AddressInput;
  default_for?: AddressDefault[] | null;
  metadata?: Record<string, string | null> | null;
}

/**
 * The entry as it is after `input` (pure): given fields replace (`address` whole, as on a
 * customer), null unsets, metadata merges, `default_for` is a set.
 */
export function applyAddressInput(current: AddressRecord, input: AddressBookInput): AddressRecord {
  const next: AddressRecord = { ...current };
  for (const field of ['label', 'name', 'phone'] as const) {
    const value = input[field];
    if (value === undefined) continue;
    singleLine(field, value);
    next[field] = value;
  }
  if (input.address !== undefined) {
    next.address = validateAddressInput('address', input.address);
    next.postal_code_key = postalCodeKey(next.address.postal_code);
  }
  if (input.default_for !== undefined) {
    const roles: readonly AddressDefault[] = input.default_for ?? [];
    next.default_billing = roles.includes(ADDRESS_DEFAULTS[0]);
    next.default_shipping = roles.includes(ADDRESS_DEFAULTS[1]);
  }
  if (input.metadata !== undefined) next.metadata = mergeMetadata(current.metadata, input.metadata);
  // Stripe's shipping has a required name: the entry that stands for it must have one.
  if (next.default_shipping && (next.name === null || next.name === '')) {
    throw parameterInvalid(
      'Invalid name: an address that is the default for shipping needs a name (it becomes the customer’s shipping[name], which is required).',
      'name',
    );
  }
  return next;
}
