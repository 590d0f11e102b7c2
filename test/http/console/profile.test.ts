import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type TestApp } from '../../helpers/harness.js';
import { consoleGet, signIn } from './support.js';

const eventTypes = (html: string) => [...html.matchAll(/data-testid="event" data-type="([^"]+)"/g)].map((m) => m[1]);

/** SPEC U-1: the profile's timeline pages and a deleted customer's page, over HTTP. */
describe.each(STORES)('console profile (%s)', (kind) => {
  let t: TestApp;
  let cookie: string;
  beforeAll(async () => {
    t = await createTestApp(kind);
    cookie = await signIn(t.app, t.account.test, 'ada@example.com');
  });
  afterAll(async () => t?.close());

  it('pages the timeline 20 events at a time, newest first, to the customer’s first event', async () => {
    const id = (await t.api().post('/v1/customers', { name: 'Busy' })).body.id as string;
    for (let i = 0; i < 24; i++) await t.api().post(`/v1/customers/${id}`, { metadata: { n: String(i) } });
    const first = await consoleGet(t.app, cookie, `/console/test/customers/${id}`);
    expect(eventTypes(first.body)).toEqual(Array(20).fill('customer.updated'));
    expect(first.body).toContain('metadata[n]</span>: <del>22</del> → <ins>23</ins>');
    const older = /<a href="([^"]+)" rel="next">Older events/.exec(first.body)?.[1]?.replaceAll('&amp;', '&') as string;
    const second = await consoleGet(t.app, cookie, older);
    expect(eventTypes(second.body)).toEqual([...Array(4).fill('customer.updated'), 'customer.created']);
    expect(second.body).not.toContain('rel="next"');
    expect(second.body).toContain('Newest events');
  });

  it('shows a deleted customer as deleted, with its timeline', async () => {
    const id = (await t.api().post('/v1/customers', { name: 'Gone Soon', email: 'gone@example.com' })).body.id as string;
    expect((await t.api().del(`/v1/customers/${id}`)).status).toBe(200);
    const page = await consoleGet(t.app, cookie, `/console/test/customers/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('This customer was deleted');
    expect(eventTypes(page.body)).toEqual(['customer.deleted', 'customer.created']);
    expect(page.body).not.toContain('gone@example.com');
  });

  it('answers a customer that does not exist, or another account’s, with a 404 page', async () => {
    const other = await t.newAccount();
    const theirs = (await t.api(other.test).post('/v1/customers', { name: 'Theirs' })).body.id as string;
    for (const id of ['cus_nope', theirs]) {
      const page = await consoleGet(t.app, cookie, `/console/test/customers/${id}`);
      expect(page.statusCode).toBe(404);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.body).not.toContain('Theirs');
    }
  });
});
