/**
 * `clientele import` (SPEC B-1) as a user runs it: the built CLI in a child process, over both
 * stores, its results read back through the API of a test app on the same database.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORES } from '../../helpers/harness.js';
import { killAll } from '../../helpers/processes.js';
import { allCustomers, bulkContext, ensureBuilt, ndjson, summary, type BulkContext } from './support.js';

const FUTURE = new Date().getUTCFullYear() + 2;

beforeAll(() => ensureBuilt());
afterAll(() => killAll());

describe.each(STORES)('clientele import (%s)', (kind) => {
  let c: BulkContext;
  beforeAll(async () => {
    c = await bulkContext(kind);
  });
  afterAll(() => c.t.close());

  it('imports NDJSON rows with owned objects, writes their events, and reports bad rows as the API would', async () => {
    const file = c.file(
      'mixed.ndjson',
      ndjson([
        { email: 'ada@example.com', name: 'Ada', metadata: { tier: 'gold' }, external_id: 'crm-1', address: { line1: '1 Main St', country: 'gb' } },
        { email: 'not-an-email', name: 'Bob' },
        {
          name: 'Dora',
          external_id: 'crm-2',
          tax_ids: [{ type: 'eu_vat', value: 'DE136695976' }],
          integrations: [{ provider: 'hubspot', provider_id: 'hs-42' }],
          payment_methods: [{ provider: { name: 'stripe', reference: 'pm_1Abc' }, card: { brand: 'visa', last4: '4242', exp_month: 12, exp_year: FUTURE } }],
        },
        { name: 'Eve', nickname: 'e' },
        { name: 'Fay', balance: '12' },
      ]) + 'this is not JSON\n',
    );
    const report = `${c.dir}/mixed-report.csv`;
    const result = await c.run(['import', file, '--report', report]);
    expect(result.code, result.stderr).toBe(2);
    expect(summary(result.stdout)).toMatchObject({ rows: 6, created: 2, failed: 4 });

    // The same bodies through the API give the very errors the report holds.
    const api = c.t.api();
    const viaApi = await Promise.all(
      [{ email: 'not-an-email', name: 'Bob' }, { name: 'Eve', nickname: 'e' }, { name: 'Fay', balance: '12' }].map((body) => api.postJson('/v1/customers', body)),
    );
    const lines = readFileSync(report, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('row,field,code,message');
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows.map((r) => r.slice(0, 3))).toEqual([
      ['2', viaApi[0]!.body.error.param, viaApi[0]!.body.error.code],
      ['4', viaApi[1]!.body.error.param, viaApi[1]!.body.error.code],
      ['5', viaApi[2]!.body.error.param, viaApi[2]!.body.error.code],
      ['6', '', 'body_invalid'],
    ]);
    expect(lines[1]).toContain(viaApi[0]!.body.error.message);
    expect(lines[3]).toContain(viaApi[2]!.body.error.message);

    const ada = await api.get('/v1/customers/external/crm-1');
    expect(ada.body).toMatchObject({ email: 'ada@example.com', metadata: { tier: 'gold' }, address: { country: 'GB' }, created_by: null });
    const dora = await api.get('/v1/customers/external/crm-2', { expand: ['tax_ids', 'integrations'] });
    expect(dora.body.tax_ids.data).toMatchObject([{ type: 'eu_vat', value: 'DE136695976' }]);
    expect(dora.body.integrations.data).toMatchObject([{ provider: 'hubspot', provider_id: 'hs-42' }]);
    const methods = await api.get(`/v1/customers/${dora.body.id as string}/payment_methods`);
    expect(methods.body.data).toMatchObject([{ provider: { name: 'stripe', reference: 'pm_1Abc' }, card: { last4: '4242', brand: 'visa' } }]);
    expect((await api.get('/v1/integrations/hubspot/hs-42')).body.id).toBe(dora.body.id);

    // Webhooks see imported customers: their events are in the outbox like the API's.
    const events = await api.get('/v1/events', { types: ['customer.created', 'customer.tax_id.created', 'customer.integration.created', 'payment_method.attached'], limit: 100 });
    const mine = (events.body.data as Array<{ type: string; data: { object: { id?: string; customer?: string } } }>).filter(
      (e) => e.data.object.id === ada.body.id || e.data.object.id === dora.body.id || e.data.object.customer === dora.body.id,
    );
    expect(mine.map((e) => e.type).sort()).toEqual(['customer.created', 'customer.created', 'customer.integration.created', 'customer.tax_id.created', 'payment_method.attached']);
  });

  it('refuses a row carrying a card number and never repeats it in the report or stores it', async () => {
    const numbers = ['4242424242424242', '5555 5555 5555 4444'];
    const file = c.file(
      'cards.ndjson',
      ndjson([
        { name: 'Gil', payment_methods: [{ card: { number: numbers[0], exp_month: 1, exp_year: FUTURE } }] },
        { name: 'Hal', payment_methods: [{ provider: { name: 'stripe', reference: `card ${numbers[1]}` }, card: { last4: '4444' } }] },
        { name: 'Ivy', payment_methods: [{ provider: { name: 'stripe', reference: 'pm_ok' }, card: { last4: numbers[0] } }] },
      ]),
    );
    const report = `${c.dir}/cards.ndjson.report.ndjson`;
    const result = await c.run(['import', file, '--report', report]);
    expect(result.code).toBe(2);
    expect(summary(result.stdout)).toMatchObject({ created: 0, failed: 3 });
    const text = readFileSync(report, 'utf8');
    const entries = text.trim().split('\n').map((l) => JSON.parse(l) as { row: number; field: string; code: string });
    expect(entries.map((e) => [e.row, e.field, e.code])).toEqual([
      [1, 'payment_methods[0][card][number]', 'card_number_not_accepted'],
      [2, 'payment_methods[0][provider][reference]', 'card_number_not_accepted'],
      [3, 'payment_methods[0][card][last4]', 'card_number_not_accepted'],
    ]);
    for (const n of numbers) {
      for (const spelling of [n, n.replace(/ /g, '')]) {
        expect(text).not.toContain(spelling);
        expect(result.stdout + result.stderr).not.toContain(spelling);
      }
    }
    expect((await allCustomers(c.t)).filter((x) => ['Gil', 'Hal', 'Ivy'].includes(x.name as string))).toEqual([]);
  });

  it('upserts by external_id: --on-conflict update merges, skip leaves, fail reports resource_already_exists and goes on', async () => {
    const api = c.t.api();
    const existing = await api.post('/v1/customers', { external_id: 'up-1', name: 'Old name', email: 'old@example.com', metadata: { a: '1' } });
    const rows = (name: string) => ndjson([{ external_id: 'up-1', name, metadata: { b: '2' } }, { external_id: `up-new-${name}`, name }]);

    const skip = await c.run(['import', c.file('skip.ndjson', rows('Skipped')), '--on-conflict', 'skip']);
    expect(summary(skip.stdout)).toMatchObject({ created: 1, skipped: 1, failed: 0 });
    expect((await api.get('/v1/customers/external/up-1')).body.name).toBe('Old name');

    const report = `${c.dir}/fail.csv`;
    const fail = await c.run(['import', c.file('fail.ndjson', rows('Failed')), '--on-conflict', 'fail', '--report', report]);
    expect(fail.code).toBe(2);
    expect(summary(fail.stdout)).toMatchObject({ created: 1, failed: 1 });
    expect(readFileSync(report, 'utf8')).toContain(`1,external_id,resource_already_exists,A customer with external_id 'up-1' already exists: ${existing.body.id as string}.`);

    const update = await c.run(['import', c.file('update.ndjson', rows('New name'))]);
    expect(update.code, update.stderr).toBe(0);
    expect(summary(update.stdout)).toMatchObject({ created: 1, updated: 1 });
    const merged = await api.get('/v1/customers/external/up-1');
    expect(merged.body).toMatchObject({ id: existing.body.id, name: 'New name', email: 'old@example.com', metadata: { a: '1', b: '2' } });
    const updated = await api.get('/v1/events', { type: 'customer.updated', limit: 10 });
    expect(updated.body.data[0].data).toMatchObject({ object: { id: existing.body.id, name: 'New name' }, previous_attributes: { name: 'Old name' } });
  });

  it('--dry-run checks every row against the database and writes nothing', async () => {
    const api = c.t.api();
    await api.post('/v1/customers', { external_id: 'dry-1', name: 'Dry' });
    const before = (await allCustomers(c.t)).length;
    const file = c.file('dry.ndjson', ndjson([{ name: 'New one' }, { external_id: 'dry-1', name: 'Changed' }, { email: 'bad' }]));
    const dry = await c.run(['import', file, '--dry-run', '--on-conflict', 'fail']);
    expect(dry.stdout).toMatch(/^dry run: /);
    expect(summary(dry.stdout)).toMatchObject({ created: 1, failed: 2 });
    expect((await allCustomers(c.t)).length).toBe(before);
    expect((await api.get('/v1/customers/external/dry-1')).body.name).toBe('Dry');
    // Nothing was journaled either: the real run imports the same file.
    const real = await c.run(['import', file]);
    expect(summary(real.stdout)).toMatchObject({ created: 1, updated: 1, failed: 1 });
  });

  it('respects the account’s unique-email setting, within the file and against existing customers', async () => {
    const account = await c.t.newAccount('unique');
    await c.t.services.accounts.setUniqueEmails(account.id, true);
    await c.t.api(account.test).post('/v1/customers', { email: 'taken@example.com' });
    const file = c.file('unique.ndjson', ndjson([{ email: 'TAKEN@example.com' }, { email: 'fresh@example.com' }, { email: 'Fresh@Example.com' }]));
    const report = `${c.dir}/unique.csv`;
    const result = await c.run(['import', file, '--account', account.id, '--mode', 'test', '--report', report]);
    expect(summary(result.stdout)).toMatchObject({ created: 1, failed: 2 });
    const lines = readFileSync(report, 'utf8').trim().split('\n').slice(1);
    expect(lines.map((l) => l.split(',').slice(0, 3))).toEqual([
      ['1', 'email', 'resource_already_exists'],
      ['3', 'email', 'resource_already_exists'],
    ]);
  });
});
