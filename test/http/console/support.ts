import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { form } from '../../helpers/harness.js';

/** The cookie a response sets, as `name=value`. */
export function cookieOf(setCookie: string | string[] | number | undefined, name: string): string | undefined {
  const all = Array.isArray(setCookie) ? setCookie : typeof setCookie === 'string' ? [setCookie] : [];
  return all.map((c) => c.split(';')[0] as string).find((c) => c.startsWith(`${name}=`));
}

/** Signs in through the form's two requests, as a browser does; returns the session cookie. */
export async function signIn(app: FastifyInstance, key: string, actor: string): Promise<string> {
  const formPage = await app.inject({ method: 'GET', url: '/console/sign-in' });
  const pre = cookieOf(formPage.headers['set-cookie'], 'clientele_console_signin') as string;
  const csrf = /name="csrf" value="([^"]+)"/.exec(formPage.body)?.[1] as string;
  const r = await app.inject({
    method: 'POST',
    url: '/console/sign-in',
    headers: { cookie: pre, 'content-type': 'application/x-www-form-urlencoded' },
    payload: form({ csrf, key, actor }),
  });
  expect(r.statusCode).toBe(303);
  return cookieOf(r.headers['set-cookie'], 'clientele_console') as string;
}


/** A console page as the signed-in browser would get it. */
export async function consoleGet(app: FastifyInstance, cookie: string, url: string) {
  return app.inject({ method: 'GET', url, headers: { cookie } });
}

/** The customers a result page lists, in order (their ids). */
export function resultIds(html: string): string[] {
  return [...html.matchAll(/<td data-label="Customer"><a href="\/console\/(?:test|live)\/customers\/([^"]+)">/g)].map((m) => m[1] as string);
}
