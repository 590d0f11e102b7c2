import type { EventRecord } from '../../../domain/events/event.js';
import type { LoadedProfileSections } from '../../../domain/console/profile-sections.js';
import type { ProfileColumn } from '../../../domain/owned-resource.js';
import { consolePath, html, withQuery, type Html, type Renderable } from '../html.js';
import { notice, page, when, type Chrome } from '../layout.js';
import { timelineEntry } from '../timeline.js';
import { addressBookSections, type BookEdit, type BookPage } from './address-book.js';
import { duplicatesSection, type DuplicatesPage } from './duplicates.js';
import { addressLines, field, listOf, obj, section, str, type Obj } from './parts.js';

/** What the person typed into an edit form, kept when the save did not go through. */
export interface MetadataRowInput {
  key: string;
  value: string;
  remove: boolean;
}

export interface EditState {
  form: 'notes' | 'metadata';
  /** 412: someone else changed the customer; the page shows the newer version. */
  conflict: boolean;
  /** A validation error from the service, shown at its field. */
  error?: { message: string; field: string };
  notes?: string;
  metadata?: { rows: MetadataRowInput[]; newKey: string; newValue: string };
}

export interface ProfileView {
  chrome: Chrome;
  customer: Obj;
  etag: string;
  paymentMethods: { data: Obj[]; hasMore: boolean };
  children: { data: Obj[]; hasMore: boolean };
  timeline: { events: EventRecord[]; hasMore: boolean; older: string | null; paged: boolean };
  keyNames: ReadonlyMap<string, string | null>;
  sections: LoadedProfileSections;
  contacts: BookPage;
  addresses: BookPage;
  duplicates: DuplicatesPage;
  /** A customer just merged into this one (the notice after the console's merge). */
  merged?: string;
  book?: BookEdit;
  bookSaved?: string;
  edit?: EditState;
  saved?: 'notes' | 'metadata';
}

function identity(c: Obj, mode: Chrome['mode']): Html {
  const mergedFrom = Array.isArray(c.merged_from) ? (c.merged_from as unknown[]).filter((v): v is string => typeof v === 'string') : [];
  const locales = Array.isArray(c.preferred_locales) ? (c.preferred_locales as string[]).join(', ') : '';
  return section(
    'identity',
    'Identity',
    html`<dl class="fields">
${field('Name', str(c, 'name'))}
${field('Business name', str(c, 'business_name'))}
${field('Individual name', str(c, 'individual_name'))}
${field('First / last name', [str(c, 'first_name'), str(c, 'last_name')].filter(Boolean).join(' '))}
${field('Email', str(c, 'email'))}
${field('Phone', str(c, 'phone'))}
${field('External id', str(c, 'external_id') && html`<span class="mono">${str(c, 'external_id')}</span>`)}
${field('Description', str(c, 'description'))}
${field('Preferred locales', locales)}
${field('Customer id', html`<span class="mono">${String(c.id)}</span>`)}
${mergedFrom.length > 0 ? field('Merged from', html`<span data-testid="merged-from">${mergedFrom.map((id, i) => html`${i > 0 ? ', ' : ''}<a class="mono" href="${consolePath(mode, 'customers', id)}">${id}</a>`)}</span>`) : ''}
${field('Created', typeof c.created === 'number' ? when(c.created) : null)}
${field('Updated', typeof c.updated === 'number' ? when(c.updated) : null)}
</dl>`,
  );
}

function addresses(c: Obj): Html {
  const shipping = obj(c, 'shipping');
  return section(
    'addresses',
    'Addresses',
    html`<dl class="fields">
${field('Billing address', addressLines(obj(c, 'address')))}
${field('Shipping name', str(shipping, 'name'))}
${field('Shipping phone', str(shipping, 'phone'))}
${field('Shipping address', addressLines(obj(shipping, 'address')))}
</dl>`,
  );
}

const VERIFICATION_BADGE: Record<string, string> = { verified: 'badge-ok', pending: 'badge-warn', unverified: 'badge-bad', unavailable: '' };

function tax(c: Obj): Html {
  const ids = listOf(c, 'tax_ids');
  const rows = ids.map((t) => {
    const status = str(obj(t, 'verification'), 'status') ?? 'unavailable';
    return html`<tr><td data-label="Type">${str(t, 'type')}</td><td data-label="Value" class="mono">${str(t, 'value')}</td><td data-label="Country">${str(t, 'country') ?? ''}</td><td data-label="Verification"><span class="badge ${VERIFICATION_BADGE[status] ?? ''}">${status}</span></td></tr>`;
  });
  return section(
    'tax',
    'Tax',
    html`<dl class="fields">${field('Tax exempt', str(c, 'tax_exempt'))}</dl>
${
  ids.length === 0
    ? html`<p class="empty">No tax ids.</p>`
    : html`<table><caption class="sr-only">Tax ids</caption><thead><tr><th scope="col">Type</th><th scope="col">Value</th><th scope="col">Country</th><th scope="col">Verification</th></tr></thead><tbody>${rows}</tbody></table>`
}`,
  );
}

