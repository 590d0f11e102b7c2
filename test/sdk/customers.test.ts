/**
 * The official `stripe` SDK, unchanged, against a listening Clientele (SPEC §1 W, §2 C).
 * Every call goes over real HTTP through the SDK's own request path, so this is what a
 * merchant's existing Stripe integration sees.
 */
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type TestAccount, type TestApp } from '../helpers/harness.js';

/** Clientele's own customer fields (SPEC C-1); the SDK's types do not know them. */
interface ClienteleFields {
  external_id: string | null;
  first_name: string | null;
  last_name: string | null;
  notes: string | null;
  parent: string | null;
  updated: number;
  created_by: string | null;
  updated_by: string | null;
}

type ClienteleParams = Partial<Pick<ClienteleFields, 'external_id' | 'first_name' | 'last_name' | 'notes'>>;

/** The SDK forwards params its types do not declare; this is how a caller sends Clientele's extras. */
function params<T extends object>(p: T & ClienteleParams): T {
  return p;
}

function clientele<T extends Stripe.Customer>(c: T): T & ClienteleFields {
  return c as T & ClienteleFields;
}

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

describe.each(STORES)('stripe SDK: customers (%s)', (kind) => {
  let t: TestApp;
  let base: { host: string; port: number; url: string };
  let stripe: Stripe;
  const sdk = (key: string) => new Stripe(key, { host: base.host, port: base.port, protocol: 'http', maxNetworkRetries: 0 });

  beforeAll(async () => {
    t = await createTestApp(kind);
    base = await t.listen();
    stripe = sdk(t.account.test);
  });
  afterAll(async () => t?.close());

  describe('create and retrieve', () => {
    it('creates with every Stripe field plus Clientele extras and reads them back', async () => {
      const created = clientele(
        await stripe.customers.create(
          params<Stripe.CustomerCreateParams>({
            email: 'ada@example.com',
            name: 'Ada Lovelace',
            phone: '+44 20 7946 0958',
            description: 'Analytical engine customer',
            address: { line1: '12 St James Sq', line2: 'Flat 2', city: 'London', state: 'LDN', postal_code: 'SW1Y 4JH', country: 'gb' },
            shipping: {
              name: 'Ada L.',
              phone: '+442079460000',
              address: { line1: '1 Dock Rd', city: 'London', postal_code: 'E1 1AA', country: 'GB' },
            },
            metadata: { tier: 'gold', source: 'sdk' },
            preferred_locales: ['en-GB', 'fr'],
            invoice_settings: {
              custom_fields: [{ name: 'PO', value: '4711' }],
              footer: 'Thank you',
              rendering_options: { amount_tax_display: 'include_inclusive_tax' },
            },
            tax_exempt: 'reverse',
            external_id: 'crm-ada-1',
            notes: 'Prefers email.\nCall after 10am.',
            first_name: 'Ada',
            last_name: 'Lovelace',
          }),
        ),
      );
      expect(created.object).toBe('customer');
      expect(created.id).toMatch(/^cus_[0-9A-Za-z]+$/);
      expect(created.livemode).toBe(false);
      expect(created.email).toBe('ada@example.com');
      expect(created.name).toBe('Ada Lovelace');
      expect(created.phone).toBe('+44 20 7946 0958');
      expect(created.description).toBe('Analytical engine customer');
      expect(created.address).toEqual({
        line1: '12 St James Sq',
        line2: 'Flat 2',
        city: 'London',
        state: 'LDN',
        postal_code: 'SW1Y 4JH',
        country: 'GB',
      });
      expect(created.shipping).toEqual({
        name: 'Ada L.',
        phone: '+442079460000',
        address: { line1: '1 Dock Rd', line2: null, city: 'London', state: null, postal_code: 'E1 1AA', country: 'GB' },
      });
      expect(created.metadata).toEqual({ tier: 'gold', source: 'sdk' });
      expect(created.preferred_locales).toEqual(['en-GB', 'fr']);
      expect(created.invoice_settings).toEqual({
        custom_fields: [{ name: 'PO', value: '4711' }],
        default_payment_method: null,
        footer: 'Thank you',
        rendering_options: { amount_tax_display: 'include_inclusive_tax', template: null },
      });
      expect(created.tax_exempt).toBe('reverse');
      expect(created.balance).toBe(0);
      expect(created.delinquent).toBe(false);
      expect(created.external_id).toBe('crm-ada-1');
      expect(created.notes).toBe('Prefers email.\nCall after 10am.');
      expect(created.first_name).toBe('Ada');
      expect(created.last_name).toBe('Lovelace');
      expect(created.created_by).toMatch(/^key_/);
      expect(created.updated_by).toBe(created.created_by);
      expect(created.lastResponse.requestId).toMatch(/^req_/);
      expect(created.lastResponse.statusCode).toBe(200);

      const got = clientele((await stripe.customers.retrieve(created.id)) as Stripe.Response<Stripe.Customer>);
      expect(got).toEqual(created);
      expect(got.lastResponse.requestId).toMatch(/^req_/);
      expect(got.lastResponse.requestId).not.toBe(created.lastResponse.requestId);
    });

    it('creates an empty customer with Stripe defaults', async () => {
      const c = clientele(await stripe.customers.create());
      expect(c).toMatchObject({
        address: null,
        balance: 0,
        default_source: null,
        delinquent: false,
        description: null,
        discount: null,
        email: null,
        metadata: {},
        name: null,
        phone: null,
        preferred_locales: [],
        shipping: null,
        tax_exempt: 'none',
        test_clock: null,
        external_id: null,
        notes: null,
        parent: null,
      });
    });

    it('passes expand[] through (an unknown path is a 400 naming expand)', async () => {
      const error = await raised(() => stripe.customers.create({ expand: ['no_such_field'] }));
      expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(error.statusCode).toBe(400);
      expect(error.param).toMatch(/^expand/);
    });
  });

  describe('update', () => {
    it('merges metadata, removes a key with an empty value and unsets fields with ""', async () => {
      const c = await stripe.customers.create(
        params<Stripe.CustomerCreateParams>({
          email: 'grace@example.com',
          description: 'to be removed',
          phone: '+15550100',
          metadata: { a: '1', b: '2' },
          notes: 'note',
        }),
      );
      const updated = clientele(
        await stripe.customers.update(
          c.id,
          params<Stripe.CustomerUpdateParams>({ metadata: { b: '', c: '3' }, description: '', phone: '', name: 'Grace', notes: '' }),
        ),
      );
      expect(updated.metadata).toEqual({ a: '1', c: '3' });
      expect(updated.description).toBeNull();
      expect(updated.phone).toBeNull();
      expect(updated.notes).toBeNull();
      expect(updated.name).toBe('Grace');
      expect(updated.email).toBe('grace@example.com');
      expect(updated.updated).toBeGreaterThanOrEqual(updated.created);
      expect(updated.lastResponse.requestId).toMatch(/^req_/);

      const cleared = await stripe.customers.update(c.id, { metadata: '' });
      expect(cleared.metadata).toEqual({});
      expect(cleared.name).toBe('Grace');

      const again = await stripe.customers.retrieve(c.id);
      expect(again).toEqual(cleared);

      // An update with no parameters (an empty form body) changes nothing.
      const untouched = await stripe.customers.update(c.id);
      expect(untouched).toEqual(cleared);
    });

    it('round-trips text the SDK percent-encodes (spaces, +, &, quotes, brackets, unicode, line breaks)', async () => {
      const text = {
        name: "Zoë O'Brien & Co. (Ltd) 100% *",
        description: 'a+b=c; d&e\tf\nnext line; [x] {y} 日本語 🚀',
        phone: '+1 (555) 010-9999',
        metadata: { 'plan name': 'gold+ & more', 'a.b-c_d': '=?#/' },
      };
      const c = await stripe.customers.create(text);
      expect(c).toMatchObject(text);
      expect(await stripe.customers.retrieve(c.id)).toMatchObject(text);
    });

    it('null in SDK params unsets a field like ""', async () => {
      const c = await stripe.customers.create({ name: 'to unset', description: 'also', metadata: { k: 'v', keep: 'yes' } });
      const updated = await stripe.customers.update(c.id, {
        name: null as unknown as string,
        description: null as unknown as string,
        metadata: { k: null as unknown as string },
      });
      expect(updated.name).toBeNull();
      expect(updated.description).toBeNull();
      expect(updated.metadata).toEqual({ keep: 'yes' });
    });

    it('updates nested objects and Clientele extras', async () => {
      const c = await stripe.customers.create({ address: { line1: 'Old', country: 'DE' } });
      const updated = clientele(
        await stripe.customers.update(
          c.id,
          params<Stripe.CustomerUpdateParams>({ address: { line1: 'New', city: 'Berlin', country: 'de' }, tax_exempt: 'exempt', external_id: 'ext-upd' }),
        ),
      );
      expect(updated.address).toMatchObject({ line1: 'New', city: 'Berlin', country: 'DE' });
      expect(updated.tax_exempt).toBe('exempt');
      expect(updated.external_id).toBe('ext-upd');
      const unset = await stripe.customers.update(c.id, { address: '' });
      expect(unset.address).toBeNull();
    });
  });

  describe('delete', () => {
    it('returns deleted:true, and retrieve afterwards returns the same stub', async () => {
      const c = await stripe.customers.create({ email: 'gone@example.com', metadata: { x: 'y' } });
      const deleted = await stripe.customers.del(c.id);
      expect(deleted).toEqual({ id: c.id, object: 'customer', deleted: true });
      expect(deleted.lastResponse.requestId).toMatch(/^req_/);

      const after = await stripe.customers.retrieve(c.id);
      expect(after).toEqual({ id: c.id, object: 'customer', deleted: true });
      expect(after.deleted).toBe(true);

      const error = await raised(() => stripe.customers.update(c.id, { name: 'zombie' }));
      expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(error.statusCode).toBe(404);
      expect(error.code).toBe('resource_missing');

      const twice = await raised(() => stripe.customers.del(c.id));
      expect(twice.statusCode).toBe(404);

      // Lists leave the tombstone out, and its email is free.
      const listed = await stripe.customers.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 });
      expect(listed.map((x) => x.id)).not.toContain(c.id);
      expect((await stripe.customers.list({ email: 'gone@example.com' })).data).toEqual([]);
    });
  });

  describe('list', () => {
    let account: TestAccount;
    let own: Stripe;
    const createdIds: string[] = [];

    beforeAll(async () => {
      // A fresh account so the page contents are exactly what this block created.
      account = await t.newAccount('SDK paging');
      own = sdk(account.test);
      for (let i = 0; i < 27; i++) {
        const c = await own.customers.create({
          email: i % 3 === 0 ? 'three@example.com' : `c${i}@example.com`,
          metadata: { i: String(i) },
        });
        createdIds.push(c.id);
      }
    });

    const newestFirst = () => [...createdIds].reverse();

    it('honours limit and reports has_more', async () => {
      const page = await own.customers.list({ limit: 5 });
      expect(page.object).toBe('list');
      expect(page.url).toBe('/v1/customers');
      expect(page.has_more).toBe(true);
      expect(page.data.map((c) => c.id)).toEqual(newestFirst().slice(0, 5));
      expect(page.lastResponse.requestId).toMatch(/^req_/);

      const defaultPage = await own.customers.list();
      expect(defaultPage.data).toHaveLength(10);
    });

    it('filters by exact email', async () => {
      const page = await own.customers.list({ email: 'three@example.com', limit: 100 });
      const expected = createdIds.filter((_, i) => i % 3 === 0).reverse();
      expect(page.data.map((c) => c.id)).toEqual(expected);
      expect(page.data.every((c) => c.email === 'three@example.com')).toBe(true);
      expect(page.has_more).toBe(false);

      const none = await own.customers.list({ email: 'THREE@example.com' });
      expect(none.data).toEqual([]);
    });

    it('filters by created (exact and ranges)', async () => {
      const all = await own.customers.list({ limit: 100 });
      expect(all.data).toHaveLength(27);
      const times = all.data.map((c) => c.created);
      const oldest = Math.min(...times);
      const newest = Math.max(...times);

      const inRange = await own.customers.list({ limit: 100, created: { gte: oldest, lte: newest } });
      expect(inRange.data).toHaveLength(27);
      const future = await own.customers.list({ limit: 100, created: { gt: newest } });
      expect(future.data).toEqual([]);
      const past = await own.customers.list({ limit: 100, created: { lt: oldest } });
      expect(past.data).toEqual([]);
      const exact = await own.customers.list({ limit: 100, created: newest });
      expect(exact.data.length).toBeGreaterThan(0);
      expect(exact.data.every((c) => c.created === newest)).toBe(true);
      expect(exact.data.map((c) => c.id)).toEqual(all.data.filter((c) => c.created === newest).map((c) => c.id));
    });

    it('autoPagingToArray visits each customer exactly once, newest first', async () => {
      const seen = await own.customers.list({ limit: 4 }).autoPagingToArray({ limit: 1000 });
      expect(seen.map((c) => c.id)).toEqual(newestFirst());
    });

    it('for await iteration visits each customer exactly once, newest first', async () => {
      const seen: string[] = [];
      for await (const c of own.customers.list({ limit: 7 })) seen.push(c.id);
      expect(seen).toEqual(newestFirst());
      expect(new Set(seen).size).toBe(27);
    });

    it('auto-pages backwards from ending_before, visiting each newer customer once, oldest first', async () => {
      const oldest = createdIds[0] as string;
      const seen = await own.customers.list({ limit: 4, ending_before: oldest }).autoPagingToArray({ limit: 1000 });
      expect(seen.map((c) => c.id)).toEqual(createdIds.slice(1));

      // One page before a cursor is the next-newer customers, still newest first (Stripe's order).
      const page = await own.customers.list({ limit: 3, ending_before: createdIds[10] as string });
      expect(page.data.map((c) => c.id)).toEqual([createdIds[13], createdIds[12], createdIds[11]]);
      expect(page.has_more).toBe(true);
    });

    it('pages forwards from starting_after', async () => {
      const page = await own.customers.list({ limit: 3, starting_after: createdIds[10] as string });
      expect(page.data.map((c) => c.id)).toEqual([createdIds[9], createdIds[8], createdIds[7]]);
      const rest = await own.customers.list({ limit: 5, starting_after: createdIds[10] as string }).autoPagingToArray({ limit: 100 });
      expect(rest.map((c) => c.id)).toEqual(createdIds.slice(0, 10).reverse());
    });

    it('auto-pages a filtered list', async () => {
      const seen = await own.customers.list({ limit: 2, email: 'three@example.com' }).autoPagingToArray({ limit: 100 });
      expect(seen).toHaveLength(9);
      expect(new Set(seen.map((c) => c.id)).size).toBe(9);
    });

    it('does not show another account’s customers', async () => {
      const mine = await stripe.customers.list({ limit: 100 });
      const ids = new Set(mine.data.map((c) => c.id));
      expect(createdIds.some((id) => ids.has(id))).toBe(false);
      const error = await raised(() => stripe.customers.retrieve(createdIds[0] as string));
      expect(error.statusCode).toBe(404);
      expect(error.code).toBe('resource_missing');
      // Nor can another account's customer serve as a cursor.
      const cursor = await raised(() => stripe.customers.list({ starting_after: createdIds[5] as string }));
      expect(cursor).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(cursor.code).toBe('resource_missing');
      expect(cursor.param).toBe('starting_after');
    });
  });

  describe('errors', () => {
    it('a missing customer is StripeInvalidRequestError 404 resource_missing with a request id', async () => {
      const error = await raised(() => stripe.customers.retrieve('cus_doesnotexist000000000000'));
      expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(error.type).toBe('StripeInvalidRequestError');
      expect(error.statusCode).toBe(404);
      expect(error.code).toBe('resource_missing');
      expect(error.message).toContain('cus_doesnotexist000000000000');
      expect(error.requestId).toMatch(/^req_/);
      expect(error.headers?.['request-id']).toBe(error.requestId);
      expect(error.raw).toMatchObject({ type: 'invalid_request_error', code: 'resource_missing' });
    });

    it('a bad key is StripeAuthenticationError 401', async () => {
      const error = await raised(() => sdk('sk_test_' + 'x'.repeat(48)).customers.list());
      expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
      expect(error.statusCode).toBe(401);
      expect(error.requestId).toMatch(/^req_/);

      const revoked = await t.services.accounts.createKey(t.account.id, 'test', false, null);
      await stripe.customers.list({ limit: 1 }, { apiKey: revoked.secret });
      await t.services.accounts.revokeKey(t.account.id, revoked.key.id);
      // Revocation takes effect once the key cache entry (apiKeyCacheMs) has aged out.
      await new Promise((resolve) => setTimeout(resolve, t.config.apiKeyCacheMs + 50));
      const afterRevoke = await raised(() => stripe.customers.list({ limit: 1 }, { apiKey: revoked.secret }));
      expect(afterRevoke).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
      expect(afterRevoke.statusCode).toBe(401);
      expect(afterRevoke.message).toBe(error.message);
    });

    it('a restricted key reads but its writes are StripePermissionError 403', async () => {
      const existing = await stripe.customers.create({ name: 'readable' });
      const restricted = await t.services.accounts.createKey(t.account.id, 'test', true, null);
      expect(restricted.secret).toMatch(/^rk_test_/);
      const reader = sdk(restricted.secret);
      const got = await reader.customers.retrieve(existing.id);
      expect(got.id).toBe(existing.id);
      await reader.customers.list({ limit: 1 });

      const createError = await raised(() => reader.customers.create({ name: 'nope' }));
      expect(createError).toBeInstanceOf(Stripe.errors.StripePermissionError);
      expect(createError.statusCode).toBe(403);
      const updateError = await raised(() => reader.customers.update(existing.id, { name: 'nope' }));
      expect(updateError).toBeInstanceOf(Stripe.errors.StripePermissionError);
      const deleteError = await raised(() => reader.customers.del(existing.id));
      expect(deleteError).toBeInstanceOf(Stripe.errors.StripePermissionError);
      expect(((await stripe.customers.retrieve(existing.id)) as Stripe.Customer).name).toBe('readable');
    });

    it('a live key does not see test data', async () => {
      const c = await stripe.customers.create({ name: 'test world' });
      const live = sdk(t.account.live);
      const error = await raised(() => live.customers.retrieve(c.id));
      expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(error.statusCode).toBe(404);
      const created = await live.customers.create({ name: 'live world' });
      expect(created.livemode).toBe(true);
    });

    it('an unknown param is parameter_unknown naming the param', async () => {
      const error = await raised(() =>
        stripe.customers.create(params<Stripe.CustomerCreateParams>({ name: 'x', ...({ favourite_colour: 'blue' } as object) })),
      );
      expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(error.statusCode).toBe(400);
      expect(error.code).toBe('parameter_unknown');
      expect(error.param).toBe('favourite_colour');

      const nested = await raised(() =>
        stripe.customers.create({ address: { line1: 'x', ...({ planet: 'Mars' } as object) } }),
      );
      expect(nested.code).toBe('parameter_unknown');
      expect(nested.param).toBe('address[planet]');

      const onList = await raised(() => stripe.customers.list({ ...({ colour: 'red' } as object) }));
      expect(onList.code).toBe('parameter_unknown');
      expect(onList.param).toBe('colour');
    });

    it('a default-configured SDK (2 network retries) does not retry a conflict that cannot succeed', async () => {
      // Node's stripe SDK retries every 409 unless the response says `Stripe-Should-Retry: false`.
      const retrying = new Stripe(t.account.test, { host: base.host, port: base.port, protocol: 'http' });
      let requests = 0;
      retrying.on('request', () => (requests += 1));
      await retrying.customers.create(params<Stripe.CustomerCreateParams>({ external_id: 'conflict-1' }));
      requests = 0;
      const error = await raised(() => retrying.customers.create(params<Stripe.CustomerCreateParams>({ external_id: 'conflict-1' })));
      // SPEC C-5 answers 409 (Stripe uses 400), which the SDK classes as StripeAPIError whatever the type.
      expect(error).toBeInstanceOf(Stripe.errors.StripeAPIError);
      expect(error.raw).toMatchObject({ type: 'invalid_request_error' });
      expect(error.statusCode).toBe(409);
      expect(error.code).toBe('resource_already_exists');
      expect(error.headers?.['stripe-should-retry']).toBe('false');
      expect(requests).toBe(1);
    });

    it('an invalid value is a StripeInvalidRequestError naming the param', async () => {
      const error = await raised(() => stripe.customers.create({ email: 'not-an-email' }));
      expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(error.statusCode).toBe(400);
      expect(error.code).toBe('email_invalid');
      expect(error.param).toBe('email');
    });
  });

  describe('headers', () => {
    it('echoes the Idempotency-Key and Stripe-Version the SDK sends', async () => {
      const sent: { idempotency_key?: string; api_version?: string }[] = [];
      const received: { idempotency_key?: string; api_version?: string; request_id?: string }[] = [];
      const watched = sdk(t.account.test);
      watched.on('request', (event: Stripe.RequestEvent) => sent.push(event));
      watched.on('response', (event: Stripe.ResponseEvent) => received.push(event));

      const c = await watched.customers.create({ name: 'echo' });
      expect(sent[0]?.idempotency_key).toMatch(/^stripe-node-retry-/);
      expect(received[0]?.idempotency_key).toBe(sent[0]?.idempotency_key);
      expect(received[0]?.api_version).toBe(sent[0]?.api_version);
      expect(received[0]?.api_version).toBe(Stripe.API_VERSION);
      expect(received[0]?.request_id).toBe(c.lastResponse.requestId);
      expect(c.lastResponse.idempotencyKey).toBe(sent[0]?.idempotency_key);
      expect(c.lastResponse.apiVersion).toBe(Stripe.API_VERSION);

      // A caller-chosen key replays the first response on a retry.
      const first = await watched.customers.create({ name: 'once' }, { idempotencyKey: 'sdk-once-1' });
      const second = await watched.customers.create({ name: 'once' }, { idempotencyKey: 'sdk-once-1' });
      expect(second.id).toBe(first.id);
      expect(second.lastResponse.idempotencyKey).toBe('sdk-once-1');
      expect(second.lastResponse.headers['idempotent-replayed']).toBe('true');
      const mismatch = await raised(() => watched.customers.create({ name: 'different' }, { idempotencyKey: 'sdk-once-1' }));
      expect(mismatch).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
      expect(mismatch.statusCode).toBe(400);
    });

    it('raw HTTP: Request-Id on every response, Stripe-Version and Idempotency-Key echoed', async () => {
      const auth = { authorization: `Bearer ${t.account.test}` };
      const post = await fetch(`${base.url}/v1/customers`, {
        method: 'POST',
        headers: {
          ...auth,
          'content-type': 'application/x-www-form-urlencoded',
          'stripe-version': Stripe.API_VERSION,
          'idempotency-key': 'raw-echo-1',
        },
        body: 'name=raw',
      });
      expect(post.status).toBe(200);
      expect(post.headers.get('request-id')).toMatch(/^req_[0-9A-Za-z]+$/);
      expect(post.headers.get('stripe-version')).toBe(Stripe.API_VERSION);
      expect(post.headers.get('idempotency-key')).toBe('raw-echo-1');
      const body = (await post.json()) as { id: string };

      const get = await fetch(`${base.url}/v1/customers/${body.id}`, { headers: { ...auth, 'stripe-version': '2020-08-27' } });
      expect(get.status).toBe(200);
      expect(get.headers.get('stripe-version')).toBe('2020-08-27');
      expect(get.headers.get('idempotency-key')).toBeNull();
      expect(get.headers.get('request-id')).toMatch(/^req_/);
      expect(get.headers.get('request-id')).not.toBe(post.headers.get('request-id'));
      await get.arrayBuffer();

      const unauthenticated = await fetch(`${base.url}/v1/customers`, { headers: { 'stripe-version': '2024-06-20' } });
      expect(unauthenticated.status).toBe(401);
      expect(unauthenticated.headers.get('request-id')).toMatch(/^req_/);
      expect(unauthenticated.headers.get('stripe-version')).toBe('2024-06-20');
      await unauthenticated.arrayBuffer();
    });
  });
});
