import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/**
 * Debian's Chromium, driven by playwright-core (SPEC U-1's browser tests). CHROMIUM_PATH
 * overrides the path. Without it the browser tests skip (test/setup/browser-check.ts says so once).
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM_PATH);

export const SKIP_LINE = `browser tests skipped: no Chromium at ${CHROMIUM_PATH} (install it with 'apt-get install -y chromium', or set CHROMIUM_PATH)`;

/** Where tests leave screenshots and figures (gitignored). */
export const ARTIFACTS_DIR = new URL('../../test-artifacts/', import.meta.url).pathname;

export interface LaunchedBrowser {
  /** The browser's one context (its fresh profile); tests clear its cookies between people. */
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * One headless Chromium with a fresh profile directory (playwright passes it as
 * --user-data-dir), reaching nothing but what the test serves.
 */
export async function launchChromium(): Promise<LaunchedBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'clientele-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1280, height: 900 },
    timeout: 60_000,
  });
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
