/**
 * The customer search query language (SPEC Q-1), after Stripe's search query language.
 * Pure: no I/O. A hand-written tokenizer feeds a recursive-descent parser; every syntax or
 * semantic error is an ApiError (400 `search_query_invalid`, param "query") whose message
 * names the problem and its position.
 *
 * Grammar (EBNF; no whitespace is allowed inside a clause, at least one whitespace character
 * is required around AND / OR, leading and trailing whitespace is ignored):
 *
 *   query      = ws? clause ( ws connective ws clause )* ws?      (at most 10 clauses)
 *   connective = "AND" | "OR"                                       (one kind per query)
 *   clause     = [ "-" ] field operator value
 *   field      = "email" | "name" | "phone" | "external_id" | "created"
 *              | "metadata" "[" string "]"
 *              | "contact_email" | "contact_phone" | "address_postal_code"
 *   operator   = ":" | "~" | ">=" | "<=" | ">" | "<"
 *   value      = string | bareword                                  ("null" bare = absent)
 *   string     = '"' { char | escape } '"' | "'" { char | escape } "'"
 *   escape     = "\" ( '"' | "'" | "\" )
 *   bareword   = wordchar1 { wordchar | "-" }
 *   wordchar   = any character except whitespace and  " ' [ ] : ~ < > = ( )
 *   wordchar1  = wordchar, except "-"
 *
 * Semantics (checked here, applied by the store):
 *   ":"  exact; case-insensitive for email, name, phone, external_id (values kept as given);
 *        exact for metadata; an integer for created; bare null = the field is absent.
 *   "~"  substring of at least 3 characters; email, name, phone and contact_email only.
 *   contact_email, contact_phone, address_postal_code: the customer has a contact (an address
 *        book entry) that matches; contact emails case-folded, contact phones as phone is,
 *        postal codes without case, spaces or dashes.
 *   ">", "<", ">=", "<="  created only, with an integer (Unix seconds).
 *   "-"  negates the clause.
 *
 * Positions are 0-based offsets in characters (Unicode code points) of the original text.
 */
import { createHash } from 'node:crypto';
import { searchPageInvalid, searchQueryInvalid, type ApiError } from '../errors.js';

/** `id` is not in the language: only the console's plain-text search (search-service.ts) asks for it. */
export type SearchField =
  | 'email'
  | 'name'
  | 'phone'
  | 'external_id'
  | 'created'
  | 'metadata'
  | 'contact_email'
  | 'contact_phone'
  | 'address_postal_code'
  | 'id';

export type ClauseOp = 'eq' | 'contains' | 'gt' | 'lt' | 'gte' | 'lte';

export interface Clause {
  field: SearchField;
  /** The metadata key, for field "metadata" only. */
  key?: string;
  op: ClauseOp;
  /** A string for text fields and metadata, an integer for created, null for "absent". */
  value: string | number | null;
  negated: boolean;
}

export interface SearchQuery {
  combinator: 'AND' | 'OR';
  clauses: Clause[];
}

export const SEARCH_QUERY_LIMITS = {
  maxQueryLength: 1000,
  maxClauses: 10,
  minSubstringLength: 3,
  maxMetadataKeyLength: 40,
  maxMetadataValueLength: 500,
} as const;

const TEXT_FIELDS = ['email', 'name', 'phone', 'external_id', 'contact_email', 'contact_phone', 'address_postal_code'] as const;
const SUBSTRING_FIELDS: ReadonlySet<SearchField> = new Set<SearchField>(['email', 'name', 'phone', 'contact_email']);
const PLAIN_FIELDS: ReadonlySet<string> = new Set<string>([...TEXT_FIELDS, 'created']);
const SUPPORTED_FIELDS_TEXT = 'email, name, phone, external_id, created, metadata["key"], contact_email, contact_phone and address_postal_code';
const OPERATORS_TEXT = '(:, ~, >, <, >=, <=)';

const OPS: Record<string, ClauseOp> = {
  ':': 'eq',
  '~': 'contains',
  '>': 'gt',
  '<': 'lt',
  '>=': 'gte',
  '<=': 'lte',
};

// ---------------------------------------------------------------------------------------------
// Errors

const EXCERPT_RADIUS = 30;

function excerpt(chars: readonly string[], position: number): string {
  const from = Math.max(0, position - EXCERPT_RADIUS);
  const to = Math.min(chars.length, position + EXCERPT_RADIUS);
  const prefix = from > 0 ? '…' : '';
  const suffix = to < chars.length ? '…' : '';
  // One printable character per code point, so the caret stays under its column.
  const shown = chars
    .slice(from, to)
    .map((c) => (/^[\p{Cc}\p{Zl}\p{Zp}]$/u.test(c) ? ' ' : c))
    .join('');
  const caretColumn = prefix.length + (position - from);
  return `  ${prefix}${shown}${suffix}\n  ${' '.repeat(caretColumn)}^`;
}

