import { isUtf8 } from 'node:buffer';
import qs from 'qs';
import secureJson from 'secure-json-parse';
import { bodyInvalid, invalidCharacters, parameterUnknown } from '../../domain/errors.js';

/**
 * SPEC W-10: percent-encoded bytes must spell well-formed UTF-8 (`%ED%A0%80`, a surrogate, or
 * `%FF` are no character). qs would keep such text undecoded and store it as given; refuse it
 * instead. A `%` that starts no escape (`100%`) stays as it is, as qs has always read it.
 */
function decodeStrict(text: string): string {
  const plain = text.replace(/\+/g, ' ');
  if (!plain.includes('%')) return plain;
  return plain.replace(/(?:%[0-9A-Fa-f]{2})+/g, (escapes) => decodeURIComponent(escapes));
}

/** Items a list parameter may have. */
const LIST_LIMIT = 100;

/**
 * Lists allowed more items than LIST_LIMIT, by top-level parameter name: an invoice's lines
 * (Stripe's bound, 250). The route schemas bound each list again, in both encodings.
 */
const LONGER_LISTS: Readonly<Record<string, number>> = { lines: 250 };
const LONGEST_LIST = Math.max(LIST_LIMIT, ...Object.values(LONGER_LISTS));

/** Bracket-notation parsing with hard bounds (depth, parameter count, array size). */
const QS_OPTIONS: qs.IParseOptions = {
  depth: 6,
  strictDepth: true,
  arrayLimit: LONGEST_LIST,
  parameterLimit: 1000,
  throwOnLimitExceeded: true,
  // Keep `constructor`-style keys as ordinary (null-prototype) keys so they are rejected as
  // unknown parameters instead of being dropped silently (`__proto__`: see rejectPrototypeKeys).
  allowPrototypes: true,
  plainObjects: true,
  allowDots: false,
  charsetSentinel: false,
  decoder: decodeStrict,
};

function decodeKey(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

/**
 * qs drops `__proto__` segments without a word even with allowPrototypes (`__proto__[x]=1` parses to `{}`), which
 * would silently ignore a parameter; find them first and refuse them as unknown.
 */
function rejectPrototypeKeys(text: string): void {
  if (!/proto|%/i.test(text)) return;
  for (const part of text.split('&')) {
    const eq = part.indexOf('=');
    const key = decodeKey(eq < 0 ? part : part.slice(0, eq));
    if (key.split(/[[\]]/).includes('__proto__')) throw parameterUnknown(key);
  }
}

const TOO_MANY = `Invalid request: too many parameters (at most 1000, and at most ${LIST_LIMIT} items per list but ${Object.entries(
  LONGER_LISTS,
)
  .map(([name, n]) => `${n} ${name}`)
  .join(', ')}).`;

/** Whether a list below the top level, or a top-level one without a longer bound, has more than LIST_LIMIT items. */
function exceedsListLimit(value: unknown, topLevelKey: string | null): boolean {
  if (Array.isArray(value)) {
    const limit = topLevelKey !== null ? (LONGER_LISTS[topLevelKey] ?? LIST_LIMIT) : LIST_LIMIT;
    if (value.length > limit) return true;
    return value.some((item) => exceedsListLimit(item, null));
  }
  if (value === null || typeof value !== 'object') return false;
  return Object.values(value).some((child) => exceedsListLimit(child, null));
}

/** How many `&`-separated parameters the text has, at most (each list item is one). */
function parameterCount(text: string): number {
  let n = 1;
  for (let i = text.indexOf('&'); i !== -1; i = text.indexOf('&', i + 1)) n++;
  return n;
}

/** A percent-encoded name or value that does not decode to UTF-8 (`%ED%A0%BD`). */
class UndecodableParameter extends Error {
  constructor(readonly param: string | null) {
    super('undecodable parameter');
  }
}

/**
 * Body bytes that are not UTF-8: refused, never turned into U+FFFD replacement characters that
 * would be stored as if the client had sent them.
 */
export function utf8Text(body: Buffer): string {
  if (!isUtf8(body)) throw invalidCharacters('Invalid request body: it is not valid UTF-8 text.', null);
  return body.toString('utf8');
}

export function parseForm(text: string): Record<string, unknown> {
  rejectPrototypeKeys(text);
  // Refuse what decodeStrict refuses, naming the parameter (qs decodes each name just before its value).
  let lastKey: string | null = null;
  const decoder: qs.IParseOptions['decoder'] = (str, _default, _charset, type) => {
    try {
      const decoded = decodeStrict(str);
      if (type === 'key') lastKey = decoded;
      return decoded;
    } catch {
      throw new UndecodableParameter(type === 'key' ? null : lastKey);
    }
  };
  let parsed: Record<string, unknown>;
  try {
    parsed = qs.parse(text, { ...QS_OPTIONS, decoder }) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof UndecodableParameter) {
      throw invalidCharacters(
        `Invalid ${error.param ?? 'parameter name'}: it is not correctly percent-encoded UTF-8 text.`,
        error.param,
      );
    }
    const message = error instanceof Error ? error.message : '';
    if (/depth/i.test(message)) {
      throw bodyInvalid('Invalid request: parameters are nested too deeply (at most 6 levels).');
    }
    if (/limit/i.test(message)) throw bodyInvalid(TOO_MANY);
    throw bodyInvalid('Invalid request: the parameters could not be parsed.');
  }
  // qs has one array bound for every list: the longer lists' own bound is checked here, when
  // there are parameters enough for a list to be longer than LIST_LIMIT at all.
  if (parameterCount(text) > LIST_LIMIT) {
    for (const [key, value] of Object.entries(parsed)) if (exceedsListLimit(value, key)) throw bodyInvalid(TOO_MANY);
  }
  return parsed;
}

const MAX_JSON_DEPTH = 16;

/** Nesting depth of a JSON text, ignoring brackets inside strings; stops early past the limit. */
function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash escapes the next character
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > limit) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}

export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
    throw bodyInvalid(`Invalid JSON body: nested more than ${MAX_JSON_DEPTH} levels deep.`);
  }
  try {
    return secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch (error) {
    if (error instanceof SyntaxError && /prototype|constructor/i.test(error.message)) {
      throw bodyInvalid('Invalid JSON body: "__proto__" and "constructor.prototype" keys are not allowed.');
    }
    throw bodyInvalid('Invalid JSON body: the request body is not valid JSON.');
  }
}
