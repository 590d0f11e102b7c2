import { nowSeconds } from '../../lib/ids.js';
import type { Mailer } from '../../mail/mailer.js';
import type { Store } from '../../store/port.js';
import type { AuthContext } from '../accounts/account-service.js';
import { digestKey } from '../accounts/api-keys.js';
import { emailKey } from '../customers/customer-rules.js';
import type { Scope } from '../scope.js';
import type { PortalConfigurationService } from './portal-configuration-service.js';
import type { PortalSessionService } from './portal-session-service.js';
import { parseScopedToken } from './portal-tokens.js';
import type { PortalConfigurationRecord } from './portal.js';

/** Sign-in requests are counted in windows this long… */
export const LOGIN_WINDOW_SECONDS = 15 * 60;
/** …and each email, and each client address, may make this many per window (per account and mode). */
export const LOGIN_LIMIT_PER_EMAIL = 5;
export const LOGIN_LIMIT_PER_CLIENT = 20;

/** A login page that can be used: its configuration, and the key its sessions are written as. */
export interface LoginPage {
  scope: Scope;
  configuration: PortalConfigurationRecord;
  auth: AuthContext;
  /** The page's own URL (the sessions' return_url when the configuration has no default_return_url). */
  url: string;
}

/** Why a login page cannot be used; the page says the same for all, so a visitor learns nothing from it. */
export type LoginUnavailable = 'unknown' | 'disabled' | 'no_mail' | 'key_unusable' | 'inactive';

export type LoginPageOutcome = { status: 'available'; page: LoginPage } | { status: 'unavailable'; reason: LoginUnavailable };

export type AdmitOutcome = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** What became of one request, for the log (never the link or its token, never the address). */
export type LinkOutcome =
  | { status: 'sent'; customerId: string; sessionId: string }
  | { status: 'no_customer' }
  | { status: 'failed'; stage: 'session' | 'mail'; customerId: string; sessionId: string | null; error: unknown };

/** The mail of one link, written by the caller (in the page's language). */
export type ComposeMail = (link: string) => { subject: string; text: string };

export interface PortalLoginDeps {
  store: Pick<Store, 'read' | 'write'>;
  sessions: Pick<PortalSessionService, 'create'>;
  configurations: Pick<PortalConfigurationService, 'loginPageUrl'>;
  /** null without SMTP_URL: every login page says sign-in by email is unavailable. */
  mailer: Mailer | null;
  now?: () => number;
}

/** The case-folded address, trimmed: what customers' `email_key` holds. */
export function foldEmail(email: string): string {
  return emailKey(email.trim()) ?? '';
}

/**
 * Sign-in by email (issue 19, item 4): a configuration's login page asks for an address, and when
 * a customer of its account and mode has it, a portal session is made for that customer (the
 * same service as POST /v1/billing_portal/sessions) and its one-time link mailed to them. The
 * lookup, the session and the mail run after the page has answered (`request`), so neither the
 * answer nor its timing depends on whether the address is known; the mail is sent after the
 * session's transaction committed, never inside one.
 */
