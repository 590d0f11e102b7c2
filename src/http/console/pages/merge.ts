import type { MergePreview, PreviewCount, PreviewSide } from '../../../domain/merges/merge-preview.js';
import { PREVIEW_COUNT_CAP } from '../../../domain/merges/merge-preview.js';
import { consolePath, html, type Html, type Renderable } from '../html.js';
import { notice, page, when, type Chrome } from '../layout.js';
import { addressLines, field, obj, section, str, type Obj } from './parts.js';

/** What the person chose on the confirmation form, kept when the merge did not go through. */
export interface MergeChoiceInput {
  prefer: 'target' | 'source';
  externalId: 'target' | 'source' | '';
}

export interface MergeView {
  chrome: Chrome;
  targetId: string;
  sourceId: string;
  /** The two customers as they are now; null when they cannot be merged at all (one is gone or merged). */
  preview: MergePreview | null;
  choice: MergeChoiceInput;
  /** 412: one of the two changed since the page was shown; the page shows them as they are now. */
  conflict?: boolean;
  /** The merge's refusal (cycle, external id, already merged, …), at its field or for the form. */
  error?: { message: string; code: string; field: 'external_id' | 'prefer' | 'form' };
}

const MOVE_LABELS: Record<PreviewCount['kind'], string> = {
  payment_methods: 'Payment methods',
  tax_ids: 'Tax ids',
  integrations: 'Integrations',
  contacts: 'Contacts',
  addresses: 'Address book entries',
  charges: 'Charges (with their refunds)',
  invoices: 'Invoices',
  children: 'Children (re-parented under the survivor)',
};

const nameOf = (c: Obj): string => str(c, 'name') ?? str(c, 'email') ?? String(c.id);

function customerCard(chrome: Chrome, id: string, title: string, badge: Html, side: PreviewSide): Html {
  const c = side.body;
  return section(
    id,
    title,
    html`<p>${badge}</p>
<dl class="fields">
${field('Customer id', html`<a class="mono" href="${consolePath(chrome.mode, 'customers', String(c.id))}">${String(c.id)}</a>`)}
${field('Name', str(c, 'name'))}
${field('Email', str(c, 'email'))}
${field('Phone', str(c, 'phone'))}
${field('External id', str(c, 'external_id') && html`<span class="mono">${str(c, 'external_id')}</span>`)}
${field('Created', typeof c.created === 'number' ? when(c.created) : null)}
${field('Version', html`<span class="mono" data-testid="version">${side.etag}</span>`)}
</dl>`,
  );
}

function oneLine(a: Obj | null): string | null {
  if (!a) return null;
  const parts = [str(a, 'line1'), str(a, 'line2'), [str(a, 'postal_code'), str(a, 'city')].filter(Boolean).join(' '), str(a, 'state'), str(a, 'country')];
  const shown = parts.filter((p): p is string => typeof p === 'string' && p !== '');
  return shown.length > 0 ? shown.join(', ') : null;
}

/** The fields a merge picks between, side by side, so the `prefer` choice is an informed one. */
function comparison(preview: MergePreview): Html {
  const t = preview.target.body;
  const s = preview.source.body;
  const metadataKeys = (c: Obj) => Object.keys(obj(c, 'metadata') ?? {}).sort().join(', ');
  const rows: Array<[string, (c: Obj) => Renderable]> = [
    ['Name', (c) => str(c, 'name')],
    ['Business name', (c) => str(c, 'business_name')],
    ['Email', (c) => str(c, 'email')],
    ['Phone', (c) => str(c, 'phone')],
    ['Description', (c) => str(c, 'description')],
    ['Billing address', (c) => addressLines(obj(c, 'address'))],
    ['Shipping', (c) => oneLine(obj(obj(c, 'shipping'), 'address'))],
    ['Currency', (c) => str(c, 'currency')],
    ['Tax exempt', (c) => (str(c, 'tax_exempt') === 'none' ? null : str(c, 'tax_exempt'))],
    ['Parent', (c) => str(c, 'parent')],
    ['Metadata keys', (c) => metadataKeys(c)],
  ];
  const cell = (label: string, value: Renderable) =>
    html`<td data-label="${label}">${value === null || value === undefined || value === '' ? html`<span class="empty">empty</span>` : value}</td>`;
  return html`<table data-testid="comparison"><caption class="sr-only">The two customers' fields</caption>
<thead><tr><th scope="col">Field</th><th scope="col">Target (survives)</th><th scope="col">Source</th></tr></thead>
<tbody>${rows.map(([label, value]) => html`<tr><th scope="row">${label}</th>${cell('Target', value(t))}${cell('Source', value(s))}</tr>`)}</tbody></table>`;
}

