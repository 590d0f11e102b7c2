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

/** Opaque object id: `cus_` + 24 base62 characters (~143 bits). */
export function newId(prefix: string): string {
  return `${prefix}_${randomBase62(24)}`;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
