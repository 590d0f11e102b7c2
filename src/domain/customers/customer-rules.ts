import { parsePhoneNumberFromString } from 'libphonenumber-js';
import {
  countryCodeInvalid,
  emailInvalid,
  invalidCharacters,
  parameterInvalid,
  parameterInvalidEmpty,
  parameterInvalidStringTooLong,
  parameterInvalidTooManyItems,
} from '../errors.js';
import type { Address, CustomerRecord, InvoiceSettings, TaxExempt } from './customer.js';
import type { AddressInput, CustomerInput } from './customer-input.js';
import { COUNTRY_CODES } from './countries.js';

/** Limits from SPEC C-3 and C-4; docs/customers.md lists them for users. */
export const METADATA_MAX_KEYS = 50;
export const METADATA_KEY_MAX = 40;
export const METADATA_VALUE_MAX = 500;
/** The route schema refuses longer notes first; this holds the rule for every caller (the console). */
export const NOTES_MAX_LENGTH = 10_000;

const LINE_BREAK_OR_TAB = /[\t\n\r]/;
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const INVOICE_PREFIX = /^[A-Z0-9]{3,12}$/;

/** Names, phones and the like are one line (SPEC C-3). */
export function singleLine(param: string, value: string | null | undefined): void {
  if (typeof value === 'string' && LINE_BREAK_OR_TAB.test(value)) {
    throw invalidCharacters(`Invalid ${param}: tabs and line breaks are not allowed in this field.`, param);
  }
}

export function validateEmail(email: string, param = 'email'): void {
  const at = email.lastIndexOf('@');
  if (!EMAIL.test(email) || at > 64 || email.includes('..')) {
    throw emailInvalid(email, param);
  }
}

export function validateAddressInput(prefix: string, input: AddressInput): Address {
  for (const field of ['line1', 'line2', 'city', 'state', 'postal_code', 'country'] as const) {
    singleLine(`${prefix}[${field}]`, input[field]);
  }
  let country = input.country ?? null;
  if (country !== null) {
    country = country.toUpperCase();
    if (!COUNTRY_CODES.has(country)) {
      throw countryCodeInvalid(input.country ?? '', `${prefix}[country]`);
    }
  }
  return {
    line1: input.line1 ?? null,
    line2: input.line2 ?? null,
    city: input.city ?? null,
    state: input.state ?? null,
    postal_code: input.postal_code ?? null,
    country,
  };
}

function validateLocales(locales: string[]): string[] {
  return locales.map((tag, i) => {
    try {
      const [canonical] = Intl.getCanonicalLocales(tag);
      if (!canonical) throw new RangeError('empty');
      return canonical;
    } catch {
      throw parameterInvalid(`Invalid preferred_locales[${i}]: '${tag}' is not a BCP 47 language tag.`, `preferred_locales[${i}]`);
    }
  });
}

/** Applies metadata changes: merge keys, null removes a key, a null map clears all. */
export function mergeMetadata(
  current: Record<string, string>,
  change: Record<string, string | null> | null,
  maxKeys = METADATA_MAX_KEYS,
): Record<string, string> {
  if (change === null) return {};
  const next: Record<string, string> = { ...current };
  for (const [key, value] of Object.entries(change)) {
    if (key === '' || key.length > METADATA_KEY_MAX || key.includes('[') || key.includes(']')) {
      throw parameterInvalid(
        `Invalid metadata key '${key.slice(0, 50)}': keys must be 1–${METADATA_KEY_MAX} characters without '[' or ']'.`,
        `metadata[${key.slice(0, 50)}]`,
      );
    }
    if (value === null) {
      delete next[key];
      continue;
    }
    if (value.length > METADATA_VALUE_MAX) {
      throw parameterInvalidStringTooLong(
        `Invalid metadata value for '${key}': values can be at most ${METADATA_VALUE_MAX} characters.`,
        `metadata[${key}]`,
      );
    }
    next[key] = value;
  }
  if (Object.keys(next).length > maxKeys) {
    throw parameterInvalidTooManyItems(`Invalid metadata: an object can have at most ${maxKeys} metadata keys.`, 'metadata');
  }
  return next;
}

/** The E.164 form of a phone number, kept beside the value as given (null when unparseable). */
export function e164(phone: string | null): string | null {
  if (phone === null) return null;
  const parsed = parsePhoneNumberFromString(phone);
  return parsed?.isValid() ? parsed.number : null;
}

export function emailKey(email: string | null): string | null {
  return email === null ? null : email.toLowerCase();
}

/**
 * Returns the customer as it is after `input` (pure: no I/O). Scalars given replace; null
 * unsets; address, shipping and preferred_locales are replaced whole; invoice_settings and
 * metadata merge field by field.
 */
