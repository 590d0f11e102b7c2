import { html, type Html, type Renderable } from './html.js';

export interface DocumentParts {
  lang: string;
  /** The whole <title>. */
  title: string;
  stylesheet: string;
  icon: string;
  header: Renderable;
  body: Renderable;
}

/** A whole page: nothing inline (the CSP forbids it), one stylesheet, no script, a skip link first. */
export function htmlDocument(parts: DocumentParts): string {
  return html`<!doctype html>
<html lang="${parts.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${parts.title}</title>
<link rel="stylesheet" href="${parts.stylesheet}">
<link rel="icon" href="${parts.icon}" type="image/svg+xml">
</head>
<body>
<a class="skip" href="#main">${parts.lang === 'de' ? 'Zum Inhalt springen' : parts.lang === 'fr' ? 'Aller au contenu' : parts.lang === 'es' ? 'Saltar al contenido' : 'Skip to content'}</a>
${parts.header}
<main id="main" tabindex="-1">
${parts.body}
</main>
</body>
</html>
`.text;
}

/** A notice at the top of a page; `role=status` (or `alert`) so screen readers announce it. */
export function notice(kind: 'info' | 'ok' | 'bad', text: Renderable): Html {
  const cls = kind === 'ok' ? 'notice notice-ok' : kind === 'bad' ? 'notice notice-bad' : 'notice';
  return html`<div class="${cls}" role="${kind === 'bad' ? 'alert' : 'status'}">${text}</div>`;
}

/** A field's error, tied to it by id (`aria-describedby`). */
export function fieldError(id: string, text: string | undefined): Html | string {
  return text ? html`<p class="error" id="${id}">${text}</p>` : '';
}

/** The attributes of an input whose value was refused. */
export function invalidAttrs(errorId: string, text: string | undefined): Html | string {
  return text ? html`aria-invalid="true" aria-describedby="${errorId}"` : '';
}
