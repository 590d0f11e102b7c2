import { randomBytes } from 'node:crypto';
import { newId, nowSeconds } from '../../lib/ids.js';
import type { AccountRecord, ApiKeyRecord, Store } from '../../store/port.js';
import type { Scope } from '../scope.js';
import { labelProblem } from '../actors/actor.js';
import { digestKey, digestsEqual, generateKey, looksLikeKey, type Mode } from './api-keys.js';

/** The key a request authenticated with; it is the request's scope (account and mode). */
export interface AuthContext extends Scope {
  keyId: string;
  restricted: boolean;
  /** The key's own requests per second (SPEC R-4); null: its mode's setting, 0: no limit. */
  rateLimit: number | null;
}

/** The largest per-key rate limit `keys create|update --rate-limit` accepts. */
export const MAX_KEY_RATE_LIMIT = 1_000_000;

export interface CreatedKey {
  key: ApiKeyRecord;
  secret: string;
}

export class AccountError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AccountError';
  }
}

export interface AccountServiceOptions {
  /** How long a key lookup may be served from memory; revocation takes effect after it. */
  keyCacheMs: number;
}

/** What a key may carry besides its kind and mode. */
export interface KeyExtras {
  rateLimit?: number | null;
  name?: string | null;
}

/** A lookup by digest and what it resolved to; the digest was the Map key, so a hit needs no comparison. */
type CachedLookup = { auth: AuthContext | null; expiresAt: number | null; at: number };

