import type { RateLease, RateLimitStore } from '../../store/port.js';
import type { AuthContext } from '../accounts/account-service.js';

/** SPEC R-4: requests per second per key, by mode, and the search endpoints' own budget. 0: off. */
export interface RateLimitSettings {
  live: number;
  test: number;
  search: number;
}

export type Budget = 'api' | 'search';

/** What the RateLimit-* headers (and a 429) say. */
export interface RateDecision {
  allowed: boolean;
  budget: Budget;
  limit: number;
  remaining: number;
  /** Seconds until the bucket is full again. */
  resetSeconds: number;
  /** For a refusal: seconds until the next request fits (at least 1). */
  retryAfterSeconds: number;
}

/** How long leased tokens stay usable here; unused ones are then dropped (never over-admitted). */
const LEASE_TTL_MS = 5_000;

/** Tokens leased at a time: 5 % of the limit, so N processes hold back at most N × 5 % unused. */
export function leaseSize(limit: number): number {
  return Math.max(1, Math.ceil(limit / 20));
}

interface Local {
  /** Leased tokens not spent yet, usable until `expiresAt`. */
  tokens: number;
  expiresAt: number;
  /** The shared bucket is empty until then: refuse without asking. */
  emptyUntil: number;
  /** The shared bucket's tokens at the last lease, and when. */
  shared: number;
  sharedAt: number;
  lastUsed: number;
  pending: Promise<void> | null;
}

export interface RateLimiterOptions {
  now?: () => number;
  /** A lease failed (database unreachable): the request is let through, and this is told. */
  onLeaseError?: (error: unknown) => void;
}

/**
 * Token buckets per API key (SPEC R-4), the size of one second of the limit, so a key may burst
 * to its limit and then sustain it. The buckets live in the store (shared by every process on
 * one PostgreSQL; in memory on SQLite); this process leases tokens from them a few at a time
 * and spends them locally, so admitting a request is a map lookup. Every admitted request spent
 * a token the bucket granted, so all processes together never admit more than the bucket
 * allows; the error is the other way: tokens a process leased and has not spent yet (at most
 * 5 % of the limit per process, dropped after 5 s).
 */
export function rateLimiter(store: RateLimitStore, settings: RateLimitSettings, options: RateLimiterOptions = {}) {
  const now = options.now ?? (() => performance.now());
  const locals = new Map<string, Local>();

  const limitOf = (auth: AuthContext, budget: Budget): number => {
    if (budget === 'search') return settings.search;
    return auth.rateLimit ?? (auth.livemode ? settings.live : settings.test);
  };

  const decision = (local: Local, budget: Budget, limit: number, allowed: boolean, t: number): RateDecision => {
    const shared = Math.min(limit, local.shared + ((t - local.sharedAt) * limit) / 1000);
    const remaining = Math.max(0, Math.min(limit, Math.floor((t < local.expiresAt ? local.tokens : 0) + shared)));
    return {
      allowed,
      budget,
      limit,
      remaining,
      resetSeconds: remaining >= limit ? 0 : Math.ceil((limit - remaining) / limit),
      retryAfterSeconds: Math.max(1, Math.ceil((local.emptyUntil - t) / 1000)),
    };
  };

  const localOf = (key: string, t: number): Local => {
    let local = locals.get(key);
    if (!local) {
      if (locals.size >= 100_000) {
        for (const [k, l] of locals) if (t - l.lastUsed > LEASE_TTL_MS && !l.pending) locals.delete(k);
      }
      local = { tokens: 0, expiresAt: 0, emptyUntil: 0, shared: 0, sharedAt: t, lastUsed: t, pending: null };
      locals.set(key, local);
    }
    local.lastUsed = t;
    return local;
  };

  const refill = (local: Local, auth: AuthContext, budget: Budget, limit: number): Promise<void> => {
    if (local.pending) return local.pending;
    const want = leaseSize(limit);
    const asked = now();
    const settle = (lease: RateLease) => {
      local.tokens = lease.granted;
      local.expiresAt = asked + LEASE_TTL_MS;
      local.shared = lease.tokens;
      local.sharedAt = asked;
      // Empty: no one here asks again before the bucket can grant a whole lease.
      if (lease.granted === 0) local.emptyUntil = asked + Math.ceil(((want - lease.tokens) / limit) * 1000);
    };
    local.pending = store
      .lease({ accountId: auth.accountId, id: `${auth.keyId}:${budget}` }, limit, want)
      .then(settle, (error: unknown) => {
        options.onLeaseError?.(error);
        settle({ granted: want, tokens: limit });
      })
      .finally(() => {
        local.pending = null;
      });
    return local.pending;
  };

  const takeOne = (auth: AuthContext, budget: Budget, limit: number): RateDecision | Promise<RateDecision> => {
    const t = now();
    const local = localOf(`${auth.keyId}:${budget}`, t);
    if (local.tokens > 0 && t < local.expiresAt) {
      local.tokens--;
      return decision(local, budget, limit, true, t);
    }
    if (t < local.emptyUntil) return decision(local, budget, limit, false, t);
    // Waiters beyond the lease's size try again: they either get the next lease or are refused.
    return refill(local, auth, budget, limit).then(() => takeOne(auth, budget, limit));
  };

  /** Gives back a token spent on a request that did no work (an idempotent replay). */
  const refund = (auth: AuthContext, budget: Budget): void => {
    const local = locals.get(`${auth.keyId}:${budget}`);
    if (local && now() < local.expiresAt) local.tokens++;
  };

  return {
    /** The key's limit for this budget; 0 when it has none. */
    limitOf,
    refund,

    /**
     * Spends one token of each budget the request draws on (search also counts towards the key's
     * general budget); the refusal, or the tightest of the two when both admit. Synchronous
     * unless a lease is needed. Null when no limit applies.
     */
    take(auth: AuthContext, search: boolean): RateDecision | null | Promise<RateDecision | null> {
      const general = limitOf(auth, 'api');
      const searchLimit = search ? limitOf(auth, 'search') : 0;
      const then = <A, B>(value: A | Promise<A>, fn: (a: A) => B | Promise<B>): B | Promise<B> =>
        value instanceof Promise ? value.then(fn) : fn(value);
      const second = (first: RateDecision | null) => {
        if (first && !first.allowed) return first;
        if (general === 0) return first;
        return then(takeOne(auth, 'api', general), (d) => {
          if (!d.allowed && first) refund(auth, 'search');
          return !first || !d.allowed || d.remaining < first.remaining ? d : first;
        });
      };
      return searchLimit > 0 ? then(takeOne(auth, 'search', searchLimit), second) : second(null);
    },
  };
}

export type RateLimiter = ReturnType<typeof rateLimiter>;
