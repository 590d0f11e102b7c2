import { stringify } from 'csv-stringify/sync';
import type { Config } from '../config.js';
import type { Mode } from '../domain/accounts/api-keys.js';
import { scanDuplicatePairs } from '../domain/duplicates/duplicate-scan.js';
import { openStore } from '../store/open-store.js';
import { progress } from './bulk/progress.js';
import { UsageError } from './usage-error.js';

export interface DuplicatesCommand {
  account: string;
  mode: Mode;
  minScore: number;
  format: 'ndjson' | 'csv';
  progressInterval: number;
}

/**
 * `clientele duplicates`: every probable duplicate pair of an account's mode on standard
 * output (NDJSON or CSV: a, b, score, reasons), a progress bar on standard error.
 */
export async function runDuplicates(config: Config, command: DuplicatesCommand): Promise<number> {
  const store = await openStore(config);
  try {
    const account = await store.read((r) => r.accounts.findAccount(command.account));
    if (!account) throw new UsageError(`no account ${command.account} (clientele accounts list shows them)`);
    const scope = { accountId: account.id, livemode: command.mode === 'live' };
    process.stdout.on('error', (error: NodeJS.ErrnoException) => process.exit(error.code === 'EPIPE' ? 0 : 1));
    const pairs = await store.snapshot(async (repos) => {
      // Rows of six indexes: roughly the customers times the signals they have; a guess for the bar.
      const total = (await repos.duplicates.countLive(scope)) * 2;
      const bar = progress({ label: 'duplicates', unit: 'rows', total, approximate: true, stream: process.stderr, intervalSeconds: command.progressInterval });
      try {
        return await scanDuplicatePairs(repos, scope, { minScore: command.minScore, onRows: (n) => bar.update(n, 0) });
      } finally {
        bar.stop();
      }
    });
    if (command.format === 'csv') process.stdout.write(stringify([['a', 'b', 'score', 'reasons'], ...pairs.map((p) => [p.a, p.b, p.score, p.reasons.join(' ')])]));
    else for (const p of pairs) process.stdout.write(`${JSON.stringify(p)}\n`);
    process.stderr.write(`${pairs.length} probable duplicate pair${pairs.length === 1 ? '' : 's'} (score ≥ ${command.minScore})\n`);
    return 0;
  } finally {
    await store.close();
  }
}
