import type { PortalConfigurationRecord } from '../../domain/billing-portal/portal.js';
import { TAX_ID_TYPES } from '../../domain/tax-ids/tax-id-types.js';
import { fieldError, htmlDocument, invalidAttrs, notice } from '../web/document.js';
import { html, type Html, type Renderable } from '../web/html.js';
import type { MessageKey, Translator } from './i18n.js';

type Obj = Record<string, unknown>;

export const PORTAL_STYLESHEET = '/portal/assets/portal.css';
export const PORTAL_ICON = '/portal/assets/icon.svg';

export type PortalForm = 'details' | 'address' | 'shipping' | 'tax_id';

/** A change the service refused: what was typed, and the message at its field. */
export interface FormError {
  form: PortalForm;
  field: string;
  message: string;
  values: Record<string, string>;
}

export interface PortalView {
  tr: Translator;
  csrf: string;
  returnUrl: string;
  configuration: PortalConfigurationRecord;
  customer: Obj;
  taxIds: Obj[];
  paymentMethods: Obj[];
  invoices: Obj[];
  charges: Obj[];
  saved?: string;
  error?: FormError;
}

const str = (o: Obj | null | undefined, k: string): string => {
  const v = o?.[k];
  return typeof v === 'string' ? v : '';
};
const obj = (o: Obj | null | undefined, k: string): Obj | null => {
  const v = o?.[k];
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null;
};

function header(tr: Translator, returnUrl: string, csrf: string | null, headline: string | null): Html {
  return html`<header class="bar">
  <span class="brand">${headline ?? tr.t('title')}</span>
  <a href="${returnUrl}" data-testid="return">${tr.t('returnPlain')}</a>
  ${csrf ? html`<form method="post" action="/portal/sign-out"><input type="hidden" name="csrf" value="${csrf}"><button type="submit">${tr.t('signOut')}</button></form>` : ''}
</header>`;
}

export function portalDocument(tr: Translator, title: string, headerHtml: Html, body: Renderable): string {
  return htmlDocument({ lang: tr.language, title, stylesheet: PORTAL_STYLESHEET, icon: PORTAL_ICON, header: headerHtml, body });
}

/** A page with a message and no customer data: a used, expired or forged link, an ended session, a 404. */
export function messagePage(tr: Translator, key: MessageKey, returnUrl: string | null, kind: 'info' | 'bad' = 'bad'): string {
  return portalDocument(
    tr,
    tr.t('title'),
    html`<header class="bar"><span class="brand">${tr.t('title')}</span></header>`,
    html`<div class="signin"><div class="card"><h1>${tr.t(kind === 'bad' ? 'errorTitle' : 'title')}</h1>${notice(kind, tr.t(key))}${
      returnUrl ? html`<p><a href="${returnUrl}" data-testid="return">${tr.t('returnPlain')}</a></p>` : ''
    }</div></div>`,
  );
}

interface Input {
  form: PortalForm;
  name: string;
  label: string;
  value: string;
  type?: 'text' | 'email' | 'tel';
  autocomplete?: string;
  error?: FormError;
}

function input(i: Input): Html {
  const id = `${i.form}-${i.name}`;
  const message = i.error && i.error.form === i.form && i.error.field === i.name ? i.error.message : undefined;
  const value = i.error && i.error.form === i.form ? (i.error.values[i.name] ?? '') : i.value;
  return html`<label for="${id}">${i.label}</label>
<input type="${i.type ?? 'text'}" id="${id}" name="${i.name}" value="${value}"${i.autocomplete ? html` autocomplete="${i.autocomplete}"` : ''} ${invalidAttrs(`${id}-error`, message)}>
${fieldError(`${id}-error`, message)}`;
}

/** The error of a form that names no field of it (shown at the top of the form). */
function formLevelError(form: PortalForm, fields: readonly string[], error: FormError | undefined): Html | string {
  if (!error || error.form !== form || fields.includes(error.field)) return '';
  return notice('bad', error.message);
}

function section(id: string, title: string, body: Renderable): Html {
  return html`<section class="card" id="${id}" aria-labelledby="${id}-title"><h2 id="${id}-title">${title}</h2>${body}</section>`;
}

