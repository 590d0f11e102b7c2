import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Dialect } from '../dialect.js';
import * as m0001 from './0001_initial.js';
import * as m0002 from './0002_idempotency.js';
import * as m0003 from './0003_payment_methods_tax_ids.js';
import * as m0004 from './0004_integrations.js';
import * as m0005 from './0005_search.js';
import * as m0006 from './0006_events_webhooks.js';
import * as m0007 from './0007_customer_body.js';
import * as m0008 from './0008_one_email_index.js';
import * as m0009 from './0009_charges_invoices.js';
import * as m0010 from './0010_customer_stats.js';
import * as m0011 from './0011_rate_limits.js';
import * as m0012 from './0012_deleted_customers_index.js';
import * as m0013 from './0013_tax_ids_list.js';
import * as m0014 from './0014_import_journal.js';
import * as m0015 from './0015_console_and_actors.js';
import * as m0016 from './0016_search_ids.js';
import * as m0017 from './0017_contacts.js';
import * as m0018 from './0018_addresses.js';
import * as m0019 from './0019_billing_portal.js';
import * as m0020 from './0020_merges.js';
import * as m0021 from './0021_portal_login.js';
import * as m0022 from './0022_webhook_attempts_event.js';
import * as m0023 from './0023_stats_in_customer_row.js';

/** Ordered, frozen migrations. Append only: never edit one that has shipped. */
const MIGRATIONS: Record<string, { up: (db: Kysely<unknown>, dialect: Dialect) => Promise<void> }> = {
  '0001_initial': m0001,
  '0002_idempotency': m0002,
  '0003_payment_methods_tax_ids': m0003,
  '0004_integrations': m0004,
  '0005_search': m0005,
  '0006_events_webhooks': m0006,
  '0007_customer_body': m0007,
  '0008_one_email_index': m0008,
  '0009_charges_invoices': m0009,
  '0010_customer_stats': m0010,
  '0011_rate_limits': m0011,
  '0012_deleted_customers_index': m0012,
  '0013_tax_ids_list': m0013,
  '0014_import_journal': m0014,
  '0015_console_and_actors': m0015,
  '0016_search_ids': m0016,
  '0017_contacts': m0017,
  '0018_addresses': m0018,
  '0019_billing_portal': m0019,
  '0020_merges': m0020,
  '0021_portal_login': m0021,
  '0022_webhook_attempts_event': m0022,
  '0023_stats_in_customer_row': m0023,
};

class DialectMigrationProvider implements MigrationProvider {
  constructor(private readonly dialect: Dialect) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    const out: Record<string, Migration> = {};
    for (const [name, migration] of Object.entries(MIGRATIONS)) {
      out[name] = { up: (db) => migration.up(db, this.dialect) };
    }
    return out;
  }
}

/**
 * Applies pending migrations. With `inTransaction`, `db` is one connection inside a transaction
 * the caller opened and locked (the store does, so processes starting at once never race and a
 * failed migration leaves nothing behind); otherwise Kysely opens its own transaction where the
 * dialect allows (PostgreSQL yes, SQLite no).
 */
export async function migrateToLatest(
  db: Kysely<unknown>,
  dialect: Dialect,
  options: { inTransaction?: boolean } = {},
): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: new DialectMigrationProvider(dialect),
    migrationTableName: 'clientele_migrations',
    migrationLockTableName: 'clientele_migrations_lock',
    disableTransactions: options.inTransaction ?? false,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${reason}`.replace('  ', ' '));
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
