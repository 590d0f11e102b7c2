import { basename } from 'node:path';
import { createBulkServices } from '../compose.js';
import type { Config } from '../config.js';
import type { Mode } from '../domain/accounts/api-keys.js';
import type { ImportBatch } from '../domain/bulk/customer-import.js';
import type { BatchOutcome, OnConflict, PreparedRow } from '../domain/bulk/import-row.js';
import type { Writer } from '../domain/customers/customer-writes.js';
import { boundHeapGrowth } from '../lib/heap.js';
import { openStore } from '../store/open-store.js';
import type { ImportBatchRecord } from '../store/port.js';
import { errorReport, type ErrorReport } from './bulk/error-report.js';
import { formatDuration, progress } from './bulk/progress.js';
import { prepareRow } from './bulk/row-schema.js';
import { csvRecords, inferFormat, ndjsonRecords, openImportFile, SourceError, type ImportFormat, type SourceRecord } from './bulk/sources.js';
import { UsageError } from './usage-error.js';

export interface ImportCommand {
  file: string;
  account: string;
  mode: Mode;
  format: ImportFormat | undefined;
  onConflict: OnConflict;
  dryRun: boolean;
  report: string | undefined;
  externalIdFromStripeId: boolean;
  batchSize: number;
  progressInterval: number;
}

/** Exit codes: 0 every row imported (or skipped), 2 some rows failed (see the report), 1 the import could not run. */
const ROWS_FAILED = 2;
const INTERRUPTED = 130;


function covers(done: readonly ImportBatchRecord[]): (row: number) => boolean {
  // Batches commit in file order, so the journal is a few ranges, usually one prefix.
  const ranges = done.map((d) => [d.first_row, d.last_row] as const);
  return (row) => ranges.some(([first, last]) => first <= row && row <= last);
}

/** Groups the file's records into batches, skipping rows an earlier run committed. */
async function* batchesOf(
  records: AsyncGenerator<SourceRecord>,
  options: { digest: string; size: number; done: (row: number) => boolean; onSkipped: () => void },
): AsyncGenerator<ImportBatch> {
  let rows: PreparedRow[] = [];
  const batch = (): ImportBatch => ({
    digest: options.digest,
    first: (rows[0] as PreparedRow).row,
    last: (rows[rows.length - 1] as PreparedRow).row,
    rows,
  });
  for await (const record of records) {
    if (options.done(record.row)) {
      options.onSkipped();
      continue;
    }
    rows.push('error' in record ? { row: record.row, kind: 'invalid', error: record.error } : prepareRow(record.row, record.fields, record.coerce));
    if (rows.length >= options.size) {
      yield batch();
      rows = [];
    }
  }
  if (rows.length > 0) yield batch();
}

