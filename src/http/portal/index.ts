import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../compose.js';
import { portalCsrfTokenMatches, portalCsrfTokenOf, SESSION_LIFETIME_SECONDS, type ActivePortalSession } from '../../domain/billing-portal/portal-session-service.js';
import { ApiError } from '../../domain/errors.js';
import type { Store } from '../../store/port.js';
import { CONSOLE_CSS } from '../console/console-css.js';
import { ICON_SVG } from '../console/index.js';
import { formField, securePages } from '../web/page-security.js';
import { chooseLocale, translator, type MessageKey, type Translator } from './i18n.js';
import { loadPortal } from './portal-loader.js';
import { messagePage, portalPage, type FormError } from './portal-page.js';
import { registerPortalChanges } from './portal-changes.js';
import { registerPortalLogin } from './portal-login.js';

export interface PortalDeps {
  services: Services;
  unitOfWork: Store['unitOfWork'];
  /** PUBLIC_URL: over https the cookie is Secure even behind a proxy that speaks http to us. */
  publicUrl: string;
}

export const PORTAL_COOKIE = 'clientele_portal';

/** The console's stylesheet and a few rules of the portal's own (rows with actions). */
const PORTAL_CSS = `${CONSOLE_CSS}
ul.rows{list-style:none;margin:0 0 .75rem;padding:0}
ul.rows>li.row{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:center;gap:.5rem;padding:.5rem 0;border-bottom:1px solid #edf0f4}
ul.rows>li.row:last-child{border-bottom:0}
ul.rows form{margin:0}
.row .actions{margin:0}
select{width:100%;max-width:100%;font:inherit;padding:.45rem .5rem;border:1px solid #b9c0cc;border-radius:6px;background:#fff;color:inherit}
input[type=tel]{width:100%;max-width:100%;font:inherit;padding:.5rem .6rem;border:1px solid #b9c0cc;border-radius:6px;background:#fff;color:inherit}
a.button{color:#fff}
a.button:hover{text-decoration:none;background:#2f45b8}
`;

export interface PortalPageHelpers {
  sendPage(reply: FastifyReply, status: number, body: string): FastifyReply;
  /** The open session of this request, or an answer already sent (a page saying why). */
  sessionFor(request: FastifyRequest, reply: FastifyReply, options?: { write?: boolean }): Promise<ActivePortalSession | undefined>;
  translatorFor(session: ActivePortalSession): Promise<Translator>;
  render(reply: FastifyReply, session: ActivePortalSession, options?: { status?: number; saved?: string; error?: FormError }): Promise<FastifyReply>;
}

const ENGLISH = translator({ language: 'en', tag: 'en' });

/**
 * Issue 19: the customer portal at /portal, served by the API's own process like the support
 * console (whose templates, stylesheet and headers it shares). A one-time link from
 * POST /v1/billing_portal/sessions opens a session for one customer; every read and write goes
 * through the same services as the API, for that customer only.
 */
