import { html, type Html, type Renderable } from './html.js';
import { htmlDocument, notice } from '../web/document.js';

export type Mode = 'test' | 'live';

export function modeOf(livemode: boolean): Mode {
  return livemode ? 'live' : 'test';
}

/** What the header shows for a signed-in person. */
export interface Chrome {
  mode: Mode;
  actor: string;
  restricted: boolean;
  /** The other mode, when this browser has a session there too (the test/live switch). */
  otherMode: Mode | null;
  csrf: string;
  /** Where the switch leads in the other mode (the same page where that makes sense). */
  switchPath: string;
}

export const STYLESHEET_PATH = '/console/assets/console.css';
export const ICON_PATH = '/console/assets/icon.svg';

const MODE_LABEL: Record<Mode, string> = { test: 'Test mode', live: 'Live mode' };

function bar(chrome: Chrome | null): Html {
  if (!chrome) {
    return html`<header class="bar"><span class="brand">Clientele <small>Support console</small></span></header>`;
  }
  const other = chrome.otherMode;
  return html`<header class="bar">
  <a class="brand" href="/console/${chrome.mode}/customers">Clientele <small>Support console</small></a>
  <span class="mode mode-${chrome.mode}" data-testid="mode">${MODE_LABEL[chrome.mode]}</span>
  ${other ? html`<a href="${chrome.switchPath}" data-testid="mode-switch">Switch to ${MODE_LABEL[other].toLowerCase()}</a>` : ''}
  ${chrome.restricted ? html`<span class="badge badge-warn" data-testid="read-only">Read-only</span>` : ''}
  <span class="who">Signed in as ${chrome.actor}</span>
  <form method="post" action="/console/sign-out"><input type="hidden" name="csrf" value="${chrome.csrf}"><button type="submit">Sign out</button></form>
</header>`;
}

/** A whole console page. */
export function page(title: string, chrome: Chrome | null, body: Renderable): string {
  return htmlDocument({ lang: 'en', title: `${title} · Clientele console`, stylesheet: STYLESHEET_PATH, icon: ICON_PATH, header: bar(chrome), body });
}

export { notice };

/** Unix seconds as a readable UTC time in a <time> element. */
export function when(seconds: number): Html {
  const iso = new Date(seconds * 1000).toISOString();
  return html`<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')} UTC</time>`;
}