function hidden(csrf: string): Html {
  return html`<input type="hidden" name="csrf" value="${csrf}">`;
}

const ADDRESS_FIELDS = [
  ['line1', 'line1', 'address-line1'],
  ['line2', 'line2', 'address-line2'],
  ['postal_code', 'postalCode', 'postal-code'],
  ['city', 'city', 'address-level2'],
  ['state', 'state', 'address-level1'],
  ['country', 'country', 'country'],
] as const;

function addressInputs(tr: Translator, form: PortalForm, address: Obj | null, error: FormError | undefined): Html[] {
  return ADDRESS_FIELDS.map(([name, label, autocomplete]) => input({ form, name, label: tr.t(label), value: str(address, name), autocomplete, error }));
}

function details(v: PortalView, allowed: ReadonlySet<string>): Html {
  const { tr, customer: c, error } = v;
  const fields = (['email', 'name', 'phone'] as const).filter((f) => allowed.has(f));
  const readOnly = html`<dl class="fields">${(['email', 'name', 'phone'] as const).map((f) => html`<dt>${tr.t(f)}</dt><dd>${str(c, f) || html`<span class="empty">—</span>`}</dd>`)}</dl>`;
  if (fields.length === 0) return section('details', tr.t('details'), html`${readOnly}<p class="sub">${tr.t('readOnly')}</p>`);
  return section(
    'details',
    tr.t('details'),
    html`<form method="post" action="/portal/details" novalidate>${hidden(v.csrf)}${formLevelError('details', fields, error)}
${fields.map((f) => input({ form: 'details', name: f, label: tr.t(f), value: str(c, f), type: f === 'email' ? 'email' : f === 'phone' ? 'tel' : 'text', autocomplete: f === 'name' ? 'name' : f === 'email' ? 'email' : 'tel', error }))}
<div class="actions"><button type="submit">${tr.t('save')}</button></div></form>`,
  );
}

function addressText(a: Obj | null): Html {
  const lines = a ? [str(a, 'line1'), str(a, 'line2'), [str(a, 'postal_code'), str(a, 'city')].filter(Boolean).join(' '), str(a, 'state'), str(a, 'country')].filter(Boolean) : [];
  return lines.length ? html`<p>${lines.map((l, i) => html`${i ? html`<br>` : ''}${l}`)}</p>` : html`<p class="empty">—</p>`;
}

function address(v: PortalView, allowed: ReadonlySet<string>): Html {
  const { tr, customer: c, error } = v;
  const current = obj(c, 'address');
  if (!allowed.has('address')) return section('address', tr.t('billingAddress'), html`${addressText(current)}<p class="sub">${tr.t('readOnly')}</p>`);
  return section(
    'address',
    tr.t('billingAddress'),
    html`<form method="post" action="/portal/address" novalidate>${hidden(v.csrf)}${formLevelError('address', ADDRESS_FIELDS.map((f) => f[0]), error)}
${addressInputs(tr, 'address', current, error)}
<div class="actions"><button type="submit">${tr.t('save')}</button></div></form>`,
  );
}

function shipping(v: PortalView, allowed: ReadonlySet<string>): Html {
  const { tr, customer: c, error } = v;
  const current = obj(c, 'shipping');
  if (!allowed.has('shipping')) {
    return section('shipping', tr.t('shipping'), html`${current ? html`<p>${str(current, 'name')}</p>` : ''}${addressText(obj(current, 'address'))}<p class="sub">${tr.t('readOnly')}</p>`);
  }
  const fields = ['name', 'phone', ...ADDRESS_FIELDS.map((f) => f[0])];
  return section(
    'shipping',
    tr.t('shipping'),
    html`<form method="post" action="/portal/shipping" novalidate>${hidden(v.csrf)}${formLevelError('shipping', fields, error)}
${input({ form: 'shipping', name: 'name', label: tr.t('shippingName'), value: str(current, 'name'), autocomplete: 'shipping name', error })}
${input({ form: 'shipping', name: 'phone', label: tr.t('shippingPhone'), value: str(current, 'phone'), type: 'tel', error })}
${addressInputs(tr, 'shipping', obj(current, 'address'), error)}
<div class="actions"><button type="submit">${tr.t('save')}</button>${current ? html`<button type="submit" class="secondary" name="remove" value="1">${tr.t('removeShipping')}</button>` : ''}</div></form>`,
  );
}

