import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Frozen. The customer portal through Stripe's billing-portal API (issue 19).
 *
 * - portal_configurations: `bpc_…`, what a portal shows and lets a customer change. `body` holds
 *   Stripe's object parts (features, business_profile, default_return_url, login_page, name,
 *   metadata); at most one default per account and mode, which the partial unique index holds.
 * - portal_sessions: `bps_…`. A session's link carries a random token of which only the SHA-256
 *   digest is stored (`link_digest`); opening it once turns it into a browser session whose
 *   cookie token is stored the same way (`cookie_digest`). `created` bounds both lifetimes, so
 *   the sweep of dead sessions is a range of its index.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const pg = dialect === 'postgres';
  const json = pg ? 'jsonb' : 'text';
  const int8 = pg ? 'bigint' : 'integer';
  const statements = [
    `CREATE TABLE portal_configurations (
      ${pg ? 'seq bigint GENERATED ALWAYS AS IDENTITY' : 'seq INTEGER PRIMARY KEY'},
      account_id text NOT NULL REFERENCES accounts(id),
      livemode smallint NOT NULL,
      id text NOT NULL,
      created ${int8} NOT NULL,
      updated ${int8} NOT NULL,
      version integer NOT NULL DEFAULT 1,
      is_default smallint NOT NULL DEFAULT 0,
      active smallint NOT NULL DEFAULT 1,
      body ${json} NOT NULL,
      ${pg ? 'PRIMARY KEY (account_id, id)' : 'UNIQUE (account_id, id)'}
    )`,
    `CREATE INDEX portal_configurations_list ON portal_configurations (account_id, livemode, created, seq)`,
    `CREATE UNIQUE INDEX portal_configurations_default ON portal_configurations (account_id, livemode) WHERE is_default = 1`,
    `CREATE TABLE portal_sessions (
      account_id text NOT NULL REFERENCES accounts(id),
      livemode smallint NOT NULL,
      id text NOT NULL,
      created ${int8} NOT NULL,
      customer_id text NOT NULL,
      configuration_id text NOT NULL,
      key_id text NOT NULL,
      return_url text NOT NULL,
      locale text,
      link_digest text NOT NULL,
      opened_at ${int8},
      cookie_digest text,
      last_seen ${int8},
      PRIMARY KEY (account_id, id)
    )`,
    `CREATE UNIQUE INDEX portal_sessions_link ON portal_sessions (account_id, livemode, link_digest)`,
    `CREATE UNIQUE INDEX portal_sessions_cookie ON portal_sessions (account_id, livemode, cookie_digest)`,
    `CREATE INDEX portal_sessions_created ON portal_sessions (account_id, livemode, created)`,
    `CREATE INDEX portal_sessions_customer ON portal_sessions (account_id, livemode, customer_id)`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}
