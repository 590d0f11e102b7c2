import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { consoleSessionService } from '../../src/domain/console/console-sessions.js';
import { nowSeconds } from '../../src/lib/ids.js';
import { ARTIFACTS_DIR } from '../helpers/browser.js';
import { createTestApp, type StoreKind, type TestApp } from '../helpers/harness.js';

export interface ConsoleApp {
  t: TestApp;
  url: string;
  /** Moves the console sessions' clock forward (seconds), to expire one without waiting. */
  advance(seconds: number): void;
  close(): Promise<void>;
}

/** The app over a fresh database, listening, its console sessions on a clock the test moves. */
export async function consoleApp(kind: StoreKind): Promise<ConsoleApp> {
  let offset = 0;
  const t = await createTestApp(
    kind,
    {},
    {
      services: (services, store, config) => ({
        ...services,
        consoleSessions: consoleSessionService({
          store,
          accounts: services.accounts,
          idleTimeoutSeconds: config.consoleIdleTimeoutSeconds,
          now: () => nowSeconds() + offset,
        }),
      }),
    },
  );
  const { url } = await t.listen();
  return {
    t,
    url,
    advance: (s) => (offset += s),
    async close() {
      // The browser keeps connections alive; they must not hold the server open.
      const closing = t.close();
      t.app.server.closeAllConnections();
      await closing;
    },
  };
}

/** Fails the test on any request to another origin: the console loads nothing from elsewhere. */
export function sameOriginOnly(page: Page, origin: string): string[] {
  const foreign: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(origin) && !r.url().startsWith('data:')) foreign.push(r.url());
  });
  return foreign;
}

/** Signs in through the form, as a person does. */
export async function signIn(page: Page, url: string, key: string, actor = 'ada@example.com'): Promise<void> {
  await page.goto(`${url}/console/sign-in`);
  await page.fill('#key', key);
  await page.fill('#actor', actor);
  await Promise.all([page.waitForURL(/\/console\/(test|live)\/customers/), page.click('button[type=submit]')]);
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[]; failureSummary?: string }>;
}

/** axe-core in the page (evaluated by the driver, so the page's CSP need not allow it). */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: unknown[] }> } }).axe;
    return (await axe.run()).violations;
  });
  return (violations as AxeViolation[]).filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** No horizontal scroll at the page's current width. */
export async function expectNoHorizontalScroll(page: Page): Promise<void> {
  // Strings: the test code is type-checked without the DOM library.
  const { scroll, width } = (await page.evaluate('({ scroll: document.documentElement.scrollWidth, width: window.innerWidth })')) as {
    scroll: number;
    width: number;
  };
  expect(scroll).toBeLessThanOrEqual(width);
}

/**
 * Saves a screenshot as a test artefact (test-artifacts/<area>/, the console's by default); one
 * the docs show (`docs`) also replaces docs/<area>/<name>.png when CONSOLE_DOCS_SCREENSHOTS=1.
 */
export async function screenshot(
  page: Page,
  name: string,
  options: { fullPage?: boolean; docs?: boolean; area?: 'console' | 'portal' } = {},
): Promise<string> {
  const area = options.area ?? 'console';
  const dir = join(ARTIFACTS_DIR, area);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  const png = await page.screenshot({ path, fullPage: options.fullPage ?? false });
  if (options.docs && process.env.CONSOLE_DOCS_SCREENSHOTS === '1') {
    const docs = new URL(`../../docs/${area}/`, import.meta.url).pathname;
    mkdirSync(docs, { recursive: true });
    writeFileSync(join(docs, `${name}.png`), png);
  }
  return path;
}

/** Appends a figure to test-artifacts/console/figures.txt and prints it. */
export function report(line: string): void {
  const dir = join(ARTIFACTS_DIR, 'console');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'figures.txt'), `${line}\n`, { flag: 'a' });
  process.stdout.write(`${line}\n`);
}

/** Milliseconds from navigation start until the page's last section had its content (load end). */
export async function renderTime(page: Page): Promise<number> {
  const read = async () =>
    (await page.evaluate(`(() => {
      const [nav] = performance.getEntriesByType('navigation');
      return nav && nav.loadEventEnd > 0 ? nav.loadEventEnd - nav.startTime : 0;
    })()`)) as number;
  // loadEventEnd is set once the load event's handlers have run, just after goto() returns.
  for (let i = 0; i < 50; i++) {
    const ms = await read();
    if (ms > 0) return ms;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return Number.NaN;
}
