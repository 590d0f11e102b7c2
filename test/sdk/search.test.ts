/**
 * stripe.customers.search through the official SDK, unchanged, over real HTTP (SPEC ):
 * a search_result the SDK understands, and auto-pagination that follows next_page.
 */
import { readFileSync } from 'node:fs';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type TestApp } from '../helpers/harness.js';

interface SearchResultSchema {
  required: string[];
  properties: Record<string, { enum?: string[]; nullable?: boolean }>;
}

/** Stripe's own response schema for GET /v1/customers/search (test/fixtures, from its OpenAPI spec). */
const searchContract = (
  JSON.parse(readFileSync(new URL('../fixtures/stripe-v1-customers.json', import.meta.url), 'utf8')) as {
    paths: Record<string, { get: { responses: { 200: { content: { 'application/json': { schema: SearchResultSchema } } } } } }>;
  }
).paths['/v1/customers/search']!.get.responses[200].content['application/json'].schema;

describe.each(STORES)('stripe SDK: customers.search (%s)', (kind) => {
  let t: TestApp;
  let stripe: Stripe;

  beforeAll(async () => {
    t = await createTestApp(kind);
    const base = await t.listen();
    stripe = new Stripe(t.account.test, { host: base.host, port: base.port, protocol: 'http', maxNetworkRetries: 0 });
  });
  afterAll(async () => t?.close());

  it('finds a customer the moment create returns, with the SDK’s own query encoding', async () => {
    const created = await stripe.customers.create({
      email: 'Sdk.Search@Example.com',
      name: `Ada "Countess" O'Lovelace`,
      metadata: { plan: 'pro tier' },
    });
    const result = await stripe.customers.search({ query: 'email:"sdk.search@example.com"' });
    expect(result.object).toBe('search_result');
    expect(result.url).toBe('/v1/customers/search');
    expect(result.has_more).toBe(false);
    expect(result.next_page).toBeNull();
    expect(result.data.map((c) => c.id)).toEqual([created.id]);
    expect(result.data[0]).toMatchObject({ object: 'customer', email: 'Sdk.Search@Example.com', metadata: { plan: 'pro tier' } });

    const quoted = await stripe.customers.search({ query: `name~"\\"countess\\"" AND metadata['plan']:'pro tier'` });
    expect(quoted.data.map((c) => c.id)).toEqual([created.id]);
  });

  it('autoPagingToArray follows next_page through every match, newest first, once each', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) ids.push((await stripe.customers.create({ name: `Paged Person ${i}`, metadata: { group: 'paged' } })).id);
    const newestFirst = (await stripe.customers.list({ limit: 100 }).autoPagingToArray({ limit: 1000 }))
      .map((c) => c.id)
      .filter((id) => ids.includes(id));
    expect(newestFirst).toHaveLength(25);

    const bySubstring = await stripe.customers.search({ query: 'name~"paged person"', limit: 10 }).autoPagingToArray({ limit: 1000 });
    expect(bySubstring.map((c) => c.id)).toEqual(newestFirst);

    const byMetadata = await stripe.customers.search({ query: 'metadata["group"]:"paged"', limit: 7 }).autoPagingToArray({ limit: 1000 });
    expect(byMetadata.map((c) => c.id)).toEqual(newestFirst);

    const seen: string[] = [];
    for await (const customer of stripe.customers.search({ query: 'name~"paged"', limit: 4 })) seen.push(customer.id);
    expect(seen).toEqual(newestFirst);

    const first = await stripe.customers.search({ query: 'name~"paged"', limit: 10 });
    expect(first.has_more).toBe(true);
    const second = await stripe.customers.search({ query: 'name~"paged"', limit: 10, page: first.next_page as string });
    expect(second.data.map((c) => c.id)).toEqual(newestFirst.slice(10, 20));
  });

  it('the search_result has the fields of Stripe’s contract (total_count only when expanded, which Clientele does not offer)', async () => {
    await stripe.customers.create({ name: 'Contract Person' });
    const result = await stripe.customers.search({ query: 'name~"contract"', limit: 1 });
    const keys = Object.keys(result).filter((k) => k !== 'lastResponse');
    expect(keys).toEqual(expect.arrayContaining(searchContract.required));
    for (const key of keys) expect(Object.keys(searchContract.properties), key).toContain(key);
    expect(searchContract.properties.object?.enum).toEqual([result.object]);
    expect(searchContract.properties.next_page?.nullable).toBe(true);
    expect(keys).not.toContain('total_count');
  });

  it('a deleted customer disappears from search at once', async () => {
    const customer = await stripe.customers.create({ name: 'Soon Deleted' });
    expect((await stripe.customers.search({ query: 'name:"soon deleted"' })).data).toHaveLength(1);
    await stripe.customers.del(customer.id);
    expect((await stripe.customers.search({ query: 'name:"soon deleted"' })).data).toEqual([]);
  });

  it('a bad query is a StripeInvalidRequestError on param query, pointing at the position', async () => {
    const error = await stripe.customers.search({ query: 'name~"ab"' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    const e = error as Stripe.errors.StripeInvalidRequestError;
    expect(e.statusCode).toBe(400);
    expect(e.param).toBe('query');
    expect(e.message).toMatch(/^Invalid query at position 5: /);
  });
});
