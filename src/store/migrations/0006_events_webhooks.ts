import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Frozen. Events (SPEC E-1), webhook endpoints (E-2) and the transactional outbox of
 * deliveries with their attempts (E-3). Events are written in the transaction of the change
 * they describe, and so are the deliveries they fan out to.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const pg = dialect === 'postgres';
  const json = pg ? 'jsonb' : 'text';
  const int8 = pg ? 'bigint' : 'integer';
  const seq = pg ? 'seq bigint GENERATED ALWAYS AS IDENTITY' : 'seq INTEGER PRIMARY KEY';
  const key = pg ? 'PRIMARY KEY (account_id, id)' : 'UNIQUE (account_id, id)';
  const statements = [
    `CREATE TABLE events (
      ${seq},
      account_id text NOT NULL REFERENCES accounts(id),
      livemode smallint NOT NULL,
      id text NOT NULL,
      created ${int8} NOT NULL,
      type text NOT NULL,
      api_version text NOT NULL,
      customer_id text,
      data ${json} NOT NULL,
      request_id text,
      idempotency_key text,
      ${key}
    )`,
    `CREATE INDEX events_list ON events (account_id, livemode, created, seq)`,
    `CREATE INDEX events_type ON events (account_id, livemode, type, created, seq)`,
    `CREATE INDEX events_customer ON events (account_id, livemode, customer_id) WHERE customer_id IS NOT NULL`,
    `CREATE INDEX events_created ON events (created)`,
    `CREATE TABLE webhook_endpoints (
      ${seq},
      account_id text NOT NULL REFERENCES accounts(id),
      livemode smallint NOT NULL,
      id text NOT NULL,
      created ${int8} NOT NULL,
      updated ${int8} NOT NULL,
      version integer NOT NULL DEFAULT 1,
      url text NOT NULL,
      enabled_events ${json} NOT NULL,
      description text,
      metadata ${json} NOT NULL,
      status text NOT NULL,
      secret text NOT NULL,
      api_version text,
      ${key}
    )`,
    `CREATE INDEX webhook_endpoints_list ON webhook_endpoints (account_id, livemode, created, seq)`,
    `CREATE TABLE webhook_deliveries (
      ${seq},
      account_id text NOT NULL,
      livemode smallint NOT NULL,
      id text NOT NULL,
      endpoint_id text NOT NULL,
      event_id text NOT NULL,
      created ${int8} NOT NULL,
      status text NOT NULL,
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at ${int8} NOT NULL,
      lease_until ${int8},
      last_status_code integer,
      last_error text,
      ${key}
    )`,
    `CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending'`,
    `CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (account_id, endpoint_id, created)`,
    `CREATE INDEX webhook_deliveries_event ON webhook_deliveries (account_id, event_id)`,
    `CREATE TABLE webhook_attempts (
      ${seq},
      account_id text NOT NULL,
      livemode smallint NOT NULL,
      id text NOT NULL,
      endpoint_id text NOT NULL,
      delivery_id text NOT NULL,
      event_id text NOT NULL,
      created ${int8} NOT NULL,
      status_code integer,
      latency_ms integer NOT NULL,
      error text,
      next_retry_at ${int8},
      ${key}
    )`,
    `CREATE INDEX webhook_attempts_endpoint ON webhook_attempts (account_id, livemode, endpoint_id, created, seq)`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}