function paymentMethods(c: Obj, methods: ProfileView['paymentMethods']): Html {
  const settings = obj(c, 'invoice_settings');
  const dpm = settings?.default_payment_method;
  const defaultId = typeof dpm === 'string' ? dpm : str(dpm as Obj | null, 'id');
  const rows = methods.data.map((m) => {
    const card = obj(m, 'card');
    const expiry = card ? `${String(card.exp_month ?? '').padStart(2, '0')}/${String(card.exp_year ?? '')}` : '';
    const isDefault = m.id === defaultId;
    return html`<tr${isDefault ? html` data-default="true"` : ''}><td data-label="Brand">${card ? str(card, 'brand') : str(m, 'type')}${isDefault ? html` <span class="badge badge-ok">Default</span>` : ''}</td><td data-label="Number" class="mono nowrap">${card ? `•••• ${str(card, 'last4') ?? ''}` : ''}</td><td data-label="Expires" class="nowrap">${expiry}</td><td data-label="Id" class="mono">${String(m.id)}</td></tr>`;
  });
  return section(
    'payment-methods',
    'Payment methods',
    methods.data.length === 0
      ? html`<p class="empty">No payment methods.</p>`
      : html`<table><caption class="sr-only">Payment methods</caption><thead><tr><th scope="col">Brand</th><th scope="col">Number</th><th scope="col">Expires</th><th scope="col">Id</th></tr></thead><tbody>${rows}</tbody></table>
${methods.hasMore ? html`<p class="sub">Showing the newest ${methods.data.length}.</p>` : ''}`,
  );
}

function hierarchy(view: ProfileView): Html {
  const { chrome, customer: c, children } = view;
  const parent = obj(c, 'parent');
  const parentId = typeof c.parent === 'string' ? c.parent : str(parent, 'id');
  const count = typeof c.children_count === 'number' ? c.children_count : children.data.length;
  const link = (o: Obj) => html`<a href="${consolePath(chrome.mode, 'customers', String(o.id))}">${str(o, 'name') ?? str(o, 'email') ?? String(o.id)}</a>`;
  return section(
    'hierarchy',
    'Parent and children',
    html`<dl class="fields">
${field('Parent', parentId ? (parent ? link(parent) : html`<a href="${consolePath(chrome.mode, 'customers', parentId)}" class="mono">${parentId}</a>`) : null)}
${field('Children', html`<span data-testid="children-count">${count}</span>`)}
</dl>
${children.data.length > 0 ? html`<ul>${children.data.map((child) => html`<li>${link(child)}</li>`)}</ul>${children.hasMore ? html`<p class="sub">Showing the newest ${children.data.length} of ${count}.</p>` : ''}` : ''}`,
  );
}

function integrations(view: ProfileView): Html {
  const list = listOf(view.customer, 'integrations');
  const rows = list.map((i) => {
    const provider = str(i, 'provider') ?? '';
    const id = str(i, 'provider_id') ?? '';
    return html`<tr><td data-label="Provider">${provider}</td><td data-label="Id at the provider"><a class="mono" href="${consolePath(view.chrome.mode, 'integrations', provider, id)}" title="Find the customer this id maps to">${id}</a></td></tr>`;
  });
  return section(
    'integrations',
    'Integrations',
    list.length === 0
      ? html`<p class="empty">No integrations.</p>`
      : html`<table><caption class="sr-only">Integrations</caption><thead><tr><th scope="col">Provider</th><th scope="col">Id at the provider</th></tr></thead><tbody>${rows}</tbody></table>`,
  );
}

function hidden(view: ProfileView): Html {
  return html`<input type="hidden" name="csrf" value="${view.chrome.csrf}"><input type="hidden" name="version" value="${view.etag}">`;
}

function errorAt(edit: EditState | undefined, form: EditState['form'], fieldName: string, id: string): Html | string {
  const e = edit?.form === form ? edit.error : undefined;
  return e && e.field === fieldName ? html`<p class="error" id="${id}" role="alert">${e.message}</p>` : '';
}

