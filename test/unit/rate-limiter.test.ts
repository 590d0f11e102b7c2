import { describe, expect, it } from 'vitest';
import type { AuthContext } from '../../src/domain/accounts/account-service.js';
import { leaseSize, rateLimiter, type RateDecision } from '../../src/domain/rate-limits/rate-limiter.js';
import type { RateLimitStore } from '../../src/store/port.js';
import { memoryRateBuckets } from '../../src/store/kysely/rate-limit-buckets.js';

/** The limiter's arithmetic on a clock the test moves: no sleeping, nothing timed. */
function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

const key = (over: Partial<AuthContext> = {}): AuthContext => ({
  accountId: 'acct_1',
  livemode: false,
  keyId: 'key_1',
  restricted: false,
  rateLimit: null,
  ...over,
});

async function take(limiter: ReturnType<typeof rateLimiter>, auth: AuthContext, search = false): Promise<RateDecision | null> {
  return limiter.take(auth, search);
}

/** A bucket store that counts its leases (the round trips a real one would make). */
function counting(store: RateLimitStore) {
  let leases = 0;
  return {
    store: { lease: (...args: Parameters<RateLimitStore['lease']>) => (leases++, store.lease(...args)) } satisfies RateLimitStore,
    leases: () => leases,
  };
}

describe('rate limiter (SPEC R-4)', () => {
  it('lets a key burst to its limit, refuses the next with Retry-After, and refills at the limit per second', async () => {
    const c = clock();
    const limiter = rateLimiter(memoryRateBuckets(c.now), { live: 100, test: 25, search: 20 }, { now: c.now });
    const decisions = [];
    for (let i = 0; i < 30; i++) decisions.push(await take(limiter, key()));
    expect(decisions.filter((d) => d?.allowed)).toHaveLength(25);
    const refused = decisions.find((d) => d && !d.allowed);
    expect(refused).toMatchObject({ limit: 25, remaining: 0, retryAfterSeconds: 1, budget: 'api' });
    c.advance(1000);
    const after = [];
    for (let i = 0; i < 30; i++) after.push(await take(limiter, key()));
    expect(after.filter((d) => d?.allowed)).toHaveLength(25);
  });

  it('uses the mode and the key: live and test budgets apart, a key override replacing its mode, 0 meaning none', async () => {
    const c = clock();
    const limiter = rateLimiter(memoryRateBuckets(c.now), { live: 3, test: 2, search: 0 }, { now: c.now });
    const count = async (auth: AuthContext) => {
      let allowed = 0;
      for (let i = 0; i < 10; i++) if ((await take(limiter, auth))?.allowed) allowed++;
      return allowed;
    };
    expect(await count(key({ keyId: 'key_live', livemode: true }))).toBe(3);
    expect(await count(key({ keyId: 'key_test' }))).toBe(2);
    expect(await count(key({ keyId: 'key_own', rateLimit: 7 }))).toBe(7);
    expect(await take(limiter, key({ keyId: 'key_free', rateLimit: 0 }))).toBeNull();
  });

  it('search spends its own lower budget and the general one too', async () => {
    const c = clock();
    const limiter = rateLimiter(memoryRateBuckets(c.now), { live: 100, test: 10, search: 4 }, { now: c.now });
    const searches = [];
    for (let i = 0; i < 6; i++) searches.push(await take(limiter, key(), true));
    expect(searches.filter((d) => d?.allowed)).toHaveLength(4);
    expect(searches.at(-1)).toMatchObject({ allowed: false, budget: 'search', limit: 4 });
    const rest = [];
    for (let i = 0; i < 10; i++) rest.push(await take(limiter, key()));
    // 4 searches already came out of the general 10.
    expect(rest.filter((d) => d?.allowed)).toHaveLength(6);
  });

  it('a refunded token (an idempotent replay) is spendable again', async () => {
    const c = clock();
    const limiter = rateLimiter(memoryRateBuckets(c.now), { live: 0, test: 3, search: 0 }, { now: c.now });
    for (let i = 0; i < 10; i++) {
      expect((await take(limiter, key()))?.allowed).toBe(true);
      limiter.refund(key(), 'api');
    }
  });

  it('processes sharing one bucket store never admit more than the bucket grants, and lease a few tokens per round trip', async () => {
    const c = clock();
    const shared = counting(memoryRateBuckets(c.now));
    const limit = 200;
    const nodes = [1, 2, 3].map(() => rateLimiter(shared.store, { live: 0, test: limit, search: 0 }, { now: c.now }));
    let admitted = 0;
    let requests = 0;
    // Three seconds of every node offering twice the limit, in 10 ms steps.
    for (let step = 0; step < 300; step++) {
      for (const node of nodes) {
        for (let i = 0; i < 4; i++) {
          requests++;
          if ((await take(node, key()))?.allowed) admitted++;
        }
      }
      c.advance(10);
    }
    const grantable = limit + limit * 3;
    expect(admitted).toBeLessThanOrEqual(grantable);
    expect(admitted).toBeGreaterThanOrEqual(grantable * 0.9);
    expect(leaseSize(limit)).toBe(10);
    // Far fewer round trips than requests: one per lease of 5 % of the limit, plus refusals' retries.
    expect(shared.leases()).toBeLessThan(requests / 5);
  });
});
