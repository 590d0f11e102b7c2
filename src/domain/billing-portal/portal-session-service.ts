import { createHmac, timingSafeEqual } from 'node:crypto';
import { newId, nowSeconds } from '../../lib/ids.js';
import type { Store } from '../../store/port.js';
import type { AuthContext } from '../accounts/account-service.js';
import { digestKey } from '../accounts/api-keys.js';
import { parameterMissing, portalConfigurationInactive, resourceMissing } from '../errors.js';
import type { Scope } from '../scope.js';
import { checkPageUrl, type PortalConfigurationService } from './portal-configuration-service.js';
import type { PortalConfigurationRecord, PortalSessionRecord } from './portal.js';
import { newPortalToken, parseScopedToken, tokenValue } from './portal-tokens.js';

/** Stripe's `locale` values for a portal session (the page itself speaks en, de, fr and es). */
export const PORTAL_LOCALES = [
  'auto', 'bg', 'cs', 'da', 'de', 'el', 'en', 'en-AU', 'en-CA', 'en-GB', 'en-IE', 'en-IN', 'en-NZ', 'en-SG', 'es', 'es-419',
  'et', 'fi', 'fil', 'fr', 'fr-CA', 'hr', 'hu', 'id', 'it', 'ja', 'ko', 'lt', 'lv', 'ms', 'mt', 'nb', 'nl', 'pl', 'pt', 'pt-BR',
  'ro', 'ru', 'sk', 'sl', 'sv', 'th', 'tr', 'vi', 'zh', 'zh-HK', 'zh-TW',
] as const;

/** An unused link works this long (issue 19). */
export const LINK_LIFETIME_SECONDS = 10 * 60;
/** An opened session lasts this long at most, and ends sooner after this long without a request. */
export const SESSION_LIFETIME_SECONDS = 60 * 60;
export const SESSION_IDLE_SECONDS = 15 * 60;
/** A session's last_seen is written at most this often. */
const TOUCH_EVERY_SECONDS = 30;

export interface CreatePortalSessionInput {
  customer: string;
  return_url?: string;
  locale?: string;
  configuration?: string;
}

interface ParsedToken {
  scope: Scope;
  digest: string;
}

export function parsePortalToken(value: string | undefined): ParsedToken | null {
  const parsed = parseScopedToken(value);
  return parsed && { scope: parsed.scope, digest: digestKey(parsed.token) };
}

/** The CSRF token of a portal session: derived from its cookie, so nothing more is stored. */
export function portalCsrfTokenOf(cookie: string): string {
  return createHmac('sha256', cookie).update('clientele-portal-csrf').digest('base64url');
}

