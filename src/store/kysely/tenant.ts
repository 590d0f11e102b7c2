import {
  sql,
  type DeleteQueryBuilder,
  type DeleteResult,
  type Expression,
  type InsertQueryBuilder,
  type InsertResult,
  type Insertable,
  type Kysely,
  type RawBuilder,
  type SelectQueryBuilder,
  type SqlBool,
  type UpdateQueryBuilder,
  type UpdateResult,
} from 'kysely';
import type { Scope } from '../../domain/scope.js';
import type { Dialect } from '../dialect.js';
import type { Database } from '../schema.js';
import { flag } from './codec.js';

type ScopeColumns = 'account_id' | 'livemode';

/**
 * Tables whose every row belongs to one account and one mode: every table with both scope
 * columns, but api_keys (credentials, looked up by digest before any scope is known).
 * Repositories reach them only through `tenant(scope)`, which builds each statement already
 * filtered by (or, for inserts, stamped with) the scope's account and mode; the test harness
 * inspects every statement the store sends and fails on one that touches such a table without
 * both predicates (test/helpers/tenant-scope.ts). A statement that must span accounts (sweeps,
 * the webhook worker's claim) says so with `acrossAccounts()`.
 */
export type TenantTable = Exclude<
  { [T in keyof Database]: Database[T] extends { account_id: string; livemode: number } ? T : never }[keyof Database],
  'api_keys'
>;

/** A row to insert, without the scope columns (tenant() adds them). */
export type TenantInsert<T extends TenantTable> = Omit<Insertable<Database[T]>, ScopeColumns>;

/* eslint-disable @typescript-eslint/no-empty-object-type -- Kysely's own "nothing selected yet" type */
export interface Tenant {
  readonly scope: Scope;
  selectFrom<T extends TenantTable>(table: T): SelectQueryBuilder<Database, T, {}>;
  /**
   * selectFrom, for rows read by a list of their ids (`.where('id', 'in', ids)`). SQLite keeps
   * no statistics here (nothing runs ANALYZE), and for three ids or more its planner prefers any
   * index that starts (account_id, livemode) over the (account_id, id) unique key, reading every
   * row of the account. The mode's predicate is written `+livemode`, SQLite's documented way of
   * keeping a term out of index selection, which leaves the unique key the only index matching
   * two terms. The same predicate on PostgreSQL, which plans from its statistics.
   */
  selectByIds<T extends TenantTable>(table: T): SelectQueryBuilder<Database, T, {}>;
  /**
   * Orders rows found through an IN list on an indexed column (the tax ids of a page's
   * customers, the refunds of its charges) newest first. Asked for `created DESC, seq DESC`
   * outright, SQLite's planner (no statistics) walks the table's list index in that order over
   * the whole account rather than sort the few rows the column's index finds; ordering by the
   * expressions `+created`, `+seq` takes that index's order out of the choice.
   */
  newestFirst<Q extends { orderBy(expression: Expression<unknown>): Q }>(query: Q): Q;
  updateTable<T extends TenantTable>(table: T): UpdateQueryBuilder<Database, T, T, UpdateResult>;
  deleteFrom<T extends TenantTable>(table: T): DeleteQueryBuilder<Database, T, DeleteResult>;
  insertInto<T extends TenantTable>(table: T, values: TenantInsert<T> | readonly TenantInsert<T>[]): InsertQueryBuilder<Database, T, InsertResult>;
  /** `<ref>.account_id = … AND <ref>.livemode = …`, for hand-written SQL (a table name or alias). */
  owns(ref: string): RawBuilder<SqlBool>;
  /**
   * A table read through the index named, for hand-written SQL: `table INDEXED BY index` on
   * SQLite, whose planner (no statistics) can take a scope-only range of another index or of the
   * primary key over the index that matches every term; just the table on PostgreSQL.
   */
  through(table: TenantTable, index: string): RawBuilder<unknown>;
  /**
   * A column whose index must not be chosen for a term (`+column` on SQLite, the column on
   * PostgreSQL), e.g. `status` beside `customer_id`: the status index ranges over the account.
   */
  unindexed(column: string): RawBuilder<unknown>;
  /**
   * Locks the selected rows until the transaction ends when `when` is true: FOR UPDATE on
   * PostgreSQL. SQLite's writer holds the database's write lock for the whole transaction, so
   * there is nothing to add.
   */
  lock<Q extends { forUpdate(): Q }>(query: Q, when: boolean | undefined): Q;
}
/* eslint-enable @typescript-eslint/no-empty-object-type */

