import { CONTACT_ROLES } from '../../../domain/contacts/contact.js';
import { ADDRESS_DEFAULTS } from '../../../domain/addresses/address.js';
import { consolePath, html, type Html, type Renderable } from '../html.js';
import { notice, type Chrome } from '../layout.js';

type Obj = Record<string, unknown>;

export type BookKind = 'contact' | 'address';

/** One entry as the profile shows it, with the ETag its forms send back as If-Match. */
export interface BookEntry {
  object: Obj;
  etag: string;
}

export interface BookPage {
  data: BookEntry[];
  hasMore: boolean;
}

/** What the person typed into a contact or address form, kept when the save did not go through. */
export interface BookEdit {
  kind: BookKind;
  /** The entry's id, or `new` for the add form. */
  target: string;
  values: Record<string, string | string[]>;
  /** 412: the entry changed since the page was shown; the page shows it as it is now. */
  conflict: boolean;
  /** A validation error, at its field (`form` when it belongs to no one field). */
  error?: { message: string; field: string };
}

export interface BookView {
  chrome: Chrome;
  customerId: string;
  contacts: BookPage;
  addresses: BookPage;
  book?: BookEdit;
  /** The notice of a change that went through: `contact-added`, `address-removed`, … */
  bookSaved?: string;
}

export const BOOK_SAVED: Readonly<Record<string, string>> = {
  'contact-added': 'Contact added.',
  'contact-saved': 'Contact saved.',
  'contact-removed': 'Contact removed.',
  'address-added': 'Address added.',
  'address-saved': 'Address saved.',
  'address-removed': 'Address removed.',
};

const CONTACT_TEXT_FIELDS = [
  ['name', 'Name'],
  ['email', 'Email'],
  ['phone', 'Phone'],
] as const;

const ADDRESS_TEXT_FIELDS = [
  ['label', 'Label'],
  ['name', 'Name'],
  ['phone', 'Phone'],
  ['line1', 'Address line 1'],
  ['line2', 'Address line 2'],
  ['postal_code', 'Postal code'],
  ['city', 'City'],
  ['state', 'State'],
  ['country', 'Country (two letters)'],
] as const;

const str = (o: Obj | null | undefined, k: string): string => {
  const v = o?.[k];
  return typeof v === 'string' ? v : '';
};
const strings = (o: Obj, k: string): string[] => (Array.isArray(o[k]) ? (o[k] as unknown[]).filter((v): v is string => typeof v === 'string') : []);

/** The form values an entry starts with (what it holds now). */
export function valuesOf(kind: BookKind, o: Obj): Record<string, string | string[]> {
  if (kind === 'contact') {
    return {
      name: str(o, 'name'),
      email: str(o, 'email'),
      phone: str(o, 'phone'),
      roles: strings(o, 'roles'),
      receives_invoices: o.receives_invoices === true ? '1' : '',
      notes: str(o, 'notes'),
    };
  }
  const a = (o.address ?? {}) as Obj;
  return {
    label: str(o, 'label'),
    name: str(o, 'name'),
    phone: str(o, 'phone'),
    line1: str(a, 'line1'),
    line2: str(a, 'line2'),
    postal_code: str(a, 'postal_code'),
    city: str(a, 'city'),
    state: str(a, 'state'),
    country: str(a, 'country'),
    default_for: strings(o, 'default_for'),
  };
}

interface FormContext {
  kind: BookKind;
  /** Unique per form on the page: every control's id starts with it. */
  prefix: string;
  values: Record<string, string | string[]>;
  error?: BookEdit['error'];
}

function errorId(f: FormContext, name: string): string {
  return `${f.prefix}-${name}-error`;
}

function errorAt(f: FormContext, name: string): Html | string {
  return f.error?.field === name ? html`<p class="error" id="${errorId(f, name)}" role="alert">${f.error.message}</p>` : '';
}

function invalid(f: FormContext, name: string): Html | string {
  return f.error?.field === name ? html` aria-invalid="true" aria-describedby="${errorId(f, name)}"` : '';
}