function invalid(edit: EditState | undefined, form: EditState['form'], fieldName: string, id: string): Html | string {
  const e = edit?.form === form ? edit.error : undefined;
  return e && e.field === fieldName ? html` aria-invalid="true" aria-describedby="${id}"` : '';
}

function conflictNotice(edit: EditState | undefined, form: EditState['form'], current: Renderable): Html | string {
  if (edit?.form !== form || !edit.conflict) return '';
  return html`<div class="notice" role="alert" data-testid="conflict"><strong>Someone else changed this customer while you were editing.</strong> The page now shows the current version; what you typed is kept in the form. Check it against the current value and save again.
<div><span class="hint">Current value:</span> ${current}</div></div>`;
}

function notes(view: ProfileView): Html {
  const current = str(view.customer, 'notes');
  const edit = view.edit?.form === 'notes' ? view.edit : undefined;
  const body = view.chrome.restricted
    ? current
      ? html`<p data-testid="notes-text">${current}</p>`
      : html`<p class="empty">No notes.</p>`
    : html`${conflictNotice(view.edit, 'notes', current ?? html`<span class="empty">no notes</span>`)}
<form method="post" action="${consolePath(view.chrome.mode, 'customers', String(view.customer.id), 'notes')}">
${hidden(view)}
<label for="notes">Internal notes <span class="hint">Never shown to the customer.</span></label>
<textarea id="notes" name="notes" maxlength="10000"${invalid(view.edit, 'notes', 'notes', 'notes-error')}>${edit?.notes ?? current ?? ''}</textarea>
${errorAt(view.edit, 'notes', 'notes', 'notes-error')}
<div class="actions"><button type="submit">Save notes</button></div>
</form>`;
  return section('notes', 'Notes', html`${view.saved === 'notes' ? notice('ok', 'Notes saved.') : ''}${body}`);
}

function metadata(view: ProfileView): Html {
  const current = (obj(view.customer, 'metadata') ?? {}) as Record<string, string>;
  const entries = Object.entries(current).sort(([a], [b]) => a.localeCompare(b));
  const currentList =
    entries.length === 0
      ? html`<p class="empty">No metadata.</p>`
      : html`<dl class="fields" data-testid="metadata-current">${entries.map(([k, v]) => field(k, v))}</dl>`;
  if (view.chrome.restricted) return section('metadata', 'Metadata', currentList);
  const edit = view.edit?.form === 'metadata' ? view.edit.metadata : undefined;
  const rows: MetadataRowInput[] = edit?.rows ?? entries.map(([key, value]) => ({ key, value, remove: false }));
  const rowHtml = rows.map(
    (r, i) => html`<div class="meta-row">
<input type="hidden" name="meta[${i}][key]" value="${r.key}">
<label for="meta-${i}" class="mono">${r.key}</label>
<input type="text" id="meta-${i}" name="meta[${i}][value]" value="${r.value}" maxlength="500"${invalid(view.edit, 'metadata', `metadata[${r.key}]`, `meta-${i}-error`)}>
<label class="check"><input type="checkbox" name="meta[${i}][remove]" value="1"${r.remove ? html` checked` : ''}> Remove <span class="sr-only">${r.key}</span></label>
${errorAt(view.edit, 'metadata', `metadata[${r.key}]`, `meta-${i}-error`)}
</div>`,
  );
  const newKeyField = `metadata[${edit?.newKey ?? ''}]`;
  return section(
    'metadata',
    'Metadata',
    html`${view.saved === 'metadata' ? notice('ok', 'Metadata saved.') : ''}
${conflictNotice(view.edit, 'metadata', currentList)}
<form method="post" action="${consolePath(view.chrome.mode, 'customers', String(view.customer.id), 'metadata')}">
${hidden(view)}
${rows.length === 0 ? html`<p class="empty">No metadata yet.</p>` : rowHtml}
<fieldset class="meta-row" aria-describedby="new-meta-hint">
<legend class="sr-only">Add a key</legend>
<div><label for="new-key">New key</label><input type="text" id="new-key" name="new_key" value="${edit?.newKey ?? ''}" maxlength="40"${invalid(view.edit, 'metadata', newKeyField, 'new-key-error')}></div>
<div><label for="new-value">Value</label><input type="text" id="new-value" name="new_value" value="${edit?.newValue ?? ''}" maxlength="500"></div>
</fieldset>
<p class="hint" id="new-meta-hint">Keys up to 40 characters, values up to 500; an empty value removes a key.</p>
${errorAt(view.edit, 'metadata', newKeyField, 'new-key-error')}
${errorAt(view.edit, 'metadata', 'metadata', 'metadata-error')}
<div class="actions"><button type="submit">Save metadata</button></div>
</form>`,
  );
}

