import { randomBytes, randomInt } from 'node:crypto';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { expect } from 'vitest';
import type { Api, ApiResponse } from '../../helpers/harness.js';

const FUTURE_YEAR = new Date().getUTCFullYear() + 3;

/** A random run of decimal digits (for values whose format allows digits only). */
function digits(n: number): string {
  return Array.from({ length: n }, () => String(randomInt(10))).join('');
}

/**
 * One person's data, every value unique and easy to grep for: all text values carry `tag`, and
 * the values that must be digits (phones, tax ids) are random.
 */
export interface Person {
  tag: string;
  email: string;
  externalId: string;
  phone: string;
  phoneDigits: string;
  shippingPhone: string;
  cardPhone: string;
  taxIdOnCreate: string;
  taxIdLater: string;
  /** A contact's email and phone (SPEC K-1), the phone's E.164 form kept beside it. */
  contactEmail: string;
  contactPhone: string;
  contactPhoneDigits: string;
  /** Every personal value this person's records hold (the erasure checks look for each). */
  values: string[];
}

export function person(label: string): Person {
  const tag = `${label}${randomBytes(6).toString('hex')}`;
  // A valid number, so its E.164 form is stored beside it (and must be erased too).
  let local = '';
  do local = `415${randomInt(200, 999)}${digits(4)}`;
  while (!parsePhoneNumberFromString(`+1${local}`)?.isValid());
  const phone = `+1 ${local.slice(0, 3)} ${local.slice(3, 6)} ${local.slice(6)}`;
  const shippingPhone = `+44 20 ${digits(4)} ${digits(4)}`;
  const cardPhone = `+49 30 ${digits(8)}`;
  const taxIdOnCreate = `${digits(9)}RT${digits(4)}`;
  const taxIdLater = `${digits(9)}RT${digits(4)}`;
  let contactLocal = '';
  do contactLocal = `212${randomInt(200, 999)}${digits(4)}`;
  while (!parsePhoneNumberFromString(`+1${contactLocal}`)?.isValid());
  const p: Omit<Person, 'values'> = {
    tag,
    email: `erase-me-${tag}@example.com`,
    externalId: `ext-${tag}`,
    phone,
    phoneDigits: `+1${local}`, // the E.164 form
    shippingPhone,
    cardPhone,
    taxIdOnCreate,
    taxIdLater,
    contactEmail: `contact-${tag}@example.com`,
    contactPhone: `+1 (${contactLocal.slice(0, 3)}) ${contactLocal.slice(3, 6)}-${contactLocal.slice(6)}`,
    contactPhoneDigits: `+1${contactLocal}`,
  };
  return {
    ...p,
    values: [tag, p.email, p.externalId, phone, p.phoneDigits, shippingPhone, cardPhone, taxIdOnCreate, taxIdLater, p.contactEmail, p.contactPhone, p.contactPhoneDigits],
  };
}

function address(tag: string, what: string) {
  return {
    line1: `${what} ${tag} Erasure Street 1`,
    line2: `Flat ${tag}`,
    city: `City${tag}`,
    state: `State${tag}`,
    postal_code: 'EC1A 1BB',
    country: 'GB',
  };
}

/** Every personal field of a customer (SPEC C-1, C-3), with `p`'s values. */
export function customerParams(p: Person): Record<string, unknown> {
  return {
    name: `Erin Erasable ${p.tag}`,
    business_name: `Erasable Ltd ${p.tag}`,
    individual_name: `Erin ${p.tag}`,
    first_name: `Erin${p.tag}`,
    last_name: `Erasable${p.tag}`,
    email: p.email,
    phone: p.phone,
    description: `Description of ${p.tag}`,
    notes: `Private support notes about ${p.tag}: prefers calls after 6pm.\nSecond line ${p.tag}.`,
    external_id: p.externalId,
    address: address(p.tag, 'Home'),
    shipping: { name: `Ship To ${p.tag}`, phone: p.shippingPhone, address: address(p.tag, 'Depot') },
    metadata: { crm_note: `meta-${p.tag}`, [`k${p.tag}`]: 'the key holds the tag' },
    invoice_settings: {
      custom_fields: [{ name: 'VAT reg', value: `cf-${p.tag}` }],
      footer: `Footer for ${p.tag}`,
    },
    preferred_locales: ['en-GB'],
  };
}

/** A raw card with billing details and metadata carrying `p`'s values. */
export function cardParams(p: Person): Record<string, unknown> {
  return {
    type: 'card',
    card: { number: '4242424242424242', exp_month: 11, exp_year: FUTURE_YEAR, cvc: '123' },
    billing_details: {
      name: `Card Holder ${p.tag}`,
      email: `billing-${p.tag}@example.com`,
      phone: p.cardPhone,
      address: address(p.tag, 'Billing'),
    },
    metadata: { pm_note: `pm-meta-${p.tag}` },
  };
}

/** A processor-vaulted card (display details only) with billing details carrying `p`'s values. */
export function vaultedCardParams(p: Person): Record<string, unknown> {
  return {
    type: 'card',
    provider: { name: 'stripe', reference: `pm_ref_${randomBytes(8).toString('hex')}` },
    card: { brand: 'mastercard', last4: '4444', exp_month: 6, exp_year: FUTURE_YEAR },
    billing_details: { name: `Vaulted Holder ${p.tag}` },
    metadata: { vaulted_note: `vaulted-meta-${p.tag}` },
  };
}

