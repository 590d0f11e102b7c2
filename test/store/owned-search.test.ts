import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressRecord } from '../../src/domain/addresses/address.js';
import { postalCodeKey } from '../../src/domain/addresses/address-book.js';
import type { ContactRecord } from '../../src/domain/contacts/contact.js';
import type { CustomerRecord } from '../../src/domain/customers/customer.js';
import { e164 } from '../../src/domain/customers/customer-rules.js';
import type { Scope } from '../../src/domain/scope.js';
import { parseSearchQuery } from '../../src/domain/search/query-parser.js';
import { newId } from '../../src/lib/ids.js';
import type { Cursor, CustomerSearchQuery } from '../../src/store/port.js';
import { createTestApp, STORES, type TestApp } from '../helpers/harness.js';

const T0 = 1_700_600_000;
const DENSE = 1_050;
/** Held by a contact of every customer: more than the store starts a query from. */
const COMMON_PHONE = '+49 30 901820';
const COMMON_POSTAL = '10115';

interface Owned {
  customer: CustomerRecord;
  position: Cursor;
  contacts: ContactRecord[];
  addresses: AddressRecord[];
}

function customer(i: number): CustomerRecord {
  return {
    id: newId('cus'),
    livemode: false,
    // Out of insertion order, with many ties in each second.
    created: T0 + ((i * 7919) % 97),
    updated: T0,
    deleted: i % 101 === 50,
    version: 1,
    external_id: null,
    email: `owner${i}@customers.example`,
    email_key: `owner${i}@customers.example`,
    name: `Owner ${i}`,
    business_name: null,
    individual_name: null,
    first_name: null,
    last_name: null,
    phone: null,
    phone_e164: null,
    description: null,
    notes: null,
    address: null,
    shipping: null,
    balance: 0,
    currency: null,
    invoice_prefix: `OS${String(i).padStart(6, '0')}`,
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    next_invoice_sequence: 1,
    preferred_locales: [],
    tax_exempt: 'none',
    metadata: {},
    parent_id: null,
    delinquent_after: null,
    created_by: null,
    updated_by: null,
  };
}

function contact(owner: CustomerRecord, i: number, k: number): ContactRecord {
  const email = k === 2 ? null : `Person${i}.${k}@${i % 3 === 0 ? 'three' : 'other'}.example`;
  // The common number on up to two contacts a customer (more rows than customers), a rare one on some second contacts.
  const phone = k === 0 || (k === 1 && i % 97 !== 0) ? COMMON_PHONE : k === 1 ? `+1 650 555 ${1000 + i}` : null;
  return {
    id: newId('ctc'),
    livemode: false,
    created: owner.created,
    updated: owner.created,
    version: 1,
    customer_id: owner.id,
    name: `Contact ${i}.${k}`,
    email,
    email_key: email?.toLowerCase() ?? null,
    phone,
    phone_e164: e164(phone),
    roles: [],
    receives_invoices: false,
    notes: null,
    metadata: {},
  };
}

function address(owner: CustomerRecord, i: number): AddressRecord {
  const postal = i % 113 === 0 ? `SW1A ${i % 10}AA` : COMMON_POSTAL;
  return {
    id: newId('addr'),
    livemode: false,
    created: owner.created,
    updated: owner.created,
    version: 1,
    customer_id: owner.id,
    label: null,
    name: null,
    phone: null,
    address: { line1: `Street ${i}`, line2: null, city: 'Berlin', state: null, postal_code: postal, country: 'DE' },
    postal_code_key: postalCodeKey(postal),
    default_billing: false,
    default_shipping: false,
    metadata: {},
  };
}

/**
 * The plans of the search fields on what a customer owns (SPEC K-1, Q-2), at a size where they
 * differ: an exact value held by few customers (the holders drive) or by more than the store
 * starts from (newest first), a substring common enough for the newest customers to answer or
 * rare enough for the trigram index to, mixed with the customer's own fields, negated, OR'd.
 * Every plan must give exactly what a filter over all rows in (created, seq) order gives, and
 * never a deleted customer.
 */