const TAX_TYPES = Object.entries(TAX_ID_TYPES)
  .map(([type, entry]) => [type, (entry as { description: string }).description] as const)
  .sort((a, b) => a[0].localeCompare(b[0]));

function taxIds(v: PortalView, allowed: ReadonlySet<string>): Html {
  const { tr, error } = v;
  const editable = allowed.has('tax_id');
  const rows = v.taxIds.map(
    (t) => html`<li class="row" data-tax-id="${str(t, 'id')}"><span><span class="badge">${str(t, 'type')}</span> <span class="mono">${str(t, 'value')}</span></span>${
      editable
        ? html`<form method="post" action="/portal/tax-ids/remove">${hidden(v.csrf)}<input type="hidden" name="tax_id" value="${str(t, 'id')}"><button type="submit" class="secondary">${tr.t('remove')}<span class="sr-only"> ${str(t, 'value')}</span></button></form>`
        : ''
    }</li>`,
  );
  const typeMessage = error?.form === 'tax_id' && error.field === 'type' ? error.message : undefined;
  const chosen = error?.form === 'tax_id' ? (error.values.type ?? '') : 'eu_vat';
  const form = editable
    ? html`<form method="post" action="/portal/tax-ids" novalidate>${hidden(v.csrf)}${formLevelError('tax_id', ['type', 'value'], error)}
<label for="tax_id-type">${tr.t('taxType')}</label>
<select id="tax_id-type" name="type" ${invalidAttrs('tax_id-type-error', typeMessage)}>${TAX_TYPES.map(([type, description]) => html`<option value="${type}"${type === chosen ? html` selected` : ''}>${type} — ${description}</option>`)}</select>
${fieldError('tax_id-type-error', typeMessage)}
${input({ form: 'tax_id', name: 'value', label: tr.t('taxValue'), value: '', error })}
<div class="actions"><button type="submit">${tr.t('add')}</button></div></form>`
    : html`<p class="sub">${tr.t('readOnly')}</p>`;
  return section('tax-ids', tr.t('taxIds'), html`${rows.length ? html`<ul class="rows">${rows}</ul>` : html`<p class="empty">${tr.t('noTaxIds')}</p>`}${form}`);
}

function paymentMethods(v: PortalView): Html | string {
  const { tr, customer: c } = v;
  if (!v.configuration.features.payment_method_update.enabled && v.paymentMethods.length === 0) return '';
  const editable = v.configuration.features.payment_method_update.enabled;
  const defaultId = str(obj(c, 'invoice_settings'), 'default_payment_method');
  const rows = v.paymentMethods.map((m) => {
    const id = str(m, 'id');
    const card = obj(m, 'card');
    const expiry = card ? `${String(card.exp_month ?? '').padStart(2, '0')}/${String(card.exp_year ?? '')}` : '';
    const isDefault = id === defaultId;
    const act = (path: string, label: string, secondary: boolean) =>
      html`<form method="post" action="${path}">${hidden(v.csrf)}<input type="hidden" name="payment_method" value="${id}"><button type="submit"${secondary ? html` class="secondary"` : ''}>${label}<span class="sr-only"> ${card ? str(card, 'brand') : ''} ${card ? str(card, 'last4') : ''}</span></button></form>`;
    return html`<li class="row" data-payment-method="${id}"${isDefault ? html` data-default="true"` : ''}><span><strong>${card ? str(card, 'brand') : str(m, 'type')}</strong> <span class="mono">•••• ${card ? str(card, 'last4') : ''}</span> <span class="sub">${tr.t('expires', { date: expiry })}</span>${
      isDefault ? html` <span class="badge badge-ok">${tr.t('default')}</span>` : ''
    }</span>${editable ? html`<span class="actions">${isDefault ? '' : act('/portal/payment-methods/default', tr.t('makeDefault'), false)}${act('/portal/payment-methods/detach', tr.t('remove'), true)}</span>` : ''}</li>`;
  });
  return section(
    'payment-methods',
    tr.t('paymentMethods'),
    html`${rows.length ? html`<ul class="rows">${rows}</ul>` : html`<p class="empty">${tr.t('noPaymentMethods')}</p>`}<p class="sub" data-testid="cards-elsewhere">${tr.t('cardsElsewhere')}</p>`,
  );
}

