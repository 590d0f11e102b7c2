/**
 * Contacts and the address book (SPEC K-1) through the official stripe SDK, unchanged, over real
 * HTTP: its generic request method (stripe.rawRequest) for the routes Stripe does not have, and
 * its own customers.retrieve / update / search / list for what reaches the customer.
 */
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type TestApp } from '../helpers/harness.js';

/** Runs `fn` and returns the error it raised (failing the test if it resolved). */
async function raised(fn: () => Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- responses of routes the SDK has no types for

describe.each(STORES)('stripe SDK: contacts and addresses (%s)', (kind) => {
  let t: TestApp;
  let stripe: Stripe;

  beforeAll(async () => {
    t = await createTestApp(kind);
    const base = await t.listen();
    stripe = new Stripe(t.account.test, { host: base.host, port: base.port, protocol: 'http', maxNetworkRetries: 2 });
  });
  afterAll(async () => t?.close());

  it('stripe.rawRequest creates, reads, lists (with role), updates and deletes contacts', async () => {
    const customer = await stripe.customers.create({ name: 'Acme via SDK' });
    const path = `/v1/customers/${customer.id}/contacts`;
    const created = (await stripe.rawRequest('POST', path, {
      name: 'Petra',
      email: 'Petra@Acme.example',
      phone: '+49 30 1234567',
      roles: ['billing', 'primary'],
      receives_invoices: true,
      metadata: { crm: 'c-1' },
    })) as Json;
    expect(created).toMatchObject({
      object: 'contact',
      customer: customer.id,
      email: 'Petra@Acme.example',
      roles: ['billing', 'primary'],
      receives_invoices: true,
      metadata: { crm: 'c-1' },
    });
    expect(created.lastResponse.headers['etag']).toBe(`"${created.id}.v1"`);
    await stripe.rawRequest('POST', path, { email: 'it@acme.example', roles: ['technical'] });
    expect(((await stripe.rawRequest('GET', `${path}/${created.id}`)) as Json).email).toBe('Petra@Acme.example');
    const billing = (await stripe.rawRequest('GET', `${path}?role=billing`)) as Json;
    expect(billing.data.map((c: Json) => c.id)).toEqual([created.id]);
    const updated = (await stripe.rawRequest('POST', `${path}/${created.id}`, { name: 'Petra P.', roles: ['legal'], metadata: { crm: '' } })) as Json;
    expect(updated).toMatchObject({ name: 'Petra P.', roles: ['legal'], metadata: {} });
    const deleted = (await stripe.rawRequest('DELETE', `${path}/${created.id}`)) as Json;
    expect(deleted).toMatchObject({ id: created.id, object: 'contact', deleted: true });
    const all = (await stripe.rawRequest('GET', path)) as Json;
    expect(all.data.map((c: Json) => c.email)).toEqual(['it@acme.example']);
  });

  it('errors arrive as StripeErrors: a duplicate email is a 409 the SDK does not retry, the limit a 400', async () => {
    const customer = await stripe.customers.create({});
    const path = `/v1/customers/${customer.id}/contacts`;
    await stripe.rawRequest('POST', path, { email: 'dup@acme.example' });
    const dup = await raised(() => stripe.rawRequest('POST', path, { email: 'DUP@acme.example' }));
    expect(dup).toMatchObject({ statusCode: 409, code: 'resource_already_exists', param: 'email' });
    // Stripe-Should-Retry: false tells the SDK (here allowed 2 retries) not to retry a 409.
    expect(dup.headers?.['stripe-should-retry']).toBe('false');
    expect(((await stripe.rawRequest('GET', path)) as Json).data).toHaveLength(1);
    const missing = await raised(() => stripe.rawRequest('GET', `/v1/customers/${customer.id}/contacts/ctc_000000000000000000000000`));
    expect(missing).toMatchObject({ statusCode: 404, code: 'resource_missing', type: 'StripeInvalidRequestError' });
    const bad = await raised(() => stripe.rawRequest('POST', path, { email: 'nope' }));
    expect(bad).toMatchObject({ statusCode: 400, code: 'email_invalid', param: 'email' });
  });

  it('the address book and the customer through the SDK’s own methods: defaults both ways, expand, search, list filter', async () => {
    const customer = await stripe.customers.create({ name: 'Book via SDK', address: { line1: 'Old 1', country: 'DE' } });
    const hq = (await stripe.rawRequest('POST', `/v1/customers/${customer.id}/addresses`, {
      label: 'HQ',
      address: { line1: 'Unter den Linden 1', postal_code: '10117', city: 'Berlin', country: 'DE' },
      default_for: ['billing'],
    })) as Json;
    expect(hq.default_for).toEqual(['billing']);
    let retrieved = await stripe.customers.retrieve(customer.id, { expand: ['addresses', 'contacts'] });
    if (retrieved.deleted) throw new Error('the customer is deleted');
    expect(retrieved.address).toEqual({ line1: 'Unter den Linden 1', line2: null, city: 'Berlin', state: null, postal_code: '10117', country: 'DE' });
    expect((retrieved as unknown as Json).addresses.data.map((a: Json) => a.id)).toEqual([hq.id]);
    expect((retrieved as unknown as Json).contacts.data).toEqual([]);

    // The customer's address edited with stripe.customers.update: the default entry follows.
    await stripe.customers.update(customer.id, { address: { line1: 'Pariser Platz 2', postal_code: '10117', city: 'Berlin', country: 'DE' } });
    const entry = (await stripe.rawRequest('GET', `/v1/customers/${customer.id}/addresses/${hq.id}`)) as Json;
    expect(entry.address).toMatchObject({ line1: 'Pariser Platz 2', postal_code: '10117' });
    retrieved = await stripe.customers.retrieve(customer.id);
    if (retrieved.deleted) throw new Error('the customer is deleted');
    expect(retrieved.address?.line1).toBe('Pariser Platz 2');

    await stripe.rawRequest('POST', `/v1/customers/${customer.id}/contacts`, { email: 'finance@book.example', phone: '+1 415 555 2671' });
    const byContact = await stripe.customers.search({ query: 'contact_email:"FINANCE@book.example"' });
    expect(byContact.data.map((c) => c.id)).toEqual([customer.id]);
    const byPhone = await stripe.customers.search({ query: 'contact_phone:"(415) 555-2671" OR contact_phone:"+1-415-555-2671"' });
    expect(byPhone.data.map((c) => c.id)).toEqual([customer.id]);
    const byPostal = await stripe.customers.search({ query: 'address_postal_code:"10117" AND contact_email~"finance@"' });
    expect(byPostal.data.map((c) => c.id)).toEqual([customer.id]);
    const listed = await stripe.customers.list({ contact_email: 'finance@book.example' } as Stripe.CustomerListParams);
    expect(listed.data.map((c) => c.id)).toEqual([customer.id]);
  });
});