/** `clientele import FILE` (SPEC B-1, docs/import-export.md). Resolves to the exit code. */
export async function runImport(config: Config, command: ImportCommand): Promise<number> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const note = (line: string) => process.stderr.write(`${line}\n`);
  // A long run allocates steadily: keep the heap near what it needs (as the server does).
  boundHeapGrowth();
  const file = await openImportFile(command.file).catch((error: unknown) => {
    throw new UsageError(`cannot read ${command.file}: ${error instanceof Error ? error.message : String(error)}`);
  });
  let report: ErrorReport | null = null;
  const store = await openStore(config).catch((error: unknown) => {
    file.cleanup();
    throw error;
  });
  try {
    await store.migrate();
    const account = await store.read((r) => r.accounts.findAccount(command.account));
    if (!account) throw new UsageError(`no account ${command.account} (clientele accounts list shows them)`);
    const writer: Writer = { accountId: account.id, livemode: command.mode === 'live', keyId: null };
    const format = command.format ?? inferFormat(file.path, command.file === '-' ? 'stdin' : command.file);
    const { importer } = createBulkServices(store, config);

    const earlier = command.dryRun ? [] : await store.read((r) => r.importJournal.allOf(writer, file.digest));
    const totals = { created: 0, updated: 0, unchanged: 0, skipped: 0, failed: 0, earlierFailed: 0, done: 0, resumed: 0 };
    for (const b of earlier) {
      totals.created += b.created_count;
      totals.updated += b.updated_count;
      totals.unchanged += b.unchanged_count;
      totals.skipped += b.skipped_count;
      totals.earlierFailed += b.failed_count;
    }
    const name = command.file === '-' ? 'standard input' : basename(command.file);
    note(
      `import ${name} (${format}, sha256 ${file.digest.slice(0, 12)}…) into ${account.id} ${command.mode} mode${command.dryRun ? ', dry run: nothing is written' : ''}`,
    );
    if (earlier.length > 0) note(`resuming: rows up to ${Math.max(...earlier.map((b) => b.last_row))} were imported by an earlier run`);
    if (command.report) report = errorReport(command.report);

    const records =
      format === 'ndjson'
        ? ndjsonRecords(file.path, config.bodyLimitBytes)
        : csvRecords(file.path, format, {
            externalIdFromStripeId: command.externalIdFromStripeId,
            onHeader: (ignored) => {
              if (ignored.length > 0) note(`ignored columns (no Clientele field): ${ignored.join(', ')}`);
            },
          });
    const bar = progress({
      label: 'import',
      unit: 'rows',
      total: format === 'ndjson' ? file.lines : Math.max(file.lines - 1, 0),
      approximate: format !== 'ndjson',
      stream: process.stderr,
      intervalSeconds: command.progressInterval,
    });
    const started = Date.now();
    let interrupted = false;
    const onSignal = () => {
      if (interrupted) process.exit(INTERRUPTED);
      interrupted = true;
      note('\ninterrupted: finishing the current batch (Ctrl-C again to stop at once; a re-run continues either way)');
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const apply = async (outcome: BatchOutcome, rows: number) => {
      totals.created += outcome.created;
      totals.updated += outcome.updated;
      totals.unchanged += outcome.unchanged;
      totals.skipped += outcome.skipped;
      totals.failed += outcome.failed;
      totals.done += rows;
      totals.resumed += outcome.alreadyDone;
      await report?.write(outcome.errors);
      bar.update(totals.done + totals.resumed, totals.failed);
    };
    try {
      const batches = batchesOf(records, {
        digest: file.digest,
        size: command.batchSize,
        done: covers(earlier),
        onSkipped: () => totals.resumed++,
      });
      // The next batch is read and checked while the database works on this one.
      let next = await batches.next();
      while (!next.done && !interrupted) {
        const batch = next.value;
        const pending = importer.importBatch(writer, batch, { onConflict: command.onConflict, dryRun: command.dryRun });
        const [outcome, following] = await Promise.all([pending, batches.next()]);
        await apply(outcome, batch.rows.length - outcome.alreadyDone);
        next = following;
      }
    } catch (error) {
      if (error instanceof SourceError) throw new UsageError(`${name}: ${error.message} (rows before it are imported; fix the file and re-run)`);
      throw error;
    } finally {
      bar.stop();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    const seconds = (Date.now() - started) / 1000;
    const rate = totals.done / Math.max(seconds, 0.001);
    const failed = totals.failed + totals.earlierFailed;
    out(
      `${command.dryRun ? 'dry run: ' : ''}${interrupted ? 'interrupted after' : 'imported'} ${totals.done} rows in ${formatDuration(seconds)} ` +
        `(${Math.round(rate)} rows/s): ${totals.created} created, ${totals.updated} updated, ${totals.unchanged} unchanged, ${totals.skipped} skipped, ${failed} failed` +
        (totals.resumed > 0 ? `; ${totals.resumed} rows were already imported by an earlier run` : '') +
        (totals.earlierFailed > 0 ? ` (${totals.earlierFailed} of the failures in an earlier run's report)` : ''),
    );
    if (failed > 0 && !command.report) note('rows failed: re-run with --report FILE to see which and why');
    if (interrupted) return INTERRUPTED;
    return failed > 0 ? ROWS_FAILED : 0;
  } finally {
    await report?.close();
    file.cleanup();
    await store.close();
  }
}
