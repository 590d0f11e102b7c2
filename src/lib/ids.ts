import { randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * Random bytes drawn from the CSPRNG 8 KiB at a time: one system call serves hundreds of ids
 * instead of one per id. Every byte is used once.
 */
const pool = Buffer.alloc(8192);
let poolAt = pool.length;

function nextRandomByte(): number {
  if (poolAt === pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  return pool[poolAt++] as number;
}

/** Uniform random base62 string (rejection sampling keeps every character equally likely). */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    const byte = nextRandomByte();
    if (byte < 248) out += ALPHABET[byte % 62];
  }
  return out;
}

/**
 * Characters of an id's time component: 9 base62 digits hold any 48-bit millisecond count
 * (62^9 > 2^48), zero-padded so ids of one prefix sort by time byte for byte.
 */
export const ID_TIME_CHARS = 9;
/** Characters of an id's random part: 17 base62 characters are ~101 bits (SPEC C-1: ≥ 96). */
export const ID_RANDOM_CHARS = 17;
const MAX_MS = 2 ** 48 - 1;

/** A millisecond count as ID_TIME_CHARS base62 digits, most significant first. */
export function base62Time(ms: number): string {
  let n = Math.min(Math.max(Math.floor(ms), 0), MAX_MS);
  const digits = Array<string>(ID_TIME_CHARS).fill('0');
  for (let at = ID_TIME_CHARS - 1; at >= 0 && n > 0; at--) {
    digits[at] = ALPHABET[n % 62] as string;
    n = Math.floor(n / 62);
  }
  return digits.join('');
}

/**
 * Object id: `cus_` + the creation time in milliseconds (9 base62 characters) + 17 random base62
 * characters (~101 bits from the CSPRNG). Ids of one prefix made in different milliseconds sort
 * in creation order, so an index on an id (the `(account_id, id)` keys, and every index that
 * leads with a customer's or an event's id: metadata, tree paths, the outbox) gets new entries
 * at its end instead of on a random page per insert; the random part keeps them unguessable.
 * Clients treat ids as opaque: lookups are by exact match, so older fully random ids (24
 * characters) keep working beside these.
 */
export function newId(prefix: string): string {
  return `${prefix}_${base62Time(Date.now())}${randomBase62(ID_RANDOM_CHARS)}`;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
