import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Frozen. Charges, refunds and invoices reported by processors and billing systems (SPEC S-1),
 * and their tree paths: one row per charge (or invoice) and per customer on the path from its
 * tree's root down to its own customer, so a parent's whole tree lists newest first from one
 * index range, keyset-paged (H-4). Re-parenting rewrites the moved subtree's rows.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const pg = dialect === 'postgres';
  const json = pg ? 'jsonb' : 'text';
  const int8 = pg ? 'bigint' : 'integer';
  const seq = pg ? 'seq bigint GENERATED ALWAYS AS IDENTITY' : 'seq INTEGER PRIMARY KEY';
  const key = pg ? 'PRIMARY KEY (account_id, id)' : 'UNIQUE (account_id, id)';
  // SQLite: the primary key is the table (no rowid), so a tree page is one range of it.
  const clustered = pg ? '' : ' WITHOUT ROWID';
  const paths = (table: string) => [
    `CREATE TABLE ${table} (
      account_id text NOT NULL,
      livemode smallint NOT NULL,
      customer_id text NOT NULL,
      created ${int8} NOT NULL,
      seq ${int8} NOT NULL,
      object_id text NOT NULL,
      status text NOT NULL,
      PRIMARY KEY (account_id, livemode, customer_id, created, seq)
    )${clustered}`,
    `CREATE INDEX ${table}_object ON ${table} (account_id, livemode, object_id)`,
  ];
  const statements = [
    `CREATE TABLE charges (
      ${seq},
      account_id text NOT NULL REFERENCES accounts(id),
      livemode smallint NOT NULL,
      id text NOT NULL,
      created ${int8} NOT NULL,
      updated ${int8} NOT NULL,
      version integer NOT NULL DEFAULT 1,
      customer_id text NOT NULL,
      amount ${int8} NOT NULL,
      currency text NOT NULL,
      payment_method_id text,
      status text NOT NULL,
      amount_refunded ${int8} NOT NULL DEFAULT 0,
      description text,
      receipt_email text,
      billing_details ${json} NOT NULL,
      failure_code text,
      failure_message text,
      statement_descriptor text,
      metadata ${json} NOT NULL,
      provider_name text,
      provider_reference text,
      occurred_at ${int8} NOT NULL,
      invoice_id text,
      ${key}
    )`,
    `CREATE INDEX charges_list ON charges (account_id, livemode, created, seq)`,
    `CREATE INDEX charges_customer ON charges (account_id, livemode, customer_id, created, seq)`,
    `CREATE INDEX charges_status ON charges (account_id, livemode, status, created, seq)`,
    `CREATE UNIQUE INDEX charges_provider ON charges (account_id, livemode, provider_name, provider_reference)
      WHERE provider_name IS NOT NULL`,
    ...paths('charge_paths'),
    `CREATE TABLE refunds (
      ${seq},
      account_id text NOT NULL REFERENCES accounts(id),
      livemode smallint NOT NULL,
      id text NOT NULL,
      created ${int8} NOT NULL,
      updated ${int8} NOT NULL,
      version integer NOT NULL DEFAULT 1,
      charge_id text NOT NULL,
      customer_id text NOT NULL,
      amount ${int8} NOT NULL,
      currency text NOT NULL,
      reason text,
      metadata ${json} NOT NULL,
      ${key}
    )`,
    `CREATE INDEX refunds_list ON refunds (account_id, livemode, created, seq)`,
    `CREATE INDEX refunds_charge ON refunds (account_id, livemode, charge_id, created, seq)`,
    `CREATE INDEX refunds_customer ON refunds (account_id, livemode, customer_id, created, seq)`,
    `CREATE TABLE invoices (
      ${seq},
      account_id text NOT NULL REFERENCES accounts(id),
      livemode smallint NOT NULL,
      id text NOT NULL,
      created ${int8} NOT NULL,
      updated ${int8} NOT NULL,
      version integer NOT NULL DEFAULT 1,
      customer_id text NOT NULL,
      currency text NOT NULL,
      status text NOT NULL,
      number text,
      description text,
      due_date ${int8},
      lines ${json} NOT NULL,
      total ${int8} NOT NULL,
      amount_paid ${int8} NOT NULL DEFAULT 0,
      charge_id text,
      paid_out_of_band smallint NOT NULL DEFAULT 0,
      customer_email text,
      customer_name text,
      customer_address ${json},
      finalized_at ${int8},
      paid_at ${int8},
      voided_at ${int8},
      marked_uncollectible_at ${int8},
      metadata ${json} NOT NULL,
      ${key}
    )`,
    `CREATE INDEX invoices_list ON invoices (account_id, livemode, created, seq)`,
    `CREATE INDEX invoices_customer ON invoices (account_id, livemode, customer_id, created, seq)`,
    `CREATE INDEX invoices_status ON invoices (account_id, livemode, status, created, seq)`,
    // The customer's delinquency (its earliest open due date, any uncollectible invoice) at write time.
    `CREATE INDEX invoices_delinquency ON invoices (account_id, livemode, customer_id, status, due_date)
      WHERE status IN ('open', 'uncollectible')`,
    `CREATE UNIQUE INDEX invoices_number ON invoices (account_id, livemode, number) WHERE number IS NOT NULL`,
    ...paths('invoice_paths'),
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}
