import type { EventRecord } from '../../domain/events/event.js';
import { html, type Html } from './html.js';
import { when } from './layout.js';

type Obj = Record<string, unknown>;

/** Fields every update changes: not worth a line in the timeline. */
const UNSHOWN = new Set(['updated', 'updated_by']);

const LABELS: Record<string, string> = {
  'customer.created': 'Customer created',
  'customer.updated': 'Customer updated',
  'customer.deleted': 'Customer deleted',
  'customer.merged': 'Customer merged',
  'customer.tax_id.created': 'Tax id added',
  'customer.tax_id.deleted': 'Tax id removed',
  'customer.integration.created': 'Integration added',
  'customer.integration.deleted': 'Integration removed',
  'payment_method.attached': 'Payment method attached',
  'payment_method.detached': 'Payment method detached',
  'payment_method.updated': 'Payment method updated',
};

/** An event type the console has no label for (a resource added later): its words. */
function label(type: string): string {
  const known = LABELS[type];
  if (known) return known;
  const words = type.replace(/[._]/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function shown(value: unknown): Html {
  if (value === null || value === undefined || value === '') return html`<span class="empty">empty</span>`;
  if (typeof value === 'string') return html`${value}`;
  return html`<code>${JSON.stringify(value)}</code>`;
}

function change(field: string, before: unknown, after: unknown): Html {
  return html`<li><span class="mono">${field}</span>: <del>${shown(before)}</del> → <ins>${shown(after)}</ins></li>`;
}

const isPlain = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Nested objects (an address, invoice_settings) down to the fields that differ. */
function diff(path: string, before: unknown, after: unknown, out: Html[]): void {
  if (isPlain(before) && isPlain(after)) {
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) diff(`${path}.${key}`, before[key], after[key], out);
    }
    return;
  }
  out.push(change(path, before, after));
}

/** Field-level changes of an update, from previous_attributes (SPEC E-1): before → after. */
function changes(event: EventRecord): Html[] {
  const previous = event.data.previous_attributes;
  const object = (event.data.object ?? {}) as Obj;
  if (!previous) return [];
  const out: Html[] = [];
  for (const [field, before] of Object.entries(previous)) {
    if (UNSHOWN.has(field)) continue;
    if (field === 'metadata' && before !== null && typeof before === 'object') {
      const now = (object.metadata ?? {}) as Obj;
      for (const [key, old] of Object.entries(before as Obj)) out.push(change(`metadata[${key}]`, old, now[key] ?? null));
      continue;
    }
    diff(field, before, object[field], out);
  }
  return out;
}

/** One line about what an event without previous_attributes concerns. */
function summary(event: EventRecord): Html | string {
  const o = (event.data.object ?? {}) as Obj;
  const card = o.card as Obj | null | undefined;
  if (card) return html`${String(card.brand ?? 'card')} •••• ${String(card.last4 ?? '')} <span class="mono">${String(o.id ?? '')}</span>`;
  if (o.object === 'tax_id') return html`${String(o.type ?? '')} ${String(o.value ?? '')}`;
  if (o.object === 'integration') return html`${String(o.provider ?? '')}: <span class="mono">${String(o.provider_id ?? '')}</span>`;
  if (o.object === 'customer' && event.type === 'customer.created') return html`${String(o.name ?? o.email ?? o.id ?? '')}`;
  return typeof o.id === 'string' ? html`<span class="mono">${o.id}</span>` : '';
}

/** Who made the change: the actor, else the key's name, else its id. */
export function whoOf(event: EventRecord, keyNames: ReadonlyMap<string, string | null>): Html {
  if (event.actor) return html`${event.actor}`;
  if (event.key_id) {
    const name = keyNames.get(event.key_id);
    return name ? html`key “${name}”` : html`key <span class="mono">${event.key_id}</span>`;
  }
  return html`<span class="empty">unknown</span>`;
}

/** A merge's absorbed customer (customer.merged's data.source), or the target a tombstone now leads to. */
function mergeLine(event: EventRecord): Html | string {
  const source = event.data.source as Obj | undefined;
  if (event.type === 'customer.merged' && typeof source?.id === 'string') return html`<div>Absorbed <span class="mono">${source.id}</span></div>`;
  const into = (event.data.object as Obj | undefined)?.merged_into;
  if (event.type === 'customer.deleted' && typeof into === 'string') return html`<div>Merged into <span class="mono">${into}</span></div>`;
  return '';
}

export function timelineEntry(event: EventRecord, keyNames: ReadonlyMap<string, string | null>): Html {
  const lines = changes(event);
  return html`<li data-testid="event" data-type="${event.type}">
<strong>${label(event.type)}</strong> <span class="when">${when(event.created)} · by <span data-testid="who">${whoOf(event, keyNames)}</span></span>
${mergeLine(event)}
${lines.length > 0 ? html`<ul class="changes">${lines}</ul>` : html`<div>${summary(event)}</div>`}
</li>`;
}
