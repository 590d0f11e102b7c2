import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateKey } from '../../src/domain/accounts/api-keys.js';
import { deliverySettings, deliveryWorker } from '../../src/domain/webhooks/delivery-worker.js';
import { createTestApp, STORES, type TestAccount, type TestApp } from '../helpers/harness.js';
import { addAttempt, createFixtureSet, foreignInstances, missingLike, valueOf, type FixtureSet, type Instance } from './support/fixtures.js';
import { HookReceiver } from './support/hook-receiver.js';
import {
  concrete,
  inParallel,
  normalized,
  planRequests,
  requestTable,
  send,
  type Answer,
  type ConcreteRequest,
  type Plan,
  type PlannedRequest,
} from './support/requests.js';
import { v1RouteTable, WRITE_METHODS, type Route } from './support/route-table.js';

/**
 * One security suite for every /v1 route, generated from the app's own route table (SPEC A-1,
 * A-2, W-7): each kind of failure has one canonical answer, computed here at run time, and
 * every route's answer must equal it byte for byte (status, headers, body; only Request-Id and
 * connection headers are left out). A foreign id must get exactly the answer a missing id of
 * the same shape gets, apart from the id itself. Nothing here knows an error body or code, so
 * the suite holds whatever the error catalogue says, as long as it says it the same way
 * everywhere. A new route fails the first test until the tables in support/requests.ts can
 * fill it.
 */

const bearer = (key: string) => `Bearer ${key}`;
const base64 = (text: string) => Buffer.from(text).toString('base64');
const isRead = (method: string) => method === 'GET' || method === 'HEAD';
/** What the owner gets for a request that works: a 2xx, or 304 for a conditional GET. */
const succeeded = (answer: Answer) => (answer.status >= 200 && answer.status <= 299) || answer.status === 304;
/** Requests in flight at once: the store batches their commits; no answer compared depends on order. */
const PARALLEL = 8;
/** Fields holding the time of the read rather than anything about the object (the export's). */
const READ_TIME = /(\\"exported_at\\":)\d+/g;

/** The labels whose answers differ between two snapshots, each with its two answers cut short. */
function changes(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.keys({ ...before, ...after })
    .filter((label) => before[label] !== after[label])
    .map((label) => `${label}\n  before ${before[label]?.slice(0, 600)}\n  after  ${after[label]?.slice(0, 600)}`);
}

