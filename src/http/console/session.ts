import type { FastifyReply, FastifyRequest } from 'fastify';
import { csrfTokenMatches, csrfTokenOf, type ConsoleSession, type ConsoleSessionService } from '../../domain/console/console-sessions.js';
import type { Chrome, Mode } from './layout.js';

export const SESSION_COOKIE = 'clientele_console';
/** Before sign-in there is no session: the sign-in form's CSRF token is a double-submit cookie. */
export const SIGN_IN_COOKIE = 'clientele_console_signin';

/** HttpOnly, SameSite=Strict, only under /console; Secure when the console is reached over https. */
export function cookieOptions(request: FastifyRequest, secureByConfig: boolean) {
  return { path: '/console', httpOnly: true, sameSite: 'strict' as const, secure: secureByConfig || request.protocol === 'https' };
}

export function sessionCookie(request: FastifyRequest): string | undefined {
  return request.cookies[SESSION_COOKIE];
}

export function isMode(value: string): value is Mode {
  return value === 'test' || value === 'live';
}

export { formField } from '../web/page-security.js';
import { formField } from '../web/page-security.js';

export function csrfValid(session: ConsoleSession, body: unknown): boolean {
  return csrfTokenMatches(session.cookie, formField(body, 'csrf'));
}

/** The header of a signed-in page: mode, the switch when both modes are open, who, sign-out. */
export async function chromeFor(
  sessions: Pick<ConsoleSessionService, 'resume'>,
  session: ConsoleSession,
  switchPath: (mode: Mode) => string,
): Promise<Chrome> {
  const mode: Mode = session.auth.livemode ? 'live' : 'test';
  const other: Mode = mode === 'live' ? 'test' : 'live';
  const there = await sessions.resume(session.cookie, other === 'live');
  return {
    mode,
    actor: session.actor,
    restricted: session.auth.restricted,
    otherMode: there.status === 'active' ? other : null,
    csrf: csrfTokenOf(session.cookie),
    switchPath: switchPath(other),
  };
}

/** Not signed in (or the session ended): to the sign-in page, saying why. */
export function toSignIn(reply: FastifyReply, expired: boolean): FastifyReply {
  return reply.redirect(expired ? '/console/sign-in?expired=1' : '/console/sign-in', 303);
}
