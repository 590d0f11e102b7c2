import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { loginPagePath } from '../../domain/billing-portal/portal-configuration-service.js';
import type { LinkOutcome, LoginPage } from '../../domain/billing-portal/portal-login-service.js';
import { portalCsrfTokenMatches, portalCsrfTokenOf } from '../../domain/billing-portal/portal-session-service.js';
import { newPortalToken } from '../../domain/billing-portal/portal-tokens.js';
import { formField } from '../web/page-security.js';
import { negotiateLocale, translator, type Translator } from './i18n.js';
import type { PortalDeps, PortalPageHelpers } from './index.js';
import { loginFormPage, loginLimitedPage, loginSentPage, loginUnavailablePage } from './login-page.js';
import { messagePage } from './portal-page.js';

/** The login form's CSRF cookie: random, HttpOnly, only sent to the login pages. */
export const LOGIN_COOKIE = 'clientele_portal_login';
const COOKIE_VALUE = /^[0-9A-Za-z]{43}$/;
const EMAIL_MAX = 512;
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+$/;

type LoginRequest = FastifyRequest<{ Params: { token: string }; Querystring: { locale?: string } }>;

/** What a failed send may be logged with: the SMTP error's kind, never the link, its token or the address. */
function mailErrorOf(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: 'unknown error' };
  const e = error as Error & { code?: unknown; command?: unknown; responseCode?: unknown };
  const message = error.message
    .replace(/https?:\/\/\S+/g, '[link]')
    .replace(/acct_[0-9A-Za-z]+\.[tl]\.[0-9A-Za-z]+/g, '[token]')
    .replace(/[^\s<>@"']+@[^\s<>@"']+/g, '[address]');
  return { name: error.name, message, code: e.code, command: e.command, responseCode: e.responseCode };
}

function reportTo(log: FastifyBaseLogger, page: LoginPage) {
  return (outcome: LinkOutcome) => {
    const configuration = page.configuration.id;
    if (outcome.status === 'sent') log.info({ configuration, customer: outcome.customerId, session: outcome.sessionId }, 'portal sign-in link mailed');
    else if (outcome.status === 'no_customer') log.info({ configuration }, 'portal sign-in asked for an address no customer has');
    else {
      log.error(
        { configuration, customer: outcome.customerId, session: outcome.sessionId, stage: outcome.stage, error: mailErrorOf(outcome.error) },
        outcome.stage === 'mail' ? 'portal sign-in link not mailed: the SMTP server refused or failed' : 'portal sign-in session not made',
      );
    }
  };
}

/**
 * Sign-in by email (issue 19, item 4): `/portal/login/<token>`, the configuration's login page.
 * It asks for an address and answers every accepted request with the same page; the lookup, the
 * session and the mail happen after the answer (services.portalLogin.request).
 */
export function registerPortalLogin(scope: FastifyInstance, deps: PortalDeps & { helpers: PortalPageHelpers; secure: boolean }): void {
  const { services, helpers } = deps;

  const translatorOf = (request: LoginRequest, chosen?: string): Translator =>
    translator(negotiateLocale(chosen ?? (typeof request.query.locale === 'string' ? request.query.locale : undefined), request.headers['accept-language']));

  const unavailable = (reply: FastifyReply, tr: Translator) => helpers.sendPage(reply, 404, loginUnavailablePage(tr));

  scope.get('/login/:token', async (request: LoginRequest, reply) => {
    const tr = translatorOf(request);
    const outcome = await services.portalLogin.resolve(request.params.token);
    if (outcome.status === 'unavailable') return unavailable(reply, tr);
    let cookie = request.cookies[LOGIN_COOKIE];
    if (!cookie || !COOKIE_VALUE.test(cookie)) {
      cookie = newPortalToken();
      reply.setCookie(LOGIN_COOKIE, cookie, { path: '/portal/login', httpOnly: true, sameSite: 'lax', secure: deps.secure || request.protocol === 'https' });
    }
    const { page } = outcome;
    return helpers.sendPage(
      reply,
      200,
      loginFormPage({ tr, headline: page.configuration.business_profile.headline, action: loginPagePath(request.params.token), csrf: portalCsrfTokenOf(cookie) }),
    );
  });

  scope.post('/login/:token', async (request: LoginRequest, reply) => {
    const chosen = formField(request.body, 'locale');
    const tr = translatorOf(request, chosen || undefined);
    const outcome = await services.portalLogin.resolve(request.params.token);
    if (outcome.status === 'unavailable') return unavailable(reply, tr);
    const { page } = outcome;
    const headline = page.configuration.business_profile.headline;
    const action = loginPagePath(request.params.token);
    const cookie = request.cookies[LOGIN_COOKIE];
    if (!cookie || !COOKIE_VALUE.test(cookie) || !portalCsrfTokenMatches(cookie, formField(request.body, 'csrf'))) {
      return helpers.sendPage(reply, 403, messagePage(tr, 'csrf', null));
    }
    const email = formField(request.body, 'email').trim();
    if (email.length > EMAIL_MAX || !EMAIL_SHAPE.test(email)) {
      const form = loginFormPage({ tr, headline, action, csrf: portalCsrfTokenOf(cookie), email: email.slice(0, EMAIL_MAX), error: tr.t('loginInvalidEmail') });
      return helpers.sendPage(reply, 400, form);
    }
    const admitted = await services.portalLogin.admit(page, email, request.ip);
    if (!admitted.allowed) {
      reply.header('retry-after', String(admitted.retryAfterSeconds));
      return helpers.sendPage(reply, 429, loginLimitedPage(tr, headline, action, admitted.retryAfterSeconds));
    }
    services.portalLogin.request(page, email, {
      locale: tr.language,
      compose: (link) => ({ subject: tr.t('mailSubject'), text: `${headline ? `${headline}\n\n` : ''}${tr.t('mailBody', { link })}` }),
      report: reportTo(request.log, page),
    });
    return helpers.sendPage(reply, 200, loginSentPage(tr, headline, action));
  });

  scope.addHook('onClose', async () => {
    // Links asked for before the close are still mailed.
    await services.portalLogin.settled();
    services.mailer?.close();
  });
}
