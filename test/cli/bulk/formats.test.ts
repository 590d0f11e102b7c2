/**
 * The import's file formats (SPEC B-1): CSV in the API's field names, Stripe's dashboard
 * customer export, and NDJSON from standard input; the built CLI in a child process, both stores.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORES } from '../../helpers/harness.js';
import { CLI, killAll } from '../../helpers/processes.js';
import { bulkContext, ensureBuilt, ndjson, summary, type BulkContext } from './support.js';

beforeAll(() => ensureBuilt());
afterAll(() => killAll());

const FUTURE = new Date().getUTCFullYear() + 2;

describe.each(STORES)('clientele import formats (%s)', (kind) => {
  let c: BulkContext;
  beforeAll(async () => {
    c = await bulkContext(kind);
  });
  afterAll(() => c.t.close());

  it('reads CSV with bracket headers: a BOM, \\r\\n, quoted fields with commas, quotes and line breaks', async () => {
    const csv =
      '\uFEFFexternal_id,name,description,address[line1],address[country],metadata[tier],preferred_locales[0],balance\r\n' +
      'csv-1,"Rosen, Jenny","Said ""hi""\r\nthen left",1 Main St,de,gold,fr-fr,-500\r\n' +
      'csv-2,Plain,,,,,,\r\n' +
      'csv-3,Bad country,,x,ZZ,,,\r\n';
    const result = await c.run(['import', c.file('people.csv', csv), '--report', `${c.dir}/people-report.csv`]);
    expect(summary(result.stdout)).toMatchObject({ rows: 3, created: 2, failed: 1 });
    expect(result.stderr).toContain('(csv,');
    const api = c.t.api();
    const jenny = await api.get('/v1/customers/external/csv-1');
    expect(jenny.body).toMatchObject({
      name: 'Rosen, Jenny',
      description: 'Said "hi"\r\nthen left',
      address: { line1: '1 Main St', country: 'DE', city: null },
      metadata: { tier: 'gold' },
      preferred_locales: ['fr-FR'],
      balance: -500,
    });
    // An empty cell is a field not given.
    expect((await api.get('/v1/customers/external/csv-2')).body).toMatchObject({ description: null, address: null, metadata: {} });
    const viaApi = await api.post('/v1/customers', { address: { line1: 'x', country: 'ZZ' } });
    const { readFileSync } = await import('node:fs');
    // Spreadsheet numbering: the header is row 1.
    expect(readFileSync(`${c.dir}/people-report.csv`, 'utf8')).toContain(`4,${viaApi.body.error.param as string},${viaApi.body.error.code as string},`);
  });

  it("reads Stripe's dashboard export: the cus_ id becomes a stripe integration (and with --external-id-from stripe-id the external_id)", async () => {
    const header =
      'id,Description,Email,Name,Phone,Created (UTC),Address Line1,Address City,Address Country,Address Zip,Shipping Name,Shipping Address Line1,Shipping Address Country,Tax Exempt,Card ID,Card Brand,Card Last4,Card Exp Month,Card Exp Year,Delinquent,Total Spend,plan (metadata),crm id (metadata)';
    const rows = [
      `cus_Q1a2b3c4d5e6f7,VIP,jenny@example.com,Jenny Rosen,+4915112345678,2023-01-15 10:22,Friedrichstr. 1,Berlin,DE,10117,Jenny Rosen,Hauptstr. 2,DE,reverse,card_1Nxyz,American Express,0005,4,${FUTURE},false,120.00,pro,C-1`,
      'cus_R9z8y7x6w5v4u3,,"max@example.com",Max,,2024-06-01 00:00:00,,,,,,,,none,,,,,,false,0.00,,',
    ];
    const file = c.file('unified_customers.csv', [header, ...rows].join('\n') + '\n');
    const result = await c.run(['import', file, '--external-id-from', 'stripe-id']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('(stripe-csv,');
    expect(result.stderr).toContain('ignored columns (no Clientele field): Delinquent, Total Spend');
    expect(summary(result.stdout)).toMatchObject({ created: 2, failed: 0 });

    const api = c.t.api();
    const found = await api.get('/v1/integrations/stripe/cus_Q1a2b3c4d5e6f7');
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({
      external_id: 'cus_Q1a2b3c4d5e6f7',
      description: 'VIP',
      email: 'jenny@example.com',
      name: 'Jenny Rosen',
      phone: '+4915112345678',
      created: Date.UTC(2023, 0, 15, 10, 22) / 1000,
      address: { line1: 'Friedrichstr. 1', city: 'Berlin', country: 'DE', postal_code: '10117' },
      shipping: { name: 'Jenny Rosen', address: { line1: 'Hauptstr. 2', country: 'DE' } },
      tax_exempt: 'reverse',
      metadata: { plan: 'pro', 'crm id': 'C-1' },
    });
    const methods = await api.get(`/v1/customers/${found.body.id as string}/payment_methods`);
    expect(methods.body.data).toMatchObject([{ provider: { name: 'stripe', reference: 'card_1Nxyz' }, card: { brand: 'amex', last4: '0005', exp_month: 4, exp_year: FUTURE } }]);
    const max = await api.get('/v1/customers/external/cus_R9z8y7x6w5v4u3');
    expect(max.body).toMatchObject({ name: 'Max', created: Date.UTC(2024, 5, 1) / 1000, metadata: {} });

    // Without --external-id-from a row has no external_id, so it is a new customer; its Stripe
    // id is already mapped to the first one, and the row fails as the integrations API would.
    const again = await c.run(['import', c.file('unified_again.csv', [header, rows[1]].join('\n') + '\n'), '--report', `${c.dir}/again.csv`]);
    expect(summary(again.stdout)).toMatchObject({ created: 0, failed: 1 });
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(`${c.dir}/again.csv`, 'utf8')).toContain('2,integrations[0][provider_id],resource_already_exists,');
  });

  it('reads NDJSON from standard input (-) and infers the format from the content', async () => {
    const input = ndjson([{ external_id: 'stdin-1', name: 'From a pipe' }, { external_id: 'stdin-2', name: 'Also' }]);
    const child = spawn(process.execPath, [CLI, 'import', '-', '--account', c.t.account.id, '--mode', 'test'], {
      env: { ...process.env, ...c.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.stdin.end(input);
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(code, stderr).toBe(0);
    expect(stderr).toContain('import standard input (ndjson,');
    expect(summary(stdout)).toMatchObject({ created: 2 });
    expect((await c.t.api().get('/v1/customers/external/stdin-2')).body.name).toBe('Also');
  });
});
