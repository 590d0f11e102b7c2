import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type TestApp } from '../../helpers/harness.js';
import { consoleGet, resultIds, signIn } from './support.js';

/** SPEC U-1: the console's one search box, over HTTP (the browser tests drive it in Chromium). */
describe.each(STORES)('console search (%s)', (kind) => {
  let t: TestApp;
  let cookie: string;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    t = await createTestApp(kind);
    cookie = await signIn(t.app, t.account.test, 'ada@example.com');
    const make = async (label: string, params: Record<string, unknown>) => {
      ids[label] = (await t.api().post('/v1/customers', params)).body.id;
    };
    await make('email', { email: 'Quixotic.Person@Mail.example', name: 'Alpha' });
    await make('name', { name: 'Zebedee Quartermaine' });
    await make('phone', { phone: '+4915112345678', name: 'Gamma' });
    await make('external', { external_id: 'CRM-7734-XY', name: 'Delta' });
    await make('other', { name: 'Epsilon', email: 'other@else.example' });
    for (let i = 0; i < 22; i++) await make(`page${i}`, { name: `Pageable ${i}` });
  });
  afterAll(async () => t?.close());

  const search = async (q: string) => {
    const r = await consoleGet(t.app, cookie, `/console/test/customers?q=${encodeURIComponent(q)}`);
    return { status: r.statusCode, ids: resultIds(r.body), body: r.body };
  };

  it.each([
    ['email', 'quixotic.PERSON@'],
    ['name', 'QUARTERM'],
    ['phone', '1123456'],
    ['external', 'crm-7734'],
  ])('finds a part of the %s in any case, and nothing else', async (label, q) => {
    expect((await search(q)).ids).toEqual([ids[label]]);
  });

  it('finds a part of the customer id, and the whole id', async () => {
    const id = ids.other as string;
    expect((await search(id.slice(6, 16).toUpperCase())).ids).toContain(id);
    expect((await search(id)).ids).toEqual([id]);
  });

  it('pages plain-text results newest first; the query language works alongside and its errors are shown', async () => {
    const first = await search('pageable');
    expect(first.ids).toEqual(Array.from({ length: 20 }, (_, i) => ids[`page${21 - i}`]));
    const next = /<a href="([^"]+)" rel="next">/.exec(first.body)?.[1]?.replaceAll('&amp;', '&') as string;
    expect(resultIds((await consoleGet(t.app, cookie, next)).body)).toEqual([ids.page1, ids.page0]);
    expect((await search('name~"zebedee"')).ids).toEqual([ids.name]);
    const bad = await search('email:');
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('Invalid query at position');
  });
});
