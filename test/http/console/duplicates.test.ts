import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthContext } from '../../../src/domain/accounts/account-service.js';
import { DUPLICATE_ROWS, loadProfile } from '../../../src/http/console/profile-loader.js';
import { createTestApp, form, STORES, type TestApp } from '../../helpers/harness.js';
import { consoleGet, signIn } from './support.js';

const duplicateIds = (html: string) => [...html.matchAll(/data-testid="duplicate" data-id="([^"]+)"/g)].map((m) => m[1]);

/** Issue 24 item 3 over HTTP: the profile's possible duplicates and the merge pages' edges. */
describe.each(STORES)('console duplicates (%s)', (kind) => {
  let t: TestApp;
  let cookie: string;
  let auth: AuthContext;
  beforeAll(async () => {
    t = await createTestApp(kind);
    cookie = await signIn(t.app, t.account.test, 'ada@example.com');
    auth = (await t.services.accounts.authenticate(t.account.test)) as AuthContext;
  });
  afterAll(async () => t?.close());

  /** A customer and `n` others with its email: its probable duplicates. */
  async function withDuplicates(email: string, n: number): Promise<{ id: string; others: string[] }> {
    const id = (await t.api().post('/v1/customers', { name: 'Original', email })).body.id as string;
    const others: string[] = [];
    for (let i = 0; i < n; i++) others.push((await t.api().post('/v1/customers', { name: `Copy ${i}`, email: email.toUpperCase() })).body.id as string);
    return { id, others };
  }

  /** Statements the profile's reads send (no session, so nothing time-dependent). */
  async function statementsOfProfile(id: string): Promise<number> {
    const before = t.tenantScope.seen;
    await loadProfile(t.services, auth, id, undefined);
    return t.tenantScope.seen - before;
  }

  it('loads the section in the same statements whether a customer has one duplicate or many (no query per duplicate)', async () => {
    const one = await withDuplicates('one@dupes.example', 1);
    const many = await withDuplicates('many@dupes.example', 8);
    const page = await consoleGet(t.app, cookie, `/console/test/customers/${many.id}`);
    expect(new Set(duplicateIds(page.body))).toEqual(new Set(many.others));
    expect(await statementsOfProfile(many.id)).toBe(await statementsOfProfile(one.id));
  });

  it(`shows the best ${DUPLICATE_ROWS}, says there are more, and "No possible duplicates." for a customer without`, async () => {
    const crowd = await withDuplicates('crowd@dupes.example', DUPLICATE_ROWS + 2);
    const page = await consoleGet(t.app, cookie, `/console/test/customers/${crowd.id}`);
    expect(duplicateIds(page.body)).toHaveLength(DUPLICATE_ROWS);
    expect(page.body).toContain(`Showing the best ${DUPLICATE_ROWS}.`);
    const lone = (await t.api().post('/v1/customers', { name: 'Lone', email: 'lone@dupes.example' })).body.id as string;
    expect((await consoleGet(t.app, cookie, `/console/test/customers/${lone}`)).body).toContain('No possible duplicates.');
  });

  it('answers a confirmation for a missing source, or for the customer itself, with the reason and no form', async () => {
    const { id } = await withDuplicates('edge@dupes.example', 1);
    const missing = await consoleGet(t.app, cookie, `/console/test/customers/${id}/merge?source=cus_nope`);
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toContain('data-code="resource_missing"');
    const self = await consoleGet(t.app, cookie, `/console/test/customers/${id}/merge?source=${id}`);
    expect(self.statusCode).toBe(400);
    expect(self.body).toContain('data-code="merge_same_customer"');
    for (const body of [missing.body, self.body]) expect(body).not.toContain('Confirm merge');
  });

  it('refuses a confirmation without the versions the page showed (never an unconditional merge)', async () => {
    const { id, others } = await withDuplicates('versions@dupes.example', 1);
    const confirmation = await consoleGet(t.app, cookie, `/console/test/customers/${id}/merge?source=${others[0]}`);
    const csrf = /name="csrf" value="([^"]+)"/.exec(confirmation.body)?.[1] as string;
    const r = await t.app.inject({
      method: 'POST',
      url: `/console/test/customers/${id}/merge`,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: form({ csrf, source: others[0] as string }),
    });
    expect(r.statusCode).toBe(400);
    expect(r.body).toContain('The confirmation form is incomplete');
    expect((await t.api().get(`/v1/customers/${others[0]}`)).body.deleted).toBeUndefined();
  });
});
