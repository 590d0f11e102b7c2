import { createWriteStream, type WriteStream } from 'node:fs';
import { extname } from 'node:path';
import { stringify, type Stringifier } from 'csv-stringify';
import type { RowError } from '../../domain/bulk/import-row.js';
import { redactCardNumbers } from './row-schema.js';

export interface ErrorReport {
  write(errors: readonly RowError[]): Promise<void>;
  close(): Promise<void>;
}

function drained(stream: NodeJS.WritableStream, ok: boolean): Promise<void> {
  return ok ? Promise.resolve() : new Promise((resolve) => stream.once('drain', () => resolve()));
}

/**
 * The per-row error report (`--report FILE`): CSV with a header (row, field, code, message) or,
 * for a .ndjson/.jsonl name, one JSON object per line. Messages are the API's; anything in them
 * that looks like a card number is replaced, so a report never carries one.
 */
export function errorReport(path: string): ErrorReport {
  const file: WriteStream = createWriteStream(path);
  const ndjson = ['.ndjson', '.jsonl', '.json'].includes(extname(path).toLowerCase());
  const csv: Stringifier | null = ndjson ? null : stringify({ header: true, columns: ['row', 'field', 'code', 'message'] });
  csv?.pipe(file);
  return {
    async write(errors) {
      for (const e of errors) {
        const entry = { row: e.row, field: e.param ?? '', code: e.code, message: redactCardNumbers(e.message) };
        if (csv) await drained(csv, csv.write(entry));
        else await drained(file, file.write(`${JSON.stringify(entry)}\n`));
      }
    },
    async close() {
      await new Promise<void>((resolve, reject) => {
        file.once('error', reject);
        file.once('close', () => resolve());
        if (csv) csv.end();
        else file.end();
      });
    },
  };
}