class QueryErrors {
  constructor(private readonly chars: readonly string[]) {}

  fail(position: number, problem: string): never {
    const message = `Invalid query at position ${position}: ${problem}`;
    const withExcerpt = this.chars.length > 0 ? `${message}\n${excerpt(this.chars, position)}` : message;
    throw searchQueryInvalid(withExcerpt);
  }
}

// ---------------------------------------------------------------------------------------------
// Tokenizer

type TokenKind = 'word' | 'string' | 'lbracket' | 'rbracket' | 'op' | 'minus' | 'eof';

interface Token {
  kind: TokenKind;
  /** word: its text; string: the unescaped content; op: the operator; others: the character. */
  value: string;
  /** Offsets (code points) in the original text; end is exclusive. */
  start: number;
  end: number;
  /** Whether whitespace separates this token from the previous one (or the start of the text). */
  spaceBefore: boolean;
}

const DELIMITERS: ReadonlySet<string> = new Set(['"', "'", '[', ']', ':', '~', '<', '>', '=', '(', ')']);

function isSpace(c: string): boolean {
  return /^\s$/u.test(c);
}

function tokenize(chars: readonly string[], errors: QueryErrors): Token[] {
  const tokens: Token[] = [];
  const n = chars.length;
  let i = 0;
  for (;;) {
    let spaceBefore = false;
    while (i < n && isSpace(chars[i] as string)) {
      i++;
      spaceBefore = true;
    }
    if (i >= n) {
      tokens.push({ kind: 'eof', value: '', start: n, end: n, spaceBefore });
      return tokens;
    }
    const start = i;
    const c = chars[i] as string;
    const push = (kind: TokenKind, value: string, end: number) => {
      tokens.push({ kind, value, start, end, spaceBefore });
      i = end;
    };
    switch (c) {
      case '"':
      case "'": {
        const { value, end } = readString(chars, start, errors);
        push('string', value, end);
        break;
      }
      case '[':
        push('lbracket', c, i + 1);
        break;
      case ']':
        push('rbracket', c, i + 1);
        break;
      case ':':
      case '~':
        push('op', c, i + 1);
        break;
      case '>':
      case '<':
        if (chars[i + 1] === '=') push('op', `${c}=`, i + 2);
        else push('op', c, i + 1);
        break;
      case '-':
        push('minus', c, i + 1);
        break;
      case '=':
        errors.fail(
          start,
          "unexpected '='. Use ':' for an exact match (e.g. email:\"jenny@example.com\"), or >= and <= with created.",
        );
        break;
      case '(':
      case ')':
        errors.fail(start, `unexpected '${c}': parentheses are not supported. Join clauses with AND or with OR.`);
        break;
      default: {
        let end = i + 1;
        while (end < n && !isSpace(chars[end] as string) && !DELIMITERS.has(chars[end] as string)) end++;
        push('word', chars.slice(start, end).join(''), end);
      }
    }
  }
}

function readString(chars: readonly string[], start: number, errors: QueryErrors): { value: string; end: number } {
  const quote = chars[start] as string;
  const other = quote === '"' ? "'" : '"';
  const unterminated = `unterminated string: the ${quote} opened here is never closed. Close it, or write a value that contains ${quote} as ${other}…${quote}…${other} or with \\${quote}.`;
  let value = '';
  let i = start + 1;
  for (;;) {
    const c = chars[i];
    if (c === undefined) {
      errors.fail(start, unterminated);
    }
    if (c === quote) return { value, end: i + 1 };
    if (c === '\\') {
      const next = chars[i + 1];
      if (next === undefined) {
        errors.fail(start, unterminated);
      }
      if (next !== '"' && next !== "'" && next !== '\\') {
        errors.fail(i, `unsupported escape sequence '\\${next}' in a string. Only \\", \\' and \\\\ are allowed.`);
      }
      value += next;
      i += 2;
      continue;
    }
    value += c;
    i++;
  }
}

// ---------------------------------------------------------------------------------------------
// Parser

function describe(token: Token): string {
  switch (token.kind) {
    case 'eof':
      return 'the end of the query';
    case 'string':
      return 'a quoted string';
    case 'minus':
      return "'-'";
    default:
      return `'${token.value}'`;
  }
}

