/**
 * `clientele export` (SPEC B-2): every customer with what it owns, from one snapshot; its NDJSON
 * imports back unchanged into another store (the round trip compares the two stores' exports),
 * its CSV imports back too; and both commands work while `clientele serve` serves the database.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBulkServices } from '../../../src/compose.js';
import { callServer, STORES, type StoreKind, type TestApp } from '../../helpers/harness.js';
import { killAll, startServerProcess } from '../../helpers/processes.js';
import { allCustomers, bulkContext, ensureBuilt, ndjson, summary, type BulkContext } from './support.js';

beforeAll(() => ensureBuilt());
afterAll(() => killAll());

const FUTURE = new Date().getUTCFullYear() + 2;

/** Customers of every shape the API makes: owned objects, a default method, a parent, a tombstone. */
async function populate(t: TestApp): Promise<void> {
  const api = t.api();
  const parent = await api.post('/v1/customers', {
    name: 'Parent Co',
    email: 'billing@parent.example',
    external_id: 'rt-parent',
    address: { line1: '1 Rue', city: 'Paris', country: 'FR' },
    shipping: { name: 'Dock', address: { line1: '2 Quai', country: 'FR' }, phone: '+33100000000' },
    invoice_settings: { custom_fields: [{ name: 'PO', value: '77' }], footer: 'Merci', rendering_options: { amount_tax_display: 'include_inclusive_tax' } },
    preferred_locales: ['fr', 'en'],
    metadata: { tier: 'gold', region: 'eu' },
    tax_exempt: 'reverse',
    balance: -300,
    next_invoice_sequence: 7,
    notes: 'Line one\nline two',
  });
  expect(parent.status).toBe(200);
  await api.post(`/v1/customers/${parent.body.id as string}/tax_ids`, { type: 'eu_vat', value: 'FR40303265045' });
  await api.post(`/v1/customers/${parent.body.id as string}/integrations`, { provider: 'salesforce', provider_id: '001ABC', metadata: { org: 'x' } });
  const method = await api.post('/v1/payment_methods', {
    type: 'card',
    provider: { name: 'adyen', reference: 'ADY-123' },
    card: { brand: 'mastercard', last4: '4444', exp_month: 3, exp_year: FUTURE, funding: 'debit', country: 'FR' },
    billing_details: { name: 'Parent Co', email: 'billing@parent.example' },
    metadata: { source: 'adyen' },
  });
  await api.post(`/v1/payment_methods/${method.body.id as string}/attach`, { customer: parent.body.id });
  await api.post(`/v1/customers/${parent.body.id as string}`, { invoice_settings: { default_payment_method: method.body.id } });
  await api.post('/v1/customers', { name: 'Child', parent: parent.body.id, metadata: { tier: 'silver' } });
  await api.post('/v1/customers', { email: 'plain@example.com' });
  const gone = await api.post('/v1/customers', { name: 'Gone', email: 'gone@example.com' });
  await api.del(`/v1/customers/${gone.body.id as string}`);
}

/** An export line without what a store writes for itself (who and when it was last written). */
function comparable(line: string): Record<string, unknown> {
  const { created_by: _c, updated_by: _u, updated: _t, ...rest } = JSON.parse(line) as Record<string, unknown>;
  return rest;
}

function otherStore(kind: StoreKind): StoreKind {
  const other = kind === 'sqlite' ? 'postgres' : 'sqlite';
  return STORES.includes(other) ? other : kind;
}

