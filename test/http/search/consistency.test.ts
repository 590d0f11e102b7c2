import BetterSqlite3 from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type Api, type TestApp } from '../../helpers/harness.js';
import { allCustomerIds, createCustomer, freshAccount, restoreClock, setClock, uniqueSuffix } from '../customers/support.js';
import { expectMatches, searchAll, searchPage } from './support.js';

const T0 = 1_700_400_000;

/** SPEC Q-2: consistent with every committed write, deleted never shown, scoped, paged without gaps. */
describe.each(STORES)('customers: search consistency and paging (%s)', (kind) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());
  afterEach(() => restoreClock());

  describe('read-after-write', () => {
    it('a created customer is found by the very next request, by every field', async () => {
      const { api } = await freshAccount(t);
      const tag = uniqueSuffix();
      const created = await createCustomer(api, {
        email: `fresh.${tag}@example.com`,
        name: `Fresh ${tag}`,
        phone: '+49 30 901820',
        external_id: `ext-${tag}`,
        metadata: { tag },
      });
      await expectMatches(api, `email:"FRESH.${tag}@example.com"`, [created.id]);
      await expectMatches(api, `name~"${tag}"`, [created.id]);
      await expectMatches(api, `phone:"+4930901820"`, [created.id]);
      await expectMatches(api, `external_id:"EXT-${tag}"`, [created.id]);
      await expectMatches(api, `metadata["tag"]:"${tag}"`, [created.id]);
    });

    it('after an update the new values are found and the old ones are not', async () => {
      const { api } = await freshAccount(t);
      const customer = await createCustomer(api, {
        email: 'before@example.com',
        name: 'Oldname Person',
        phone: '+1 650-253-0000',
        metadata: { stage: 'lead' },
      });
      const res = await api.post(`/v1/customers/${customer.id}`, {
        email: 'after@example.com',
        name: 'Newname Person',
        phone: '+44 20 7946 0958',
        metadata: { stage: 'customer' },
      });
      expect(res.status).toBe(200);
      await expectMatches(api, 'name~"newname"', [customer.id]);
      await expectMatches(api, 'name~"oldname"', []);
      await expectMatches(api, 'name:"oldname person"', []);
      await expectMatches(api, 'email:"after@example.com"', [customer.id]);
      await expectMatches(api, 'email~"before"', []);
      await expectMatches(api, 'phone~"7946"', [customer.id]);
      await expectMatches(api, 'phone~"253"', []);
      await expectMatches(api, 'phone:"+16502530000"', []);
      await expectMatches(api, 'metadata["stage"]:"customer"', [customer.id]);
      await expectMatches(api, 'metadata["stage"]:"lead"', []);

      // Unsetting a field makes it null for search at once.
      expect((await api.post(`/v1/customers/${customer.id}`, { name: '', phone: '' })).status).toBe(200);
      await expectMatches(api, 'name~"newname"', []);
      await expectMatches(api, 'name:null AND phone:null', [customer.id]);
    });

    it('an upsert by external_id is searchable at once', async () => {
      const { api } = await freshAccount(t);
      const first = await api.post('/v1/customers/external/acme-1', { name: 'Acme Original' });
      expect(first.status).toBe(201);
      await expectMatches(api, 'name~"original"', [first.body.id]);
      expect((await api.post('/v1/customers/external/acme-1', { name: 'Acme Renamed' })).status).toBe(200);
      await expectMatches(api, 'name~"renamed" AND external_id:"ACME-1"', [first.body.id]);
      await expectMatches(api, 'name~"original"', []);
    });
  });

  describe('deleted customers', () => {
    it('never appear, whatever the query (their fields are null, so null queries would catch them)', async () => {
      const { api } = await freshAccount(t);
      const kept = await createCustomer(api, { name: 'Kept Person', email: 'kept@example.com' });
      const gone = await createCustomer(api, {
        name: 'Gone Person',
        email: 'gone@example.com',
        phone: '+1 650-253-0000',
        external_id: 'gone-1',
        metadata: { tier: 'gold' },
      });
      await expectMatches(api, 'name~"person"', [kept.id, gone.id]);
      expect((await api.del(`/v1/customers/${gone.id}`)).status).toBe(200);

      await expectMatches(api, 'name~"person"', [kept.id]);
      await expectMatches(api, 'name~"gone"', []);
      await expectMatches(api, 'email:"gone@example.com"', []);
      await expectMatches(api, 'phone:"+16502530000"', []);
      await expectMatches(api, 'external_id:"gone-1"', []);
      await expectMatches(api, 'metadata["tier"]:"gold"', []);
      await expectMatches(api, 'email:null', []);
      await expectMatches(api, 'name:null OR phone:null', [kept.id]);
      await expectMatches(api, 'metadata["tier"]:null', [kept.id]);
      await expectMatches(api, '-name~"kept"', []);
      await expectMatches(api, `created>0`, [kept.id]);
    });

    it.runIf(kind === 'sqlite')('leave no terms in the substring index (FTS5 secure-delete)', async () => {
      const { api } = await freshAccount(t);
      const marker = 'Qzvxwq Yjkpfd';
      const gone = await createCustomer(api, { name: marker, email: 'qzvxwq.yjkpfd@example.com' });
      await expectMatches(api, 'name~"qzvxwq"', [gone.id]);
      const termsOf = () => {
        if (t.database.kind !== 'sqlite') throw new Error('unreachable');
        const raw = new BetterSqlite3(t.database.path, { readonly: true });
        try {
          raw.exec(`CREATE VIRTUAL TABLE temp.search_terms USING fts5vocab(main, customers_search, 'row')`);
          const terms = raw.prepare(`SELECT term FROM temp.search_terms WHERE term IN ('qzv', 'zvx', 'yjk', 'kpf')`).all();
          const blocks = raw.prepare('SELECT block FROM customers_search_data').all() as Array<{ block: Buffer | null }>;
          const text = Buffer.concat(blocks.map((b) => b.block ?? Buffer.alloc(0))).toString('latin1');
          return { terms: terms.length, inPages: ['qzv', 'zvx', 'yjk', 'kpf'].filter((s) => text.includes(s)) };
        } finally {
          raw.close();
        }
      };
      expect(termsOf().terms).toBe(4);
      expect((await api.del(`/v1/customers/${gone.id}`)).status).toBe(200);
      expect(termsOf()).toEqual({ terms: 0, inPages: [] });
    });
  });

  describe('scope', () => {
    it('other accounts and the other mode never appear', async () => {
      const a = await freshAccount(t);
      const b = await freshAccount(t);
      const live = t.api(a.account.live);
      const params = { name: 'Shared Name', email: 'shared@example.com', phone: '+1 650-253-0000', external_id: 'same', metadata: { k: 'v' } };
      const mine = await createCustomer(a.api, params);
      const theirs = await createCustomer(b.api, params);
      const myLive = await createCustomer(live, params);
      for (const query of [
        'name~"shared"',
        'name:"shared name"',
        'email:"shared@example.com"',
        'phone:"+16502530000"',
        'external_id:"same"',
        'metadata["k"]:"v"',
        'metadata["nope"]:null',
        '-name~"zzz"',
        'created>0',
        'name~"shared" OR email~"nobody"',
      ]) {
        await expectMatches(a.api, query, [mine.id]);
        await expectMatches(b.api, query, [theirs.id]);
        await expectMatches(live, query, [myLive.id]);
      }
    });
  });

  describe('paging through next_page', () => {
    /** 27 matching customers over a few seconds, several in each second (ties go newest first). */
    async function seed(api: Api, params: (i: number) => Record<string, unknown>): Promise<void> {
      for (let i = 0; i < 27; i++) {
        setClock(T0 + Math.floor(i / 4));
        await createCustomer(api, params(i));
      }
      restoreClock();
    }

    const QUERIES = [
      // FTS-driven on SQLite, GIN on PostgreSQL.
      'name~"pager"',
      // Exact lookups and the metadata index.
      'metadata["batch"]:"p"',
      'email~"@pager.example" AND -metadata["batch"]:null',
      'name~"pager" OR email:"nobody@example.com"',
      `created>=${T0} AND -name:"other"`,
    ];

    it.each(QUERIES)('%s: pages of 10 give every match once, newest first', async (query) => {
      const { api } = await freshAccount(t);
      await seed(api, (i) => ({ name: `Pager ${i}`, email: `p${i}@pager.example`, metadata: { batch: 'p' } }));
      // One that does not match, in the middle of the range.
      setClock(T0 + 3);
      await createCustomer(api, { name: 'Other', email: 'other@example.com' });
      restoreClock();

      const other = (await searchPage(api, 'name:"other"')).ids[0];
      const matching = (await allCustomerIds(api)).filter((id) => id !== other);
      expect(matching).toHaveLength(27);
      const pages: string[][] = [];
      let page: string | undefined;
      for (;;) {
        const result = await searchPage(api, query, { limit: 10, ...(page !== undefined && { page }) });
        pages.push(result.ids);
        if (!result.hasMore) {
          expect(result.nextPage).toBeNull();
          break;
        }
        page = result.nextPage as string;
      }
      expect(pages.map((p) => p.length)).toEqual([10, 10, 7]);
      expect(pages.flat()).toEqual(matching);
    });

    it('a customer created between pages does not shift later pages', async () => {
      const { api } = await freshAccount(t);
      await seed(api, (i) => ({ name: `Pager ${i}` }));
      const all = await searchAll(api, 'name~"pager"');
      const first = await searchPage(api, 'name~"pager"', { limit: 10 });
      expect(first.ids).toEqual(all.slice(0, 10));
      await createCustomer(api, { name: 'Pager late' });
      const second = await searchPage(api, 'name~"pager"', { limit: 10, page: first.nextPage });
      expect(second.ids).toEqual(all.slice(10, 20));
      const fresh = await searchPage(api, 'name~"pager"', { limit: 1 });
      expect(fresh.ids).not.toEqual([all[0]]);
    });

    it('an exact page boundary ends with has_more false and no next_page', async () => {
      const { api } = await freshAccount(t);
      for (let i = 0; i < 4; i++) await createCustomer(api, { name: `Exact ${i}` });
      const first = await searchPage(api, 'name~"exact"', { limit: 2 });
      expect(first.hasMore).toBe(true);
      const second = await searchPage(api, 'name~"exact"', { limit: 2, page: first.nextPage });
      expect(second).toMatchObject({ hasMore: false, nextPage: null });
      expect(new Set([...first.ids, ...second.ids]).size).toBe(4);
    });
  });
});