function textInput(f: FormContext, name: string, label: string): Html {
  const value = f.values[name];
  const id = `${f.prefix}-${name}`;
  const mode = name === 'email' ? html` inputmode="email" autocomplete="off"` : name === 'phone' ? html` inputmode="tel" autocomplete="off"` : '';
  return html`<div class="book-field"><label for="${id}">${label}</label><input type="text" id="${id}" name="${name}" value="${typeof value === 'string' ? value : ''}"${mode}${invalid(f, name)}>${errorAt(f, name)}</div>`;
}

function checkboxes(f: FormContext, name: string, legend: string, options: readonly string[]): Html {
  const chosen = f.values[name];
  const set = new Set(Array.isArray(chosen) ? chosen : []);
  return html`<fieldset class="book-field book-wide"${invalid(f, name)}><legend>${legend}</legend><div class="checks">${options.map(
    (o) => html`<label class="check"><input type="checkbox" name="${name}[]" value="${o}"${set.has(o) ? html` checked` : ''}> ${o}</label>`,
  )}</div>${errorAt(f, name)}</fieldset>`;
}

function fieldsOf(f: FormContext): Html {
  if (f.kind === 'contact') {
    return html`<div class="book-fields">
${CONTACT_TEXT_FIELDS.map(([name, label]) => textInput(f, name, label))}
${checkboxes(f, 'roles', 'Roles', CONTACT_ROLES)}
<div class="book-field book-wide"><label class="check"><input type="checkbox" name="receives_invoices" value="1"${f.values.receives_invoices === '1' ? html` checked` : ''}> Receives invoices (copied on them)</label></div>
<div class="book-field book-wide"><label for="${f.prefix}-notes">Notes</label><textarea id="${f.prefix}-notes" name="notes"${invalid(f, 'notes')}>${typeof f.values.notes === 'string' ? f.values.notes : ''}</textarea>${errorAt(f, 'notes')}</div>
</div>`;
  }
  return html`<div class="book-fields">
${ADDRESS_TEXT_FIELDS.map(([name, label]) => textInput(f, name, label))}
${checkboxes(f, 'default_for', 'Default for', ADDRESS_DEFAULTS)}
</div>`;
}

function hidden(chrome: Chrome, etag?: string): Html {
  return html`<input type="hidden" name="csrf" value="${chrome.csrf}">${etag !== undefined ? html`<input type="hidden" name="version" value="${etag}">` : ''}`;
}

const NOUN: Record<BookKind, string> = { contact: 'contact', address: 'address' };
const A_NOUN: Record<BookKind, string> = { contact: 'a contact', address: 'an address' };
const PLURAL: Record<BookKind, string> = { contact: 'contacts', address: 'addresses' };
/** The sections' ids (`addresses` is the customer's own address and shipping). */
export const BOOK_SECTION: Record<BookKind, string> = { contact: 'contacts', address: 'address-book' };

function conflictNotice(kind: BookKind): Html {
  return html`<div class="notice" role="alert" data-testid="book-conflict"><strong>Someone else changed this ${NOUN[kind]} while you were editing.</strong> The page now shows it as it is; what you typed is kept in the form. Check it and save again.</div>`;
}

function describe(kind: BookKind, o: Obj): Html {
  if (kind === 'contact') {
    const roles = strings(o, 'roles');
    return html`<div><strong>${str(o, 'name') || str(o, 'email') || String(o.id)}</strong> ${roles.map((r) => html`<span class="badge">${r}</span> `)}</div>
<div>${[str(o, 'email'), str(o, 'phone')].filter(Boolean).join(' · ')}</div>
${o.receives_invoices === true ? html`<div class="sub">Receives invoices</div>` : ''}
${str(o, 'notes') ? html`<div class="sub" data-testid="contact-notes">${str(o, 'notes')}</div>` : ''}`;
  }
  const a = (o.address ?? {}) as Obj;
  const lines = [str(a, 'line1'), str(a, 'line2'), [str(a, 'postal_code'), str(a, 'city')].filter(Boolean).join(' '), str(a, 'state'), str(a, 'country')].filter(Boolean);
  const defaults = strings(o, 'default_for');
  return html`<div><strong>${str(o, 'label') || str(o, 'name') || String(o.id)}</strong> ${defaults.map((d) => html`<span class="badge badge-ok">Default for ${d}</span> `)}</div>
${str(o, 'name') && str(o, 'label') ? html`<div>${str(o, 'name')}</div>` : ''}
<div>${lines.map((l, i) => html`${i > 0 ? html`<br>` : ''}${l}`)}</div>
${str(o, 'phone') ? html`<div>${str(o, 'phone')}</div>` : ''}`;
}

