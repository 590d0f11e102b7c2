import { randomBase62 } from '../../../src/lib/ids.js';
import type { Api, ApiResponse } from '../../helpers/harness.js';

/**
 * The objects the suite creates in every scope (an account in one mode), one of each kind
 * through the API, and the values it puts into URLs, queries and bodies. Instances of one
 * kind stand in for each other as a foreign value: a route that takes a customer id is tried
 * with another scope's customer, child customer and deleted customer.
 */
export const INSTANCES = {
  customer: 'customer',
  child: 'customer',
  deleted_customer: 'customer',
  payment_method: 'payment_method',
  loose_payment_method: 'payment_method',
  tax_id: 'tax_id',
  integration: 'integration',
  contact: 'contact',
  address: 'address',
  contact_email: 'email',
  postal_code: 'postal_code',
  provider_id: 'provider_id',
  external_id: 'external_id',
  email: 'email',
  metadata_value: 'metadata_value',
  webhook_endpoint: 'webhook_endpoint',
  event: 'event',
  webhook_attempt: 'webhook_attempt',
  idempotency_key: 'idempotency_key',
  charge: 'charge',
  refund: 'refund',
  invoice: 'invoice',
  open_invoice: 'invoice',
  invoice_line: 'invoice_line',
  portal_configuration: 'portal_configuration',
} as const;

export type Instance = keyof typeof INSTANCES;

export const isInstance = (name: string): name is Instance => Object.hasOwn(INSTANCES, name);

/** The instances that may stand for `slot` when another scope's value is asked for: same kind, itself first. */
export function foreignInstances(slot: Instance): Instance[] {
  const kind = INSTANCES[slot];
  return [slot, ...(Object.keys(INSTANCES) as Instance[]).filter((i) => i !== slot && INSTANCES[i] === kind)];
}

export interface FixtureSet {
  label: string;
  /** The scope's secret key. */
  key: string;
  values: Partial<Record<Instance, string>>;
  /** Strings only this scope's objects hold: its ids, its tag (in every name, email, metadata…), its tax id value. */
  secrets: string[];
}

/** A value of `name` in this set; fails clearly when the set does not have it. */
export function valueOf(set: FixtureSet, name: Instance): string {
  const value = set.values[name];
  if (value === undefined) throw new Error(`fixture set ${set.label} has no ${name}`);
  return value;
}

/**
 * A value that names nothing, shaped like `value`: the same prefix (`cus_`, `pm_`, `ext_`, …),
 * the same length and the same suffix (an email's domain), the random part drawn the way real
 * ids are (src/lib/ids.ts). Same length keeps Content-Length comparable.
 */
export function missingLike(value: string): string {
  const m = /^([a-z]+_)([0-9A-Za-z]+)(.*)$/s.exec(value);
  if (!m) throw new Error(`missingLike: '${value}' is not <prefix>_<base62>…`);
  return `${m[1]}${randomBase62((m[2] as string).length)}${m[3]}`;
}

export const FUTURE_YEAR = new Date().getUTCFullYear() + 3;

export const CARD = { type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: FUTURE_YEAR, cvc: '123' } };

