import { CompiledQuery, type Kysely } from 'kysely';
import type { Scope } from '../../domain/scope.js';
import type { Dialect } from '../dialect.js';
import type { Database } from '../schema.js';
import { flag } from './codec.js';
import type { TenantDb, TenantInsert, TenantTable } from './tenant.js';

/**
 * Splits items into chunks whose sizes are powers of two (at most `max`): a table's multi-row
 * statements then come in at most log2(max) + 1 shapes, each prepared once and kept in the
 * statement cache, however the batches fall.
 */
export function sizedChunks<T>(items: readonly T[], max: number): T[][] {
  const out: T[][] = [];
  let at = 0;
  while (at < items.length) {
    let size = 1;
    while (size * 2 <= Math.min(max, items.length - at)) size *= 2;
    out.push(items.slice(at, at + size));
    at += size;
  }
  return out;
}

/** Statement texts per dialect, table, columns and row count: built through tenant() once, reused. */
const templates = new Map<string, { sql: string; parameters: number }>();

/**
 * Multi-row INSERTs for bulk writes without building a query per statement: the statement is
 * built once through `tenant()` (so it is stamped with the scope columns like every insert)
 * and then run with each chunk's values. `rows` hold values in `columns` order.
 */
export function bulkInserter<T extends TenantTable>(
  db: Kysely<Database>,
  tenant: TenantDb,
  dialect: Dialect,
  table: T,
  columns: readonly (keyof TenantInsert<T> & string)[],
  maxRows: number,
) {
  const template = (rows: number) => {
    const key = `${dialect}:${table}:${columns.join(',')}:${rows}`;
    let found = templates.get(key);
    if (!found) {
      const placeholder = Object.fromEntries(columns.map((c) => [c, null])) as TenantInsert<T>;
      const compiled = tenant({ accountId: '', livemode: false }).insertInto(table, Array.from({ length: rows }, () => placeholder)).compile();
      found = { sql: compiled.sql, parameters: compiled.parameters.length };
      if (found.parameters !== rows * (columns.length + 2)) throw new Error(`bulk insert into ${table}: unexpected statement shape`);
      templates.set(key, found);
    }
    return found;
  };
  return async (scope: Scope, rows: ReadonlyArray<readonly unknown[]>): Promise<void> => {
    const livemode = flag(scope.livemode);
    for (const chunk of sizedChunks(rows, maxRows)) {
      const { sql } = template(chunk.length);
      const parameters: unknown[] = [];
      for (const row of chunk) parameters.push(scope.accountId, livemode, ...row);
      await db.executeQuery(CompiledQuery.raw(sql, parameters));
    }
  };
}

/** Pads an IN list to a power-of-two length (repeating its last value), for the same reason. */
export function paddedList<T>(values: readonly T[]): T[] {
  if (values.length === 0) return [];
  let size = 1;
  while (size < values.length) size *= 2;
  const out = [...values];
  while (out.length < size) out.push(values[values.length - 1] as T);
  return out;
}
