import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/domain/errors.js';
import {
  decodePageCursor,
  encodePageCursor,
  parseSearchQuery,
  searchQueryFingerprint,
  type Clause,
  type SearchQuery,
} from '../../src/domain/search/query-parser.js';

function only(text: string): Clause {
  const q = parseSearchQuery(text);
  expect(q.clauses).toHaveLength(1);
  return q.clauses[0] as Clause;
}

function errorOf(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error('expected an ApiError, but nothing was thrown');
}

/** Asserts a 400 query error at `position` whose message contains every fragment. */
function expectQueryError(text: string, position: number, ...fragments: string[]): ApiError {
  const err = errorOf(() => parseSearchQuery(text));
  expect(err.status).toBe(400);
  expect(err.type).toBe('invalid_request_error');
  expect(err.code).toBe('search_query_invalid');
  expect(err.param).toBe('query');
  expect(err.message.slice(0, err.message.indexOf(':') + 2)).toBe(`Invalid query at position ${position}: `);
  for (const fragment of fragments) expect(err.message).toContain(fragment);
  return err;
}

describe('parseSearchQuery: fields and operators', () => {
  it('email with : and a double-quoted value', () => {
    expect(parseSearchQuery('email:"jenny@example.com"')).toEqual<SearchQuery>({
      combinator: 'AND',
      clauses: [{ field: 'email', op: 'eq', value: 'jenny@example.com', negated: false }],
    });
  });

  it('keeps : values as given (the store compares case-insensitively)', () => {
    expect(only('email:"Jenny@Example.COM"').value).toBe('Jenny@Example.COM');
    expect(only('name:"Jenny Rosen"')).toEqual({ field: 'name', op: 'eq', value: 'Jenny Rosen', negated: false });
    expect(only('phone:"+15555550123"')).toEqual({ field: 'phone', op: 'eq', value: '+15555550123', negated: false });
    expect(only('external_id:"CRM-0042"')).toEqual({
      field: 'external_id',
      op: 'eq',
      value: 'CRM-0042',
      negated: false,
    });
  });

  it('~ is a substring search on email, name and phone', () => {
    expect(only('email~"example"')).toEqual({ field: 'email', op: 'contains', value: 'example', negated: false });
    expect(only('name~"jen"')).toEqual({ field: 'name', op: 'contains', value: 'jen', negated: false });
    expect(only('phone~"555"')).toEqual({ field: 'phone', op: 'contains', value: '555', negated: false });
  });

  it('created takes :, >, <, >= and <= with an integer', () => {
    expect(only('created:1609459200')).toEqual({ field: 'created', op: 'eq', value: 1609459200, negated: false });
    expect(only('created>1609459200')).toMatchObject({ op: 'gt', value: 1609459200 });
    expect(only('created<1609459200')).toMatchObject({ op: 'lt', value: 1609459200 });
    expect(only('created>=1609459200')).toMatchObject({ op: 'gte', value: 1609459200 });
    expect(only('created<=1609459200')).toMatchObject({ op: 'lte', value: 1609459200 });
    expect(only('created>0')).toMatchObject({ op: 'gt', value: 0 });
    expect(typeof only('created>1').value).toBe('number');
  });

  it('created also accepts a quoted integer', () => {
    expect(only('created>"1609459200"')).toMatchObject({ op: 'gt', value: 1609459200 });
  });

  it("metadata with a double-quoted and a single-quoted key", () => {
    expect(only('metadata["order_id"]:"6735"')).toEqual({
      field: 'metadata',
      key: 'order_id',
      op: 'eq',
      value: '6735',
      negated: false,
    });
    expect(only("metadata['order_id']:'6735'")).toEqual({
      field: 'metadata',
      key: 'order_id',
      op: 'eq',
      value: '6735',
      negated: false,
    });
  });

  it('metadata keys may contain spaces, brackets and escaped quotes', () => {
    expect(only('metadata["plan tier"]:"gold"').key).toBe('plan tier');
    expect(only('metadata["a]b"]:"x"').key).toBe('a]b');
    expect(only('metadata["say \\"hi\\""]:"x"').key).toBe('say "hi"');
    expect(only("metadata['it\\'s']:'x'").key).toBe("it's");
  });

  it('only metadata clauses carry a key', () => {
    expect('key' in only('email:"a@b.co"')).toBe(false);
  });
});

