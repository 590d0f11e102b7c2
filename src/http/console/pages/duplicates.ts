import type { ApiDuplicate } from '../../../domain/duplicates/duplicate-service.js';
import { consolePath, html, withQuery, type Html } from '../html.js';
import type { Chrome } from '../layout.js';
import { section, str, type Obj } from './parts.js';

export interface DuplicatesPage {
  data: ApiDuplicate[];
  hasMore: boolean;
}

/** The duplicate service's reasons, in words (docs/merging.md#finding-duplicates). */
export const REASON_LABELS: Record<string, string> = {
  email: 'same email',
  phone: 'same phone',
  tax_id: 'same tax id',
  name_address: 'same name and address',
};

/** Where a duplicate's "Merge…" leads: the confirmation step, this customer surviving. */
export function mergePath(mode: Chrome['mode'], targetId: string, sourceId: string): string {
  return withQuery(consolePath(mode, 'customers', targetId, 'merge'), { source: sourceId });
}

/**
 * "Possible duplicates": the API's own lookup (GET /v1/customers/:id/duplicates), best first.
 * A key that may write gets a "Merge…" link per duplicate, to the confirmation page; a
 * restricted key sees the list only.
 */
export function duplicatesSection(chrome: Chrome, customerId: string, duplicates: DuplicatesPage): Html {
  const canMerge = !chrome.restricted;
  const rows = duplicates.data.map((d) => {
    const c = d.customer as Obj;
    return html`<tr data-testid="duplicate" data-id="${d.id}">
<td data-label="Customer"><a class="mono" href="${consolePath(chrome.mode, 'customers', d.id)}">${d.id}</a></td>
<td data-label="Name">${str(c, 'name') ?? html`<span class="empty">—</span>`}</td>
<td data-label="Email">${str(c, 'email') ?? html`<span class="empty">—</span>`}</td>
<td data-label="Score" class="nowrap" data-testid="score">${d.score.toFixed(2)}</td>
<td data-label="Reasons">${d.reasons.map((r) => html`<span class="badge" data-reason="${r}">${REASON_LABELS[r] ?? r}</span> `)}</td>
${canMerge ? html`<td data-label="Merge"><a class="button secondary" data-testid="merge-link" href="${mergePath(chrome.mode, customerId, d.id)}">Merge…<span class="sr-only"> ${d.id} into this customer</span></a></td>` : ''}
</tr>`;
  });
  return section(
    'duplicates',
    'Possible duplicates',
    duplicates.data.length === 0
      ? html`<p class="empty">No possible duplicates.</p>`
      : html`<p class="sub">Live customers that probably are the same party, best first.${canMerge ? ' Merging one into this customer keeps this one and asks you to confirm first.' : ''}</p>
<table class="rows" data-testid="duplicates"><caption class="sr-only">Possible duplicates, best first</caption><thead><tr><th scope="col">Customer</th><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Score</th><th scope="col">Reasons</th>${canMerge ? html`<th scope="col"><span class="sr-only">Merge</span></th>` : ''}</tr></thead>
<tbody>${rows}</tbody></table>
${duplicates.hasMore ? html`<p class="sub">Showing the best ${duplicates.data.length}.</p>` : ''}`,
    true,
  );
}