describe.each(STORES)('store: search on contacts and addresses (%s)', (kind) => {
  let t: TestApp;
  let scope: Scope;
  const rows: Owned[] = [];

  beforeAll(async () => {
    t = await createTestApp(kind);
    scope = { accountId: t.account.id, livemode: false };
    const built = Array.from({ length: DENSE }, (_, i) => {
      const c = customer(i);
      // Customer i has 1–3 contacts and an address; every 7th has no contact at all.
      const contacts = i % 7 === 3 ? [] : Array.from({ length: 1 + (i % 3) }, (_, k) => contact(c, i, k));
      return { customer: c, contacts, addresses: i % 5 === 4 ? [] : [address(c, i)] };
    });
    await t.store.write(async (repos) => {
      for (const b of built) {
        await repos.customers.insert(scope, b.customer);
        for (const c of b.contacts) await repos.contacts.insert(scope, c);
        for (const a of b.addresses) await repos.addresses.insert(scope, a);
      }
    });
    for (const b of built) {
      const position = await t.store.read((repos) => repos.customers.cursorOf(scope, b.customer.id));
      rows.push({ ...b, position: position! });
    }
  }, 120_000 /* inserts 1,050 customers with ~2,000 contacts: ~3 s idle */);
  afterAll(async () => t?.close());

  /** Every match through the store, `limit` at a time, following the last position. */
  async function searchAll(text: string, limit: number): Promise<string[]> {
    const parsed = parseSearchQuery(text);
    const query: CustomerSearchQuery = {
      combinator: parsed.combinator,
      clauses: parsed.clauses.map((c) => {
        if (c.op !== 'eq' || typeof c.value !== 'string') return c;
        if (c.field === 'contact_phone') return { ...c, e164: e164(c.value) };
        if (c.field === 'contact_email') return { ...c, folded: c.value.toLowerCase() };
        if (c.field === 'address_postal_code') return { ...c, folded: postalCodeKey(c.value) ?? '' };
        return c;
      }),
    };
    const ids: string[] = [];
    let after: Cursor | undefined;
    for (let pages = 0; pages < 2000; pages++) {
      const hits = await t.store.read((repos) => repos.customers.search(scope, query, { limit, ...(after && { after }) }));
      const page = hits.slice(0, limit);
      ids.push(...page.map((h) => h.customer.id));
      if (hits.length <= limit) return ids;
      after = page.at(-1)!.position;
    }
    throw new Error('too many pages');
  }

  function expected(predicate: (o: Owned) => boolean): string[] {
    return rows
      .filter((r) => !r.customer.deleted && predicate(r))
      .sort((a, b) => b.position.created - a.position.created || b.position.seq - a.position.seq)
      .map((r) => r.customer.id);
  }

  const emails = (o: Owned) => o.contacts.flatMap((c) => (c.email_key ? [c.email_key] : []));
  const phones = (o: Owned) => o.contacts.flatMap((c) => (c.phone_e164 ? [c.phone_e164] : []));
  const postals = (o: Owned) => o.addresses.map((a) => a.postal_code_key);

  it('the data holds what the plans differ on', () => {
    expect(rows.flatMap((r) => r.contacts).filter((c) => c.phone === COMMON_PHONE).length).toBeGreaterThan(1000);
    expect(expected((o) => phones(o).includes('+16505551097'))).toHaveLength(1);
    expect(expected((o) => postals(o).includes(COMMON_POSTAL)).length).toBeGreaterThan(800);
    expect(rows.filter((r) => r.customer.deleted && r.contacts.length > 0).length).toBeGreaterThan(3);
  });

  it.each([
    ['an exact email held by one customer (holders drive)', 'contact_email:"PERSON43.1@OTHER.example"', (o: Owned) => emails(o).includes('person43.1@other.example')],
    ['an exact phone held by one, in another formatting', 'contact_phone:"+16505551097"', (o: Owned) => phones(o).includes('+16505551097')],
    ['an exact phone as given', 'contact_phone:"+1 650 555 1194"', (o: Owned) => phones(o).includes('+16505551194')],
    ['an exact phone every customer’s contact holds (newest first)', `contact_phone:"${COMMON_PHONE.replaceAll(' ', '')}"`, (o: Owned) => phones(o).includes(e164(COMMON_PHONE)!)],
    ['a rare postal code, folded', 'address_postal_code:"sw1a-0aa"', (o: Owned) => postals(o).includes('SW1A0AA')],
    ['a common postal code', `address_postal_code:"${COMMON_POSTAL}"`, (o: Owned) => postals(o).includes(COMMON_POSTAL)],
    ['a common substring (the newest answer it)', 'contact_email~"three.exa"', (o: Owned) => emails(o).some((e) => e.includes('three.exa'))],
    ['a rare substring (the trigram index answers it)', 'contact_email~"son1000."', (o: Owned) => emails(o).some((e) => e.includes('son1000.'))],
    ['a substring nobody holds', 'contact_email~"nobody"', () => false],
    ['a rare substring with a common exact value', `contact_email~"n7.1@" AND address_postal_code:"${COMMON_POSTAL}"`, (o: Owned) => emails(o).some((e) => e.includes('n7.1@')) && postals(o).includes(COMMON_POSTAL)],
    ['two owned values, the fewer holders drive', `contact_phone:"${COMMON_PHONE}" AND address_postal_code:"SW1A 0AA"`, (o: Owned) => phones(o).includes(e164(COMMON_PHONE)!) && postals(o).includes('SW1A0AA')],
    ['an owned value with a customer field', 'contact_email~"other" AND email:"owner8@customers.example"', (o: Owned) => o.customer.email === 'owner8@customers.example' && emails(o).some((e) => e.includes('other'))],
    ['an owned value with a customer substring', 'name~"owner 10" AND contact_email~"three"', (o: Owned) => o.customer.name!.includes('Owner 10') && emails(o).some((e) => e.includes('three'))],
    ['a negated owned substring', '-contact_email~"three"', (o: Owned) => !emails(o).some((e) => e.includes('three'))],
    ['no contact email at all', 'contact_email:null', (o: Owned) => emails(o).length === 0],
    ['no postal code at all', 'address_postal_code:null', (o: Owned) => postals(o).length === 0],
    ['OR of an owned value and a customer substring', 'contact_phone:"(+1) 650-555-1097" OR name~"owner 99"', (o: Owned) => phones(o).includes('+16505551097') || o.customer.name!.includes('Owner 99')],
  ])('%s: %s gives every match once, newest first', async (_label, query, predicate) => {
    const want = expected(predicate);
    if (!query.includes('nobody')) expect(want.length, 'the case has matches').toBeGreaterThan(0);
    // A page of 1 reads a window of 200 newest customers, so a rare substring goes on to its holders.
    for (const limit of want.length <= 60 ? [100, 7, 1] : [100, 7]) expect(await searchAll(query, limit), `limit ${limit}`).toEqual(want);
  });
});