export async function registerPortal(app: FastifyInstance, deps: PortalDeps): Promise<void> {
  const secure = deps.publicUrl.startsWith('https:');
  const { services } = deps;
  await app.register(
    async (scope) => {
      await scope.register(cookie);
      securePages(scope);
      const sendPage = (reply: FastifyReply, status: number, body: string) => reply.code(status).type('text/html; charset=utf-8').send(body);
      const message = (reply: FastifyReply, status: number, key: MessageKey, returnUrl: string | null, tr: Translator = ENGLISH) =>
        sendPage(reply, status, messagePage(tr, key, returnUrl));

      scope.setErrorHandler((error, request, reply) => {
        if (error instanceof ApiError && error.code === 'resource_missing') return message(reply, 404, 'notFound', null);
        if (error instanceof ApiError && error.status < 500) return message(reply, error.status, 'badRequest', null);
        const status = (error as { statusCode?: number }).statusCode;
        if (status !== undefined && status >= 400 && status < 500) return message(reply, status, 'badRequest', null);
        request.log.error({ err: error }, 'portal request failed');
        return message(reply, 500, 'failed', null);
      });
      scope.setNotFoundHandler((_request, reply) => message(reply, 404, 'notFound', null));

      scope.get('/assets/portal.css', (_request, reply) =>
        reply.header('cache-control', 'public, max-age=3600').type('text/css; charset=utf-8').send(PORTAL_CSS),
      );
      scope.get('/assets/icon.svg', (_request, reply) => reply.header('cache-control', 'public, max-age=3600').type('image/svg+xml').send(ICON_SVG));

      const cookieOptions = (request: FastifyRequest) => ({
        path: '/portal',
        httpOnly: true,
        sameSite: 'lax' as const,
        secure: secure || request.protocol === 'https',
        maxAge: SESSION_LIFETIME_SECONDS,
      });

      /** The link of POST /v1/billing_portal/sessions: opened once, it becomes the session's cookie. */
      scope.get<{ Params: { token: string } }>('/session/:token', async (request, reply) => {
        const outcome = await services.portalSessions.open(request.params.token);
        if (outcome.status === 'opened') {
          reply.setCookie(PORTAL_COOKIE, outcome.cookie, cookieOptions(request));
          // The token leaves the address bar at once: the page itself is at /portal.
          return reply.redirect('/portal', 303);
        }
        if (outcome.status === 'unknown') return message(reply, 404, 'linkUnknown', null);
        return message(reply, 410, outcome.status === 'used' ? 'linkUsed' : 'linkExpired', outcome.returnUrl);
      });

      const helpers: PortalPageHelpers = {
        sendPage,
        async sessionFor(request, reply, options = {}) {
          const outcome = await services.portalSessions.resume(request.cookies[PORTAL_COOKIE]);
          if (outcome.status === 'none') {
            message(reply, 401, 'noSession', null);
            return undefined;
          }
          if (outcome.status === 'ended') {
            reply.clearCookie(PORTAL_COOKIE, { path: '/portal' });
            message(reply, 401, 'sessionEnded', outcome.returnUrl);
            return undefined;
          }
          const session = outcome.session;
          if (options.write && !portalCsrfTokenMatches(session.cookie, formField(request.body, 'csrf'))) {
            message(reply, 403, 'csrf', session.record.returnUrl, await helpers.translatorFor(session));
            return undefined;
          }
          return session;
        },
        async translatorFor(session) {
          if (session.record.locale && session.record.locale !== 'auto') {
            const chosen = chooseLocale(session.record.locale, []);
            if (chosen.language !== 'en' || session.record.locale.startsWith('en')) return translator(chosen);
          }
          const found = await services.customers.find(session.auth, session.record.customerId);
          const preferred = Array.isArray(found.body.preferred_locales) ? (found.body.preferred_locales as string[]) : [];
          return translator(chooseLocale(null, preferred));
        },
        async render(reply, session, options = {}) {
          const [data, tr] = await Promise.all([loadPortal(services, session), helpers.translatorFor(session)]);
          return sendPage(
            reply,
            options.status ?? 200,
            portalPage({
              ...data,
              tr,
              csrf: portalCsrfTokenOf(session.cookie),
              returnUrl: session.record.returnUrl,
              configuration: session.configuration,
              ...(options.saved !== undefined && { saved: options.saved }),
              ...(options.error && { error: options.error }),
            }),
          );
        },
      };

      scope.get<{ Querystring: { saved?: string } }>('/', async (request, reply) => {
        const session = await helpers.sessionFor(request, reply);
        if (!session) return reply;
        const saved = typeof request.query.saved === 'string' ? request.query.saved : undefined;
        return helpers.render(reply, session, saved ? { saved } : {});
      });

      scope.post('/sign-out', async (request, reply) => {
        const session = await helpers.sessionFor(request, reply, { write: true });
        if (!session) return reply;
        const tr = await helpers.translatorFor(session);
        await services.portalSessions.end(session.cookie);
        reply.clearCookie(PORTAL_COOKIE, { path: '/portal' });
        return sendPage(reply, 200, messagePage(tr, 'signedOut', session.record.returnUrl, 'info'));
      });

      registerPortalChanges(scope, { ...deps, helpers });
      registerPortalLogin(scope, { ...deps, helpers, secure });
    },
    { prefix: '/portal' },
  );
}
