import { html } from '../html.js';
import { fieldError } from '../../web/document.js';
import { notice, page } from '../layout.js';

export interface SignInView {
  csrf: string;
  /** What the person typed (never the key: it is not echoed back). */
  actor?: string;
  errors?: { key?: string; actor?: string };
  message?: { kind: 'info' | 'ok' | 'bad'; text: string };
}


/** The sign-in form: an API key and the person's name or email (the actor of their changes). */
export function signInPage(view: SignInView): string {
  const { errors = {} } = view;
  return page(
    'Sign in',
    null,
    html`<div class="signin">
<div class="card">
<h1>Sign in</h1>
<p class="sub">Use an API key of your account. A secret key (<code>sk_…</code>) can edit notes and metadata; a restricted key (<code>rk_…</code>) gives a read-only console. The key is kept on the server for this session only.</p>
${view.message ? notice(view.message.kind, view.message.text) : ''}
<form method="post" action="/console/sign-in" novalidate>
<input type="hidden" name="csrf" value="${view.csrf}">
<label for="key">API key</label>
<input type="password" id="key" name="key" autocomplete="off" spellcheck="false" required autofocus
  ${errors.key ? html`aria-invalid="true" aria-describedby="key-error"` : ''}>
${fieldError('key-error', errors.key)}
<label for="actor">Your name or email <span class="hint">Recorded as who made each change you save.</span></label>
<input type="text" id="actor" name="actor" autocomplete="email" maxlength="100" required value="${view.actor ?? ''}"
  ${errors.actor ? html`aria-invalid="true" aria-describedby="actor-error"` : ''}>
${fieldError('actor-error', errors.actor)}
<div class="actions"><button type="submit">Sign in</button></div>
</form>
</div>
</div>`,
  );
}
