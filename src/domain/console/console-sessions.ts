import { createHmac, timingSafeEqual } from 'node:crypto';
import { newId, nowSeconds, randomBase62 } from '../../lib/ids.js';
import type { ConsoleSessionRecord, Store } from '../../store/port.js';
import type { AccountService, AuthContext } from '../accounts/account-service.js';
import { digestKey } from '../accounts/api-keys.js';
import { labelProblem } from '../actors/actor.js';

/**
 * The support console's sign-in (SPEC U-1): an API key typed into the page is exchanged for a
 * server-side session, so the key never stays in the browser. The browser holds only a cookie
 * `<account id>.<token>`: the account id scopes the lookup (sessions are account-owned rows
 * like customer data), the token is 43 random base62 characters (~256 bits) of which only the
 * SHA-256 digest is stored. One token may hold a session per mode: signing in with a test key
 * and then a live key of the same account gives the console both, and a switch between them.
 * Sessions live in the database, so every server process on it knows them.
 */
export interface ConsoleSession {
  /** The scope and rights of the key the person signed in with, re-checked on every request. */
  auth: AuthContext;
  actor: string;
  /** The same cookie value; for deriving the CSRF token. */
  cookie: string;
}

export type SignInOutcome =
  | { ok: true; cookie: string; session: ConsoleSession }
  | { ok: false; field: 'key' | 'actor'; message: string };

export type ResumeOutcome = { status: 'active'; session: ConsoleSession } | { status: 'expired' } | { status: 'none' };

export interface ConsoleSessionDeps {
  store: Pick<Store, 'read' | 'write'>;
  accounts: Pick<AccountService, 'authenticate'>;
  /** SPEC U-1: a session ends after this long without a request (30 minutes by default). */
  idleTimeoutSeconds: number;
  /** Seconds since the epoch; tests pass their own clock to expire a session without waiting. */
  now?: () => number;
}

const ACCOUNT_ID = /^acct_[0-9A-Za-z]{1,64}$/;
const TOKEN = /^[0-9A-Za-z]{43}$/;

/** Seconds between two writes of a session's last_seen: a page view need not write each time. */
const TOUCH_EVERY_SECONDS = 30;

function parseCookie(cookie: string | undefined): { accountId: string; token: string } | null {
  if (!cookie) return null;
  const dot = cookie.indexOf('.');
  const accountId = cookie.slice(0, dot);
  const token = cookie.slice(dot + 1);
  return dot > 0 && ACCOUNT_ID.test(accountId) && TOKEN.test(token) ? { accountId, token } : null;
}

/** The CSRF token of a session: derived from its secret token, so nothing more is stored. */
export function csrfTokenOf(cookie: string): string {
  return createHmac('sha256', cookie).update('clientele-console-csrf').digest('base64url');
}

export function csrfTokenMatches(cookie: string, presented: unknown): boolean {
  if (typeof presented !== 'string') return false;
  const expected = Buffer.from(csrfTokenOf(cookie));
  const given = Buffer.from(presented);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export function consoleSessionService(deps: ConsoleSessionDeps) {
  const { store, accounts, idleTimeoutSeconds } = deps;
  const now = deps.now ?? nowSeconds;

  /** The session of this cookie in one mode, if it is still usable (its key included). */
  async function load(cookie: string | undefined, livemode: boolean): Promise<ResumeOutcome> {
    const parsed = parseCookie(cookie);
    if (!parsed || !cookie) return { status: 'none' };
    const scope = { accountId: parsed.accountId, livemode };
    const found = await store.read(async (repos) => {
      const session = await repos.consoleSessions.findByToken(scope, digestKey(parsed.token));
      const key = session && (await repos.accounts.findKey(parsed.accountId, session.keyId));
      return session && key ? { session, key } : undefined;
    });
    if (!found) return { status: 'none' };
    const { session, key } = found;
    const at = now();
    const keyUsable = key.revoked_at === null && (key.expires_at === null || key.expires_at > at) && key.livemode === livemode;
    if (at - session.lastSeen > idleTimeoutSeconds || !keyUsable) {
      await store.write((repos) => repos.consoleSessions.delete(scope, session.id));
      return { status: keyUsable ? 'expired' : 'none' };
    }
    if (at - session.lastSeen >= TOUCH_EVERY_SECONDS) {
      await store.write((repos) => repos.consoleSessions.touch(scope, session.id, at));
    }
    return {
      status: 'active',
      session: { auth: { accountId: key.account_id, livemode, keyId: key.id, restricted: key.restricted, rateLimit: key.rate_limit }, actor: session.actor, cookie },
    };
  }

  return {
    idleTimeoutSeconds,

    /**
     * Signs a person in with a key. With the cookie of a session of the same account (in the
     * other mode), the new session joins it under the same token.
     */
    async signIn(secret: string, actorText: string, existingCookie?: string): Promise<SignInOutcome> {
      const actor = actorText.trim();
      const problem = labelProblem(actor);
      if (problem) return { ok: false, field: 'actor', message: `Your name or email ${problem}.` };
      const auth = await accounts.authenticate(secret.trim());
      if (!auth) return { ok: false, field: 'key', message: 'That key was not accepted: it is unknown, revoked or expired.' };
      const existing = parseCookie(existingCookie);
      const token = existing && existing.accountId === auth.accountId ? existing.token : randomBase62(43);
      const cookie = `${auth.accountId}.${token}`;
      const at = now();
      const record: ConsoleSessionRecord = {
        id: newId('cses'),
        livemode: auth.livemode,
        tokenDigest: digestKey(token),
        keyId: auth.keyId,
        actor,
        created: at,
        lastSeen: at,
      };
      await store.write(async (repos) => {
        // Abandoned sessions of this account and mode go as a new one starts: no sweep across accounts.
        await repos.consoleSessions.deleteIdle(auth, at - idleTimeoutSeconds);
        const same = await repos.consoleSessions.findByToken(auth, record.tokenDigest);
        if (same) await repos.consoleSessions.delete(auth, same.id);
        await repos.consoleSessions.insert(auth, record);
      });
      return { ok: true, cookie, session: { auth, actor, cookie } };
    },

    resume: load,

    /** The modes this cookie has a usable session in (for the test/live switch). */
    async modes(cookie: string | undefined): Promise<{ test: boolean; live: boolean }> {
      const [test, live] = await Promise.all([load(cookie, false), load(cookie, true)]);
      return { test: test.status === 'active', live: live.status === 'active' };
    },

    /** Ends the cookie's sessions in both modes. */
    async signOut(cookie: string | undefined): Promise<void> {
      const parsed = parseCookie(cookie);
      if (!parsed) return;
      const digest = digestKey(parsed.token);
      await store.write(async (repos) => {
        for (const livemode of [false, true]) {
          const scope = { accountId: parsed.accountId, livemode };
          const session = await repos.consoleSessions.findByToken(scope, digest);
          if (session) await repos.consoleSessions.delete(scope, session.id);
        }
      });
    },
  };
}

export type ConsoleSessionService = ReturnType<typeof consoleSessionService>;
