import { sql, type Kysely } from 'kysely';
import type { Scope } from '../../domain/scope.js';
import type { Dialect } from '../dialect.js';
import type { StatsRepository } from '../port.js';
import type { Database } from '../schema.js';
import type { TenantDb } from './tenant.js';

/**
 * The stats live in their customer's row (migration 0023, `customers.stats`), rendered as the
 * API sends them; the retrieve reads them with the stored body (customers-repository.ts
 * findStoredBody) and lists with the rows they read. This is the write side's access, and the
 * read of customers whose rows were not read already.
 */
export function statsRepository(_db: Kysely<Database>, tenant: TenantDb, dialect: Dialect): StatsRepository {
  const read = async (scope: Scope, ids: readonly string[], forUpdate: boolean) => {
    if (ids.length === 0) return new Map<string, string | null>();
    let query = tenant(scope).selectByIds('customers').select(['id', 'stats']).where('id', 'in', ids);
    if (forUpdate && dialect === 'postgres') {
      // Row locks in the order given (a customer before its ancestors), whatever the plan reads first.
      query = query.orderBy(sql`case ${sql.join(ids.map((id, i) => sql`when id = ${id} then ${i}`), sql` `)} end`);
    }
    // FOR NO KEY UPDATE, the lock the stats' UPDATE takes anyway: it leaves the row's key share to
    // the inserts that reference it (a charge of this customer), so they never wait on each other.
    const rows = await (forUpdate && dialect === 'postgres' ? query.forNoKeyUpdate() : query).execute();
    return new Map(rows.map((row) => [row.id, row.stats]));
  };

  return {
    textsOf: (scope, ids) => read(scope, ids, false),
    lockTextsOf: (scope, ids) => read(scope, ids, true),
    async write(scope, rows) {
      // One point update per customer (at most the hierarchy's depth of them): by the unique
      // key, where a multi-row UPDATE … FROM led SQLite's planner to an index of the account.
      for (const row of rows) {
        await tenant(scope).updateTable('customers').set({ stats: row.stats }).where('id', '=', row.customer_id).execute();
      }
    },
  };
}