function entry(view: BookView, kind: BookKind, e: BookEntry): Html {
  const id = String(e.object.id);
  const base = consolePath(view.chrome.mode, 'customers', view.customerId, PLURAL[kind], id);
  const edit = view.book?.kind === kind && view.book.target === id ? view.book : undefined;
  const label = str(e.object, kind === 'contact' ? 'name' : 'label') || str(e.object, kind === 'contact' ? 'email' : 'name') || id;
  const controls = view.chrome.restricted
    ? ''
    : html`<details${edit ? html` open` : ''}><summary>Edit or remove <span class="sr-only">${NOUN[kind]} ${label}</span></summary>
${edit?.conflict ? conflictNotice(kind) : ''}
<form method="post" action="${base}" aria-label="Edit ${NOUN[kind]} ${label}">
${hidden(view.chrome, e.etag)}
${fieldsOf({ kind, prefix: `${kind}-${id}`, values: edit?.values ?? valuesOf(kind, e.object), ...(edit?.error && { error: edit.error }) })}
${edit?.error?.field === 'form' ? html`<p class="error" role="alert">${edit.error.message}</p>` : ''}
<div class="actions"><button type="submit">Save ${NOUN[kind]}</button></div>
</form>
<form method="post" action="${base}/remove" class="actions">
${hidden(view.chrome, e.etag)}
<button type="submit" class="secondary">Remove ${NOUN[kind]} <span class="sr-only">${label}</span></button>
</form>
</details>`;
  return html`<li class="entry" data-testid="${kind}" data-id="${id}">${describe(kind, e.object)}${controls}</li>`;
}

function addForm(view: BookView, kind: BookKind): Html | string {
  if (view.chrome.restricted) return '';
  const edit = view.book?.kind === kind && view.book.target === 'new' ? view.book : undefined;
  const f: FormContext = { kind, prefix: `new-${kind}`, values: edit?.values ?? { roles: [], default_for: [] }, ...(edit?.error && { error: edit.error }) };
  return html`<details${edit ? html` open` : ''}><summary>Add ${A_NOUN[kind]}</summary>
<form method="post" action="${consolePath(view.chrome.mode, 'customers', view.customerId, PLURAL[kind])}" aria-label="Add ${A_NOUN[kind]}">
${hidden(view.chrome)}
${fieldsOf(f)}
${edit?.error?.field === 'form' ? html`<p class="error" role="alert">${edit.error.message}</p>` : ''}
<div class="actions"><button type="submit">Add ${NOUN[kind]}</button></div>
</form>
</details>`;
}

function bookSection(view: BookView, kind: BookKind, title: string, intro: Renderable): Html {
  const list = kind === 'contact' ? view.contacts : view.addresses;
  const saved = view.bookSaved?.startsWith(`${kind}-`) ? BOOK_SAVED[view.bookSaved] : undefined;
  const sectionId = BOOK_SECTION[kind];
  return html`<section class="card wide" id="sec-${sectionId}" aria-labelledby="sec-${sectionId}-title" data-section="${sectionId}">
<h2 id="sec-${sectionId}-title">${title}</h2>
<p class="sub">${intro}</p>
${saved ? notice('ok', saved) : ''}
${list.data.length === 0 ? html`<p class="empty">No ${PLURAL[kind]}.</p>` : html`<ul class="entries">${list.data.map((e) => entry(view, kind, e))}</ul>`}
${list.hasMore ? html`<p class="sub">Showing the newest ${list.data.length}.</p>` : ''}
${addForm(view, kind)}
</section>`;
}

/** SPEC K-1 on the profile: the customer's contacts and address book, editable with a secret key. */
export function addressBookSections(view: BookView): Html {
  return html`${bookSection(view, 'contact', 'Contacts', 'The people of this customer, newest first.')}
${bookSection(view, 'address', 'Address book', 'The default for billing is the customer’s address; the default for shipping, its shipping.')}`;
}