export interface Profile {
  customerId: string;
  /** The raw card given at creation (it is the default payment method). */
  card: Record<string, unknown> & { id: string };
  /** A vaulted card attached later. */
  vaulted: Record<string, unknown> & { id: string };
  taxIds: string[];
  integrations: Array<{ id: string; provider: string; provider_id: string }>;
  /** A charge with billing details and a receipt email, partly refunded. */
  charge: Record<string, unknown> & { id: string };
  refund: Record<string, unknown> & { id: string };
  /** A finalized invoice: the customer's email, name and address were copied into it. */
  invoice: Record<string, unknown> & { id: string };
  /** Its contact and its two address book entries (one the default for shipping). */
  contacts: string[];
  addresses: string[];
  /** Every POST that built the profile, with the Idempotency-Key it was sent with. */
  keyed: Array<{ path: string; params: Record<string, unknown>; key: string; response: ApiResponse }>;
}

/**
 * Builds a customer holding everything SPEC C-7 must erase, every write sent with an
 * Idempotency-Key (as the stripe SDK does): a card with billing details (the default payment
 * method), a vaulted card, tax ids at creation and later, two integrations, a charge with
 * billing details (partly refunded), a finalized invoice, and an update.
 * method), a vaulted card, tax ids at creation and later, two integrations, a contact (updated
 * once), two address book entries (one the shipping default), and an update.
 */
export async function buildProfile(api: Api, p: Person): Promise<Profile> {
  const keyed: Profile['keyed'] = [];
  const post = async (path: string, params: Record<string, unknown>) => {
    const key = `key-${randomBytes(8).toString('hex')}`;
    const response = await api.post(path, params, { 'idempotency-key': key });
    expect(response.status, `${path}: ${JSON.stringify(response.body)}`).toBe(200);
    keyed.push({ path, params, key, response });
    return response.body as Record<string, unknown> & { id: string };
  };
  const card = await post('/v1/payment_methods', cardParams(p));
  const customer = await post('/v1/customers', {
    ...customerParams(p),
    payment_method: card.id,
    invoice_settings: { ...(customerParams(p).invoice_settings as object), default_payment_method: card.id },
    tax_id_data: [{ type: 'ca_gst_hst', value: p.taxIdOnCreate }],
  });
  const vaulted = await post('/v1/payment_methods', vaultedCardParams(p));
  await post(`/v1/payment_methods/${vaulted.id}/attach`, { customer: customer.id });
  const later = await post(`/v1/customers/${customer.id}/tax_ids`, { type: 'ca_gst_hst', value: p.taxIdLater });
  const integrations = [
    await post(`/v1/customers/${customer.id}/integrations`, {
      provider: 'hubspot',
      provider_id: `hs-${p.tag}`,
      metadata: { owner: `owner-${p.tag}` },
    }),
    await post(`/v1/customers/${customer.id}/integrations`, { provider: 'custom:crm', provider_id: `crm-${p.tag}` }),
  ] as Array<{ id: string; provider: string; provider_id: string }>;
  const charge = await post('/v1/charges', {
    amount: 4200,
    currency: 'eur',
    customer: customer.id,
    payment_method: card.id,
    receipt_email: `receipt-${p.tag}@example.com`,
    billing_details: { name: `Charge Payer ${p.tag}`, email: `charge-${p.tag}@example.com`, phone: p.cardPhone, address: address(p.tag, 'Charge') },
    description: 'Consulting, March',
  });
  const refund = await post('/v1/refunds', { charge: charge.id, amount: 1000 });
  const draft = await post('/v1/invoices', { customer: customer.id, currency: 'eur', lines: [{ description: 'Consulting', unit_amount: 4200 }] });
  const invoice = await post(`/v1/invoices/${draft.id}/finalize`, {});
  const contact = await post(`/v1/customers/${customer.id}/contacts`, {
    name: `Contact ${p.tag}`,
    email: p.contactEmail,
    phone: p.contactPhone,
    roles: ['billing'],
    notes: `Contact notes ${p.tag}`,
    metadata: { contact_note: `contact-meta-${p.tag}` },
  });
  await post(`/v1/customers/${customer.id}/contacts/${contact.id}`, { name: `Contact Renamed ${p.tag}` });
  const addresses = [
    await post(`/v1/customers/${customer.id}/addresses`, { label: `Label ${p.tag}`, address: address(p.tag, 'Book') }),
    // The default for shipping: the customer's shipping becomes this entry (and stays the person's).
    await post(`/v1/customers/${customer.id}/addresses`, {
      label: `Dock ${p.tag}`,
      name: `Ship To ${p.tag}`,
      phone: p.shippingPhone,
      address: address(p.tag, 'Dock'),
      default_for: ['shipping'],
      metadata: { dock: `dock-${p.tag}` },
    }),
  ];
  await post(`/v1/customers/${customer.id}`, { notes: `Updated notes ${p.tag}`, metadata: { extra: `extra-${p.tag}` } });
  const taxIds = await api.get(`/v1/customers/${customer.id}/tax_ids`);
  expect(taxIds.status).toBe(200);
  expect(taxIds.body.data.map((t: { id: string }) => t.id)).toContain(later.id);
  return {
    customerId: customer.id,
    card,
    vaulted,
    taxIds: taxIds.body.data.map((t: { id: string }) => t.id),
    integrations,
    charge,
    refund,
    invoice,
    contacts: [contact.id],
    addresses: addresses.map((a) => a.id),
    keyed,
  };
}

/** The personal values of `p` that occur in `text`. */
export function leaks(text: string, p: Person): string[] {
  return p.values.filter((v) => text.includes(v));
}
