import { randomBase62 } from '../../lib/ids.js';
import type { Scope } from '../scope.js';

/** A token: 43 random base62 characters (~256 bits). */
export const newPortalToken = (): string => randomBase62(43);

/**
 * A session's link and cookie and a configuration's login page all read
 * `<account id>.<t|l>.<token>`: the account and mode scope the lookup (the rows are
 * account-owned), the token is what `newPortalToken` makes.
 */
const TOKEN_VALUE = /^(acct_[0-9A-Za-z]{1,64})\.([tl])\.([0-9A-Za-z]{43})$/;

/** A link's, a cookie's or a login page's value: its scope and its token (null when malformed). */
export function parseScopedToken(value: string | undefined): { scope: Scope; token: string } | null {
  const m = value ? TOKEN_VALUE.exec(value) : null;
  if (!m) return null;
  return { scope: { accountId: m[1] as string, livemode: m[2] === 'l' }, token: m[3] as string };
}

export function tokenValue(scope: Scope, token: string): string {
  return `${scope.accountId}.${scope.livemode ? 'l' : 't'}.${token}`;
}
