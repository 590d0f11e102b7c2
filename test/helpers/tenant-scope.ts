import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import type { DatabaseTarget } from '../../src/config.js';
import { ACROSS_ACCOUNTS_MARK } from '../../src/store/kysely/tenant.js';

/**
 * The account-owned tables of a migrated database, read from its schema: every table with both
 * scope columns, but api_keys (as src/store/kysely/tenant.ts defines TenantTable). A new table
 * is covered the moment a migration creates it.
 */
export async function tenantTablesOf(database: DatabaseTarget): Promise<Set<string>> {
  let names: string[];
  if (database.kind === 'sqlite') {
    const db = new BetterSqlite3(database.path, { readonly: true });
    try {
      names = (
        db
          .prepare(
            `SELECT m.name AS name FROM sqlite_master m JOIN pragma_table_info(m.name) p
             WHERE m.type = 'table' GROUP BY m.name
             HAVING sum(p.name = 'account_id') > 0 AND sum(p.name = 'livemode') > 0`,
          )
          .all() as Array<{ name: string }>
      ).map((r) => r.name);
    } finally {
      db.close();
    }
  } else {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const result = await client.query<{ name: string }>(
        `SELECT table_name AS name FROM information_schema.columns
         WHERE table_schema = current_schema() AND column_name IN ('account_id', 'livemode')
         GROUP BY table_name HAVING count(*) = 2`,
      );
      names = result.rows.map((r) => r.name);
    } finally {
      await client.end();
    }
  }
  return new Set(names.filter((name) => name !== 'api_keys'));
}

function count(text: string, pattern: RegExp): number {
  return [...text.matchAll(pattern)].length;
}

/**
 * Why a statement is not scoped to one account and mode, or null when it is (or touches no
 * account-owned table). A SELECT, UPDATE or DELETE needs an `account_id = …` and a
 * `livemode = …` predicate for every reference to an account-owned table (joins and subqueries
 * included); an INSERT names both columns. DDL, pragmas and transaction control are not data
 * access; statements marked as deliberately spanning accounts are let through.
 */
export function unscopedReason(statement: string, tenantTables: ReadonlySet<string>): string | null {
  const text = statement.replace(/\s+/g, ' ').trim().toLowerCase();
  if (!/^(select|insert|update|delete|with)\b/.test(text)) return null;
  if (text.includes(ACROSS_ACCOUNTS_MARK)) return null;
  const references = [...text.matchAll(/\b(from|join|update|into)\s+"?([a-z_]+)"?/g)].filter((m) => tenantTables.has(m[2] ?? ''));
  if (references.length === 0) return null;
  const inserts = references.filter((m) => m[1] === 'into');
  for (const insert of inserts) {
    const columns = text.slice((insert.index ?? 0) + insert[0].length).match(/^\s*\(([^)]*)\)/)?.[1] ?? '';
    if (!/\baccount_id\b/.test(columns) || !/\blivemode\b/.test(columns)) return `inserts into ${insert[2]} without account_id and livemode`;
  }
  const filtered = references.length - inserts.length;
  const accounts = count(text, /account_id"?\s*(=|in\b)/g);
  const modes = count(text, /livemode"?\s*(=|in\b)/g);
  if (accounts < filtered || modes < filtered) {
    const tables = [...new Set(references.map((m) => m[2]))].join(', ');
    return `reads or writes ${tables} (${filtered} reference(s)) with ${accounts} account_id and ${modes} livemode predicate(s)`;
  }
  return null;
}

/** Collects the unscoped statements a store runs while `recording` is on. */
export function tenantScopeGuard() {
  const violations: string[] = [];
  let seen = 0;
  let tables: ReadonlySet<string> | null = null;
  return {
    onStatement(statement: string) {
      if (!tables) return;
      seen++;
      const reason = unscopedReason(statement, tables);
      if (reason && violations.length < 20) violations.push(`${reason}:\n  ${statement.replace(/\s+/g, ' ').slice(0, 400)}`);
    },
    /** Starts checking, against the account-owned tables of the migrated database. */
    start(tenantTables: ReadonlySet<string>) {
      tables = tenantTables;
    },
    get seen() {
      return seen;
    },
    violations,
  };
}
