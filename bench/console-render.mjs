/**
 * The support console's render times on a large account (SPEC U-1 item 6), in headless
 * Chromium: from navigation start to the end of the load event (every section's content
 * present and styled). Not part of the test suite; run it against a database seeded once:
 *
 *   node bench/seed.mjs --database sqlite:/tmp/console-1m/bench.db --size 1000000   # prints the key
 *   node bench/console-render.mjs --database sqlite:/tmp/console-1m/bench.db --key sk_test_… [--size 1000000] [--runs 20]
 *
 * It starts `clientele serve` on the database, adds one customer with something in every
 * section (and a timeline) through the API, signs in, and loads each page `runs` times.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { URLSearchParams } from 'node:url';
import { chromium } from 'playwright-core';
import { customerAt, customerIdAt } from './dataset.mjs';
import { startClientele, stop } from './lib/processes.mjs';

const { values } = parseArgs({
  options: { database: { type: 'string' }, key: { type: 'string' }, size: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '20' } },
});
if (!values.database || !values.key) {
  console.error('usage: node bench/console-render.mjs --database URL --key sk_test_… [--size N] [--runs N]');
  process.exit(2);
}
const size = Number(values.size);
const runs = Number(values.runs);
const key = values.key;

async function api(url, method, path, params, headers = {}) {
  // No body at all when there are no parameters (fetch would label an empty string text/plain).
  const body = params && Object.keys(params).length > 0 ? new URLSearchParams(params).toString() : undefined;
  const started = performance.now();
  const r = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body && { 'content-type': 'application/x-www-form-urlencoded' }), ...headers },
    body,
    signal: AbortSignal.timeout(120_000),
  });
  const json = await r.json();
  if (r.status >= 400) throw new Error(`${method} ${path}: ${JSON.stringify(json)}`);
  const ms = performance.now() - started;
  // A slow setup request at 10⁶ is a finding in itself (it is how a planner walk was found).
  if (ms > 1_000) console.error(`slow setup request: ${method} ${path} took ${ms.toFixed(0)} ms`);
  return json;
}

/** One customer with something in every section (charges to the address book), and a timeline of about 45 changes (the first page shows 20). */
async function richCustomer(url) {
  const parent = await api(url, 'POST', '/v1/customers', { name: 'Bench Parent' });
  const c = await api(url, 'POST', '/v1/customers', {
    name: 'Bench Profile', email: 'bench.profile@example.com', phone: '+14155552671', external_id: `bench-${Date.now()}`,
    'address[line1]': '1 Main St', 'address[city]': 'Berlin', 'address[country]': 'DE', 'tax_id_data[0][type]': 'eu_vat',
    'tax_id_data[0][value]': 'DE811907980', 'metadata[tier]': 'gold', notes: 'Bench', parent: parent.id,
  }, { 'clientele-actor': 'bench' });
  const pm = await api(url, 'POST', '/v1/payment_methods', { type: 'card', 'card[number]': '4242424242424242', 'card[exp_month]': '12', 'card[exp_year]': '2031', 'card[cvc]': '123' });
  await api(url, 'POST', `/v1/payment_methods/${pm.id}/attach`, { customer: c.id });
  await api(url, 'POST', `/v1/customers/${c.id}`, { 'invoice_settings[default_payment_method]': pm.id });
  await api(url, 'POST', `/v1/customers/${c.id}/integrations`, { provider: 'hubspot', provider_id: `hs-${Date.now()}` });
  for (let i = 0; i < 3; i++) await api(url, 'POST', '/v1/customers', { name: `Bench Child ${i}`, parent: c.id });
  // Charges (one refunded in part), an open invoice, contacts and an address book entry.
  const charges = [];
  for (let i = 0; i < 3; i++) charges.push(await api(url, 'POST', '/v1/charges', { amount: String(1000 + i), currency: 'eur', customer: c.id, description: `Bench ${i}` }));
  await api(url, 'POST', '/v1/refunds', { charge: charges[0].id, amount: '300' });
  const invoice = await api(url, 'POST', '/v1/invoices', { customer: c.id, currency: 'eur', 'lines[0][description]': 'Plan', 'lines[0][unit_amount]': '4900' });
  await api(url, 'POST', `/v1/invoices/${invoice.id}/finalize`, {});
  for (const role of ['billing', 'technical']) {
    await api(url, 'POST', `/v1/customers/${c.id}/contacts`, { name: `Bench ${role}`, email: `${role}.${Date.now()}@example.com`, 'roles[0]': role });
  }
  await api(url, 'POST', `/v1/customers/${c.id}/addresses`, { label: 'Office', 'address[line1]': '1 Main St', 'address[city]': 'Berlin', 'address[country]': 'DE', 'default_for[0]': 'billing' });
  for (let i = 0; i < 30; i++) await api(url, 'POST', `/v1/customers/${c.id}`, { [`metadata[k${i}]`]: `v${i}` });
  return c.id;
}

function summarise(name, samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  console.log(`${name.padEnd(40)} median ${median.toFixed(1)} ms, p90 ${sorted[Math.floor(sorted.length * 0.9)].toFixed(1)} ms, max ${sorted.at(-1).toFixed(1)} ms (${samples.length} loads)`);
}

async function renderTime(page) {
  for (let i = 0; i < 100; i++) {
    const ms = await page.evaluate(() => {
      const [nav] = performance.getEntriesByType('navigation');
      return nav && nav.loadEventEnd > 0 ? nav.loadEventEnd - nav.startTime : 0;
    });
    if (ms > 0) return ms;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('no load end');
}

const { child, url } = await startClientele({ databaseUrl: values.database });
const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'clientele-chromium-')), {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  viewport: { width: 1280, height: 900 },
});
try {
  console.error('adding a customer with something in every section…');
  const rich = await richCustomer(url);
  console.error(`added ${rich}; measuring ${runs} loads per page`);
  const page = await context.newPage();
  await page.goto(`${url}/console/sign-in`);
  await page.fill('#key', key);
  await page.fill('#actor', 'bench@example.com');
  await Promise.all([page.waitForURL(/customers/), page.click('button[type=submit]')]);
  const measure = async (name, paths) => {
    const samples = [];
    await page.goto(`${url}${paths[0]}`); // warm-up
    for (let i = 0; i < runs; i++) {
      await page.goto(`${url}${paths[i % paths.length]}`);
      await page.locator('[data-section=timeline], [data-testid=results]').first().waitFor();
      samples.push(await renderTime(page));
    }
    summarise(name, samples);
  };
  const seeded = Array.from({ length: runs }, (_, i) => Math.floor(((i + 1) * size) / (runs + 1)));
  await measure('profile, every section + ~45 events', [`/console/test/customers/${rich}`]);
  await measure('profile of a seeded customer', seeded.map((i) => `/console/test/customers/${customerIdAt(i)}`));
  await measure('search, plain text "rosen"', ['/console/test/customers?q=rosen']);
  await measure('search, plain text (one email)', seeded.map((i) => `/console/test/customers?q=${encodeURIComponent(customerAt(i, size).email)}`));
  await measure('search, plain text (external id)', seeded.map((i) => `/console/test/customers?q=${encodeURIComponent(customerAt(i, size).external_id)}`));
  await measure('search, query language name~"rosen"', [`/console/test/customers?q=${encodeURIComponent('name~"rosen"')}`]);
  await measure('search, newest customers (empty box)', ['/console/test/customers']);
} finally {
  await context.close();
  await stop(child);
}