describe('parseSearchQuery: values', () => {
  it('single-quoted strings', () => {
    expect(only("name:'Jenny Rosen'").value).toBe('Jenny Rosen');
  });

  it('escapes \\" \\\' and \\\\ in both quote styles', () => {
    expect(only('name:"say \\"hi\\""').value).toBe('say "hi"');
    expect(only("name:'O\\'Brien'").value).toBe("O'Brien");
    expect(only('name:"back\\\\slash"').value).toBe('back\\slash');
    expect(only("name:'back\\\\slash'").value).toBe('back\\slash');
    expect(only('name:"it\\\'s"').value).toBe("it's");
    expect(only("name:'\\\"quoted\\\"'").value).toBe('"quoted"');
  });

  it('the other quote needs no escape', () => {
    expect(only('name:"O\'Brien"').value).toBe("O'Brien");
    expect(only("name:'say \"hi\"'").value).toBe('say "hi"');
  });

  it('quoted strings may hold operators, keywords, brackets and non-ASCII text', () => {
    expect(only('name:"a:b~c>d<e=f (g) [h] AND OR -i"').value).toBe('a:b~c>d<e=f (g) [h] AND OR -i');
    expect(only('name:"Zoë Łukasz 山田"').value).toBe('Zoë Łukasz 山田');
  });

  it('bare words and numbers are values too', () => {
    expect(only('email:jenny@example.com').value).toBe('jenny@example.com');
    expect(only('phone:+15555550123').value).toBe('+15555550123');
    expect(only('external_id:12345')).toMatchObject({ value: '12345' });
    expect(only('metadata["n"]:42')).toMatchObject({ value: '42' });
    expect(only('name:Zoë').value).toBe('Zoë');
    expect(only('name:a-b').value).toBe('a-b');
  });

  it('numbers stay strings except for created', () => {
    expect(only('phone:5551234').value).toBe('5551234');
    expect(only('created:5551234').value).toBe(5551234);
  });

  it('bare null means absent; quoted "null" is the text null', () => {
    expect(only('email:null')).toEqual({ field: 'email', op: 'eq', value: null, negated: false });
    expect(only('external_id:null').value).toBeNull();
    expect(only('metadata["tier"]:null')).toEqual({
      field: 'metadata',
      key: 'tier',
      op: 'eq',
      value: null,
      negated: false,
    });
    expect(only('name:"null"').value).toBe('null');
    expect(only("name:'null'").value).toBe('null');
    expect(only('name:NULL').value).toBe('NULL');
  });

  it('a bare AND or OR right after an operator is a value', () => {
    expect(only('name:AND').value).toBe('AND');
  });
});

describe('parseSearchQuery: negation', () => {
  it('- negates a clause', () => {
    expect(only('-email:"jenny@example.com"')).toEqual({
      field: 'email',
      op: 'eq',
      value: 'jenny@example.com',
      negated: true,
    });
    expect(only('-name~"jen"')).toMatchObject({ op: 'contains', negated: true });
    expect(only('-created>100')).toMatchObject({ op: 'gt', negated: true });
    expect(only('-metadata["tier"]:null')).toMatchObject({ key: 'tier', value: null, negated: true });
  });

  it('negation applies per clause', () => {
    const q = parseSearchQuery('-email:null AND name:"x" AND -phone:"1"');
    expect(q.clauses.map((c) => c.negated)).toEqual([true, false, true]);
  });
});

