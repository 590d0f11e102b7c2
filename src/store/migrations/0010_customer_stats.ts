import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Frozen. A customer's stats (SPEC S-2, H-4), kept by every charge, refund and invoice write in
 * its own transaction: per customer and currency, its own figures and its tree's (itself and
 * every descendant), so a read is one primary-key range whatever the tree's size. And
 * `delinquent_after` on the customer: the moment after which it is delinquent (its earliest
 * open invoice's due date; 0 with an uncollectible invoice), so a retrieve can tell that a due
 * date has passed since its stored representation was written.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const pg = dialect === 'postgres';
  const int8 = pg ? 'bigint' : 'integer';
  const counter = `${int8} NOT NULL DEFAULT 0`;
  const statements = [
    `CREATE TABLE customer_stats (
      account_id text NOT NULL,
      livemode smallint NOT NULL,
      customer_id text NOT NULL,
      currency text NOT NULL,
      charge_count ${counter},
      invoice_count ${counter},
      total_spent ${counter},
      open_invoice_amount ${counter},
      tree_charge_count ${counter},
      tree_invoice_count ${counter},
      tree_total_spent ${counter},
      tree_open_invoice_amount ${counter},
      PRIMARY KEY (account_id, livemode, customer_id, currency)
    )${pg ? '' : ' WITHOUT ROWID'}`,
    `ALTER TABLE customers ADD COLUMN delinquent_after ${int8}`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}
