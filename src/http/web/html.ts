import escapeHtml from 'escape-html';

/**
 * HTML built by tagged templates that escape by construction: every interpolated value is
 * escaped (escape-html: & < > " ') unless it is itself Html made by `html`, so a customer named
 * `<script>` is shown as text. Templates quote every attribute, so an escaped value can never
 * leave its attribute either. Nothing else in the console concatenates markup.
 */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** What may stand in a template: text (escaped), markup, a list of them, or nothing. */
export type Renderable = Html | string | number | boolean | null | undefined | readonly Renderable[];

function render(value: Renderable): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value as string | number | boolean));
}

export function html(strings: TemplateStringsArray, ...values: Renderable[]): Html {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i] as Renderable) + (strings[i + 1] ?? '');
  return new Html(out);
}

/** A path under /console with each dynamic segment percent-encoded (ids, external ids). */
export function consolePath(...segments: readonly string[]): string {
  return `/console/${segments.map((s) => encodeURIComponent(s)).join('/')}`;
}

/** A query string from defined values only. */
export function withQuery(path: string, query: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, v);
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}
