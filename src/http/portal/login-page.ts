import { fieldError, invalidAttrs, notice } from '../web/document.js';
import { html, type Html, type Renderable } from '../web/html.js';
import type { Translator } from './i18n.js';
import { portalDocument } from './portal-page.js';

/** The login page's bar: the configuration's headline (when it has one), nothing that names a customer. */
function bar(tr: Translator, headline: string | null): Html {
  return html`<header class="bar"><span class="brand">${headline ?? tr.t('title')}</span></header>`;
}

function card(tr: Translator, headline: string | null, title: string, body: Renderable): string {
  return portalDocument(tr, `${title} · ${headline ?? tr.t('title')}`, bar(tr, headline), html`<div class="signin"><div class="card">${body}</div></div>`);
}

export interface LoginFormView {
  tr: Translator;
  headline: string | null;
  /** The form's own address: the login page's path. */
  action: string;
  csrf: string;
  email?: string;
  error?: string;
}

/** The sign-in form: one email field. */
export function loginFormPage(v: LoginFormView): string {
  const { tr } = v;
  return card(
    tr,
    v.headline,
    tr.t('loginTitle'),
    html`<h1>${tr.t('loginHeading')}</h1>
<p class="sub">${tr.t('loginIntro')}</p>
<form method="post" action="${v.action}" novalidate>
<input type="hidden" name="csrf" value="${v.csrf}">
<input type="hidden" name="locale" value="${tr.language}">
<label for="login-email">${tr.t('loginEmail')}</label>
<input type="email" id="login-email" name="email" value="${v.email ?? ''}" autocomplete="email" inputmode="email" required ${invalidAttrs('login-email-error', v.error)}>
${fieldError('login-email-error', v.error)}
<div class="actions"><button type="submit">${tr.t('loginSend')}</button></div>
</form>`,
  );
}

/**
 * The answer to every accepted request, whether or not the address belongs to a customer: it
 * holds nothing of the request (no address, no token), so it is the same page byte for byte.
 */
export function loginSentPage(tr: Translator, headline: string | null, action: string): string {
  return card(
    tr,
    headline,
    tr.t('loginSentTitle'),
    html`<h1>${tr.t('loginSentTitle')}</h1>${notice('info', tr.t('loginSent'))}<p><a href="${action}" data-testid="login-again">${tr.t('loginAgain')}</a></p>`,
  );
}

/** Too many requests for this address or from this client. */
export function loginLimitedPage(tr: Translator, headline: string | null, action: string, retryAfterSeconds: number): string {
  const minutes = String(Math.max(1, Math.ceil(retryAfterSeconds / 60)));
  return card(
    tr,
    headline,
    tr.t('loginTitle'),
    html`<h1>${tr.t('loginHeading')}</h1>${notice('bad', tr.t('loginRateLimited', { minutes }))}<p><a href="${action}">${tr.t('loginAgain')}</a></p>`,
  );
}

/** A login page that is unknown, disabled, or cannot send mail: one page for all, naming nothing. */
export function loginUnavailablePage(tr: Translator): string {
  return card(tr, null, tr.t('loginTitle'), html`<h1>${tr.t('loginHeading')}</h1>${notice('bad', tr.t('loginUnavailable'))}`);
}