export type TenantDb = (scope: Scope) => Tenant;

/** Marks a statement that deliberately spans accounts; the scope check lets it through. */
export const ACROSS_ACCOUNTS_MARK = '/* across accounts */';

export function acrossAccounts<Q extends { modifyEnd(modifier: RawBuilder<unknown>): Q }>(query: Q): Q {
  return query.modifyEnd(sql.raw(` ${ACROSS_ACCOUNTS_MARK}`));
}

export function tenantDb(db: Kysely<Database>, dialect: Dialect): TenantDb {
  return (scope) => {
    const lm = flag(scope.livemode);
    const owns = (ref: string) =>
      sql<SqlBool>`${sql.ref(`${ref}.account_id`)} = ${scope.accountId} and ${sql.ref(`${ref}.livemode`)} = ${lm}`;
    const ownsById = (ref: string) =>
      dialect === 'sqlite' ? sql<SqlBool>`${sql.ref(`${ref}.account_id`)} = ${scope.accountId} and +${sql.ref(`${ref}.livemode`)} = ${lm}` : owns(ref);
    return {
      scope,
      owns,
      // The casts: Kysely cannot resolve its builder types for a table name that is still generic.
      selectFrom: <T extends TenantTable>(table: T) =>
        (db.selectFrom(table) as unknown as SelectQueryBuilder<Database, T, object>).where(owns(table)) as SelectQueryBuilder<Database, T, object>,
      selectByIds: <T extends TenantTable>(table: T) =>
        (db.selectFrom(table) as unknown as SelectQueryBuilder<Database, T, object>).where(ownsById(table)) as SelectQueryBuilder<Database, T, object>,
      newestFirst: (query) =>
        dialect === 'sqlite'
          ? query.orderBy(sql`+created desc`).orderBy(sql`+seq desc`)
          : query.orderBy(sql`created desc`).orderBy(sql`seq desc`),
      updateTable: <T extends TenantTable>(table: T) =>
        (db.updateTable(table) as unknown as UpdateQueryBuilder<Database, T, T, UpdateResult>).where(owns(table)),
      deleteFrom: <T extends TenantTable>(table: T) =>
        (db.deleteFrom(table) as unknown as DeleteQueryBuilder<Database, T, DeleteResult>).where(owns(table)),
      insertInto: <T extends TenantTable>(table: T, values: TenantInsert<T> | readonly TenantInsert<T>[]) => {
        const stamp = (row: TenantInsert<T>) => ({ account_id: scope.accountId, livemode: lm, ...row });
        const rows = Array.isArray(values) ? (values as readonly TenantInsert<T>[]).map(stamp) : stamp(values as TenantInsert<T>);
        return db.insertInto(table).values(rows as never) as unknown as InsertQueryBuilder<Database, T, InsertResult>;
      },
      lock: (query, when) => (when === true && dialect === 'postgres' ? query.forUpdate() : query),
      through: (table, index) => (dialect === 'sqlite' ? sql`${sql.table(table)} INDEXED BY ${sql.id(index)}` : sql`${sql.table(table)}`),
      unindexed: (column) => (dialect === 'sqlite' ? sql`+${sql.ref(column)}` : sql`${sql.ref(column)}`),
    };
  };
}
