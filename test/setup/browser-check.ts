import { HAS_CHROMIUM, SKIP_LINE } from '../helpers/browser.js';

/** Says once, for the whole run, that the browser tests were skipped and how to get them. */
export default function setup(): void {
  if (!HAS_CHROMIUM) process.stdout.write(`${SKIP_LINE}\n`);
}
