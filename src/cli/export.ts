import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { createBulkServices } from '../compose.js';
import type { Config } from '../config.js';
import type { Mode } from '../domain/accounts/api-keys.js';
import type { ExportedItem, ExportStart } from '../domain/bulk/customer-export.js';
import { toApiCustomer } from '../domain/customers/customer-mapper.js';
import { openStore } from '../store/open-store.js';
import { formatDuration, progress } from './bulk/progress.js';
import { UsageError } from './usage-error.js';

export interface ExportCommand {
  account: string;
  mode: Mode;
  format: 'ndjson' | 'csv';
  out: string | undefined;
  includeDeleted: boolean;
  progressInterval: number;
}

const PAGE_SIZE = 1000;

/**
 * One NDJSON line: the customer object exactly as the API stores and sends it, with the objects
 * it owns appended as plain arrays (a tombstone is `{id, object, deleted}` alone). The stored
 * text is reused rather than re-serialised: it is byte-identical to what a retrieve sends.
 */
function ndjsonLine(item: ExportedItem): string {
  if (item.customer.deleted) return `${item.body}\n`;
  const owned = `"tax_ids":${JSON.stringify(item.taxIds)},"integrations":${JSON.stringify(item.integrations)},"payment_methods":${JSON.stringify(item.paymentMethods)}`;
  return `${item.body.slice(0, -1)},${owned}}\n`;
}

type Cell = string | number | null;

/** The CSV columns: API field names in bracket notation, as `clientele import` reads them back. */
function csvColumns(shape: NonNullable<ExportStart['shape']>, includeDeleted: boolean) {
  const address = (prefix: string) => ['line1', 'line2', 'city', 'state', 'postal_code', 'country'].map((f) => `${prefix}[${f}]`);
  return [
    'id',
    ...(includeDeleted ? ['deleted'] : []),
    'created',
    'external_id',
    'email',
    'name',
    'business_name',
    'individual_name',
    'first_name',
    'last_name',
    'phone',
    'description',
    'notes',
    'balance',
    'invoice_prefix',
    'next_invoice_sequence',
    'tax_exempt',
    'parent',
    ...address('address'),
    'shipping[name]',
    'shipping[phone]',
    ...address('shipping[address]'),
    'invoice_settings[footer]',
    'invoice_settings[rendering_options][amount_tax_display]',
    'invoice_settings[rendering_options][template]',
    ...Array.from({ length: shape.maxCustomFields }, (_, i) => [`invoice_settings[custom_fields][${i}][name]`, `invoice_settings[custom_fields][${i}][value]`]).flat(),
    ...Array.from({ length: shape.maxLocales }, (_, i) => `preferred_locales[${i}]`),
    ...shape.metadataKeys.map((k) => `metadata[${k}]`),
  ];
}

function csvRecord(item: ExportedItem, shape: NonNullable<ExportStart['shape']>, includeDeleted: boolean): Cell[] {
  const c = item.customer;
  if (c.deleted) return [c.id, 'true'];
  const api = toApiCustomer(c);
  const address = (a: typeof api.address) => [a?.line1 ?? null, a?.line2 ?? null, a?.city ?? null, a?.state ?? null, a?.postal_code ?? null, a?.country ?? null];
  const fields = api.invoice_settings.custom_fields ?? [];
  return [
    api.id,
    ...(includeDeleted ? [null] : []),
    api.created,
    api.external_id,
    api.email,
    api.name,
    api.business_name,
    api.individual_name,
    api.first_name,
    api.last_name,
    api.phone,
    api.description,
    api.notes,
    api.balance,
    api.invoice_prefix,
    api.next_invoice_sequence,
    api.tax_exempt,
    api.parent,
    ...address(api.address),
    api.shipping?.name ?? null,
    api.shipping?.phone ?? null,
    ...address(api.shipping?.address ?? null),
    api.invoice_settings.footer,
    api.invoice_settings.rendering_options?.amount_tax_display ?? null,
    api.invoice_settings.rendering_options?.template ?? null,
    ...Array.from({ length: shape.maxCustomFields }, (_, i) => [fields[i]?.name ?? null, fields[i]?.value ?? null]).flat(),
    ...Array.from({ length: shape.maxLocales }, (_, i) => api.preferred_locales[i] ?? null),
    ...shape.metadataKeys.map((k) => api.metadata[k] ?? null),
  ];
}

/** `clientele export` (SPEC B-2, docs/import-export.md): every customer, from one snapshot. */
export async function runExport(config: Config, command: ExportCommand): Promise<number> {
  const note = (line: string) => process.stderr.write(`${line}\n`);
  const store = await openStore(config);
  try {
    await store.migrate();
    const account = await store.read((r) => r.accounts.findAccount(command.account));
    if (!account) throw new UsageError(`no account ${command.account} (clientele accounts list shows them)`);
    const scope = { accountId: account.id, livemode: command.mode === 'live' };
    const sink = command.out ? createWriteStream(command.out) : process.stdout;
    // A reader that goes away (`| head`) ends the export quietly, as other commands do.
    if (!command.out) process.stdout.on('error', (error: NodeJS.ErrnoException) => process.exit(error.code === 'EPIPE' ? 0 : 1));
    const write = (text: string) =>
      sink.write(text) ? Promise.resolve() : new Promise<void>((resolve) => sink.once('drain', () => resolve()));
    const csv = command.format === 'csv' ? stringify({ cast: { number: (n) => String(n) } }) : null;
    const csvDone = csv ? (csv.pipe(sink, { end: false }), new Promise<void>((resolve) => csv.once('end', () => resolve()))) : null;
    const writeCsv = (record: Cell[]) =>
      (csv as NonNullable<typeof csv>).write(record) ? Promise.resolve() : new Promise<void>((resolve) => csv?.once('drain', () => resolve()));
    const { exporter } = createBulkServices(store, config);
    let bar: ReturnType<typeof progress> | null = null;
    let shape: ExportStart['shape'] = null;
    let done = 0;
    const started = Date.now();
    const exported = await exporter.exportAll(
      scope,
      { includeDeleted: command.includeDeleted, pageSize: PAGE_SIZE, withOwned: command.format === 'ndjson', withShape: command.format === 'csv' },
      {
        async onStart(start) {
          note(`export ${start.total} customers of ${account.id} ${command.mode} mode (${command.format}) to ${command.out ?? 'standard output'}`);
          bar = progress({ label: 'export', unit: 'customers', total: start.total, approximate: false, stream: process.stderr, intervalSeconds: command.progressInterval });
          shape = start.shape;
          if (csv && shape) await writeCsv(csvColumns(shape, command.includeDeleted));
        },
        async onPage(items) {
          if (csv && shape) {
            for (const item of items) await writeCsv(csvRecord(item, shape, command.includeDeleted));
          } else {
            await write(items.map(ndjsonLine).join(''));
          }
          done += items.length;
          bar?.update(done, 0);
        },
      },
    );
    (bar as ReturnType<typeof progress> | null)?.stop();
    if (csv) {
      csv.end();
      await csvDone;
    }
    if (command.out) {
      (sink as NodeJS.WritableStream & { end(): void }).end();
      await finished(sink);
    }
    const seconds = (Date.now() - started) / 1000;
    note(`exported ${exported} customers in ${formatDuration(seconds)} (${Math.round(exported / Math.max(seconds, 0.001))} customers/s)`);
    return 0;
  } finally {
    await store.close();
  }
}
