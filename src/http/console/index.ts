import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../compose.js';
import { ApiError } from '../../domain/errors.js';
import type { Store } from '../../store/port.js';
import { CONSOLE_CSS } from './console-css.js';
import { registerCustomerPages } from './customer-pages.js';
import { html } from './html.js';
import { securePages } from '../web/page-security.js';
import { notice, page, STYLESHEET_PATH } from './layout.js';
import { signInPage } from './pages/sign-in.js';
import { cookieOptions, formField, SESSION_COOKIE, sessionCookie, SIGN_IN_COOKIE } from './session.js';
import { csrfTokenMatches } from '../../domain/console/console-sessions.js';
import { randomBase62 } from '../../lib/ids.js';
import { timingSafeEqual } from 'node:crypto';

export interface ConsoleDeps {
  services: Services;
  unitOfWork: Store['unitOfWork'];
  /** PUBLIC_URL: over https the cookies are Secure even behind a proxy that speaks http to us. */
  publicUrl: string;
}

export const ICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#1a1f36"/><text x="16" y="22" font-family="sans-serif" font-size="17" font-weight="700" fill="#fff" text-anchor="middle">C</text></svg>';

function errorPage(status: number, title: string, text: string): string {
  return page(title, null, html`<div class="signin"><div class="card"><h1>${title}</h1>${notice('bad', text)}<p><a href="/console">Back to the console</a></p></div></div>`);
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * SPEC U-1: the support console at /console, served by the API's own process. Server-rendered
 * HTML and one stylesheet: no client code, nothing loaded from elsewhere. It signs people in
 * with an API key and then calls the same services as the API does.
 */
export async function registerConsole(app: FastifyInstance, deps: ConsoleDeps): Promise<void> {
  const secure = deps.publicUrl.startsWith('https:');
  await app.register(
    async (scope) => {
      await scope.register(cookie);
      securePages(scope);
      const sendPage = (reply: FastifyReply, status: number, body: string) => reply.code(status).type('text/html; charset=utf-8').send(body);

      scope.setErrorHandler((error, request, reply) => {
        if (error instanceof ApiError && error.status < 500) return sendPage(reply, error.status, errorPage(error.status, 'Something is not right', error.message));
        const status = (error as { statusCode?: number }).statusCode;
        if (status !== undefined && status >= 400 && status < 500) return sendPage(reply, status, errorPage(status, 'Bad request', 'The request could not be read.'));
        request.log.error({ err: error }, 'console request failed');
        return sendPage(reply, 500, errorPage(500, 'Something went wrong', 'The console could not answer. Try again; if it keeps failing, the server log has the details.'));
      });
      scope.setNotFoundHandler((_request, reply) => sendPage(reply, 404, errorPage(404, 'Page not found', 'There is no console page at this address.')));

      scope.get('/assets/console.css', (_request, reply) =>
        reply.header('cache-control', 'public, max-age=3600').type('text/css; charset=utf-8').send(CONSOLE_CSS),
      );

      scope.get('/assets/icon.svg', (_request, reply) =>
        reply.header('cache-control', 'public, max-age=3600').type('image/svg+xml').send(ICON_SVG),
      );

      scope.get('/', async (request, reply) => {
        const modes = await deps.services.consoleSessions.modes(sessionCookie(request));
        if (modes.test) return reply.redirect('/console/test/customers', 303);
        if (modes.live) return reply.redirect('/console/live/customers', 303);
        return reply.redirect('/console/sign-in', 303);
      });

      /** The sign-in form's CSRF token: the double-submit cookie's, set here when missing. */
      const signInToken = (request: FastifyRequest, reply: FastifyReply): string => {
        const existing = request.cookies[SIGN_IN_COOKIE];
        if (existing && /^[0-9A-Za-z]{32}$/.test(existing)) return existing;
        const token = randomBase62(32);
        reply.setCookie(SIGN_IN_COOKIE, token, cookieOptions(request, secure));
        return token;
      };

      scope.get<{ Querystring: { expired?: string; signed_out?: string } }>('/sign-in', (request, reply) => {
        const csrf = signInToken(request, reply);
        const message = request.query.expired
          ? { kind: 'info' as const, text: 'Your session ended after 30 minutes without activity, or its key stopped working. Sign in again.' }
          : request.query.signed_out
            ? { kind: 'ok' as const, text: 'You are signed out.' }
            : undefined;
        return sendPage(reply, 200, signInPage({ csrf, ...(message && { message }) }));
      });

      scope.post('/sign-in', async (request, reply) => {
        const expected = request.cookies[SIGN_IN_COOKIE];
        const presented = formField(request.body, 'csrf');
        if (!expected || !sameText(expected, presented)) {
          return sendPage(reply, 403, errorPage(403, 'Sign-in refused', 'The sign-in form could not be verified. Open the sign-in page again and retry.'));
        }
        const actor = formField(request.body, 'actor');
        const outcome = await deps.services.consoleSessions.signIn(formField(request.body, 'key'), actor, sessionCookie(request));
        if (!outcome.ok) {
          return sendPage(reply, outcome.field === 'key' ? 401 : 400, signInPage({ csrf: expected, actor, errors: { [outcome.field]: outcome.message } }));
        }
        reply.setCookie(SESSION_COOKIE, outcome.cookie, cookieOptions(request, secure));
        reply.clearCookie(SIGN_IN_COOKIE, { path: '/console' });
        return reply.redirect(`/console/${outcome.session.auth.livemode ? 'live' : 'test'}/customers`, 303);
      });

      scope.post('/sign-out', async (request, reply) => {
        const cookieValue = sessionCookie(request);
        if (!cookieValue || !csrfTokenMatches(cookieValue, formField(request.body, 'csrf'))) {
          return sendPage(reply, 403, errorPage(403, 'Sign-out refused', 'The form could not be verified. Reload the page and try again.'));
        }
        await deps.services.consoleSessions.signOut(cookieValue);
        reply.clearCookie(SESSION_COOKIE, { path: '/console' });
        return reply.redirect('/console/sign-in?signed_out=1', 303);
      });

      registerCustomerPages(scope, { ...deps, sendPage, errorPage });
    },
    { prefix: '/console' },
  );
}

export { STYLESHEET_PATH };