function moves(preview: MergePreview): Html {
  const rows = preview.moves.map(
    (m) =>
      html`<tr data-kind="${m.kind}"><th scope="row">${MOVE_LABELS[m.kind]}</th><td data-label="Moving" data-testid="move-${m.kind}">${m.more ? `more than ${PREVIEW_COUNT_CAP}` : String(m.count)}</td></tr>`,
  );
  return html`<table data-testid="moves"><caption class="sr-only">What moves from the source to the target</caption>
<thead><tr><th scope="col">Objects of the source</th><th scope="col">Moving</th></tr></thead><tbody>${rows}</tbody></table>
<p class="hint">A tax id or a contact's email the target already has is removed from the source's instead of duplicated. Notes are kept from both (the source's marked with its id), metadata is the union, balances are added, the default payment method is the target's, else the source's.</p>`;
}

function radio(name: string, value: string, checked: boolean, label: Renderable, hint: string, required = false): Html {
  const id = `${name}-${value}`;
  return html`<div class="check-row"><input type="radio" id="${id}" name="${name}" value="${value}"${checked ? html` checked` : ''}${required ? html` required` : ''}>
<label for="${id}">${label} <span class="hint">${hint}</span></label></div>`;
}

function confirmForm(view: MergeView, preview: MergePreview): Html {
  const { chrome, choice, error } = view;
  const target = preview.target.body;
  const source = preview.source.body;
  const idError = error?.field === 'external_id';
  return html`<form method="post" action="${consolePath(chrome.mode, 'customers', view.targetId, 'merge')}" aria-label="Confirm the merge">
<input type="hidden" name="csrf" value="${chrome.csrf}">
<input type="hidden" name="source" value="${String(source.id)}">
<input type="hidden" name="version" value="${preview.target.etag}">
<input type="hidden" name="source_version" value="${preview.source.etag}">
<fieldset>
<legend>Whose values win</legend>
${radio('prefer', 'target', choice.prefer !== 'source', html`The target’s`, `${nameOf(target)} keeps every field it has and takes the source’s only where its own is empty.`)}
${radio('prefer', 'source', choice.prefer === 'source', html`The source’s`, `The source’s non-empty fields replace the target’s; the target keeps the rest.`)}
</fieldset>
${
  preview.externalIdChoice
    ? html`<fieldset${idError ? html` aria-describedby="external-id-error"` : ''} data-testid="external-id-choice">
<legend>Which external id survives <span class="hint">Both have one; the other becomes an alias that still finds the survivor.</span></legend>
${radio('external_id', 'target', choice.externalId === 'target', html`<span class="mono">${str(target, 'external_id')}</span>`, '(the target’s)', true)}
${radio('external_id', 'source', choice.externalId === 'source', html`<span class="mono">${str(source, 'external_id')}</span>`, '(the source’s)', true)}
${idError ? html`<p class="error" id="external-id-error" role="alert">${error.message}</p>` : ''}
</fieldset>`
    : ''
}
<div class="actions"><button type="submit" data-testid="confirm-merge">Confirm merge</button><a href="${consolePath(chrome.mode, 'customers', view.targetId)}">Cancel</a></div>
</form>`;
}

/**
 * The confirmation step of a merge from the console: which customer survives (the profile it
 * was opened from, the target) and which becomes a tombstone (the source), what moves, the
 * choices, and Confirm. Plain HTML: the merge happens only on the form's POST.
 */
export function mergePage(view: MergeView): string {
  const { chrome, preview } = view;
  const back = consolePath(chrome.mode, 'customers', view.targetId);
  const formError = view.error && (view.error.field !== 'external_id' || !preview?.externalIdChoice);
  const problem = formError
    ? notice('bad', html`<span data-testid="merge-error" data-code="${view.error?.code ?? ''}"><strong>Nothing was merged.</strong> ${view.error?.message ?? ''}</span>`)
    : '';
  const conflict = view.conflict
    ? html`<div class="notice" role="alert" data-testid="merge-conflict"><strong>One of the two customers changed since this page was opened, so nothing was merged.</strong> The page now shows both as they are; check them and confirm again.</div>`
    : '';
  if (!preview) {
    return page('Merge', chrome, html`<p class="sub"><a href="${back}">← Back to the customer</a></p><h1>Merge <span class="mono">${view.sourceId}</span> into <span class="mono">${view.targetId}</span></h1>${problem}`);
  }
  const title = nameOf(preview.target.body);
  return page(
    `Merge into ${title}`,
    chrome,
    html`<p class="sub"><a href="${back}">← Back to ${title}</a></p>
<h1 data-testid="merge-title">Merge a duplicate into ${title}</h1>
<p class="sub">The source’s objects move to the target, in one transaction. The source becomes a tombstone that leads to the target; its id and external id keep finding the survivor. A merge cannot be undone.</p>
${conflict}${problem}
<div class="grid">
${customerCard(chrome, 'target', 'Survives: this customer (target)', html`<span class="badge badge-ok">Survives</span>`, preview.target)}
${customerCard(chrome, 'source', 'Becomes a tombstone (source)', html`<span class="badge badge-bad">Becomes a tombstone</span>`, preview.source)}
${section('moves', 'What moves to the target', moves(preview))}
${section('fields', 'Fields', comparison(preview))}
${section('confirm', 'Confirm', confirmForm(view, preview), true)}
</div>`,
  );
}
