import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Frozen. A customer's stats (SPEC S-2, H-4) move into its own row: `customers.stats` holds them
 * rendered as the API sends them (`{"invoice_count":…,"charge_count":…,"total_spent":{…},
 * "open_invoice_amount":{…},"tree":{…}}`, currencies in code order, zero amounts left out), so
 * a retrieve with expand[]=stats reads one more column of the row it reads anyway, in the same
 * statement. Charge, refund and invoice writes keep it in their transaction, as they kept
 * customer_stats; null means no activity. The rendering is written out here (not imported) so
 * that this migration stays what it was.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  const amounts = (column: string) =>
    `COALESCE(string_agg('"' || currency || '":' || ${column}, ',' ORDER BY currency) FILTER (WHERE ${column} <> 0), '')`;
  const figures = (prefix: string) =>
    `'{"invoice_count":' || SUM(${prefix}invoice_count) || ',"charge_count":' || SUM(${prefix}charge_count)` +
    ` || ',"total_spent":{' || ${amounts(`${prefix}total_spent`)}` +
    ` || '},"open_invoice_amount":{' || ${amounts(`${prefix}open_invoice_amount`)} || '}'`;
  const statements = [
    `ALTER TABLE customers ADD COLUMN stats text`,
    `UPDATE customers SET stats = rendered.stats
      FROM (
        SELECT account_id, livemode, customer_id, ${figures('')} || ',"tree":' || ${figures('tree_')} || '}}' AS stats
        FROM customer_stats GROUP BY account_id, livemode, customer_id
      ) AS rendered
      WHERE customers.account_id = rendered.account_id AND customers.livemode = rendered.livemode
        AND customers.id = rendered.customer_id`,
    `DROP TABLE customer_stats`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}