describe('parseSearchQuery: AND and OR', () => {
  it('a single clause uses AND', () => {
    expect(parseSearchQuery('name:"x"').combinator).toBe('AND');
  });

  it('AND chains', () => {
    const q = parseSearchQuery('email~"example" AND metadata["tier"]:"gold" AND created>1609459200');
    expect(q.combinator).toBe('AND');
    expect(q.clauses).toEqual([
      { field: 'email', op: 'contains', value: 'example', negated: false },
      { field: 'metadata', key: 'tier', op: 'eq', value: 'gold', negated: false },
      { field: 'created', op: 'gt', value: 1609459200, negated: false },
    ]);
  });

  it('OR chains', () => {
    const q = parseSearchQuery('name:"a" OR name:"b" OR -email:null');
    expect(q.combinator).toBe('OR');
    expect(q.clauses).toEqual([
      { field: 'name', op: 'eq', value: 'a', negated: false },
      { field: 'name', op: 'eq', value: 'b', negated: false },
      { field: 'email', op: 'eq', value: null, negated: true },
    ]);
  });

  it('a range on created', () => {
    const q = parseSearchQuery('created>=1000 AND created<2000');
    expect(q.clauses).toEqual([
      { field: 'created', op: 'gte', value: 1000, negated: false },
      { field: 'created', op: 'lt', value: 2000, negated: false },
    ]);
  });

  it('exactly 10 clauses are allowed', () => {
    const text = Array.from({ length: 10 }, (_, i) => `metadata["k${i}"]:"v${i}"`).join(' OR ');
    const q = parseSearchQuery(text);
    expect(q.combinator).toBe('OR');
    expect(q.clauses).toHaveLength(10);
    expect(q.clauses[9]).toMatchObject({ key: 'k9', value: 'v9' });
  });
});

describe('parseSearchQuery: whitespace', () => {
  it('leading, trailing and repeated whitespace, tabs and newlines', () => {
    const expected = parseSearchQuery('email:"a@b.co" AND name:"x"');
    expect(parseSearchQuery('  email:"a@b.co"   AND   name:"x"  ')).toEqual(expected);
    expect(parseSearchQuery('\temail:"a@b.co"\tAND\tname:"x"\t')).toEqual(expected);
    expect(parseSearchQuery('email:"a@b.co"\nAND\r\nname:"x"\n')).toEqual(expected);
  });

  it('whitespace inside quoted strings is kept', () => {
    expect(only('name:"  two  spaces  "').value).toBe('  two  spaces  ');
    expect(only('name:"line\nbreak"').value).toBe('line\nbreak');
  });
});

