import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, ERROR_CODES, type ErrorCode } from '../../src/domain/errors.js';

const markdown = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');

/** The document's lines outside fenced code blocks (a `### x` inside an example is not an entry). */
const prose: string[] = [];
let fenced = false;
for (const line of markdown.split('\n')) {
  if (line.startsWith('```')) fenced = !fenced;
  else if (!fenced) prose.push(line);
}

const entries = prose.filter((l) => l.startsWith('### ')).map((l) => l.slice(4).trim());

/** The text of one `### code` entry, up to the next heading. */
function entry(code: string): string {
  const start = prose.indexOf(`### ${code}`);
  const end = prose.findIndex((l, i) => i > start && l.startsWith('#'));
  return prose.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

describe('docs/errors.md and the catalogue', () => {
  it('has one `### <code>` entry per catalogue code, and no entry for anything else', () => {
    expect(entries.filter((e, i) => entries.indexOf(e) !== i), 'entries listed twice').toEqual([]);
    expect(entries.filter((e) => !(ERROR_CODES as string[]).includes(e)), 'entries that are not catalogue codes').toEqual([]);
    expect(ERROR_CODES.filter((code) => !entries.includes(code)), 'catalogue codes without an entry').toEqual([]);
  });

  it('gives each code the status, type and provenance the catalogue gives it, in its index row and its entry', () => {
    const rows = new Map<string, string[]>();
    for (const line of prose) {
      const row = /^\| \[`([a-z0-9_]+)`\]\(#\1\) \| (.+) \| `([a-z_]+)` \| (Stripe's|Clientele) \|$/.exec(line);
      if (row) rows.set(row[1]!, [row[2]!, row[3]!, row[4]!]);
    }
    for (const code of ERROR_CODES) {
      const { statuses, type, stripe } = ERROR_CATALOGUE[code as ErrorCode];
      expect(rows.get(code), `index row of ${code}`).toEqual([statuses.map((s) => `\`${s}\``).join(', '), type, stripe ? "Stripe's" : 'Clientele']);
      const text = entry(code);
      expect(text.trimStart().startsWith(stripe ? "*Stripe's code.*" : '*Clientele.*'), `${code} says whose name it is`).toBe(true);
      for (const status of statuses) expect(text, `${code} mentions ${status}`).toContain(`\`${status}\``);
    }
    expect(rows.size).toBe(ERROR_CODES.length);
  });
});
