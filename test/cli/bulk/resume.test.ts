/**
 * SPEC B-1: an import killed with SIGKILL in the middle and run again continues where it
 * stopped: no row lost, none created twice (the rows have no external_id to upsert by), and
 * what committed is exactly what the journal says. Progress on a pipe and on a terminal.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORES } from '../../helpers/harness.js';
import { CLI, killAll } from '../../helpers/processes.js';
import { allCustomers, bulkContext, ensureBuilt, ndjson, summary, type BulkContext } from './support.js';

beforeAll(() => ensureBuilt());
afterAll(() => killAll());

const ROWS = 1200;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
})();

describe.each(STORES)('clientele import, interrupted and resumed (%s)', (kind) => {
  let c: BulkContext;
  beforeAll(async () => {
    c = await bulkContext(kind);
  });
  afterAll(() => c.t.close());

  it('continues after kill -9 without losing or duplicating a row, including rows without external_id', async () => {
    const content = ndjson(Array.from({ length: ROWS }, (_, i) => ({ name: `resume-${i + 1}`, metadata: { n: String(i + 1) } })));
    const file = c.file('resume.ndjson', content);
    const digest = createHash('sha256').update(content).digest('hex');
    const scope = { accountId: c.t.account.id, livemode: false };
    const journal = () => c.t.store.read((r) => r.importJournal.allOf(scope, digest));

    // Small batches: many commits, so the kill lands between two of them.
    const child = spawn(process.execPath, [CLI, 'import', file, '--account', c.t.account.id, '--mode', 'test', '--batch-size', '10'], {
      env: { ...process.env, ...c.env },
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const deadline = Date.now() + 20_000;
    while ((await journal()).length < 2) {
      if (Date.now() > deadline) throw new Error('the import committed no batch within 20 s');
      await sleep(10);
    }
    child.kill('SIGKILL');
    await exited;

    const committed = await journal();
    const covered = committed.reduce((n, b) => n + (b.last_row - b.first_row + 1), 0);
    const afterKill = (await allCustomers(c.t)).filter((x) => String(x.name).startsWith('resume-'));
    expect(covered).toBeLessThan(ROWS);
    // Every committed batch's rows are there, and nothing of the batch that was cut off.
    expect(afterKill.length).toBe(covered);

    const rerun = await c.run(['import', file, '--batch-size', '500']);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stderr).toContain('resuming: rows up to');
    expect(rerun.stdout).toContain(`${covered} rows were already imported by an earlier run`);
    expect(summary(rerun.stdout)).toMatchObject({ rows: ROWS - covered, failed: 0 });

    const names = (await allCustomers(c.t)).map((x) => String(x.name)).filter((n) => n.startsWith('resume-'));
    expect(names.length).toBe(ROWS);
    expect(new Set(names).size).toBe(ROWS);

    // A third run of the same file has nothing left to do.
    const third = await c.run(['import', file]);
    expect(third.stdout).toContain(`${ROWS} rows were already imported by an earlier run`);
    expect((await allCustomers(c.t)).filter((x) => String(x.name).startsWith('resume-')).length).toBe(ROWS);
  });

  it('prints plain progress lines and a summary when its output is not a terminal', async () => {
    const file = c.file('plain.ndjson', ndjson([{ name: 'p1' }, { name: 'p2' }, { email: 'bad' }]));
    const result = await c.run(['import', file]);
    expect(result.stderr).toMatch(/^import: 0\/3 rows \(0%\), 0 rows\/s, ETA -, 0 errors$/m);
    expect(result.stderr).toMatch(/^import: 3\/3 rows \(100%\), \d+ rows\/s, ETA 0s, 1 errors$/m);
    expect(result.stderr).not.toContain('\u001b[');
    expect(summary(result.stdout)).toMatchObject({ created: 2, failed: 1 });
  });

  it.skipIf(!hasScript)('draws a live bar with rows, rate, ETA and errors on a terminal', async () => {
    const file = c.file('tty.ndjson', ndjson([{ name: 't1' }, { email: 'bad' }]));
    const command = [process.execPath, CLI, 'import', file, '--account', c.t.account.id, '--mode', 'test'].map((a) => `'${a}'`).join(' ');
    // script(1) runs the command on a pseudo-terminal (util-linux; no native module needed).
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn('script', ['-qfec', command, '/dev/null'], { env: { ...process.env, ...c.env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      child.stdout.setEncoding('utf8').on('data', (s: string) => (text += s));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`script did not finish: ${text}`));
      }, 90_000);
      child.once('close', () => {
        clearTimeout(timer);
        resolve(text);
      });
    });
    expect(out).toMatch(/import \|[\u2588\u2591]+\| 100% \| 2\/2 rows \| \d+ rows\/s \| ETA 0s \| 1 errors/);
    expect(out).toMatch(/imported 2 rows in/);
  });

  it('journals nothing it did not commit: the rows of a file stay in the journal of its own account and mode', async () => {
    const content = ndjson([{ name: 'scoped' }]);
    const file = c.file('scoped.ndjson', content);
    await c.run(['import', file, '--mode', 'live']);
    const digest = createHash('sha256').update(readFileSync(file)).digest('hex');
    const live = await c.t.store.read((r) => r.importJournal.allOf({ accountId: c.t.account.id, livemode: true }, digest));
    const test = await c.t.store.read((r) => r.importJournal.allOf({ accountId: c.t.account.id, livemode: false }, digest));
    expect(live.map((b) => [b.first_row, b.last_row, b.created_count])).toEqual([[1, 1, 1]]);
    expect(test).toEqual([]);
    // The same file in test mode is a separate import.
    const again = await c.run(['import', file]);
    expect(summary(again.stdout)).toMatchObject({ created: 1 });
    expect(existsSync(file)).toBe(true);
  });
});
