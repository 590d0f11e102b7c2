import BetterSqlite3 from 'better-sqlite3';

/**
 * SQLite has no statistics here (nothing runs ANALYZE), and without them its planner estimates
 * about ten rows for any index whose leading columns are all equal. For `… AND id IN (a, b, c)`
 * it then prefers an index that matches only `account_id = ? AND livemode = ?` over the unique
 * key on the ids, and reads every row of the account: at 10⁶ customers a page of one tree's
 * charges took over 30 s. Every statement with an IN list that an app sends on SQLite, every
 * one that finds rows by customer_id, every recursive walk (a subtree's height read every
 * customer of the account per level: minutes at 10⁶) and every UPDATE and DELETE (a customer's
 * metadata rows were deleted through the account's whole metadata index on every update; an
 * invoice's tree paths through the primary key's scope range) is collected and explained when
 * the test file closes. A plan that searches an account-owned table through its scope columns
 * alone (an index's or the primary key's), or one customer's rows through a status or type
 * index, is a failure. Two page filters are left out, because
 * walking the list in order until a page is full is their intended plan: the events list's
 * `type IN (…)` (the types of a filter are common ones) and the customers list's metadata filter
 * (`tier=gold` is held by much of an account; see customers-repository.ts orderOf).
 */
export function lookupPlanGuard() {
  const statements = new Set<string>();
  return {
    onStatement(statement: string) {
      const text = statement.replace(/\s+/g, ' ').trim().toLowerCase();
      const lists = text.replace(/"type" in \(/g, '').replace(/id in \(\(select "customer_id" from "customer_metadata"/g, '');
      // unlikely(id IN (…)) is a search's holders, planned by how many there are: a long list is
      // meant to walk the list index newest first (customer-search.ts byIds).
      if (text.includes('unlikely(')) return;
      const byCustomer = /"?customer_id"? = \?/.test(text);
      if ((text.startsWith('select') && (/ in \(/.test(lists) || byCustomer)) || text.startsWith('with recursive') || text.startsWith('delete') || text.startsWith('update')) {
        statements.add(statement);
      }
    },
    /** The statements whose plan reads a whole account's rows, each with that plan line. */
    violations(path: string, tenantTables: ReadonlySet<string>): string[] {
      if (statements.size === 0) return [];
      const db = new BetterSqlite3(path, { readonly: true });
      try {
        const found: string[] = [];
        for (const statement of statements) {
          const parameters = new Array<null>(statement.split('?').length - 1).fill(null);
          const plan = db.prepare(`EXPLAIN QUERY PLAN ${statement}`).all(...parameters) as Array<{ detail: string }>;
          for (const { detail } of plan) {
            // An alias shows in the plan instead of its table; only account-owned tables have the scope columns.
            const scopeOnly = /^SEARCH \w+ USING (?:(?:COVERING )?INDEX \w+|PRIMARY KEY) \(account_id=\?(?: AND livemode=\?)?\)$/.test(detail);
            // One customer's rows found through an index of a value much of the account shares.
            const sharedValue = /"?customer_id"? = \?/i.test(statement) && /^SEARCH \w+ USING (?:COVERING )?INDEX \w+ \(account_id=\? AND livemode=\? AND (?:status|type)=\?\)$/.test(detail);
            const scan = /^SCAN (\w+)/.exec(detail);
            if (scopeOnly || sharedValue || (scan && tenantTables.has(scan[1] ?? ''))) found.push(`${detail}\n  ${statement.replace(/\s+/g, ' ').trim().replace(/^select .*? from /i, 'select … from ').slice(0, 400)}`);
          }
        }
        return found;
      } finally {
        db.close();
      }
    },
  };
}
