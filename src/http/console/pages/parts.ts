import { html, type Html, type Renderable } from '../html.js';

/** Pieces every console page with sections uses: the profile, the merge confirmation. */
export type Obj = Record<string, unknown>;

export const str = (o: Obj | null | undefined, k: string): string | null => {
  const v = o?.[k];
  return typeof v === 'string' && v !== '' ? v : null;
};
export const obj = (o: Obj | null | undefined, k: string): Obj | null => {
  const v = o?.[k];
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null;
};
export const listOf = (o: Obj | null | undefined, k: string): Obj[] => {
  const data = obj(o, k)?.data;
  return Array.isArray(data) ? (data as Obj[]) : [];
};

export function field(label: string, value: Renderable): Html {
  const empty = value === null || value === undefined || value === '';
  return html`<dt>${label}</dt><dd>${empty ? html`<span class="empty">—</span>` : value}</dd>`;
}

export function section(id: string, title: string, body: Renderable, wide = false): Html {
  return html`<section class="card${wide ? ' wide' : ''}" id="sec-${id}" aria-labelledby="sec-${id}-title" data-section="${id}">
<h2 id="sec-${id}-title">${title}</h2>
${body}
</section>`;
}


/** A postal address, a line each. */
export function addressLines(a: Obj | null): Html | null {
  if (!a) return null;
  const lines = [str(a, 'line1'), str(a, 'line2'), [str(a, 'postal_code'), str(a, 'city')].filter(Boolean).join(' '), str(a, 'state'), str(a, 'country')];
  const shown = lines.filter((l): l is string => typeof l === 'string' && l !== '');
  return shown.length ? html`${shown.map((l, i) => html`${i > 0 ? html`<br>` : ''}${l}`)}` : null;
}
