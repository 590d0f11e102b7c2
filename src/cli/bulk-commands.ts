import type { ParseArgsConfig } from 'node:util';
import { loadConfig } from '../config.js';
import type { Mode } from '../domain/accounts/api-keys.js';
import { UsageError } from './usage-error.js';

type OptionSpec = NonNullable<ParseArgsConfig['options']>;
const STRING = { type: 'string' } as const;
const FLAG = { type: 'boolean' } as const;

/** `clientele import` and `clientele export` (SPEC B-1, B-2; docs/import-export.md). */
export const BULK_COMMANDS: Record<string, { options: OptionSpec; positionals: number }> = {
  import: {
    options: {
      account: STRING,
      mode: STRING,
      format: STRING,
      'on-conflict': STRING,
      'dry-run': FLAG,
      report: STRING,
      'external-id-from': STRING,
      'batch-size': STRING,
      'progress-interval': STRING,
    },
    positionals: 1,
  },
  export: {
    options: { account: STRING, mode: STRING, format: STRING, out: STRING, 'include-deleted': FLAG, 'progress-interval': STRING },
    positionals: 0,
  },
  duplicates: {
    options: { account: STRING, mode: STRING, format: STRING, 'min-score': STRING, 'progress-interval': STRING },
    positionals: 0,
  },
};

export const BULK_USAGE = `  import FILE --account A --mode test|live [--format ndjson|csv|stripe-csv] [--on-conflict update|skip|fail]
             [--dry-run] [--report FILE] [--external-id-from stripe-id] [--batch-size N]   (FILE may be -)
  export --account A --mode test|live [--format ndjson|csv] [--out FILE] [--include-deleted]
  duplicates --account A --mode test|live [--min-score 0.8] [--format ndjson|csv]   every probable duplicate pair`;

function oneOf<const T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback?: T): T {
  if (value === undefined) {
    if (fallback !== undefined) return fallback;
    throw new UsageError(`--${name} is required (${allowed.join(' or ')})`);
  }
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${name} must be ${allowed.join(', ')}; got '${value}'`);
  return value as T;
}

function positiveInteger(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`--${name} must be a whole number from 1 to ${max}; got '${value}'`);
  return n;
}

/** Runs `import`, `export` or `duplicates`; resolves to the process's exit code. */
export async function runBulkCommand(command: string, values: Record<string, string | boolean | undefined>, positionals: string[]): Promise<number> {
  const config = loadConfig(process.env, { database: values.database as string | undefined });
  const account = values.account as string | undefined;
  if (!account) throw new UsageError(`${command} needs --account acct_…`);
  const mode: Mode = oneOf('mode', values.mode as string | undefined, ['test', 'live']);
  const progressInterval = positiveInteger('progress-interval', values['progress-interval'] as string | undefined, 5, 3600);
  if (command === 'import') {
    const file = positionals[0];
    if (!file) throw new UsageError('import needs the file to read (or - for standard input): clientele import customers.ndjson --account acct_… --mode test');
    const externalIdFrom = values['external-id-from'] as string | undefined;
    if (externalIdFrom !== undefined && externalIdFrom !== 'stripe-id') throw new UsageError(`--external-id-from takes stripe-id; got '${externalIdFrom}'`);
    const { runImport } = await import('./import.js');
    return runImport(config, {
      file,
      account,
      mode,
      format: values.format === undefined ? undefined : oneOf('format', values.format as string, ['ndjson', 'csv', 'stripe-csv']),
      onConflict: oneOf('on-conflict', values['on-conflict'] as string | undefined, ['update', 'skip', 'fail'], 'update'),
      dryRun: Boolean(values['dry-run']),
      report: values.report as string | undefined,
      externalIdFromStripeId: externalIdFrom === 'stripe-id',
      batchSize: positiveInteger('batch-size', values['batch-size'] as string | undefined, 1000, 5000),
      progressInterval,
    });
  }
  if (command === 'duplicates') {
    const raw = values['min-score'] as string | undefined;
    const minScore = raw === undefined ? 0 : Number(raw);
    if (raw !== undefined && (!/^\d+(\.\d+)?$/.test(raw) || minScore > 1)) throw new UsageError(`--min-score must be a number from 0 to 1; got '${raw}'`);
    const { runDuplicates } = await import('./duplicates.js');
    return runDuplicates(config, { account, mode, minScore, format: oneOf('format', values.format as string | undefined, ['ndjson', 'csv'], 'ndjson'), progressInterval });
  }
  const { runExport } = await import('./export.js');
  return runExport(config, {
    account,
    mode,
    format: oneOf('format', values.format as string | undefined, ['ndjson', 'csv'], 'ndjson'),
    out: values.out as string | undefined,
    includeDeleted: Boolean(values['include-deleted']),
    progressInterval,
  });
}
