/**
 * SPEC PM-2: "the number is never written to the database, a log, an idempotency record or a
 * webhook"; the CVC neither. A real `clientele serve` on SQLite, logging at trace level, goes
 * through a full card flow (creates with Idempotency-Keys, card errors, malformed bodies,
 * replays, attach, customer create with payment_method, update, detach, delete). Then every
 * byte of every file in the data directory (database, WAL, shared memory; before and after a
 * checkpoint, so freed pages count too) and everything the server printed are searched for
 * each number, in every spelling a client sent it, and for each CVC-bearing body fragment.
 * Positive controls prove the scan reads what it should: each card's last4 and its method
 * ids are found.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import qs from 'qs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORES } from '../helpers/harness.js';
import { cli, killAll, startServerProcess, waitReady, type ServerProcess } from '../helpers/processes.js';

const FUTURE_YEAR = new Date().getUTCFullYear() + 3;

/** Valid test numbers (as digits) and the CVCs sent with them: distinctive, so a hit means a leak. */
const CARDS = [
  { number: '4242424242424242', cvc: '737', brand: 'visa' },
  { number: '5555555555554444', cvc: '918', brand: 'mastercard' },
  { number: '378282246310005', cvc: '8431', brand: 'amex' },
  { number: '6011111111111117', cvc: '602', brand: 'discover' },
  { number: '3566002020360505', cvc: '519', brand: 'jcb' },
  { number: '4000056655665556', cvc: '284', brand: 'visa' },
] as const;

/** Numbers that only ever appear in refused requests. */
const LUHN_FAILURE = '4000056655665557';
const UNKNOWN_PARAM_NUMBER = '5105105105105100';
const MALFORMED_JSON_NUMBER = '6200000000000005';
const OVERLONG_NUMBER = '4111111111111111';

