import { postalCodeKey } from '../addresses/address-book.js';
import type { Address } from '../customers/customer.js';

/** Providers that deliver `local+tag@` to `local@` (and, for Gmail, ignore dots in the local part). */
const PLUS_TAG_DOMAINS = new Set([
  'gmail.com',
  'googlemail.com',
  'outlook.com',
  'hotmail.com',
  'live.com',
  'icloud.com',
  'me.com',
  'proton.me',
  'protonmail.com',
  'fastmail.com',
]);
const DOTLESS_DOMAINS = new Set(['gmail.com', 'googlemail.com']);

/**
 * The form two addresses of one mailbox share (a duplicate signal, docs/merging.md): case-folded;
 * for the providers above without `+tag`, and for Gmail without dots and with googlemail.com
 * read as gmail.com. Other domains keep their local part as is (a `+` may be significant there).
 */
export function emailMatchKey(email: string | null): string | null {
  if (email === null) return null;
  const folded = email.trim().toLowerCase();
  const at = folded.lastIndexOf('@');
  if (at <= 0) return folded || null;
  let local = folded.slice(0, at);
  let domain = folded.slice(at + 1);
  if (domain === 'googlemail.com') domain = 'gmail.com';
  if (PLUS_TAG_DOMAINS.has(domain)) local = local.split('+')[0] ?? local;
  if (DOTLESS_DOMAINS.has(domain)) local = local.replaceAll('.', '');
  return local === '' ? null : `${local}@${domain}`;
}

/** A name folded for comparison: lower case, accents and punctuation gone, spaces collapsed. */
export function nameKey(name: string | null): string | null {
  if (name === null) return null;
  const folded = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  return folded === '' ? null : folded;
}

/** `name|postal code|country`, folded: null unless all three are known. */
export function nameAddressKey(name: string | null, address: Address | null): string | null {
  const n = nameKey(name);
  const postal = postalCodeKey(address?.postal_code ?? null);
  const country = address?.country?.toUpperCase() ?? null;
  if (n === null || postal === null || country === null || country === '') return null;
  return `${n}|${postal}|${country}`;
}
