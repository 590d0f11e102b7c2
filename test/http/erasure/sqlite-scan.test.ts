import { existsSync, readFileSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createTestApp, STORES } from '../../helpers/harness.js';
import { buildProfile, person, type Person } from './support.js';

/** The database file and its WAL and shared-memory files, as bytes (latin1 keeps every byte). */
function readDatabaseFiles(path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    if (existsSync(file)) out[file] = readFileSync(file).toString('latin1');
  }
  return out;
}

/** Each of `p`'s values with the files it occurs in (values are ASCII, so latin1 matches UTF-8). */
function occurrences(files: Record<string, string>, p: Person): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  for (const value of p.values) {
    const where = Object.entries(files)
      .filter(([, bytes]) => bytes.includes(value))
      .map(([file]) => file.slice(file.lastIndexOf('/') + 1));
    if (where.length > 0) found[value] = where;
  }
  return found;
}

/**
 * SPEC C-7 at the storage level: SQLite runs with secure_delete, so once a customer is erased
 * and the WAL checkpointed, none of its values is left anywhere in the files — not in free
 * pages, old row versions, indexes, the search index, events or idempotency records. A second,
 * live customer with the same kinds of data is the positive control: its values must be found.
 */
describe.skipIf(!STORES.includes('sqlite'))('erasure: nothing lingers in the SQLite files', () => {
  it('after delete and a checkpoint, no erased value occurs in the .db, -wal or -shm files', async () => {
    const t = await createTestApp('sqlite');
    if (t.database.kind !== 'sqlite') throw new Error('expected a SQLite database');
    const path = t.database.path;
    const gone = person('gone');
    const kept = person('kept');
    let goneId: string;
    try {
      const goneProfile = await buildProfile(t.api(), gone);
      goneId = goneProfile.customerId;
      await buildProfile(t.api(), kept);
      // Churn: old versions of the row and of its indexes end up in free space.
      for (let i = 0; i < 5; i++) {
        const res = await t.api().post(`/v1/customers/${goneId}`, {
          notes: `Revision ${i} of notes about ${gone.tag} ${'x'.repeat(2000 * i)}`,
          name: `Erin Erasable ${gone.tag} v${i}`,
        });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
      }
      // Substring search indexes the customer too (its index must let go of it as well).
      const search = await t.api().get('/v1/customers/search', { query: `email~"${gone.tag}"` });
      expect(search.status, JSON.stringify(search.body)).toBe(200);
      expect(search.body.data.map((c: { id: string }) => c.id)).toEqual([goneId]);

      // The values really are in the files before the delete (the scan can see them).
      const before = occurrences(readDatabaseFiles(path), gone);
      expect(Object.keys(before).sort()).toEqual([...gone.values].sort());

      const deleted = await t.api().del(`/v1/customers/${goneId}`);
      expect(deleted.status, JSON.stringify(deleted.body)).toBe(200);
    } finally {
      await t.close();
    }

    const raw = new BetterSqlite3(path);
    let files: Record<string, string>;
    try {
      const [checkpoint] = raw.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
      expect(checkpoint?.busy).toBe(0);
      files = readDatabaseFiles(path);
    } finally {
      raw.close();
    }
    expect(Object.keys(files).length).toBeGreaterThan(0);
    expect(occurrences(files, gone), 'erased values still in the database files').toEqual({});
    // Positive control: the live customer's values (every kind) are all there.
    const control = occurrences(files, kept);
    expect(Object.keys(control).sort()).toEqual([...kept.values].sort());
    expect(Object.keys(control)).toContain(kept.email);
    expect(Object.keys(control)).toContain(kept.taxIdLater);
    expect(Object.keys(control)).toContain(kept.cardPhone);
  });
});