export function portalLoginService(deps: PortalLoginDeps) {
  const { store, sessions, configurations, mailer } = deps;
  const now = deps.now ?? nowSeconds;
  const inFlight = new Set<Promise<void>>();

  async function sendLink(page: LoginPage, email: string, locale: string, compose: ComposeMail): Promise<LinkOutcome> {
    const customer = await store.read((repos) => repos.customers.findLatestByEmailKey(page.scope, foldEmail(email)));
    if (!customer || !mailer) return { status: 'no_customer' };
    let made: Awaited<ReturnType<PortalSessionService['create']>>;
    try {
      made = await sessions.create(page.auth, {
        customer: customer.id,
        configuration: page.configuration.id,
        return_url: page.configuration.default_return_url ?? page.url,
        locale,
      });
    } catch (error) {
      return { status: 'failed', stage: 'session', customerId: customer.id, sessionId: null, error };
    }
    try {
      await mailer.send({ to: customer.email, ...compose(made.url) });
    } catch (error) {
      return { status: 'failed', stage: 'mail', customerId: customer.id, sessionId: made.session.id, error };
    }
    return { status: 'sent', customerId: customer.id, sessionId: made.session.id };
  }

  return {
    /** The login page of a token value (`<account>.<t|l>.<token>`), if it can be used now. */
    async resolve(value: string): Promise<LoginPageOutcome> {
      const parsed = parseScopedToken(value);
      if (!parsed) return { status: 'unavailable', reason: 'unknown' };
      const { scope } = parsed;
      const found = await store.read(async (repos) => {
        const configuration = await repos.portalConfigurations.findByLoginToken(scope, parsed.token);
        const key = configuration?.login_key_id ? await repos.accounts.findKey(scope.accountId, configuration.login_key_id) : undefined;
        return configuration && { configuration, key };
      });
      if (!found) return { status: 'unavailable', reason: 'unknown' };
      const { configuration, key } = found;
      if (!configuration.login_page.enabled) return { status: 'unavailable', reason: 'disabled' };
      if (!mailer) return { status: 'unavailable', reason: 'no_mail' };
      if (!configuration.active) return { status: 'unavailable', reason: 'inactive' };
      // The sessions are written as the key that enabled the page: once it is revoked or expired, the page stops.
      const at = now();
      if (!key || key.revoked_at !== null || (key.expires_at !== null && key.expires_at <= at)) return { status: 'unavailable', reason: 'key_unusable' };
      const url = configurations.loginPageUrl(scope, configuration) ?? '';
      const auth: AuthContext = { ...scope, keyId: key.id, restricted: false, rateLimit: null };
      return { status: 'available', page: { scope, configuration, auth, url } };
    },

    /**
     * Counts one request for this address and this client, per account and mode; refused past
     * LOGIN_LIMIT_PER_EMAIL or LOGIN_LIMIT_PER_CLIENT in a window. Counted whether or not the
     * address is known, so the answer tells nothing about it. Only digests are stored.
     */
    async admit(page: LoginPage, email: string, clientAddress: string): Promise<AdmitOutcome> {
      const at = now();
      const [byEmail, byClient] = await store.write((repos) =>
        repos.portalLoginLimits.hit(page.scope, [`email:${digestKey(foldEmail(email))}`, `client:${digestKey(clientAddress)}`], at, LOGIN_WINDOW_SECONDS),
      );
      const over = [
        byEmail && byEmail.attempts > LOGIN_LIMIT_PER_EMAIL ? byEmail : null,
        byClient && byClient.attempts > LOGIN_LIMIT_PER_CLIENT ? byClient : null,
      ].filter((b) => b !== null);
      if (over.length === 0) return { allowed: true };
      const until = Math.max(...over.map((b) => b.windowStart + LOGIN_WINDOW_SECONDS));
      return { allowed: false, retryAfterSeconds: Math.max(1, until - at) };
    },

    /**
     * Looks the address up and, for a customer holding it, makes a session and mails its link —
     * after the caller has answered. `report` hears what became of it (it must not log the link).
     */
    request(page: LoginPage, email: string, options: { locale: string; compose: ComposeMail; report: (outcome: LinkOutcome) => void }): void {
      const work = sendLink(page, email, options.locale, options.compose)
        .catch((error: unknown): LinkOutcome => ({ status: 'failed', stage: 'session', customerId: '', sessionId: null, error }))
        .then(options.report)
        .catch(() => undefined)
        .finally(() => inFlight.delete(work));
      inFlight.add(work);
    },

    /** Resolves when every request started so far is done (the server's close waits for it; so do tests). */
    async settled(): Promise<void> {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}

export type PortalLoginService = ReturnType<typeof portalLoginService>;
