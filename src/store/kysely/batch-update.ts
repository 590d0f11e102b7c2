import { sql, type RawBuilder } from 'kysely';
import type { Dialect } from '../dialect.js';
import type { Tenant, TenantTable } from './tenant.js';

/** The PostgreSQL type of each column a batch sets (a VALUES list's parameters arrive as text). */
export type PgColumnTypes = Readonly<Record<string, 'text' | 'jsonb' | 'bigint' | 'integer'>>;

/**
 * Rows per statement: well under SQLite's 32 766 and PostgreSQL's 65 535 bound parameters for
 * the widest batch here (payment methods, 11 columns), and few statements for a large erasure.
 */
const ROWS_PER_STATEMENT = 500;

/**
 * Sets different values on many rows of one table in one statement per 500 rows:
 * `UPDATE t SET c = v.c … FROM (SELECT column1 AS key, … FROM (VALUES …)) AS v WHERE <scope> AND
 * t.id = v.key`. Both SQLite (3.33+) and PostgreSQL take UPDATE … FROM; a VALUES list's columns
 * are column1, column2, … on both, so they are renamed in a subquery. On PostgreSQL each value
 * is cast to its column's type.
 */
export async function updateRows<T extends TenantTable>(
  t: Tenant,
  dialect: Dialect,
  table: T,
  rows: ReadonlyArray<{ id: string; values: Readonly<Record<string, unknown>> }>,
  pgTypes: PgColumnTypes,
  /** The column `id` matches (unique within the scope). */
  keyColumn = 'id',
): Promise<void> {
  const first = rows[0];
  if (!first) return;
  const columns = Object.keys(first.values);
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(start, start + ROWS_PER_STATEMENT);
    const tuples = chunk.map((row) => sql`(${sql.join([row.id, ...columns.map((c) => row.values[c] ?? null)])})`);
    const names = ['key', ...columns].map((c, i) => sql`${sql.ref(`column${i + 1}`)} as ${sql.ref(c)}`);
    const source = sql`(select ${sql.join(names)} from (values ${sql.join(tuples)}) as x)`;
    const value = (column: string): RawBuilder<unknown> => {
      const ref = sql.ref(`v.${column}`);
      const type = pgTypes[column];
      return dialect === 'postgres' && type && type !== 'text' ? sql`cast(${ref} as ${sql.raw(type)})` : sql`${ref}`;
    };
    const assignments = Object.fromEntries(columns.map((c) => [c, value(c)]));
    await t
      .updateTable(table)
      // Kysely cannot type a derived table built from raw SQL; the statement is checked by the tests.
      .from(source.as('v') as never)
      .set(assignments as never)
      .where(sql.ref(`${table}.${keyColumn}`), '=', sql.ref('v.key'))
      .execute();
  }
}