function isKeyword(token: Token): token is Token & { value: 'AND' | 'OR' } {
  return token.kind === 'word' && (token.value === 'AND' || token.value === 'OR');
}

function codePointLength(s: string): number {
  return Array.from(s).length;
}

class Parser {
  private index = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly errors: QueryErrors,
  ) {}

  private peek(): Token {
    return this.tokens[this.index] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.index++;
    return token;
  }

  private fail(position: number, problem: string): never {
    return this.errors.fail(position, problem);
  }

  parseQuery(): SearchQuery {
    const first = this.peek();
    if (first.kind === 'eof') {
      this.fail(0, 'the query is empty. Write at least one clause, e.g. email:"jenny@example.com".');
    }
    const clauses: Clause[] = [];
    let combinator: 'AND' | 'OR' | undefined;
    for (;;) {
      const clauseStart = this.peek();
      if (clauses.length >= SEARCH_QUERY_LIMITS.maxClauses) {
        this.fail(
          clauseStart.start,
          `too many clauses: a query may have at most ${SEARCH_QUERY_LIMITS.maxClauses}, and this is clause ${clauses.length + 1}.`,
        );
      }
      clauses.push(this.parseClause());

      const after = this.peek();
      if (after.kind === 'eof') break;
      if (!after.spaceBefore) {
        this.fail(
          after.start,
          `unexpected ${describe(after)} right after the value. Put values containing spaces or special characters in quotes, and separate clauses with whitespace and AND or OR.`,
        );
      }
      if (!isKeyword(after)) {
        const glued = after.kind === 'word' ? /^(AND|OR)-/.exec(after.value) : null;
        if (glued?.[1] !== undefined) {
          this.fail(after.start + glued[1].length, `expected whitespace after '${glued[1]}'.`);
        }
        if (after.kind === 'word' && (after.value.toUpperCase() === 'AND' || after.value.toUpperCase() === 'OR')) {
          this.fail(
            after.start,
            `'${after.value}' is not a keyword: AND and OR are case-sensitive, write '${after.value.toUpperCase()}'.`,
          );
        }
        this.fail(
          after.start,
          `expected AND or OR between clauses, found ${describe(after)}. Clauses must be joined explicitly with AND or with OR.`,
        );
      }
      if (combinator !== undefined && combinator !== after.value) {
        this.fail(
          after.start,
          `cannot mix AND and OR in one query: this query already joins clauses with ${combinator}, so it cannot use ${after.value}.`,
        );
      }
      combinator = after.value;
      this.next();
      const following = this.peek();
      if (following.kind === 'eof') {
        this.fail(after.start, `dangling '${after.value}': the query ends without a clause after it.`);
      }
      if (!following.spaceBefore) {
        this.fail(following.start, `expected whitespace after '${after.value}'.`);
      }
    }
    return { combinator: combinator ?? 'AND', clauses };
  }

  private parseClause(): Clause {
    let negated = false;
    let token = this.peek();
    if (token.kind === 'minus') {
      const minus = this.next();
      negated = true;
      token = this.peek();
      if (token.kind === 'minus') this.fail(token.start, "double negation is not supported: use a single '-'.");
      if (token.kind === 'eof' || token.spaceBefore) {
        this.fail(minus.start, "'-' must be directly followed by a field, e.g. -email:\"jenny@example.com\".");
      }
    }

    const { field, key, label } = this.parseField();

    const opToken = this.peek();
    if (opToken.kind === 'op' && opToken.spaceBefore) {
      this.fail(
        this.tokens[this.index - 1]?.end ?? opToken.start,
        `unexpected whitespace between '${label}' and '${opToken.value}'. Write a clause without spaces, e.g. email:"jenny@example.com".`,
      );
    }
    if (opToken.kind !== 'op') {
      this.fail(opToken.start, `expected an operator ${OPERATORS_TEXT} after '${label}', found ${describe(opToken)}.`);
    }
    const op = OPS[opToken.value] as ClauseOp;
    this.checkOperator(field, label, op, opToken);
    this.next();

    const valueToken = this.peek();
    if (valueToken.kind !== 'eof' && valueToken.spaceBefore) {
      this.fail(
        opToken.end,
        `unexpected whitespace after '${label}${opToken.value}'. Write the value right after the operator, e.g. email:"jenny@example.com".`,
      );
    }
    if (valueToken.kind !== 'word' && valueToken.kind !== 'string') {
      const hint = valueToken.kind === 'minus' ? ' Put values that start with - in quotes.' : '';
      this.fail(valueToken.start, `expected a value after '${label}${opToken.value}', found ${describe(valueToken)}.${hint}`);
    }
    const value = this.checkValue(field, label, op, opToken.value, valueToken);
    this.next();

    const clause: Clause = { field, op, value, negated };
    if (key !== undefined) clause.key = key;
    return clause;
  }

  private parseField(): { field: SearchField; key?: string; label: string } {
    const token = this.peek();
    if (token.kind !== 'word') {
      this.fail(token.start, `expected a field (${SUPPORTED_FIELDS_TEXT}), found ${describe(token)}.`);
    }
    if (isKeyword(token)) {
      this.fail(token.start, `expected a clause, found the keyword '${token.value}'.`);
    }
    const name = token.value;
    this.next();

    if (name === 'metadata') {
      const open = this.peek();
      if (open.kind !== 'lbracket' || open.spaceBefore) {
        this.fail(
          token.end,
          'metadata needs a quoted key in brackets right after it: metadata["key"] or metadata[\'key\'].',
        );
      }
      this.next();
      const keyToken = this.peek();
      if (keyToken.kind === 'word') {
        this.fail(keyToken.start, `metadata keys must be quoted: metadata["${keyToken.value}"].`);
      }
      if (keyToken.kind !== 'string' || keyToken.spaceBefore) {
        this.fail(keyToken.spaceBefore ? open.end : keyToken.start, 'expected a quoted metadata key after \'metadata[\'.');
      }
      if (keyToken.value.length === 0) this.fail(keyToken.start, 'the metadata key is empty.');
      const keyLength = codePointLength(keyToken.value);
      if (keyLength > SEARCH_QUERY_LIMITS.maxMetadataKeyLength) {
        this.fail(
          keyToken.start,
          `the metadata key is ${keyLength} characters long; keys have at most ${SEARCH_QUERY_LIMITS.maxMetadataKeyLength}.`,
        );
      }
      this.next();
      const close = this.peek();
      if (close.kind !== 'rbracket' || close.spaceBefore) {
        this.fail(close.spaceBefore ? keyToken.end : close.start, "expected ']' to close the metadata key.");
      }
      this.next();
      return { field: 'metadata', key: keyToken.value, label: `metadata[${JSON.stringify(keyToken.value)}]` };
    }

    if (!PLAIN_FIELDS.has(name)) {
      let hint = '';
      if (name.startsWith('metadata')) hint = ' Metadata is searched as metadata["key"].';
      else if (PLAIN_FIELDS.has(name.toLowerCase())) hint = ` Field names are lowercase: ${name.toLowerCase()}.`;
      this.fail(token.start, `unknown field '${name}'. Supported fields: ${SUPPORTED_FIELDS_TEXT}.${hint}`);
    }
    const bracket = this.peek();
    if (bracket.kind === 'lbracket' && !bracket.spaceBefore) {
      this.fail(bracket.start, `only metadata takes a key in brackets, not '${name}'.`);
    }
    return { field: name as SearchField, label: name };
  }

  private checkOperator(field: SearchField, label: string, op: ClauseOp, opToken: Token): void {
    if (op === 'contains' && !SUBSTRING_FIELDS.has(field)) {
      this.fail(
        opToken.start,
        `'~' (substring) is only supported for email, name, phone and contact_email, not for ${label}. Use ':' for an exact match.`,
      );
    }
    if ((op === 'gt' || op === 'lt' || op === 'gte' || op === 'lte') && field !== 'created') {
      this.fail(
        opToken.start,
        `'${opToken.value}' is only supported for created, not for ${label}. Use ':' for an exact match${SUBSTRING_FIELDS.has(field) ? " or '~' for a substring" : ''}.`,
      );
    }
  }

  private checkValue(field: SearchField, label: string, op: ClauseOp, opText: string, token: Token): string | number | null {
    const text = token.value;
    const isNull = token.kind === 'word' && text === 'null';

    if (isNull) {
      if (op !== 'eq') this.fail(token.start, `null can only be used with ':', as in ${label}:null.`);
      if (field === 'created') this.fail(token.start, 'created is never null; compare it with an integer Unix timestamp.');
      return null;
    }

    if (field === 'created') {
      if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(Number(text))) {
        const shown = token.kind === 'string' ? JSON.stringify(text) : `'${text}'`;
        this.fail(
          token.start,
          `created needs an integer Unix timestamp in seconds, e.g. created${opText}1609459200; got ${shown}.`,
        );
      }
      return Number(text);
    }

    const length = codePointLength(text);
    if (op === 'contains') {
      if (length < SEARCH_QUERY_LIMITS.minSubstringLength) {
        this.fail(
          token.start,
          `'~' needs at least ${SEARCH_QUERY_LIMITS.minSubstringLength} characters to search for, got ${length}.`,
        );
      }
      return text;
    }

    if (length === 0) {
      this.fail(token.start, `the value for ${label} is empty. Use ${label}:null to find customers without it.`);
    }
    if (field === 'metadata' && length > SEARCH_QUERY_LIMITS.maxMetadataValueLength) {
      this.fail(
        token.start,
        `the metadata value is ${length} characters long; values have at most ${SEARCH_QUERY_LIMITS.maxMetadataValueLength}.`,
      );
    }
    return text;
  }
}

