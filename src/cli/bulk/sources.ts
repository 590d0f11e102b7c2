import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, openSync, readSync, closeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';
import { parse } from 'csv-parse';
import { parseJsonBody } from '../../http/wire/body-parsers.js';
import { ApiError, bodyTooLarge } from '../../domain/errors.js';
import { looksLikeStripeExport, stripeMapping } from './stripe-csv.js';

export type ImportFormat = 'ndjson' | 'csv' | 'stripe-csv';

/** One record of the file: its row number and its fields as the API would receive them, or why it could not be read. */
export type SourceRecord = { row: number; fields: unknown; coerce: boolean } | { row: number; error: ApiError };

/** The file to import, on disk (standard input is spooled to a temporary file first). */
export interface ImportFile {
  path: string;
  /** sha256 of the bytes, hex: the import journal's key. */
  digest: string;
  bytes: number;
  /** Line breaks in the file: the NDJSON row count, an upper bound for CSV. */
  lines: number;
  cleanup(): void;
}

/**
 * Reads the file once to digest it and count its lines (a progress total), in constant memory.
 * `-` copies standard input to a temporary file as it goes, so the import can read it again.
 */
export async function openImportFile(path: string): Promise<ImportFile> {
  const hash = createHash('sha256');
  let bytes = 0;
  let lines = 0;
  let lastByte = 10;
  const count = (chunk: Buffer) => {
    hash.update(chunk);
    bytes += chunk.length;
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
    if (chunk.length > 0) lastByte = chunk[chunk.length - 1] as number;
  };
  let target = path;
  let cleanup = () => undefined as void;
  if (path === '-') {
    const dir = mkdtempSync(join(tmpdir(), 'clientele-import-'));
    target = join(dir, 'stdin');
    cleanup = () => rmSync(dir, { recursive: true, force: true });
    const out = createWriteStream(target);
    for await (const chunk of process.stdin) {
      count(chunk as Buffer);
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
    out.end();
    await finished(out);
  } else {
    for await (const chunk of createReadStream(path)) count(chunk as Buffer);
  }
  // A last line without a line break is a line too.
  if (bytes > 0 && lastByte !== 10) lines++;
  return { path: target, digest: hash.digest('hex'), bytes, lines, cleanup };
}

/** The first kilobytes of a file (format inference). */
function head(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(8192);
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, n).toString('utf8').replace(/^\uFEFF/, '');
  } finally {
    closeSync(fd);
  }
}

/**
 * `--format` when given; otherwise the extension (.ndjson, .jsonl, .json → ndjson; .csv → csv or
 * stripe-csv by its header row), and for anything else the content (a `{` first → ndjson).
 */
export function inferFormat(path: string, displayName: string): ImportFormat {
  const ext = extname(displayName).toLowerCase();
  const text = head(path);
  if (ext === '.ndjson' || ext === '.jsonl' || ext === '.json') return 'ndjson';
  if (ext !== '.csv' && text.trimStart().startsWith('{')) return 'ndjson';
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  // A rough split is enough to recognise Stripe's column names; the parser reads the real header.
  const header = firstLine.split(',').map((h) => h.replace(/^"|"$/g, ''));
  return looksLikeStripeExport(header) ? 'stripe-csv' : 'csv';
}

/**
 * NDJSON: one JSON object per line, row = line number; blank lines are skipped. A line longer
 * than the API's body limit fails as a body that large would.
 */
export async function* ndjsonRecords(path: string, maxLineBytes: number): AsyncGenerator<SourceRecord> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let row = 0;
  for await (const raw of lines) {
    row++;
    const line = row === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (line.trim() === '') continue;
    // Characters count at most 3 bytes each here (a UTF-16 pair is one 4-byte character).
    if (line.length > maxLineBytes || (line.length * 3 > maxLineBytes && Buffer.byteLength(line) > maxLineBytes)) {
      yield { row, error: bodyTooLarge() };
      continue;
    }
    try {
      // The API's JSON body parser: the same limits and the same error for a line that is not JSON.
      yield { row, fields: parseJsonBody(line), coerce: false };
    } catch (error) {
      if (error instanceof ApiError) yield { row, error };
      else throw error;
    }
  }
}

/** A CSV header names a field in bracket notation: `address[line1]`, `metadata[tier]`, `preferred_locales[0]`. */
function headerPath(name: string): string[] | null {
  const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(name.trim());
  if (!m) return null;
  const rest = [...(m[2] ?? '').matchAll(/\[([^[\]]*)\]/g)].map((x) => x[1] as string);
  return [m[1] as string, ...rest];
}

function setNested(target: Record<string, unknown>, path: readonly string[], value: string, appendIndex: () => number): void {
  let node = target;
  for (const [i, rawKey] of path.entries()) {
    const key = rawKey === '' ? String(appendIndex()) : rawKey;
    if (i === path.length - 1) {
      node[key] = value;
      return;
    }
    const next = node[key];
    if (next === undefined || typeof next !== 'object' || next === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
}

export class SourceError extends Error {}

/**
 * CSV (`csv`: API field names in bracket notation; `stripe-csv`: Stripe's export columns). The
 * header is row 1, so a record's row is its line in a spreadsheet. Empty cells are left out (a
 * field not given). Values are text, converted as a form body's are. A BOM, quoted fields with
 * embedded line breaks and `\r\n` are the parser's (csv-parse).
 */
export async function* csvRecords(
  path: string,
  format: 'csv' | 'stripe-csv',
  options: { externalIdFromStripeId: boolean; onHeader?: (ignored: string[]) => void },
): AsyncGenerator<SourceRecord> {
  const parser = createReadStream(path).pipe(parse({ bom: true, skip_empty_lines: true, relax_column_count: true }));
  let toFields: ((record: readonly string[]) => Record<string, unknown>) | null = null;
  let row = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      row++;
      if (!toFields) {
        if (format === 'stripe-csv') {
          const mapping = stripeMapping(record, options);
          options.onHeader?.(mapping.ignored);
          toFields = mapping.toFields;
        } else {
          const paths = record.map((name) => {
            const path = headerPath(name);
            if (!path) throw new SourceError(`CSV header column '${name}' is not a field name (use the API's names, nested ones in brackets: address[line1])`);
            return path;
          });
          options.onHeader?.([]);
          toFields = (values) => {
            const fields: Record<string, unknown> = {};
            const counters = new Map<string, number>();
            values.forEach((value, i) => {
              const path = paths[i];
              if (value === '' || !path) return;
              setNested(fields, path, value, () => {
                const key = path.join('.');
                const n = counters.get(key) ?? 0;
                counters.set(key, n + 1);
                return n;
              });
            });
            return fields;
          };
        }
        continue;
      }
      yield { row, fields: toFields(record), coerce: true };
    }
  } catch (error) {
    if (error instanceof SourceError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new SourceError(`the CSV could not be parsed after row ${row}: ${message}`);
  }
}