describe.each(STORES)('clientele export (%s)', (kind) => {
  let source: BulkContext;
  let target: BulkContext;
  beforeAll(async () => {
    source = await bulkContext(kind);
    target = await bulkContext(otherStore(kind));
    await populate(source.t);
  });
  afterAll(async () => {
    await source.t.close();
    await target.t.close();
  });

  it('exports NDJSON that imports into another store unchanged (ids, owned objects, default method, parent)', async () => {
    const out = `${source.dir}/all.ndjson`;
    const exported = await source.run(['export', '--out', out, '--include-deleted']);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stderr).toMatch(/exported 4 customers/);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(4);
    const tombstone = JSON.parse(lines[3] as string) as Record<string, unknown>;
    expect(tombstone).toEqual({ id: expect.stringMatching(/^cus_/), object: 'customer', deleted: true });
    const parent = JSON.parse(lines[0] as string) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- reads the export
    expect(parent.tax_ids).toHaveLength(1);
    expect(parent.integrations).toMatchObject([{ provider: 'salesforce', provider_id: '001ABC' }]);
    expect(parent.payment_methods).toMatchObject([{ provider: { name: 'adyen', reference: 'ADY-123' }, card: { last4: '4444' } }]);
    // A line is the API's own object plus what it owns.
    const retrieved = await source.t.api().get(`/v1/customers/${parent.id as string}`);
    const { tax_ids: _t, integrations: _i, payment_methods: _p, ...asRetrieved } = parent;
    expect(asRetrieved).toEqual(retrieved.body);

    const imported = await target.run(['import', out, '--account', target.t.account.id]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(summary(imported.stdout)).toMatchObject({ created: 3, skipped: 1, failed: 0 });

    const back = `${target.dir}/back.ndjson`;
    expect((await target.run(['export', '--out', back, '--account', target.t.account.id])).code).toBe(0);
    const again = readFileSync(back, 'utf8').trim().split('\n');
    expect(again.map(comparable)).toEqual(lines.slice(0, 3).map(comparable));
    // The provider id still finds the customer in the new store.
    expect((await target.t.api().get('/v1/integrations/salesforce/001ABC')).body.id).toBe(parent.id);

    // The export imported again (another file: a blank line makes another digest) matches every
    // customer by its id and changes nothing.
    const copy = target.file('again.ndjson', `${readFileSync(out, 'utf8')}\n`);
    const twice = await target.run(['import', copy, '--account', target.t.account.id]);
    expect(summary(twice.stdout)).toMatchObject({ created: 0, updated: 0, unchanged: 3, skipped: 1 });
  });

  it('exports CSV with API field names that imports back (customer fields)', async () => {
    const out = `${source.dir}/all.csv`;
    const exported = await source.run(['export', '--format', 'csv', '--out', out]);
    expect(exported.code, exported.stderr).toBe(0);
    const text = readFileSync(out, 'utf8');
    const header = text.split('\n', 1)[0] as string;
    expect(header).toContain('id,created,external_id,email,name');
    expect(header).toContain('invoice_settings[custom_fields][0][name]');
    expect(header).toContain('preferred_locales[1]');
    expect(header).toContain('metadata[region],metadata[tier]');
    expect(text).toContain('"Line one\nline two"');

    const fresh = await target.t.newAccount('csv round trip');
    const imported = await target.run(['import', out, '--account', fresh.id]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(summary(imported.stdout)).toMatchObject({ created: 3, failed: 0 });
    const strip = (x: Record<string, unknown>) => {
      const { created_by: _a, updated_by: _b, updated: _u, invoice_settings, ...rest } = x as Record<string, unknown> & { invoice_settings: Record<string, unknown> };
      return { ...rest, invoice_settings: { ...invoice_settings, default_payment_method: null } };
    };
    expect((await allCustomers(target.t, fresh.test)).map(strip)).toEqual((await allCustomers(source.t)).map(strip));
  });

  it('reads one snapshot: what commits during the export is not in it', async () => {
    const { exporter } = createBulkServices(source.t.store, source.t.config);
    const scope = { accountId: source.t.account.id, livemode: false };
    let total = 0;
    const seen: string[] = [];
    let added: string | null = null;
    await exporter.exportAll(scope, { includeDeleted: false, pageSize: 1, withOwned: true, withShape: false }, {
      onStart: (start) => {
        total = start.total;
      },
      async onPage(items) {
        seen.push(...items.map((i) => i.customer.id));
        if (added === null) added = (await source.t.api().post('/v1/customers', { name: 'During the export' })).body.id as string;
      },
    });
    expect(added).not.toBeNull();
    expect(seen).toHaveLength(total);
    expect(seen).not.toContain(added);
    expect((await source.t.api().get(`/v1/customers/${added as unknown as string}`)).status).toBe(200);
  });

  it('imports and exports while clientele serve serves the same database, which keeps answering', async () => {
    const server = await startServerProcess(source.env);
    try {
      const rows = Array.from({ length: 400 }, (_, i) => ({ name: `served-${i}`, external_id: `served-${i}` }));
      const running = source.run(['import', source.file('served.ndjson', ndjson(rows)), '--batch-size', '50']);
      const answers: number[] = [];
      let done = false;
      void running.then(() => (done = true));
      while (!done) answers.push((await callServer(server, source.t.account.test, 'GET', '/v1/customers?limit=1')).status);
      const result = await running;
      expect(result.code, result.stderr).toBe(0);
      expect(summary(result.stdout)).toMatchObject({ created: 400 });
      expect(answers.length).toBeGreaterThan(0);
      expect(answers.every((s) => s === 200)).toBe(true);
      // A write through the server right after works, and sees the imported customers.
      const upsert = await callServer(server, source.t.account.test, 'POST', '/v1/customers/external/served-399', { name: 'Renamed' });
      expect(upsert.status).toBe(200);
      const exported = await source.run(['export']);
      expect(exported.code).toBe(0);
      expect(exported.stdout).toContain('"name":"Renamed"');
    } finally {
      await server.stop();
    }
  });
});
