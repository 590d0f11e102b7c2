import { consolePath, html, withQuery } from '../html.js';
import { page, when, type Chrome } from '../layout.js';

export interface CustomerRow {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  external_id: string | null;
  created: number;
}

export interface SearchView {
  chrome: Chrome;
  q: string;
  /** How `q` was read: the query language, plain text, or nothing (the newest customers). */
  kind: 'query' | 'text' | 'newest';
  rows: CustomerRow[];
  /** The next page's link, or null on the last page. */
  next: string | null;
  /** Whether this is a later page (a link back to the first is shown). */
  paged: boolean;
  error?: string;
}

const KIND_TEXT = {
  query: 'Matched with the search query language',
  text: 'Matched anywhere in email, name, phone, external id or customer id (case-insensitive)',
  newest: 'The newest customers',
} as const;

export function searchPage(view: SearchView): string {
  const { chrome } = view;
  const base = `/console/${chrome.mode}/customers`;
  const rows = view.rows.map(
    (c) => html`<tr>
<td data-label="Customer"><a href="${consolePath(chrome.mode, 'customers', c.id)}">${c.name ?? c.email ?? c.id}</a><br><span class="mono">${c.id}</span></td>
<td data-label="Contact">${c.email ?? ''}${c.phone ? html`<br>${c.phone}` : ''}</td>
<td data-label="External id" class="mono">${c.external_id ?? ''}</td>
<td data-label="Created">${when(c.created)}</td>
</tr>`,
  );
  return page(
    view.q ? `Search: ${view.q}` : 'Customers',
    chrome,
    html`<h1>Find a customer</h1>
<form class="card" method="get" action="${base}" role="search">
<label for="q">Search <span class="hint">Plain text (part of an email, name, phone, external id or customer id), or the query language, e.g. <code>email~"@example.com" AND metadata["tier"]:"gold"</code></span></label>
<div class="search">
<input type="search" id="q" name="q" value="${view.q}" maxlength="1000" autocomplete="off" spellcheck="false"
  ${view.error ? html`aria-invalid="true" aria-describedby="q-error"` : ''}>
<button type="submit">Search</button>
</div>
${view.error ? html`<pre class="error" id="q-error" role="alert">${view.error}</pre>` : ''}
</form>
<section class="card" aria-labelledby="results-title" data-testid="results">
<h2 id="results-title">${view.error ? 'No results' : `${KIND_TEXT[view.kind]}, newest first`}</h2>
${
  view.rows.length === 0
    ? html`<p class="empty">${view.error ? 'Fix the query above and search again.' : 'No customers match.'}</p>`
    : html`<table class="results">
<thead><tr><th scope="col">Customer</th><th scope="col">Contact</th><th scope="col">External id</th><th scope="col">Created</th></tr></thead>
<tbody>${rows}</tbody>
</table>`
}
<nav class="pager" aria-label="Result pages">
${view.paged ? html`<a href="${withQuery(base, { q: view.q })}">First page</a>` : ''}
${view.next ? html`<a href="${view.next}" rel="next">Next page</a>` : ''}
</nav>
</section>`,
  );
}
