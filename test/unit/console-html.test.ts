import { describe, expect, it } from 'vitest';
import { consolePath, html, withQuery } from '../../src/http/console/html.js';
import { isQueryLanguage } from '../../src/http/console/customer-pages.js';
import { plainTextQuery } from '../../src/domain/search/search-service.js';

describe('console html', () => {
  it('escapes every interpolated value, in text and in attributes', () => {
    const name = `<script>alert("x")</script>' & "`;
    const out = html`<p title="${name}">${name}</p>`.text;
    expect(out).toBe('<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; &amp; &quot;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; &amp; &quot;</p>');
  });

  it('keeps markup made by html, flattens lists and drops null, undefined and false', () => {
    const items = ['<a>', 'b'].map((x) => html`<li>${x}</li>`);
    expect(html`<ul>${items}${null}${undefined}${false}${0}</ul>`.text).toBe('<ul><li>&lt;a&gt;</li><li>b</li>0</ul>');
  });

  it('does not take a string that looks like markup as markup', () => {
    const sneaky = { text: '<b>x</b>', toString: () => '<b>x</b>' };
    expect(html`${sneaky as unknown as string}`.text).toBe('&lt;b&gt;x&lt;/b&gt;');
  });

  it('percent-encodes path segments and builds query strings from defined values', () => {
    expect(consolePath('test', 'customers', 'a/b?c#d')).toBe('/console/test/customers/a%2Fb%3Fc%23d');
    expect(withQuery('/console/test/customers', { q: 'a&b c', page: undefined, after: '' })).toBe('/console/test/customers?q=a%26b+c');
  });
});

describe('console search box', () => {
  it('reads the query language by its leading field and operator, anything else as plain text', () => {
    for (const q of ['email:"a@b.c"', '-name~"x"', 'metadata["tier"]:"gold"', 'created>1', 'external_id:x', 'phone~"555"']) expect(isQueryLanguage(q), q).toBe(true);
    for (const q of ['jenny', 'jenny@example.com', 'Acme: Inc', 'cus_123', 'name jenny', '+1 415']) expect(isQueryLanguage(q), q).toBe(false);
  });

  it('looks for plain text in five fields: substrings from three characters, exact below', () => {
    expect(plainTextQuery(' Ros ')).toEqual({
      combinator: 'OR',
      clauses: ['email', 'name', 'phone', 'external_id', 'id'].map((field) => ({ field, op: 'contains', value: 'Ros', negated: false })),
    });
    expect(plainTextQuery('ab').clauses.every((c) => c.op === 'eq' && c.value === 'ab')).toBe(true);
    expect(() => plainTextQuery('x'.repeat(1001))).toThrow(/at most 1000 characters/);
  });
});
