import { ACROSS_ACCOUNTS_MARK, TENANT_TABLES } from '../../src/store/kysely/tenant.js';

const TENANT = new Set<string>(TENANT_TABLES);

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
export function unscopedReason(statement: string): string | null {
  const text = statement.replace(/\s+/g, ' ').trim().toLowerCase();
  if (!/^(select|insert|update|delete|with)\b/.test(text)) return null;
  if (text.includes(ACROSS_ACCOUNTS_MARK)) return null;
  const references = [...text.matchAll(/\b(from|join|update|into)\s+"?([a-z_]+)"?/g)].filter((m) => TENANT.has(m[2] ?? ''));
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
  let recording = false;
  return {
    onStatement(statement: string) {
      if (!recording) return;
      seen++;
      const reason = unscopedReason(statement);
      if (reason && violations.length < 20) violations.push(`${reason}:\n  ${statement.replace(/\s+/g, ' ').slice(0, 400)}`);
    },
    start() {
      recording = true;
    },
    get seen() {
      return seen;
    },
    violations,
  };
}