describe('parseSearchQuery: errors and their positions', () => {
  it('every error is a 400 search_query_invalid on param query', () => {
    const err = expectQueryError('emial:"x"', 0);
    expect(err.code).toBe('search_query_invalid');
  });

  it('empty query', () => {
    expectQueryError('', 0, 'empty');
    expectQueryError('   \t ', 0, 'empty');
  });

  it('mixed AND and OR', () => {
    //                 0         1         2
    //                 0123456789012345678901234567
    expectQueryError('name:"a" AND name:"b" OR name:"c"', 22, 'cannot mix AND and OR', 'OR');
    expectQueryError('name:"a" OR name:"b" AND name:"c"', 21, 'cannot mix AND and OR');
  });

  it('dangling AND or OR', () => {
    expectQueryError('email:"a@b.co" AND', 15, "dangling 'AND'");
    expectQueryError('email:"a@b.co" OR   ', 15, "dangling 'OR'");
  });

  it('leading or doubled keywords', () => {
    expectQueryError('AND email:"a@b.co"', 0, "keyword 'AND'");
    expectQueryError('name:"a" AND AND name:"b"', 13, "keyword 'AND'");
    expectQueryError('name:"a" OR OR', 12, "keyword 'OR'");
  });

  it('11 clauses', () => {
    const parts = Array.from({ length: 11 }, (_, i) => `name:"n${i}"`);
    const text = parts.join(' AND ');
    const eleventh = text.lastIndexOf('name:');
    expectQueryError(text, eleventh, 'too many clauses', 'at most 10');
    // Also when the 11th clause is negated: the position is that of its '-'.
    const negated = `${parts.slice(0, 10).join(' OR ')} OR -name:"x"`;
    expectQueryError(negated, negated.lastIndexOf('-name'), 'too many clauses');
  });

  it('~ with fewer than 3 characters', () => {
    expectQueryError('name~"ab"', 5, 'at least 3 characters', 'got 2');
    expectQueryError('email~""', 6, 'at least 3 characters', 'got 0');
    expectQueryError('name:"x" AND phone~55', 19, 'at least 3 characters');
  });

  it('~ counts characters, not UTF-16 units', () => {
    expectQueryError('name~"😀😀"', 5, 'got 2');
    expect(only('name~"😀😀😀"').value).toBe('😀😀😀');
  });

  it('~ on a field without substring search', () => {
    expectQueryError('external_id~"abc"', 11, "'~'", 'email, name, phone and contact_email', 'not for external_id');
    expectQueryError('metadata["k"]~"abc"', 13, "'~'", 'not for metadata["k"]');
    expectQueryError('created~"123"', 7, "'~'");
  });

  it('> < >= <= on a field other than created', () => {
    expectQueryError('email>"a"', 5, "'>' is only supported for created", 'not for email');
    expectQueryError('name<"a"', 4, "'<' is only supported for created");
    expectQueryError('phone>=1', 5, "'>=' is only supported for created");
    expectQueryError('external_id<=1', 11, "'<=' is only supported for created");
    expectQueryError('metadata["k"]>1', 13, "'>' is only supported for created");
  });

  it('created needs an integer', () => {
    expectQueryError('created>1.5', 8, 'integer Unix timestamp', "got '1.5'");
    expectQueryError('created:"yesterday"', 8, 'integer Unix timestamp', 'got "yesterday"');
    expectQueryError('created<abc', 8, 'integer Unix timestamp');
    expectQueryError('created>=99999999999999999999', 9, 'integer Unix timestamp');
    expectQueryError('created>-5', 8, 'expected a value');
  });

  it('null only with : and never on created', () => {
    expectQueryError('name~null', 5, "null can only be used with ':'");
    expectQueryError('created>null', 8, "null can only be used with ':'");
    expectQueryError('created:null', 8, 'created is never null');
  });

  it('unknown field, listing the supported ones', () => {
    const err = expectQueryError('name:"x" AND emial:"y"', 13, "unknown field 'emial'");
    expect(err.message).toContain('Supported fields: email, name, phone, external_id, created, metadata["key"], contact_email, contact_phone and address_postal_code');
    expectQueryError('Email:"x"', 0, "unknown field 'Email'", 'lowercase');
    expectQueryError('metadata.tier:"x"', 0, "unknown field 'metadata.tier'", 'metadata["key"]');
    expectQueryError('id:"cus_123"', 0, "unknown field 'id'");
  });

  it('unterminated string, pointing at its opening quote', () => {
    expectQueryError('name:"Jenny', 5, 'unterminated string');
    expectQueryError("name:'Jenny", 5, 'unterminated string');
    expectQueryError('name:"a" AND email:"b\\"', 19, 'unterminated string');
    expectQueryError('metadata["key:"x"', 16, 'unterminated string');
  });

  it('unsupported escape sequences', () => {
    expectQueryError('name:"a\\nb"', 7, "unsupported escape sequence '\\n'");
  });

  it('missing value', () => {
    expectQueryError('email:', 6, "expected a value after 'email:'", 'the end of the query');
    expectQueryError('created>=', 9, "expected a value after 'created>='");
    expectQueryError('email: "a@b.co"', 6, 'unexpected whitespace');
    expectQueryError('email:: "a@b.co"', 6, "expected a value after 'email:'", "found ':'");
  });

  it('missing operator', () => {
    expectQueryError('name:"a" AND email', 18, 'expected an operator (:, ~, >, <, >=, <=) after \'email\'');
    expectQueryError('email"a@b.co"', 5, 'expected an operator', 'a quoted string');
    expectQueryError('email :"a@b.co"', 5, 'unexpected whitespace between');
    expectQueryError('email="a@b.co"', 5, "unexpected '='", "Use ':'");
  });

  it('juxtaposed clauses without AND or OR', () => {
    expectQueryError('email:"a@b.co" name:"x"', 15, 'expected AND or OR between clauses', "'name'");
    expectQueryError('email:"a@b.co"name:"x"', 14, 'right after the value');
    expectQueryError('name:"a" and name:"b"', 9, 'case-sensitive', "'AND'");
    expectQueryError('name:"a" or name:"b"', 9, 'case-sensitive', "'OR'");
    expectQueryError('name:"a" && name:"b"', 9, 'expected AND or OR');
  });

  it('keywords need whitespace around them', () => {
    expectQueryError('name:"a" AND-name:"b"', 12, "expected whitespace after 'AND'");
    expectQueryError('name:"a"AND name:"b"', 8, 'right after the value');
  });

  it('negation errors', () => {
    expectQueryError('- email:"x"', 0, "'-' must be directly followed by a field");
    expectQueryError('-', 0, "'-' must be directly followed by a field");
    expectQueryError('--email:"x"', 1, 'double negation');
    expectQueryError('name:"a" AND -"x"', 14, 'expected a field');
  });

  it('metadata syntax errors', () => {
    expectQueryError('metadata:"x"', 8, 'metadata needs a quoted key in brackets');
    expectQueryError('metadata[tier]:"x"', 9, 'metadata keys must be quoted', 'metadata["tier"]');
    expectQueryError('metadata[]:"x"', 9, 'expected a quoted metadata key');
    expectQueryError('metadata[""]:"x"', 9, 'the metadata key is empty');
    expectQueryError('metadata["tier":"x"', 15, "expected ']'");
    expectQueryError('email["x"]:"y"', 5, 'only metadata takes a key in brackets');
    expectQueryError('metadata["tier"] :"x"', 16, 'unexpected whitespace between');
  });

  it('metadata key at most 40 characters, value at most 500', () => {
    expect(only(`metadata["${'k'.repeat(40)}"]:"v"`).key).toHaveLength(40);
    expectQueryError(`metadata["${'k'.repeat(41)}"]:"v"`, 9, '41 characters', 'at most 40');
    expect(only(`metadata["k"]:"${'v'.repeat(500)}"`).value).toHaveLength(500);
    expectQueryError(`metadata["k"]:"${'v'.repeat(501)}"`, 14, '501 characters', 'at most 500');
  });

  it('empty value for :', () => {
    expectQueryError('email:""', 6, 'is empty', 'email:null');
    expectQueryError("metadata['k']:''", 14, 'is empty');
  });

  it('parentheses are not supported', () => {
    expectQueryError('(name:"a" OR name:"b")', 0, 'parentheses are not supported');
    expectQueryError('name:"a" AND (name:"b")', 13, 'parentheses are not supported');
  });

  it('stray characters', () => {
    expectQueryError(']name:"a"', 0, "expected a field", "']'");
    expectQueryError(':"a"', 0, 'expected a field', "':'");
    expectQueryError('name:"a"]', 8, 'right after the value');
  });

  it('query length at most 1000 characters', () => {
    const ok = `name:"${'x'.repeat(993)}"`;
    expect(ok).toHaveLength(1000);
    expect(only(ok).value).toHaveLength(993);
    expectQueryError(`${ok} `, 1000, 'at most 1000');
  });

  it('NUL characters are rejected', () => {
    expectQueryError('name:"a\u0000b"', 7, 'NUL');
  });

  it('positions are character offsets, counting astral characters once', () => {
    //                  name:"😀" is 8 characters; the space is at 8, 'x' at 9
    expectQueryError('name:"😀" x:"y"', 9, 'expected AND or OR');
  });

  it('the message carries a caret excerpt under the offending position', () => {
    const err = expectQueryError('email:"a@b.co" AND nmae:"x"', 19, "unknown field 'nmae'");
    const [, line, caret] = err.message.split('\n');
    expect(line).toBe('  email:"a@b.co" AND nmae:"x"');
    expect(caret).toBe(`  ${' '.repeat(19)}^`);
  });

  it('long queries show a window around the position', () => {
    const text = `${Array.from({ length: 6 }, (_, i) => `name:"value${i}"`).join(' AND ')} AND oops:"x"`;
    const err = expectQueryError(text, text.indexOf('oops'), "unknown field 'oops'");
    const [, line, caret] = err.message.split('\n') as [string, string, string];
    expect(line.startsWith('  …')).toBe(true);
    expect(line.slice(caret.indexOf('^'))).toMatch(/^oops/);
  });

  it('control characters in the excerpt are shown as spaces so the caret stays aligned', () => {
    const err = expectQueryError('name:"a"\nAND\tbad:"x"', 13, "unknown field 'bad'");
    const [, line, caret] = err.message.split('\n') as [string, string, string];
    expect(line).toBe('  name:"a" AND bad:"x"');
    expect(caret.indexOf('^')).toBe(2 + 13);
  });
});