/** A created object's answer without what differs between any two creates: its id, times and invoice prefix. */
function createdShape(answer: Answer, asked: string): string {
  const id = (JSON.parse(answer.body) as { id?: string } | null)?.id;
  return normalized(answer, id ? [asked, id] : [asked])
    .replace(/(\\"(?:created|updated)\\":)\d+/g, '$1<time>')
    .replace(/(\\"invoice_prefix\\":\\")[0-9A-Z]+/g, '$1<prefix>');
}

type SetName = 'aTest' | 'aLive' | 'bTest' | 'bLive';

/** Viewer and owner: the viewer's key is sent with the owner's ids. */
const PAIRS: Array<[string, SetName, SetName]> = [
  ['another account', 'bTest', 'aTest'],
  ['another account in the other mode', 'bLive', 'aTest'],
  ["the same account's live key on test objects", 'aLive', 'aTest'],
  ["the same account's test key on live objects", 'aTest', 'aLive'],
];

describe.each(STORES)('shared security suite: every /v1 route (%s)', (kind) => {
  let t: TestApp;
  let receiver: HookReceiver;
  let routes: Route[];
  let plan: Plan;
  let a: TestAccount;
  let b: TestAccount;
  const sets = {} as Record<SetName, FixtureSet>;
  const exercised = { auth: new Set<string>(), restricted: new Set<string>(), foreign: new Set<string>() };

  beforeAll(async () => {
    receiver = await HookReceiver.start();
    // Endpoints point at a loopback receiver; creation would otherwise resolve DNS.
    t = await createTestApp(kind, { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
    routes = v1RouteTable(t.app);
    plan = planRequests(routes, requestTable(receiver.url('/control')));
    a = t.account;
    b = await t.newAccount('Account B');
    const keys: Record<SetName, string> = { aTest: a.test, aLive: a.live, bTest: b.test, bLive: b.live };
    const names = Object.keys(keys) as SetName[];
    await inParallel(names, 4, async (name) => {
      sets[name] = await createFixtureSet(t.api(keys[name]), name, keys[name], receiver.url(`/hook/${name}`));
    });
    // One delivery attempt per scope: run the worker until each endpoint has had a delivery,
    // then stop it (stop() waits for the attempts in flight to be recorded). Nothing is
    // delivered after this, so every later read of a scope is stable.
    const delivered = receiver.received(names.map((n) => `/hook/${n}`));
    const worker = deliveryWorker(t.store, deliverySettings(t.config));
    worker.start({ warn: () => undefined, debug: () => undefined });
    try {
      await delivered;
    } finally {
      await worker.stop();
    }
    await inParallel(names, 4, (name) => addAttempt(t.api(keys[name]), sets[name]));
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  const requestsOf = (predicate: (r: PlannedRequest) => boolean) => plan.requests.filter(predicate);
  const sendAs = (request: ConcreteRequest, authorization: string | undefined) => send(t.app, request, authorization);

  /**
   * Every read the suite makes, in the set's scope with its own ids: the answers (to compare
   * before and after) and any read that did not succeed (a fixture the table names wrongly).
   */
  async function snapshot(set: FixtureSet, key = set.key): Promise<{ answers: Record<string, string>; failures: string[] }> {
    const answers: Record<string, string> = {};
    const failures: string[] = [];
    const reads = requestsOf((r) => isRead(r.route.method));
    const got = await inParallel(reads, PARALLEL, (request) => sendAs(concrete(request, set), bearer(key)));
    reads.forEach((request, i) => {
      const answer = got[i] as Answer;
      answers[request.label] = normalized(answer).replace(READ_TIME, '$1<now>');
      if (!succeeded(answer)) failures.push(`${request.label} → ${answer.status} ${answer.body}`);
    });
    return { answers, failures };
  }

  it('the route table: every /v1 route can be filled from the fixtures', () => {
    expect(routes.length).toBeGreaterThan(0);
    expect(plan.problems).toEqual([]);
    for (const route of routes) expect(plan.requests.some((r) => r.route === route), route.key).toBe(true);
  });

  it("controls: every read and write the suite sends succeeds in its owner's scope", async () => {
    // Else a refusal below could be validation's doing rather than the scope's.
    for (const set of Object.values(sets)) expect((await snapshot(set)).failures, set.label).toEqual([]);
    const failures: string[] = [];
    const writeRoutes = routes.filter((r) => WRITE_METHODS.has(r.method));
    await inParallel(writeRoutes, PARALLEL, async (route) => {
      // A fresh scope per write route (a delete must not take another route's fixtures away);
      // its requests run one after the other.
      const account = await t.newAccount('Control');
      const set = await createFixtureSet(t.api(account.test), 'control', account.test, receiver.url('/control'));
      for (const request of requestsOf((r) => r.route === route)) {
        const answer = await sendAs(concrete(request, set), bearer(account.test));
        if (!succeeded(answer)) failures.push(`${request.label} → ${answer.status} ${answer.body}`);
      }
    });
    expect(failures.sort()).toEqual([]);
    // A fresh account and fixture set for every write route: the heaviest test here
    // (a few seconds idle). The limit only guards against a hang; a loaded machine slows it.
  }, 180_000);

  it('no key, a malformed, unknown, revoked or expired key: the one 401 on every route, and nothing changes', async () => {
    const canonical = await sendAs({ method: 'GET', url: '/v1/customers', body: undefined, text: '' }, undefined);
    expect(canonical.status).toBe(401);
    expect(canonical.headers['www-authenticate']).toBeTruthy();
    const revoked = await t.services.accounts.createKey(a.id, 'test', false, null);
    await t.services.accounts.revokeKey(a.id, revoked.key.id);
    const expiring = await t.services.accounts.createKey(a.id, 'test', false, 60);
    const credentials: Array<[string, string | undefined, { expired?: boolean }?]> = [
      ['no Authorization header', undefined],
      ['an empty header', ''],
      ['Bearer x', 'Bearer x'],
      ['the scheme alone', 'Bearer'],
      ['Bearer and nothing', 'Bearer '],
      ['a short key', 'Bearer sk_test_abc'],
      ['a publishable-key prefix', bearer(generateKey('test', false).secret.replace('sk_', 'pk_'))],
      ['Basic garbage', 'Basic !!!'],
      ['Basic with an empty user', `Basic ${base64(':sk_test_x')}`],
      ['another scheme with a valid key', `Token ${a.test}`],
      ['a valid key with no scheme', a.test],
      ['an unknown secret key', bearer(generateKey('test', false).secret)],
      ['an unknown live key', bearer(generateKey('live', false).secret)],
      ['an unknown restricted key', bearer(generateKey('test', true).secret)],
      ['an unknown key as the Basic user', `Basic ${base64(`${generateKey('test', false).secret}:`)}`],
      ["a valid key with its mode prefix changed", bearer(a.test.replace('sk_test_', 'sk_live_'))],
      ['a revoked key', bearer(revoked.secret)],
      ['an expired key', bearer(expiring.secret), { expired: true }],
    ];
    const before = { test: await snapshot(sets.aTest), live: await snapshot(sets.aLive) };
    const mismatches: string[] = [];
    for (const [label, header, options] of credentials) {
      if (options?.expired) {
        // The key lives 60 s; an hour later it has expired (only Date is faked).
        vi.useFakeTimers({ toFake: ['Date'] });
        vi.setSystemTime(Date.now() + 3600_000);
      }
      try {
        await inParallel(routes, PARALLEL, async (route) => {
          const request = plan.requests.find((r) => r.route === route);
          if (!request) return;
          const answer = await sendAs(concrete(request, sets.aTest), header);
          // A HEAD answer is the GET answer without its body.
          const expected: Answer = route.method === 'HEAD' ? { ...canonical, body: '' } : canonical;
          exercised.auth.add(route.key);
          if (normalized(answer) !== normalized(expected)) mismatches.push(`${label}: ${route.key} → ${answer.status} ${answer.body}`);
        });
      } finally {
        if (options?.expired) vi.useRealTimers();
      }
    }
    expect({
      mismatches: mismatches.sort(),
      changed: [...changes(before.test.answers, (await snapshot(sets.aTest)).answers), ...changes(before.live.answers, (await snapshot(sets.aLive)).answers)],
    }).toEqual({ mismatches: [], changed: [] });
  });

  it('a restricted key: the one 403 on every write, in both modes, and nothing changes', async () => {
    const rk = {
      test: (await t.services.accounts.createKey(a.id, 'test', true, null)).secret,
      live: (await t.services.accounts.createKey(a.id, 'live', true, null)).secret,
    };
    expect(rk.test.startsWith('rk_test_') && rk.live.startsWith('rk_live_')).toBe(true);
    const canonical = await sendAs({ method: 'POST', url: '/v1/customers', body: '', text: '' }, bearer(rk.test));
    expect(canonical.status).toBe(403);
    const before = { test: await snapshot(sets.aTest), live: await snapshot(sets.aLive) };
    const mismatches: string[] = [];
    for (const [set, key] of [[sets.aTest, rk.test], [sets.aLive, rk.live]] as const) {
      await inParallel(requestsOf((r) => WRITE_METHODS.has(r.route.method)), PARALLEL, async (request) => {
        const answer = await sendAs(concrete(request, set), bearer(key));
        exercised.restricted.add(request.route.key);
        if (normalized(answer) !== normalized(canonical)) mismatches.push(`${set.label}: ${request.label} → ${answer.status} ${answer.body}`);
      });
    }
    expect({
      mismatches: mismatches.sort(),
      changed: [...changes(before.test.answers, (await snapshot(sets.aTest)).answers), ...changes(before.live.answers, (await snapshot(sets.aLive)).answers)],
    }).toEqual({ mismatches: [], changed: [] });
    // …and reads every route exactly as the secret key of its mode does.
    expect(changes(before.test.answers, (await snapshot(sets.aTest, rk.test)).answers)).toEqual([]);
    expect(changes(before.live.answers, (await snapshot(sets.aLive, rk.live)).answers)).toEqual([]);
  });

  it.each(PAIRS)('%s: every foreign id is answered exactly like a missing one, nothing foreign shows, nothing changes', async (_label, viewerName, ownerName) => {
    const viewer = sets[viewerName];
    const owner = sets[ownerName];
    const ownerBefore = await snapshot(owner);
    const problems: string[] = [];

    const leaksIn = (text: string, sent: string) => owner.secrets.filter((s) => !sent.includes(s) && text.includes(s));

    // The viewer's own reads (lists, searches, expansions) never show the owner's objects.
    const own = await snapshot(viewer);
    for (const [label, text] of Object.entries(own.answers)) {
      const leaked = leaksIn(text, '');
      if (leaked.length) problems.push(`${label} in the viewer's own scope shows the owner's ${leaked.join(', ')}`);
    }

    /** Sends the request naming the owner's object and the one naming a missing one; they must be indistinguishable. */
    async function compare(request: PlannedRequest, slot: Instance, base: FixtureSet, foreignValue: string, what: string): Promise<void> {
      const missingValue = missingLike(foreignValue);
      const foreignRequest = concrete(request, base, { [slot]: foreignValue });
      const missingRequest = concrete(request, base, { [slot]: missingValue });
      const foreign = await sendAs(foreignRequest, bearer(viewer.key));
      const missing = await sendAs(missingRequest, bearer(viewer.key));
      exercised.foreign.add(request.route.key);
      const where = `${request.label} with ${what}`;
      if (foreign.status >= 500 || missing.status >= 500) problems.push(`${where}: a ${foreign.status}/${missing.status}`);
      const inPath = request.pathSlots.has(slot);
      if (request.whenMissing === 'creates') {
        // The foreign value is a fresh one in the viewer's scope. The two new
        // objects differ only in their id, times and generated invoice prefix.
        const f = createdShape(foreign, foreignValue);
        const m = createdShape(missing, missingValue);
        if (f !== m) problems.push(`${where}:\n  foreign ${f}\n  missing ${m}`);
        if (owner.secrets.includes(String(JSON.parse(foreign.body)?.id))) problems.push(`${where}: answered with the owner's object`);
      } else {
        const refused = request.whenMissing === 'refused' ? (status: number) => status >= 400 : (status: number) => status === 404;
        if (inPath && !(refused(foreign.status) && refused(missing.status))) {
          problems.push(`${where}: ${foreign.status}/${missing.status}, not ${request.whenMissing === 'refused' ? 'a 4xx' : '404'}`);
        }
        const f = normalized(foreign, [foreignValue]);
        const m = normalized(missing, [missingValue]);
        if (f !== m) problems.push(`${where}:\n  foreign ${f}\n  missing ${m}`);
      }
      const leaked = leaksIn(normalized(foreign, [foreignValue]), foreignRequest.text);
      if (leaked.length) problems.push(`${where}: the answer shows the owner's ${leaked.join(', ')}`);
    }

    const cases: Array<Parameters<typeof compare>> = [];
    for (const request of plan.requests) {
      const slots = [...new Set(request.slots)];
      // The viewer's own objects everywhere but one place, which names the owner's object.
      for (const slot of slots) {
        for (const instance of foreignInstances(slot)) {
          const value = owner.values[instance];
          if (value !== undefined) cases.push([request, slot, viewer, value, `the owner's ${instance} as {${slot}}`]);
        }
      }
      // Every place naming the owner's objects, or all but one of them and a missing one.
      if (slots.length > 1) {
        for (const slot of slots) cases.push([request, slot, owner, valueOf(owner, slot), `all the owner's ids, {${slot}} the owner's or missing`]);
      }
    }
    // Find-or-create requests create in the viewer's scope (a customer with the owner's
    // external_id): they go last, after every read that asks for that value.
    const creates = (c: Parameters<typeof compare>) => c[0].whenMissing === 'creates';
    await inParallel(cases.filter((c) => !creates(c)), PARALLEL, (c) => compare(...c));
    for (const c of cases.filter(creates)) await compare(...c);
    expect({ problems: problems.sort(), changed: changes(ownerBefore.answers, (await snapshot(owner)).answers) }).toEqual({ problems: [], changed: [] });
  });

  it('exercised every /v1 route: auth on all, 403 on every write, foreign ids wherever a route names an object', () => {
    expect(routes.filter((r) => !exercised.auth.has(r.key)).map((r) => r.key)).toEqual([]);
    expect(routes.filter((r) => WRITE_METHODS.has(r.method) && !exercised.restricted.has(r.key)).map((r) => r.key)).toEqual([]);
    const naming = routes.filter((r) => plan.requests.some((q) => q.route === r && q.slots.length > 0));
    expect(naming.filter((r) => !exercised.foreign.has(r.key)).map((r) => r.key)).toEqual([]);
  });
});