/** Parses a search query; throws ApiError (param "query") on any syntax or semantic error. */
export function parseSearchQuery(text: string): SearchQuery {
  const chars = Array.from(text);
  const errors = new QueryErrors(chars);
  if (chars.length > SEARCH_QUERY_LIMITS.maxQueryLength) {
    errors.fail(
      SEARCH_QUERY_LIMITS.maxQueryLength,
      `the query is ${chars.length} characters long; at most ${SEARCH_QUERY_LIMITS.maxQueryLength} are allowed.`,
    );
  }
  const nul = chars.indexOf('\u0000');
  if (nul !== -1) errors.fail(nul, 'the query contains a NUL character.');
  return new Parser(tokenize(chars, errors), errors).parseQuery();
}

/**
 * A canonical text of a parsed query: queries that differ only in whitespace, quote style or
 * escapes have the same fingerprint. Suitable as the `queryFingerprint` of page cursors.
 */
export function searchQueryFingerprint(query: SearchQuery): string {
  return JSON.stringify([
    query.combinator,
    query.clauses.map((c) => [c.field, c.key ?? null, c.op, c.value, c.negated]),
  ]);
}

// ---------------------------------------------------------------------------------------------
// Page cursors (next_page / page)

export interface PageCursorPosition {
  created: number;
  seq: number;
}