export function applyCustomerInput(current: CustomerRecord, input: CustomerInput): CustomerRecord {
  const next: CustomerRecord = { ...current };
  const text = [
    'name',
    'business_name',
    'individual_name',
    'first_name',
    'last_name',
    'external_id',
  ] as const;
  for (const field of text) {
    const value = input[field];
    if (value === undefined) continue;
    singleLine(field, value);
    next[field] = value;
  }
  if (input.description !== undefined) next.description = input.description;
  if (input.notes !== undefined) {
    if (input.notes !== null && input.notes.length > NOTES_MAX_LENGTH) {
      throw parameterInvalidStringTooLong(`Invalid notes: must be at most ${NOTES_MAX_LENGTH} characters.`, 'notes');
    }
    next.notes = input.notes;
  }
  if (input.email !== undefined) {
    singleLine('email', input.email);
    if (input.email !== null) validateEmail(input.email);
    next.email = input.email;
    next.email_key = emailKey(input.email);
  }
  if (input.phone !== undefined) {
    singleLine('phone', input.phone);
    next.phone = input.phone;
    next.phone_e164 = e164(input.phone);
  }
  if (input.address !== undefined) {
    next.address = input.address === null ? null : validateAddressInput('address', input.merge_address ? mergedAddress(current.address, input.address) : input.address);
    if (input.merge_address && next.address && Object.values(next.address).every((line) => line === null)) next.address = null;
  }
  if (input.shipping !== undefined) {
    if (input.shipping === null) next.shipping = null;
    else {
      singleLine('shipping[name]', input.shipping.name);
      singleLine('shipping[phone]', input.shipping.phone);
      next.shipping = {
        address: validateAddressInput('shipping[address]', input.shipping.address),
        name: input.shipping.name,
        phone: input.shipping.phone ?? null,
      };
    }
  }
  if (input.balance !== undefined) next.balance = input.balance;
  if (input.next_invoice_sequence !== undefined) next.next_invoice_sequence = input.next_invoice_sequence;
  if (input.invoice_prefix !== undefined && input.invoice_prefix !== null) {
    if (!INVOICE_PREFIX.test(input.invoice_prefix)) {
      throw parameterInvalid(
        'Invalid invoice_prefix: use 3–12 upper-case letters or digits (e.g. ACME1).',
        'invoice_prefix',
      );
    }
    next.invoice_prefix = input.invoice_prefix;
  } else if (input.invoice_prefix === null) {
    throw parameterInvalidEmpty('invoice_prefix', 'invoice_prefix cannot be unset.');
  }
  if (input.preferred_locales !== undefined) {
    next.preferred_locales = input.preferred_locales === null ? [] : validateLocales(input.preferred_locales);
  }
  if (input.tax_exempt !== undefined) {
    next.tax_exempt = (input.tax_exempt === null || input.tax_exempt === '' ? 'none' : input.tax_exempt) as TaxExempt;
  }
  if (input.invoice_settings !== undefined) {
    next.invoice_settings = mergeInvoiceSettings(current.invoice_settings, input.invoice_settings);
  }
  if (input.metadata !== undefined) {
    const base = input.replace_metadata ? {} : current.metadata;
    next.metadata = mergeMetadata(base, input.metadata, Math.min(METADATA_MAX_KEYS, input.metadata_max_keys ?? METADATA_MAX_KEYS));
  }
  return next;
}

/** The current address with the lines `change` names replaced (undefined: kept). */
function mergedAddress(current: Address | null, change: AddressInput): AddressInput {
  const next: AddressInput = { ...current };
  for (const [line, value] of Object.entries(change) as Array<[keyof AddressInput, string | null | undefined]>) {
    if (value !== undefined) next[line] = value;
  }
  return next;
}

function mergeInvoiceSettings(current: InvoiceSettings, input: NonNullable<CustomerInput['invoice_settings']>): InvoiceSettings {
  const next: InvoiceSettings = { ...current };
  if (input.custom_fields !== undefined) {
    next.custom_fields = input.custom_fields === null ? null : input.custom_fields.map((f) => ({ name: f.name, value: f.value }));
  }
  if (input.footer !== undefined) next.footer = input.footer;
  if (input.default_payment_method !== undefined) next.default_payment_method = input.default_payment_method;
  if (input.rendering_options !== undefined) {
    next.rendering_options =
      input.rendering_options === null
        ? null
        : {
            amount_tax_display: input.rendering_options.amount_tax_display ?? null,
            template: input.rendering_options.template ?? null,
          };
  }
  return next;
}
