/**
 * Every statement of a bulk import and export is scoped to its account and mode (the harness
 * fails the file otherwise): the batched path, the row-by-row path with owned objects, the
 * journal, updates, unique emails, and the export's pages, run in-process on the test store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBulkServices } from '../../src/compose.js';
import { prepareRow } from '../../src/cli/bulk/row-schema.js';
import { createTestApp, STORES, type TestApp } from '../helpers/harness.js';

const FUTURE = new Date().getUTCFullYear() + 2;

describe.each(STORES)('bulk import and export statements (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(() => t.close());

  it('scopes every statement, and keeps two accounts apart', async () => {
    const other = await t.newAccount('other');
    await t.services.accounts.setUniqueEmails(t.account.id, true);
    await t.api(other.test).post('/v1/customers', { external_id: 'shared', email: 'same@example.com' });
    const { importer, exporter } = createBulkServices(t.store, t.config);
    const writer = { accountId: t.account.id, livemode: false, keyId: null };
    const rows = [
      { external_id: 'shared', email: 'same@example.com', metadata: { a: '1' } },
      { name: 'plain' },
      { name: 'owned', tax_ids: [{ type: 'eu_vat', value: 'DE136695976' }], integrations: [{ provider: 'xero', provider_id: 'X1' }] },
      { name: 'card', payment_methods: [{ provider: { name: 'stripe', reference: 'pm_x' }, card: { last4: '1111', exp_month: 1, exp_year: FUTURE } }] },
      { external_id: 'shared', name: 'again' },
    ].map((fields, i) => prepareRow(i + 1, fields, false));
    const first = await importer.importBatch(writer, { digest: 'd1', first: 1, last: 5, rows }, { onConflict: 'update', dryRun: false });
    expect(first).toMatchObject({ created: 4, updated: 1, failed: 0 });
    const resumed = await importer.importBatch(writer, { digest: 'd1', first: 1, last: 5, rows }, { onConflict: 'update', dryRun: false });
    expect(resumed).toMatchObject({ created: 0, alreadyDone: 5 });
    const dry = await importer.importBatch(writer, { digest: 'd2', first: 1, last: 5, rows }, { onConflict: 'fail', dryRun: true });
    expect(dry.failed).toBeGreaterThan(0);
    // The other account's customer with the same external_id and email is untouched.
    const theirs = await t.api(other.test).get('/v1/customers/external/shared');
    expect(theirs.body).toMatchObject({ email: 'same@example.com', metadata: {} });

    let exported = 0;
    await exporter.exportAll({ accountId: t.account.id, livemode: false }, { includeDeleted: true, pageSize: 2, withOwned: true, withShape: true }, {
      onStart: (start) => {
        expect(start.shape?.metadataKeys).toEqual(['a']);
      },
      async onPage(items) {
        exported += items.length;
      },
    });
    expect(exported).toBe(4);
    expect(t.tenantScope.violations).toEqual([]);
  });
});