const CURSOR_VERSION = 1;
const MAX_CURSOR_LENGTH = 512;

function digest(text: string, length: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

function fingerprintDigest(queryFingerprint: string): string {
  return digest(`clientele-search-query|${queryFingerprint}`, 16);
}

function cursorCheck(version: number, created: number, seq: number, query: string): string {
  return digest(`clientele-search-cursor|${version}|${created}|${seq}|${query}`, 12);
}

function malformedPage(): ApiError {
  return searchPageInvalid('Invalid page: the cursor is malformed. Pass the next_page value of the previous search result unchanged.');
}

function isPosition(created: unknown, seq: unknown): boolean {
  return (
    typeof created === 'number' &&
    Number.isSafeInteger(created) &&
    typeof seq === 'number' &&
    Number.isSafeInteger(seq) &&
    seq >= 0
  );
}

/** An opaque next_page token for the position after which the next page starts. */
export function encodePageCursor(position: PageCursorPosition, queryFingerprint: string): string {
  const { created, seq } = position;
  if (!isPosition(created, seq)) {
    throw new RangeError('encodePageCursor: created must be a safe integer and seq a non-negative safe integer');
  }
  const q = fingerprintDigest(queryFingerprint);
  const payload = { v: CURSOR_VERSION, c: created, s: seq, q, k: cursorCheck(CURSOR_VERSION, created, seq, q) };
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

/**
 * Reads a `page` token made by encodePageCursor for the same query fingerprint; throws
 * ApiError (param "page") when it is malformed, altered or belongs to another query.
 */
export function decodePageCursor(cursor: string, queryFingerprint: string): PageCursorPosition {
  if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH) throw malformedPage();
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw malformedPage();
  const bytes = Buffer.from(cursor, 'base64url');
  // Buffer decoding is lenient; only the canonical spelling of the bytes is accepted.
  if (bytes.toString('base64url') !== cursor) throw malformedPage();
  let payload: unknown;
  try {
    payload = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw malformedPage();
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw malformedPage();
  const { v, c, s, q, k } = payload as Record<string, unknown>;
  if (v !== CURSOR_VERSION || !isPosition(c, s) || typeof q !== 'string' || typeof k !== 'string') {
    throw malformedPage();
  }
  const created = c as number;
  const seq = s as number;
  if (k !== cursorCheck(CURSOR_VERSION, created, seq, q)) throw malformedPage();
  if (q !== fingerprintDigest(queryFingerprint)) {
    throw searchPageInvalid('Invalid page: this cursor belongs to a different query.');
  }
  return { created, seq };
}