export function accountService(store: Pick<Store, 'read' | 'write'>, options: AccountServiceOptions) {
  const cache = new Map<string, CachedLookup>();
  const MAX_CACHE = 10_000;

  /** A fresh cached lookup's answer for this secret; undefined when it must be looked up. */
  const authenticateCached = (secret: string): AuthContext | null | undefined => {
    if (!looksLikeKey(secret)) return null;
    const entry = cache.get(digestKey(secret));
    if (!entry || Date.now() - entry.at > options.keyCacheMs) return undefined;
    if (entry.expiresAt !== null && entry.expiresAt <= nowSeconds()) return null;
    return entry.auth;
  };

  async function newKey(
    repos: { accounts: { insertKey(k: ApiKeyRecord): Promise<void> } },
    accountId: string,
    mode: Mode,
    restricted: boolean,
    expiresInSeconds: number | null,
    extra: KeyExtras = {},
  ): Promise<CreatedKey> {
    const generated = generateKey(mode, restricted);
    const now = nowSeconds();
    const key: ApiKeyRecord = {
      account_id: accountId,
      id: newId('key'),
      livemode: mode === 'live',
      restricted,
      digest: generated.digest,
      prefix: generated.prefix,
      last4: generated.last4,
      created: now,
      expires_at: expiresInSeconds === null ? null : now + expiresInSeconds,
      revoked_at: null,
      rate_limit: extra.rateLimit ?? null,
      name: extra.name ?? null,
    };
    await repos.accounts.insertKey(key);
    return { key, secret: generated.secret };
  }

  async function requireAccount(accountId: string): Promise<AccountRecord> {
    const account = await store.read((r) => r.accounts.findAccount(accountId));
    if (!account) throw new AccountError(`no such account: ${accountId}`);
    return account;
  }

  return {
    async createAccount(name: string): Promise<{ account: AccountRecord; test: CreatedKey; live: CreatedKey }> {
      const trimmed = name.trim();
      if (trimmed === '' || trimmed.length > 200) throw new AccountError('account name must be 1–200 characters');
      return store.write(async (repos) => {
        const account: AccountRecord = {
          id: newId('acct'),
          name: trimmed,
          created: nowSeconds(),
          unique_emails: false,
          fingerprint_secret: randomBytes(32).toString('base64'),
        };
        await repos.accounts.insertAccount(account);
        const test = await newKey(repos, account.id, 'test', false, null);
        const live = await newKey(repos, account.id, 'live', false, null);
        return { account, test, live };
      });
    },

    /** Creates the first account when the database has none (several processes may race here). */
    async bootstrap(): Promise<{ account: AccountRecord; test: CreatedKey } | null> {
      return store.write(async (repos) => {
        await repos.lock('clientele:bootstrap');
        if ((await repos.accounts.countAccounts()) > 0) return null;
        const account: AccountRecord = {
          id: newId('acct'),
          name: 'Default account',
          created: nowSeconds(),
          unique_emails: false,
          fingerprint_secret: randomBytes(32).toString('base64'),
        };
        await repos.accounts.insertAccount(account);
        // Only a test key: a live secret is created deliberately (clientele keys create --mode live).
        const test = await newKey(repos, account.id, 'test', false, null);
        return { account, test };
      });
    },

    listAccounts: () => store.read((r) => r.accounts.listAccounts()),

    /** The account's secret for keyed card fingerprints (SPEC PM-2). */
    async fingerprintSecret(accountId: string): Promise<string> {
      const account = await store.read((r) => r.accounts.findAccount(accountId));
      if (!account) throw new AccountError(`no such account: ${accountId}`);
      return account.fingerprint_secret;
    },
    requireAccount,

    async setUniqueEmails(accountId: string, on: boolean): Promise<AccountRecord> {
      await requireAccount(accountId);
      await store.write(async (repos) => {
        await repos.accounts.setUniqueEmails(accountId, on);
      });
      return requireAccount(accountId);
    },

    /**
     * `rateLimit`: the key's own requests per second (null: its mode's setting). `name` (SPEC
     * U-3): shown as who made a change when a request gives no Clientele-Actor.
     */
    async createKey(
      accountId: string,
      mode: Mode,
      restricted: boolean,
      expiresInSeconds: number | null,
      extra: KeyExtras = {},
    ): Promise<CreatedKey> {
      const label = extra.name == null ? null : extra.name.trim();
      const problem = label === null ? null : labelProblem(label);
      if (problem) throw new AccountError(`key name ${problem} (1–100 printable characters)`);
      await requireAccount(accountId);
      return store.write((repos) => newKey(repos, accountId, mode, restricted, expiresInSeconds, { rateLimit: extra.rateLimit ?? null, name: label }));
    },

    /** Sets a key's own rate limit (null: back to its mode's setting); live within the key cache's 500 ms. */
    async setKeyRateLimit(accountId: string, keyId: string, rateLimit: number | null): Promise<ApiKeyRecord> {
      return store.write(async (repos) => {
        const key = await repos.accounts.findKey(accountId, keyId);
        if (!key) throw new AccountError(`no such key: ${keyId} in account ${accountId}`);
        await repos.accounts.setRateLimit(accountId, keyId, rateLimit);
        return { ...key, rate_limit: rateLimit };
      });
    },

    async listKeys(accountId: string, mode?: Mode): Promise<ApiKeyRecord[]> {
      await requireAccount(accountId);
      return store.read((r) => r.accounts.listKeys(accountId, mode === undefined ? undefined : mode === 'live'));
    },

    async revokeKey(accountId: string, keyId: string): Promise<ApiKeyRecord> {
      return store.write(async (repos) => {
        const key = await repos.accounts.findKey(accountId, keyId);
        if (!key) throw new AccountError(`no such key: ${keyId} in account ${accountId}`);
        if (key.revoked_at !== null) throw new AccountError(`key ${keyId} is already revoked`);
        const at = nowSeconds();
        await repos.accounts.revokeKey(accountId, keyId, at);
        return { ...key, revoked_at: at };
      });
    },

    /** Revokes a key and issues a replacement of the same kind and mode, atomically. */
    async rollKey(accountId: string, keyId: string, expiresInSeconds: number | null): Promise<CreatedKey> {
      return store.write(async (repos) => {
        const key = await repos.accounts.findKey(accountId, keyId);
        if (!key) throw new AccountError(`no such key: ${keyId} in account ${accountId}`);
        if (key.revoked_at !== null) throw new AccountError(`key ${keyId} is already revoked`);
        await repos.accounts.revokeKey(accountId, keyId, nowSeconds());
        // The replacement keeps the key's own rate limit and name.
        return newKey(repos, accountId, key.livemode ? 'live' : 'test', key.restricted, expiresInSeconds, { rateLimit: key.rate_limit, name: key.name });
      });
    },

    /**
     * Resolves a presented secret to its account and mode, or null. Lookups (hits and misses)
     * are cached for at most keyCacheMs so the hot path avoids a query per request.
     */
    async authenticate(secret: string): Promise<AuthContext | null> {
      const cached = authenticateCached(secret);
      if (cached !== undefined) return cached;
      if (!looksLikeKey(secret)) return null;
      const digest = digestKey(secret);
      const key = await store.read((r) => r.accounts.findKeyByDigest(digest));
      const auth = resolveKey(secret, digest, key);
      if (cache.size >= MAX_CACHE) cache.clear();
      // A key that expires later is cached as valid until then; an expired one resolves to null.
      cache.set(digest, { auth, expiresAt: auth ? (key?.expires_at ?? null) : null, at: Date.now() });
      return auth;
    },

    /**
     * The same answer without waiting when the cache holds a fresh lookup for this secret;
     * undefined when it must be looked up.
     */
    authenticateCached,
  };
}

function resolveKey(secret: string, digest: string, key: ApiKeyRecord | undefined): AuthContext | null {
  if (!key || !digestsEqual(key.digest, digest)) return null;
  if (key.revoked_at !== null) return null;
  if (key.expires_at !== null && key.expires_at <= nowSeconds()) return null;
  if (!secret.startsWith(`${key.prefix}_`)) return null;
  // Shared by every request the cache answers with it.
  return Object.freeze({
    accountId: key.account_id,
    livemode: key.livemode,
    keyId: key.id,
    restricted: key.restricted,
    rateLimit: key.rate_limit,
  });
}

export type AccountService = ReturnType<typeof accountService>;
