import qs from 'qs';
import secureJson from 'secure-json-parse';
import { ApiError, bodyInvalid, invalidCharacters, parameterUnknown } from '../../domain/errors.js';

/**
 * SPEC W-10: percent-encoded bytes must spell well-formed UTF-8 (`%ED%A0%80`, a surrogate, or
 * `%FF` are no character). qs would keep such text undecoded and store it as given; refuse it
 * instead. A `%` that starts no escape (`100%`) stays as it is, as qs has always read it.
 */
function decodeStrict(text: string): string {
  const plain = text.replace(/\+/g, ' ');
  if (!plain.includes('%')) return plain;
  return plain.replace(/(?:%[0-9A-Fa-f]{2})+/g, (escapes) => {
    try {
      return decodeURIComponent(escapes);
    } catch {
      throw invalidCharacters('Invalid request: a parameter has percent-encoded bytes that are not well-formed UTF-8.', null);
    }
  });
}

/** Bracket-notation parsing with hard bounds (depth, parameter count, array size). */
const QS_OPTIONS: qs.IParseOptions = {
  depth: 6,
  strictDepth: true,
  arrayLimit: 100,
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

export function parseForm(text: string): Record<string, unknown> {
  rejectPrototypeKeys(text);
  try {
    return qs.parse(text, QS_OPTIONS) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof ApiError) throw error;
    const message = error instanceof Error ? error.message : '';
    if (/depth/i.test(message)) {
      throw bodyInvalid('Invalid request: parameters are nested too deeply (at most 6 levels).');
    }
    if (/limit/i.test(message)) {
      throw bodyInvalid('Invalid request: too many parameters (at most 1000, and at most 100 items per list).');
    }
    throw bodyInvalid('Invalid request: the parameters could not be parsed.');
  }
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