export function portalCsrfTokenMatches(cookie: string, presented: string): boolean {
  const expected = Buffer.from(portalCsrfTokenOf(cookie));
  const given = Buffer.from(presented);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** An open portal session as the pages use it. */
export interface ActivePortalSession {
  record: PortalSessionRecord;
  configuration: PortalConfigurationRecord;
  /** Writes made from the portal run as the key that asked for the session, scoped like it. */
  auth: AuthContext;
  /** `request.actor` of every change made in this session. */
  actor: string;
  cookie: string;
}

export type OpenOutcome =
  | { status: 'opened'; cookie: string }
  | { status: 'used' | 'expired'; returnUrl: string }
  | { status: 'unknown' };

export type ResumeOutcome = { status: 'active'; session: ActivePortalSession } | { status: 'ended'; returnUrl: string } | { status: 'none' };

export interface PortalSessionDeps {
  store: Pick<Store, 'read' | 'write'>;
  configurations: Pick<PortalConfigurationService, 'defaultIn'>;
  /** PUBLIC_URL: where the links point. */
  publicUrl: string;
  /** Seconds since the epoch; tests pass their own clock to expire links without waiting. */
  now?: () => number;
}

export function portalActor(sessionId: string): string {
  return `portal session ${sessionId}`;
}

/** Stripe's billing-portal sessions (issue 19): a one-time link that becomes a browser session. */
export function portalSessionService(deps: PortalSessionDeps) {
  const { store, configurations, publicUrl } = deps;
  const now = deps.now ?? nowSeconds;

  function ended(record: PortalSessionRecord, at: number): boolean {
    if (record.openedAt === null) return true;
    return at - record.openedAt > SESSION_LIFETIME_SECONDS || at - (record.lastSeen ?? record.openedAt) > SESSION_IDLE_SECONDS;
  }

  return {
    /** Makes a session and its link: the only time the link's token exists outside the caller. */
    async create(auth: AuthContext, input: CreatePortalSessionInput): Promise<{ session: PortalSessionRecord; url: string }> {
      const returnGiven = checkPageUrl(input.return_url, 'return_url') ?? undefined;
      const token = newPortalToken();
      const at = now();
      const session = await store.write(async (repos) => {
        const customer = await repos.customers.findById(auth, input.customer);
        if (!customer || customer.deleted) throw resourceMissing('customer', input.customer, 'customer', { status: 400 });
        let configuration: PortalConfigurationRecord;
        if (input.configuration !== undefined) {
          const found = await repos.portalConfigurations.findById(auth, input.configuration);
          if (!found) throw resourceMissing('billing portal configuration', input.configuration, 'configuration', { status: 400 });
          if (!found.active) throw portalConfigurationInactive(found.id);
          configuration = found;
        } else {
          configuration = await configurations.defaultIn(repos, auth);
        }
        const returnUrl = returnGiven ?? configuration.default_return_url;
        if (!returnUrl) throw parameterMissing('return_url');
        // Sessions dead by now (link unused past its life, or opened and past the session's) go as new ones start.
        await repos.portalSessions.deleteCreatedBefore(auth, at - LINK_LIFETIME_SECONDS - SESSION_LIFETIME_SECONDS);
        const record: PortalSessionRecord = {
          id: newId('bps'),
          livemode: auth.livemode,
          created: at,
          customerId: customer.id,
          configurationId: configuration.id,
          keyId: auth.keyId,
          returnUrl,
          locale: input.locale ?? null,
          linkDigest: digestKey(token),
          openedAt: null,
          cookieDigest: null,
          lastSeen: null,
        };
        await repos.portalSessions.insert(auth, record);
        return record;
      });
      return { session, url: `${publicUrl}/portal/session/${tokenValue(auth, token)}` };
    },

    /** Opens a link once: its session starts and gets a cookie token of its own. */
    async open(link: string): Promise<OpenOutcome> {
      const parsed = parsePortalToken(link);
      if (!parsed) return { status: 'unknown' };
      const cookieToken = newPortalToken();
      const at = now();
      return store.write(async (repos): Promise<OpenOutcome> => {
        const record = await repos.portalSessions.findByLink(parsed.scope, parsed.digest, { forUpdate: true });
        if (!record) return { status: 'unknown' };
        if (record.openedAt !== null) return { status: 'used', returnUrl: record.returnUrl };
        if (at - record.created > LINK_LIFETIME_SECONDS) return { status: 'expired', returnUrl: record.returnUrl };
        if (!(await repos.portalSessions.open(parsed.scope, record.id, digestKey(cookieToken), at))) {
          return { status: 'used', returnUrl: record.returnUrl };
        }
        return { status: 'opened', cookie: tokenValue(parsed.scope, cookieToken) };
      });
    },

    /** The session of a cookie, while it lasts (each request counts as activity). */
    async resume(cookie: string | undefined): Promise<ResumeOutcome> {
      const parsed = parsePortalToken(cookie);
      if (!parsed || !cookie) return { status: 'none' };
      const found = await store.read(async (repos) => {
        const record = await repos.portalSessions.findByCookie(parsed.scope, parsed.digest);
        const configuration = record && (await repos.portalConfigurations.findById(parsed.scope, record.configurationId));
        const key = record && (await repos.accounts.findKey(parsed.scope.accountId, record.keyId));
        return record && configuration ? { record, configuration, key } : undefined;
      });
      if (!found) return { status: 'none' };
      const { record, configuration, key } = found;
      const at = now();
      // The portal writes as the key that asked for the session: once it is revoked or expired, so is the session.
      const keyUsable = key !== undefined && key.revoked_at === null && (key.expires_at === null || key.expires_at > at);
      if (ended(record, at) || !keyUsable) {
        await store.write((repos) => repos.portalSessions.delete(parsed.scope, record.id));
        return { status: 'ended', returnUrl: record.returnUrl };
      }
      if (at - (record.lastSeen ?? 0) >= TOUCH_EVERY_SECONDS) {
        await store.write((repos) => repos.portalSessions.touch(parsed.scope, record.id, at));
      }
      const auth: AuthContext = { ...parsed.scope, keyId: record.keyId, restricted: false, rateLimit: null };
      return { status: 'active', session: { record, configuration, auth, actor: portalActor(record.id), cookie } };
    },

    /** Ends a session (the page's sign-out). */
    async end(cookie: string | undefined): Promise<string | null> {
      const parsed = parsePortalToken(cookie);
      if (!parsed) return null;
      return store.write(async (repos) => {
        const record = await repos.portalSessions.findByCookie(parsed.scope, parsed.digest);
        if (!record) return null;
        await repos.portalSessions.delete(parsed.scope, record.id);
        return record.returnUrl;
      });
    },
  };
}

export type PortalSessionService = ReturnType<typeof portalSessionService>;