/** Every way a number might be written down: digits, grouped with spaces or dashes, minus its last4. */
function spellings(number: string): string[] {
  const groups = number.length === 15 ? [number.slice(0, 4), number.slice(4, 10), number.slice(10)] : number.match(/.{1,4}/g) ?? [];
  return [number, groups.join(' '), groups.join('-'), groups.join('%20'), groups.join('+'), number.slice(0, -4)];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * SIGTERM, then SIGKILL after graceMs; resolves with how it ended once the process is gone
 * and its output is drained. Polls exitCode instead of awaiting 'exit': startServerProcess
 * drops 'exit' listeners when the server prints after it started (it does at trace level).
 */
async function stopServer(child: ChildProcess, graceMs = 10_000): Promise<{ code: number | null; signal: string | null }> {
  const ended = (stream: NodeJS.ReadableStream | null) =>
    stream === null || (stream as { readableEnded?: boolean }).readableEnded
      ? Promise.resolve()
      : new Promise<void>((resolve) => stream.once('end', () => resolve()).once('close', () => resolve()));
  const drained = Promise.all([ended(child.stdout), ended(child.stderr)]);
  child.kill('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (child.exitCode === null && child.signalCode === null) {
    if (Date.now() > deadline) child.kill('SIGKILL');
    await sleep(25);
  }
  await Promise.race([drained, sleep(5_000)]);
  return { code: child.exitCode, signal: child.signalCode };
}

interface Reply {
  status: number;
  text: string;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- assertions read arbitrary JSON
  headers: Headers;
}

describe.skipIf(!STORES.includes('sqlite'))('card numbers and CVCs never reach the database or the log (SQLite, real server)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'clientele-card-scan-'));
  const dbPath = join(dataDir, 'clientele.db');
  const env = { DATABASE_URL: `sqlite:${dbPath}`, CLIENTELE_BOOTSTRAP: 'false', LOG_LEVEL: 'trace' };
  let server: ServerProcess;
  let key: string;
  /** What a client sent: every body and the fragments of it that carry a number or a CVC. */
  const sentFragments = new Set<string>();
  const createdIds: string[] = [];
  let logText = '';
  let filesBeforeCheckpoint: Array<{ name: string; bytes: Buffer }> = [];
  let filesAfterCheckpoint: Array<{ name: string; bytes: Buffer }> = [];
  let stopped: { code: number | null; signal: string | null } | undefined;

  async function call(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Reply> {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body !== undefined && { 'content-type': 'application/x-www-form-urlencoded' }),
        ...headers,
      },
      ...(body !== undefined && { body }),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    return { status: response.status, text, body: parsed, headers: response.headers };
  }

  /** A form POST; remembers the body and its card fragments for the scan. */
  function postForm(path: string, params: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Reply> {
    const body = qs.stringify(params, { arrayFormat: 'indices' });
    const card = params.card as Record<string, unknown> | undefined;
    if (card?.number !== undefined || card?.cvc !== undefined) {
      sentFragments.add(body);
      for (const part of body.split('&')) if (/card%5B(number|cvc)%5D/.test(part)) sentFragments.add(part);
      if (card.cvc !== undefined) {
        sentFragments.add(`card[cvc]=${String(card.cvc)}`);
        sentFragments.add(`"cvc":"${String(card.cvc)}"`);
        sentFragments.add(`card%5Bexp_year%5D=${String(card.exp_year)}&card%5Bcvc%5D=${String(card.cvc)}`);
      }
    }
    return call('POST', path, body, headers);
  }

  function readDataFiles(): Array<{ name: string; bytes: Buffer }> {
    return readdirSync(dataDir)
      .filter((name) => statSync(join(dataDir, name)).isFile())
      .map((name) => ({ name, bytes: readFileSync(join(dataDir, name)) }));
  }

  beforeAll(async () => {
    const account = JSON.parse(await cli(['accounts', 'create', '--name', 'Card scan', '--json'], env)) as { keys: { test: string } };
    key = account.keys.test;
    server = await startServerProcess(env);
    await waitReady(server);

    const cardParams = (c: (typeof CARDS)[number], extra: Record<string, unknown> = {}) => ({
      type: 'card',
      card: { number: c.number, exp_month: 11, exp_year: FUTURE_YEAR, cvc: c.cvc, ...extra },
      billing_details: { name: 'Scan Holder' },
    });

    const customer = await postForm('/v1/customers', { name: 'Scanned customer' });
    expect(customer.status, customer.text).toBe(200);

    for (const [i, c] of CARDS.entries()) {
      // Create with an Idempotency-Key, then replay it: one method, the same bytes.
      const headers = { 'idempotency-key': `scan-create-${i}` };
      const created = await postForm('/v1/payment_methods', cardParams(c), headers);
      expect(created.status, created.text).toBe(200);
      expect(created.body.card.brand).toBe(c.brand);
      createdIds.push(created.body.id);
      const replay = await postForm('/v1/payment_methods', cardParams(c), headers);
      expect(replay.status).toBe(200);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.text).toBe(created.text);

      // The same key with another card: an idempotency error, stored nowhere.
      const other = CARDS[(i + 1) % CARDS.length] as (typeof CARDS)[number];
      const mismatch = await postForm('/v1/payment_methods', cardParams(other), headers);
      expect(mismatch.status).toBe(400);

      // A valid number with a bad expiry, and with a bad CVC (with keys: the errors are stored).
      const badMonth = await postForm('/v1/payment_methods', cardParams(c, { exp_month: 13 }), { 'idempotency-key': `scan-402-month-${i}` });
      expect(badMonth.status).toBe(402);
      expect(badMonth.body.error.code).toBe('invalid_expiry_month');
      const badReplay = await postForm('/v1/payment_methods', cardParams(c, { exp_month: 13 }), { 'idempotency-key': `scan-402-month-${i}` });
      expect(badReplay.headers.get('idempotent-replayed')).toBe('true');
      const badYear = await postForm('/v1/payment_methods', cardParams(c, { exp_year: FUTURE_YEAR - 10 }));
      expect(badYear.body.error?.code).toBe('invalid_expiry_year');
      const badCvc = await postForm('/v1/payment_methods', cardParams(c, { cvc: '12' }), { 'idempotency-key': `scan-402-cvc-${i}` });
      expect(badCvc.body.error?.code).toBe('invalid_cvc');

      // Spaced number: same card, same fingerprint.
      const spaced = await postForm('/v1/payment_methods', cardParams(c, { number: spellings(c.number)[1] }));
      expect(spaced.status, spaced.text).toBe(200);
      expect(spaced.body.card.fingerprint).toBe(created.body.card.fingerprint);
      createdIds.push(spaced.body.id);
    }

    // A Luhn failure, with and without a key.
    const luhn = { type: 'card', card: { number: LUHN_FAILURE, exp_month: 1, exp_year: FUTURE_YEAR, cvc: '466' } };
    expect((await postForm('/v1/payment_methods', luhn, { 'idempotency-key': 'scan-luhn' })).body.error.code).toBe('incorrect_number');
    expect((await postForm('/v1/payment_methods', luhn)).body.error.code).toBe('incorrect_number');

    // A JSON create, a JSON body that does not parse, and a misspelt parameter carrying a number.
    const jsonBody = JSON.stringify({ type: 'card', card: { number: CARDS[1].number, exp_month: 2, exp_year: FUTURE_YEAR, cvc: CARDS[1].cvc } });
    sentFragments.add(jsonBody);
    const viaJson = await call('POST', '/v1/payment_methods', jsonBody, { 'content-type': 'application/json', 'idempotency-key': 'scan-json' });
    expect(viaJson.status, viaJson.text).toBe(200);
    createdIds.push(viaJson.body.id);
    const broken = `{"type":"card","card":{"number":"${MALFORMED_JSON_NUMBER}","cvc":"371",}`;
    sentFragments.add(broken);
    const brokenReply = await call('POST', '/v1/payment_methods', broken, { 'content-type': 'application/json', 'idempotency-key': 'scan-broken' });
    expect(brokenReply.status).toBe(400);
    const misspelt = await postForm('/v1/payment_methods', { type: 'card', card: { nubmer: UNKNOWN_PARAM_NUMBER, exp_month: 1, exp_year: FUTURE_YEAR } });
    expect(misspelt.body.error.code).toBe('parameter_unknown');
    const inQuery = await call('GET', `/v1/payment_methods?card[number]=${UNKNOWN_PARAM_NUMBER}&card[cvc]=552`);
    expect(inQuery.status).toBe(400);
    // Longer than the schema allows (a schema error, refused before any handler or idempotency record).
    const tooLong = await postForm(
      '/v1/payment_methods',
      { type: 'card', card: { number: `${spellings(OVERLONG_NUMBER)[1]}${' '.repeat(60)}0`, exp_month: 1, exp_year: FUTURE_YEAR, cvc: '771' } },
      { 'idempotency-key': 'scan-too-long' },
    );
    expect(tooLong.status).toBe(400);

    // Attach, make default, customer create with payment_method, update, list, detach, delete.
    const [first, second, third] = createdIds as [string, string, string];
    const attach = await postForm(`/v1/payment_methods/${first}/attach`, { customer: customer.body.id }, { 'idempotency-key': 'scan-attach' });
    expect(attach.status, attach.text).toBe(200);
    const dflt = await postForm(`/v1/customers/${customer.body.id}`, {
      invoice_settings: { default_payment_method: first },
      expand: ['invoice_settings.default_payment_method'],
    });
    expect(dflt.status, dflt.text).toBe(200);
    const withPm = await postForm('/v1/customers', { name: 'Born with a card', payment_method: second, invoice_settings: { default_payment_method: second } }, {
      'idempotency-key': 'scan-customer-pm',
    });
    expect(withPm.status, withPm.text).toBe(200);
    expect((await postForm(`/v1/payment_methods/${third}`, { card: { exp_month: 3 }, metadata: { k: 'v' } })).status).toBe(200);
    expect((await call('GET', `/v1/customers/${customer.body.id}/payment_methods?type=card`)).status).toBe(200);
    expect((await call('GET', `/v1/payment_methods/${third}`)).status).toBe(200);
    expect((await postForm(`/v1/payment_methods/${first}/detach`, {})).status).toBe(200);
    expect((await call('DELETE', `/v1/customers/${withPm.body.id}`)).status).toBe(200);

    filesBeforeCheckpoint = readDataFiles();
    stopped = await stopServer(server.child);
    const { stdout, stderr } = server.output();
    logText = `${stdout}\n${stderr}`;
    filesBeforeCheckpoint = [...filesBeforeCheckpoint, ...readDataFiles().map((f) => ({ name: `${f.name} (after stop)`, bytes: f.bytes }))];
    const db = new Database(dbPath);
    try {
      db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      db.close();
    }
    filesAfterCheckpoint = readDataFiles();
  }, 120_000 /* a real server process, a card flow through it, a graceful stop and a checkpoint: ~5 s idle */);

  afterAll(async () => {
    await killAll();
  });

  const allNumbers = [...CARDS.map((c) => c.number), LUHN_FAILURE, UNKNOWN_PARAM_NUMBER, MALFORMED_JSON_NUMBER, OVERLONG_NUMBER];

  function needles(): string[] {
    return [...allNumbers.flatMap(spellings), ...sentFragments];
  }

  function hits(haystack: Buffer, label: string): string[] {
    const found: string[] = [];
    for (const needle of needles()) {
      for (const encoding of ['utf8', 'utf16le'] as const) {
        if (haystack.includes(Buffer.from(needle, encoding))) found.push(`${label}: ${JSON.stringify(needle)} (${encoding})`);
      }
    }
    return found;
  }

  it('the flow ran, the server logged every request and shut down gracefully', () => {
    expect(stopped).toEqual({ code: 0, signal: null });
    expect(createdIds.length).toBe(CARDS.length * 2 + 1);
    expect(sentFragments.size).toBeGreaterThan(CARDS.length * 4);
    // Every request was logged coming in and going out (the server logs everything it logs at all).
    const lines = logText.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { msg?: string; req?: { path?: string } });
    const incoming = lines.filter((l) => l.msg === 'incoming request' && l.req?.path?.startsWith('/v1/payment_methods'));
    expect(incoming.length).toBeGreaterThan(CARDS.length * 6);
    expect(lines.filter((l) => l.msg === 'request completed').length).toBeGreaterThanOrEqual(incoming.length);
  });

  it('no file in the data directory holds a number or a CVC-bearing fragment, before or after the checkpoint', () => {
    const names = filesAfterCheckpoint.map((f) => f.name);
    expect(names).toContain('clientele.db');
    const found = [...filesBeforeCheckpoint, ...filesAfterCheckpoint].flatMap((f) => hits(f.bytes, f.name));
    expect(found).toEqual([]);
  });

  it('the log holds no number and no CVC-bearing fragment', () => {
    expect(hits(Buffer.from(logText, 'utf8'), 'log')).toEqual([]);
  });

  it('positive controls: the scan finds what is meant to be kept (last4, ids)', () => {
    const db = filesAfterCheckpoint.find((f) => f.name === 'clientele.db')?.bytes ?? Buffer.alloc(0);
    expect(db.length).toBeGreaterThan(0);
    for (const c of CARDS) expect(db.includes(Buffer.from(`"last4":"${c.number.slice(-4)}"`)), c.brand).toBe(true);
    for (const id of createdIds) expect(db.includes(Buffer.from(id)), id).toBe(true);
    // The log names the paths it served, so a number logged anywhere in a line would be found.
    expect(logText).toContain(`/v1/payment_methods/${createdIds[2]}`);
  });
});