function cell(column: ProfileColumn, o: Obj): Html {
  const value = column.value(o);
  const shown: Renderable =
    value === null || value === '' ? html`<span class="empty">—</span>` : column.kind === 'time' && typeof value === 'number' ? when(value) : String(value);
  return html`<td data-label="${column.label}"${column.kind === 'id' ? html` class="mono"` : ''}>${shown}</td>`;
}

/** The sections owned resources declare (profileSection): charges, refunds, invoices, then the stats. */
function genericSections(view: ProfileView): Html[] {
  const out = view.sections.sections.map((s) =>
    section(
      `section-${s.object}`,
      s.title,
      s.objects.length === 0
        ? html`<p class="empty">No ${s.title.toLowerCase()}.</p>`
        : html`<table class="rows" data-testid="rows-${s.object}"><caption class="sr-only">${s.title}, newest first</caption><thead><tr>${s.columns.map((c) => html`<th scope="col">${c.label}</th>`)}</tr></thead><tbody>${s.objects.map(
            (o) => html`<tr data-id="${String(o.id ?? '')}">${s.columns.map((c) => cell(c, o))}</tr>`,
          )}</tbody></table>
${s.hasMore ? html`<p class="sub">Showing the newest ${s.objects.length}.</p>` : ''}`,
      s.columns.length > 5,
    ),
  );
  const stats = view.sections.stats;
  out.push(
    section(
      'stats',
      'Stats',
      stats.length === 0
        ? html`<p class="empty">No stats.</p>`
        : html`<dl class="fields" data-testid="stats">${stats.map(([label, value]) => field(label, value))}</dl>`,
    ),
  );
  return out;
}

function timeline(view: ProfileView): Html {
  const { events, hasMore, older, paged } = view.timeline;
  const self = consolePath(view.chrome.mode, 'customers', String(view.customer.id));
  return section(
    'timeline',
    'Timeline',
    html`<p class="sub">Every change to the customer and what it owns, newest first.</p>
${events.length === 0 ? html`<p class="empty">No events.</p>` : html`<ol class="timeline">${events.map((e) => timelineEntry(e, view.keyNames))}</ol>`}
<nav class="pager" aria-label="Timeline pages">
${paged ? html`<a href="${self}#sec-timeline">Newest events</a>` : ''}
${hasMore && older ? html`<a href="${withQuery(self, { events_after: older })}#sec-timeline" rel="next">Older events</a>` : ''}
</nav>`,
    true,
  );
}

export function profilePage(view: ProfileView): string {
  const c = view.customer;
  const title = str(c, 'name') ?? str(c, 'email') ?? String(c.id);
  if (c.deleted === true) {
    const into = str(c, 'merged_into');
    const why = into
      ? html`<span data-testid="merged-into">This customer was merged into <a class="mono" href="${consolePath(view.chrome.mode, 'customers', into)}">${into}</a>, which holds its data now; its id and external id lead there. Only its timeline remains here.</span>`
      : 'This customer was deleted: only its timeline remains.';
    return page(title, view.chrome, html`<h1>${String(c.id)}</h1>${notice('info', why)}<div class="grid">${timeline(view)}</div>`);
  }
  const mergedNotice = view.merged
    ? notice('ok', html`<span data-testid="merge-done"><span class="mono">${view.merged}</span> was merged into this customer: its objects are here now, and its id and external id lead here.</span>`)
    : '';
  return page(
    title,
    view.chrome,
    html`<p class="sub"><a href="/console/${view.chrome.mode}/customers">← Find a customer</a></p>
<h1 data-testid="customer-title">${title}</h1>
<p class="sub"><span class="mono">${String(c.id)}</span>${str(c, 'email') && str(c, 'name') ? html` · ${str(c, 'email')}` : ''}</p>
${mergedNotice}
<div class="grid">
${identity(c, view.chrome.mode)}
${addresses(c)}
${tax(c)}
${paymentMethods(c, view.paymentMethods)}
${hierarchy(view)}
${integrations(view)}
${duplicatesSection(view.chrome, String(c.id), view.duplicates)}
${addressBookSections({
  chrome: view.chrome,
  customerId: String(c.id),
  contacts: view.contacts,
  addresses: view.addresses,
  ...(view.book && { book: view.book }),
  ...(view.bookSaved !== undefined && { bookSaved: view.bookSaved }),
})}
${notes(view)}
${metadata(view)}
${genericSections(view)}
${timeline(view)}
</div>`,
  );
}
