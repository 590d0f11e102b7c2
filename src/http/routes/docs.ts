import { readdir, readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { Marked, type Tokens } from 'marked';

/**
 * The user's reference (docs/*.md) as HTML at /docs/<name>, so every error's doc_url
 * (/docs/errors#<code>) resolves on the server that sent it. This module sits three levels
 * below the repository both as src/http/routes/docs.ts (tests) and dist/http/routes/docs.js
 * (`npm start`).
 */
const DOCS_DIR = new URL('../../../docs/', import.meta.url);

const DOC_NAME = /^[a-z0-9][a-z0-9-]*$/;

/** Our own pages: nothing runs in them, nothing is loaded from elsewhere. */
const HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'public, max-age=300',
} as const;

const STYLE = `
body{margin:0;font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#fff}
nav{padding:.6rem 1.5rem;border-bottom:1px solid #d1d9e0;font-size:.9rem}
nav a{margin-right:1rem}
main{max-width:56rem;margin:0 auto;padding:1rem 1.5rem 4rem}
a{color:#0969da}
h1,h2,h3{line-height:1.25;margin:1.8em 0 .6em}
h2{padding-bottom:.3em;border-bottom:1px solid #d1d9e0}
h3{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:1.05rem}
:target{background:#fff8c5}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.875em}
code{background:#eff1f3;padding:.1em .35em;border-radius:4px}
pre{background:#f6f8fa;padding:1rem;overflow:auto;border-radius:6px}
pre code{background:none;padding:0}
table{border-collapse:collapse;display:block;overflow:auto;margin:1rem 0}
th,td{border:1px solid #d1d9e0;padding:.35rem .7rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}
`;

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function unescapeHtml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/**
 * GitHub's heading anchors (github-slugger): lower case, punctuation other than `-` and `_`
 * dropped, spaces to hyphens, repeats numbered. `### resource_missing` → `resource_missing`,
 * so `errors.md#resource_missing` works on GitHub and here alike.
 */
function slugger(): (text: string) => string {
  const seen = new Map<string, number>();
  return (text) => {
    const base = text.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '').replace(/ /g, '-');
    let slug = base;
    let n = seen.get(base) ?? 0;
    while (seen.has(slug)) slug = `${base}-${++n}`;
    seen.set(base, n);
    seen.set(slug, 0);
    return slug;
  };
}

/** Renders one document; links to the other served docs (`customers.md#x`) become `customers#x`. */
export function renderDoc(markdown: string, served: ReadonlySet<string>): { title: string; html: string } {
  const slug = slugger();
  let title: string | null = null;
  const marked = new Marked({
    gfm: true,
    renderer: {
      heading({ tokens, depth }: Tokens.Heading): string {
        const text = unescapeHtml(this.parser.parseInline(tokens, this.parser.textRenderer));
        if (depth === 1) title ??= text;
        return `<h${depth} id="${escapeHtml(slug(text))}">${this.parser.parseInline(tokens)}</h${depth}>\n`;
      },
      link(token: Tokens.Link): string | false {
        const local = /^([a-z0-9][a-z0-9-]*)\.md(#.*)?$/.exec(token.href);
        if (!local?.[1] || !served.has(local[1])) return false;
        // Relative, so it also works when PUBLIC_URL puts the server under a path prefix.
        const href = `${local[1]}${local[2] ?? ''}`;
        const titleAttr = token.title ? ` title="${escapeHtml(token.title)}"` : '';
        return `<a href="${escapeHtml(href)}"${titleAttr}>${this.parser.parseInline(token.tokens)}</a>`;
      },
    },
  });
  const body = marked.parse(markdown, { async: false });
  return { title: title ?? 'Clientele', html: body };
}

function page(name: string, doc: { title: string; html: string }, served: readonly string[]): string {
  const nav = served
    .map((other) => (other === name ? `<strong>${escapeHtml(other)}</strong>` : `<a href="${escapeHtml(other)}">${escapeHtml(other)}</a>`))
    .join(' ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(doc.title)} · Clientele</title>
<style>${STYLE}</style>
</head>
<body>
<nav><a href="./">API reference</a> ${nav}</nav>
<main>
${doc.html}</main>
</body>
</html>
`;
}

/** GET /docs/<name>: docs/<name>.md as a page, rendered on first request and then kept. */
export function registerDocsRoutes(app: FastifyInstance): void {
  let names: Promise<string[]> | undefined;
  const pages = new Map<string, Promise<string>>();

  const listDocs = async (): Promise<string[]> => {
    const files = await readdir(DOCS_DIR).catch(() => [] as string[]);
    return files
      .filter((f) => f.endsWith('.md'))
      .map((f) => f.slice(0, -3))
      .filter((n) => DOC_NAME.test(n))
      .sort();
  };

  const render = async (name: string, served: string[]): Promise<string> => {
    const markdown = await readFile(new URL(`${name}.md`, DOCS_DIR), 'utf8');
    return page(name, renderDoc(markdown, new Set(served)), served);
  };

  app.get<{ Params: { name: string } }>('/docs/:name', { schema: { hide: true } }, async (request, reply) => {
    names ??= listDocs();
    const served = await names;
    const { name } = request.params;
    if (!served.includes(name)) return reply.callNotFound();
    let html = pages.get(name);
    if (!html) {
      html = render(name, served);
      pages.set(name, html);
      // A failed read is retried by the next request rather than cached.
      html.catch(() => pages.delete(name));
    }
    return reply.headers(HEADERS).send(await html);
  });
}