async function ok(what: string, res: Promise<ApiResponse>): Promise<ApiResponse> {
  const r = await res;
  if (r.status !== 200) throw new Error(`fixture ${what} failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r;
}

/**
 * One of every object in the scope of `api`'s key: a customer with external_id, email and
 * metadata, a default card attached to it, a tax id, an integration, a contact and an address
 * book entry; its child; a deleted
 * customer; an unattached card; a customer created with an Idempotency-Key; a webhook endpoint (created first, so the customers' events
 * are queued for it) and the newest event. The delivery attempt is added by the caller once
 * the worker has delivered (see attemptOf).
 */
export async function createFixtureSet(api: Api, label: string, key: string, hookUrl: string): Promise<FixtureSet> {
  const tag = randomBase62(20);
  // The endpoint first, so the customers' events are queued for it.
  const endpoint = await ok('webhook endpoint', api.post('/v1/webhook_endpoints', { url: hookUrl, enabled_events: ['customer.created'], description: `Hook ${tag}` }));
  const customer = await ok(
    'customer',
    api.post('/v1/customers', {
      name: `Private ${tag}`,
      email: `em_${tag}@example.com`,
      external_id: `ext_${tag}`,
      metadata: { tag: `md_${tag}` },
    }),
  );
  const id = customer.body.id as string;
  const ein = `12${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
  // Independent of each other: made concurrently.
  const [child, deleted, pm, loose, taxId, integration, contact, address, idempotent] = await Promise.all([
    ok('child', api.post('/v1/customers', { name: `Child ${tag}`, parent: id })),
    ok('deleted customer', api.post('/v1/customers', { name: `Deleted ${tag}` })).then(async (r) => {
      await ok('delete', api.del(`/v1/customers/${r.body.id}`));
      return r;
    }),
    ok('payment method', api.post('/v1/payment_methods', { ...CARD, billing_details: { name: `Holder ${tag}` } })).then(async (r) => {
      await ok('attach', api.post(`/v1/payment_methods/${r.body.id}/attach`, { customer: id }));
      await ok('default', api.post(`/v1/customers/${id}`, { invoice_settings: { default_payment_method: r.body.id } }));
      return r;
    }),
    ok('loose payment method', api.post('/v1/payment_methods', { ...CARD, metadata: { tag: `md_${tag}` } })),
    ok('tax id', api.post(`/v1/customers/${id}/tax_ids`, { type: 'us_ein', value: ein })),
    ok('integration', api.post(`/v1/customers/${id}/integrations`, { provider: 'stripe', provider_id: `prov_${tag}` })),
    ok('contact', api.post(`/v1/customers/${id}/contacts`, { name: `Contact ${tag}`, email: `ce_${tag}@example.com`, roles: ['billing'] })),
    ok(
      'address',
      api.post(`/v1/customers/${id}/addresses`, { label: `Label ${tag}`, address: { line1: `Street ${tag}`, postal_code: `pc_${tag.slice(0, 12)}` } }),
    ),
    ok('idempotent create', api.post('/v1/customers', IDEMPOTENT_CREATE, { 'idempotency-key': `idk_${tag}` })),
  ]);
  // Payment history: a charge on the default card with a refund, a draft and an open invoice.
  const charge = await ok('charge', api.post('/v1/charges', { customer: id, amount: 5000, currency: 'usd', payment_method: pm.body.id, description: `Charge ${tag}` }));
  const [refund, invoice, open] = await Promise.all([
    ok('refund', api.post('/v1/refunds', { charge: charge.body.id, amount: 500 })),
    ok('invoice', api.post('/v1/invoices', { customer: id, currency: 'usd', lines: [{ description: `Seat ${tag}`, quantity: 1, unit_amount: 1000 }] })),
    ok('open invoice', api.post('/v1/invoices', { customer: id, currency: 'usd', lines: [{ description: 'Seat', quantity: 2, unit_amount: 700 }] })).then((r) =>
      ok('finalize', api.post(`/v1/invoices/${r.body.id}/finalize`, {})),
    ),
  ]);
  const portal = await ok(
    'portal configuration',
    api.post('/v1/billing_portal/configurations', { business_profile: { headline: `Portal ${tag}` }, default_return_url: 'https://shop.example/account', metadata: { tag: `md_${tag}` } }),
  );
  const events = await ok('events', api.get('/v1/events', { limit: 1 }));
  const values: FixtureSet['values'] = {
    customer: id,
    child: child.body.id,
    deleted_customer: deleted.body.id,
    payment_method: pm.body.id,
    loose_payment_method: loose.body.id,
    tax_id: taxId.body.id,
    integration: integration.body.id,
    contact: contact.body.id,
    address: address.body.id,
    contact_email: `ce_${tag}@example.com`,
    postal_code: `pc_${tag.slice(0, 12)}`,
    provider_id: `prov_${tag}`,
    external_id: `ext_${tag}`,
    email: `em_${tag}@example.com`,
    metadata_value: `md_${tag}`,
    webhook_endpoint: endpoint.body.id,
    event: events.body.data[0].id,
    idempotency_key: `idk_${tag}`,
    charge: charge.body.id,
    refund: refund.body.id,
    invoice: invoice.body.id,
    open_invoice: open.body.id,
    invoice_line: invoice.body.lines.data[0].id,
    portal_configuration: portal.body.id,
  };
  const secrets = [tag, taxId.body.value as string, idempotent.body.id as string, ...Object.values(values)];
  return { label, key, values, secrets };
}

/** The create the fixtures send with an Idempotency-Key (requests.ts replays it). */
export const IDEMPOTENT_CREATE = { name: 'Made once by the security suite' };

/** Adds the scope's first delivery attempt (the worker must have recorded one). */
export async function addAttempt(api: Api, set: FixtureSet): Promise<void> {
  const r = await ok('attempts', api.get(`/v1/webhook_endpoints/${valueOf(set, 'webhook_endpoint')}/attempts`, { limit: 1 }));
  const attempt = r.body.data[0] as { id: string } | undefined;
  if (!attempt) throw new Error(`fixture set ${set.label}: no delivery attempt was recorded`);
  set.values.webhook_attempt = attempt.id;
  set.secrets.push(attempt.id);
}
