import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashParams } from '../../src/http/plugins/idempotency.js';
import { createTestApp, STORES, type TestApp } from '../helpers/harness.js';

/**
 * The idempotency record keeps only a hash of the parameters. A card body must not be
 * recoverable from it: with the number known, an unkeyed hash would give the 3-digit CVC away
 * in a thousand tries.
 */
describe.each(STORES)('idempotency hashes hide card data (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t?.close());

  const card = (cvc: string) => ({ type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: 2040, cvc } });

  it('no CVC from 000 to 999 reproduces the stored hash', async () => {
    const first = await t.api().post('/v1/payment_methods', card('737'), { 'idempotency-key': 'pm-hash-1' });
    expect(first.status).toBe(200);
    const record = await t.store.read((r) => r.idempotency.find({ accountId: t.account.id, livemode: false }, 'pm-hash-1'));
    expect(record?.params_hash).toMatch(/^[0-9a-f]{64}$/);
    const guesses = new Set<string>();
    for (let n = 0; n < 1000; n++) {
      const guess = card(String(n).padStart(3, '0'));
      // Both shapes an attacker could try: form-coerced numbers and strings.
      guesses.add(hashParams({}, guess));
      guesses.add(hashParams({}, { ...guess, card: { ...guess.card, exp_month: '12', exp_year: '2040' } }));
    }
    expect(guesses.has(record!.params_hash)).toBe(false);
  });

  it('still replays the same card body and refuses a different card under the same key', async () => {
    const a = await t.api().post('/v1/payment_methods', card('123'), { 'idempotency-key': 'pm-hash-2' });
    const replay = await t.api().post('/v1/payment_methods', card('123'), { 'idempotency-key': 'pm-hash-2' });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.raw.body).toBe(a.raw.body);
    const other = await t
      .api()
      .post('/v1/payment_methods', { type: 'card', card: { number: '5555555555554444', exp_month: 12, exp_year: 2040, cvc: '123' } }, { 'idempotency-key': 'pm-hash-2' });
    expect(other.status).toBe(400);
    expect(other.body.error.type).toBe('idempotency_error');
  });

  it('never echoes an over-long card number or CVC in an error', async () => {
    const number = '4242424242424242424242424242424242424242';
    const r = await t.api().post('/v1/payment_methods', { type: 'card', card: { number, exp_month: 12, exp_year: 2040, cvc: '1234567' } });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.raw.body).not.toContain('42424242');
    expect(r.raw.body).not.toContain('1234567');
  });
});