function invoices(v: PortalView): Html | string {
  const { tr } = v;
  if (!v.configuration.features.invoice_history.enabled) return '';
  const rows = v.invoices.map(
    (i) =>
      html`<tr data-invoice="${str(i, 'id')}"><td data-label="${tr.t('number')}" class="mono">${str(i, 'number') || '—'}</td><td data-label="${tr.t('date')}" class="nowrap">${tr.date(Number(i.created))}</td><td data-label="${tr.t('amount')}" class="nowrap">${tr.money(Number(i.total), str(i, 'currency'))}</td><td data-label="${tr.t('status')}" class="nowrap"><span class="badge">${str(i, 'status')}</span></td></tr>`,
  );
  return section(
    'invoices',
    tr.t('invoices'),
    rows.length
      ? html`<table><thead><tr><th scope="col">${tr.t('number')}</th><th scope="col">${tr.t('date')}</th><th scope="col">${tr.t('amount')}</th><th scope="col">${tr.t('status')}</th></tr></thead><tbody>${rows}</tbody></table>`
      : html`<p class="empty">${tr.t('noInvoices')}</p>`,
  );
}

function charges(v: PortalView): Html | string {
  const { tr } = v;
  if (!v.configuration.features.invoice_history.enabled) return '';
  const rows = v.charges.map((ch) => {
    const currency = str(ch, 'currency');
    const refunds = (obj(ch, 'refunds')?.data as Obj[] | undefined) ?? [];
    return html`<tr data-charge="${str(ch, 'id')}"><td data-label="${tr.t('date')}" class="nowrap">${tr.date(Number(ch.created))}</td><td data-label="${tr.t('description')}">${str(ch, 'description') || '—'}${refunds.map(
      (r) => html`<br><span class="sub" data-refund="${str(r, 'id')}">${tr.t('refunded', { amount: tr.money(Number(r.amount), currency), date: tr.date(Number(r.created)) })}</span>`,
    )}</td><td data-label="${tr.t('amount')}" class="nowrap">${tr.money(Number(ch.amount), currency)}</td><td data-label="${tr.t('status')}" class="nowrap"><span class="badge">${str(ch, 'status')}</span></td></tr>`;
  });
  return section(
    'charges',
    tr.t('charges'),
    rows.length
      ? html`<table><thead><tr><th scope="col">${tr.t('date')}</th><th scope="col">${tr.t('description')}</th><th scope="col">${tr.t('amount')}</th><th scope="col">${tr.t('status')}</th></tr></thead><tbody>${rows}</tbody></table>`
      : html`<p class="empty">${tr.t('noCharges')}</p>`,
  );
}

/** The portal: one customer's own details, for what its configuration allows. */
export function portalPage(v: PortalView): string {
  const { tr, configuration } = v;
  const update = configuration.features.customer_update;
  const allowed = new Set<string>(update.enabled ? update.allowed_updates : []);
  const headline = configuration.business_profile.headline;
  const policies = [
    configuration.business_profile.privacy_policy_url ? html`<a href="${configuration.business_profile.privacy_policy_url}">Privacy</a>` : '',
    configuration.business_profile.terms_of_service_url ? html`<a href="${configuration.business_profile.terms_of_service_url}">Terms</a>` : '',
  ];
  return portalDocument(
    tr,
    tr.t('title'),
    header(tr, v.returnUrl, v.csrf, headline),
    html`<h1>${tr.t('heading')}</h1>
<p class="sub">${tr.t('intro')}</p>
${v.saved ? notice('ok', tr.t('saved')) : ''}
<div class="grid">
${details(v, allowed)}
${address(v, allowed)}
${shipping(v, allowed)}
${taxIds(v, allowed)}
${paymentMethods(v)}
${invoices(v)}
${charges(v)}
</div>
<p class="actions"><a class="button" href="${v.returnUrl}" data-testid="return-bottom">${tr.t('returnPlain')}</a>${policies}</p>`,
  );
}