describe('searchQueryFingerprint', () => {
  it('ignores whitespace, quote style and escapes but not meaning', () => {
    const a = searchQueryFingerprint(parseSearchQuery(`metadata["k"]:"it's" AND name~"jen"`));
    const b = searchQueryFingerprint(parseSearchQuery(`  metadata['k']:'it\\'s'   AND  name~jen `));
    expect(a).toBe(b);
    const c = searchQueryFingerprint(parseSearchQuery(`metadata["k"]:"it's" OR name~"jen"`));
    expect(c).not.toBe(a);
    const d = searchQueryFingerprint(parseSearchQuery(`metadata["k"]:"it's" AND -name~"jen"`));
    expect(d).not.toBe(a);
  });

  it('tells null from the text "null"', () => {
    expect(searchQueryFingerprint(parseSearchQuery('name:null'))).not.toBe(
      searchQueryFingerprint(parseSearchQuery('name:"null"')),
    );
  });
});

describe('page cursors', () => {
  const fp = searchQueryFingerprint(parseSearchQuery('email~"example"'));
  const other = searchQueryFingerprint(parseSearchQuery('email~"exampl"'));

  function expectPageError(fn: () => unknown, fragment: string): void {
    const err = errorOf(fn);
    expect(err.status).toBe(400);
    expect(err.type).toBe('invalid_request_error');
    expect(err.param).toBe('page');
    expect(err.message).toContain(fragment);
  }

  it('round-trips a position', () => {
    for (const position of [
      { created: 1609459200, seq: 42 },
      { created: 0, seq: 0 },
      { created: Number.MAX_SAFE_INTEGER, seq: Number.MAX_SAFE_INTEGER },
    ]) {
      const cursor = encodePageCursor(position, fp);
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodePageCursor(cursor, fp)).toEqual(position);
    }
  });

  it('is opaque: no raw fingerprint inside', () => {
    const cursor = encodePageCursor({ created: 1, seq: 2 }, 'SECRET-FINGERPRINT');
    expect(Buffer.from(cursor, 'base64url').toString('utf8')).not.toContain('SECRET-FINGERPRINT');
  });

  it('rejects a cursor of another query', () => {
    const cursor = encodePageCursor({ created: 1609459200, seq: 42 }, fp);
    expectPageError(() => decodePageCursor(cursor, other), 'Invalid page: this cursor belongs to a different query.');
  });

  it('rejects malformed cursors', () => {
    const malformed = 'Invalid page: the cursor is malformed';
    for (const bad of [
      '',
      'not a cursor',
      'abc+/=',
      '!!!!',
      'x'.repeat(600),
      Buffer.from('not json').toString('base64url'),
      Buffer.from('[1,2]').toString('base64url'),
      Buffer.from('null').toString('base64url'),
      Buffer.from('{"v":1}').toString('base64url'),
    ]) {
      expectPageError(() => decodePageCursor(bad, fp), malformed);
    }
  });

  it('rejects altered cursors', () => {
    const cursor = encodePageCursor({ created: 1609459200, seq: 42 }, fp);
    const payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...payload, s: 43 })).toString('base64url');
    expectPageError(() => decodePageCursor(forged, fp), 'malformed');
    const negativeSeq = Buffer.from(JSON.stringify({ ...payload, s: -1 })).toString('base64url');
    expectPageError(() => decodePageCursor(negativeSeq, fp), 'malformed');
    const fractional = Buffer.from(JSON.stringify({ ...payload, c: 1.5 })).toString('base64url');
    expectPageError(() => decodePageCursor(fractional, fp), 'malformed');
    const otherVersion = Buffer.from(JSON.stringify({ ...payload, v: 2 })).toString('base64url');
    expectPageError(() => decodePageCursor(otherVersion, fp), 'malformed');
    // One character changed anywhere breaks it.
    const last = cursor.at(-1) === 'A' ? 'B' : 'A';
    expectPageError(() => decodePageCursor(`${cursor.slice(0, -1)}${last}`, fp), 'malformed');
    expectPageError(() => decodePageCursor(`${cursor}A`, fp), 'malformed');
  });

  it('refuses to encode an invalid position', () => {
    expect(() => encodePageCursor({ created: 1.5, seq: 0 }, fp)).toThrow(RangeError);
    expect(() => encodePageCursor({ created: 1, seq: -1 }, fp)).toThrow(RangeError);
    expect(() => encodePageCursor({ created: Number.NaN, seq: 0 }, fp)).toThrow(RangeError);
  });
});
