import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Frozen. Sign-in by email for the customer portal (issue 19, item 4).
 *
 * - portal_configurations.login_token: the random token of the configuration's login page
 *   (`/portal/login/<account>.<t|l>.<token>`), made the first time `login_page.enabled` is set
 *   and kept (the page is dead while it is disabled). Stored as it is, being shown in every
 *   answer for the configuration (Stripe's `login_page.url`); unique per account and mode.
 *   login_key_id: the key that enabled the page, the writer of the sessions it makes.
 * - portal_login_limits: fixed-window counters of sign-in requests per email and per client
 *   address (digests only), one row per bucket; windows that ended are deleted as new requests come.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const int8 = dialect === 'postgres' ? 'bigint' : 'integer';
  const statements = [
    `ALTER TABLE portal_configurations ADD COLUMN login_token text`,
    `ALTER TABLE portal_configurations ADD COLUMN login_key_id text`,
    `CREATE UNIQUE INDEX portal_configurations_login ON portal_configurations (account_id, livemode, login_token)`,
    `CREATE TABLE portal_login_limits (
      account_id text NOT NULL REFERENCES accounts(id),
      livemode smallint NOT NULL,
      bucket text NOT NULL,
      window_start ${int8} NOT NULL,
      attempts integer NOT NULL,
      PRIMARY KEY (account_id, livemode, bucket)
    )`,
    `CREATE INDEX portal_login_limits_window ON portal_login_limits (account_id, livemode, window_start)`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}
