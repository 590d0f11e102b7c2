import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';
import { migrateToLatest } from '../migrations/index.js';
import { UniqueViolation, type PoolStats, type Repositories, type Store, type WriteRepositories } from '../port.js';
import type { Database } from '../schema.js';
import type { RowReader, RowsReader } from '../sqlite.js';
import { runUnitOfWork, writeInUnit, type BeforeCommit } from '../unit-of-work.js';
import { sqliteGroupCommit } from './sqlite-group-commit.js';
import { sampleStore } from './monitoring.js';
import { memoryRateBuckets, postgresRateBuckets } from './rate-limit-buckets.js';
import { accountsRepository } from './accounts-repository.js';
import { chargesRepository } from './charges-repository.js';
import { consoleSessionsRepository } from './console-sessions-repository.js';
import { portalConfigurationsRepository, portalLoginLimitsRepository, portalSessionsRepository } from './portal-repository.js';
import { addressesRepository } from './addresses-repository.js';
import { contactsRepository } from './contacts-repository.js';
import { mergesRepository } from './merges-repository.js';
import { duplicatesRepository } from './duplicates-repository.js';
import { customersRepository } from './customers-repository.js';
import { eventsRepository, webhookOutbox } from './events-repository.js';
import { idempotencyRepository } from './idempotency-repository.js';
import { importJournalRepository } from './import-journal-repository.js';
import { integrationsRepository } from './integrations-repository.js';
import { invoicesRepository } from './invoices-repository.js';
import { paymentMethodsRepository } from './payment-methods-repository.js';
import { refundsRepository } from './refunds-repository.js';
import { statsRepository } from './stats-repository.js';
import { taxIdsRepository } from './tax-ids-repository.js';
import { tenantDb } from './tenant.js';
import { webhookDeliveriesRepository, webhookEndpointsRepository } from './webhooks-repository.js';

/** Synchronous reads on SQLite's read connection, for the hottest reads (a retrieve). */
interface SyncReaders {
  readRow?: RowReader | undefined;
  readRows?: RowsReader | undefined;
}

function repositories(db: Kysely<Database>, dialect: Dialect, sync: SyncReaders = {}): Repositories {
  const tenant = tenantDb(db, dialect);
  return {
    accounts: accountsRepository(db),
    customers: customersRepository(db, tenant, dialect, sync.readRow),
    idempotency: idempotencyRepository(db, tenant, dialect),
    paymentMethods: paymentMethodsRepository(tenant, dialect),
    taxIds: taxIdsRepository(tenant),
    integrations: integrationsRepository(tenant),
    contacts: contactsRepository(tenant, dialect),
    merges: mergesRepository(tenant),
    duplicates: duplicatesRepository(tenant),
    addresses: addressesRepository(tenant),
    events: eventsRepository(db, tenant, dialect),
    outbox: webhookOutbox(db, tenant, dialect),
    webhookEndpoints: webhookEndpointsRepository(tenant),
    webhookDeliveries: webhookDeliveriesRepository(db, tenant, dialect),
    charges: chargesRepository(db, tenant),
    refunds: refundsRepository(tenant),
    invoices: invoicesRepository(db, tenant),
    stats: statsRepository(db, tenant, dialect),
    importJournal: importJournalRepository(tenant),
    consoleSessions: consoleSessionsRepository(tenant),
    portalConfigurations: portalConfigurationsRepository(tenant),
    portalSessions: portalSessionsRepository(tenant),
    portalLoginLimits: portalLoginLimitsRepository(tenant),
  };
}

/** SAVEPOINTs on one transaction's connection; nested ones get their own names. */
function savepoints(conn: Kysely<Database>): WriteRepositories['savepoint'] {
  let depth = 0;
  return async (fn) => {
    const name = sql.raw(`clientele_sp${++depth}`);
    await sql`savepoint ${name}`.execute(conn);
    try {
      const value = await fn();
      await sql`release savepoint ${name}`.execute(conn);
      return value;
    } catch (error) {
      await sql`rollback to savepoint ${name}`.execute(conn);
      await sql`release savepoint ${name}`.execute(conn);
      throw error;
    } finally {
      depth--;
    }
  };
}

interface DriverError {
  code?: string;
  constraint?: string;
  message?: string;
}

function translate(error: unknown): unknown {
  const e = (error ?? {}) as DriverError;
  if (e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e.code === '23505') {
    const where = `${e.constraint ?? ''} ${e.message ?? ''}`;
    if (where.includes('external_id')) return new UniqueViolation('external_id');
    if (where.includes('invoice_prefix')) return new UniqueViolation('invoice_prefix');
    if (where.includes('integrations')) return new UniqueViolation('integration');
    if (where.includes('charges')) return new UniqueViolation('charge_provider');
    if (where.includes('invoices')) return new UniqueViolation('invoice_number');
    if (where.includes('contacts_customer_email') || where.includes('contacts.email_key')) return new UniqueViolation('contact_email');
    return new UniqueViolation('other');
  }
  return error;
}

export interface KyselyStoreOptions {
  onClose: () => Promise<void>;
  /** A separate connection for reads (SQLite: a WAL reader that never waits for the writer); by default `db`. */
  readDb?: Kysely<Database>;
  /** Synchronous point reads on the read connection (SQLite), for the hottest single-row reads. */
  readRow?: RowReader;
  readRows?: RowsReader;
  /** Resolves once every commit so far is on disk (SQLite); writes are answered after it. */
  makeDurable?: () => Promise<void>;
  /** The PostgreSQL pool's counters, for metrics. */
  poolStats?: () => PoolStats;
}

/** The store over Kysely. */
export function kyselyStore(db: Kysely<Database>, dialect: Dialect, options: KyselyStoreOptions): Store {
  const { onClose, readDb = db, readRow, readRows, makeDurable = () => Promise.resolve() } = options;
  const reader = repositories(readDb, dialect, { readRow, readRows });

  // SQLite's writer holds the database's write lock for the whole transaction: no other lock is needed.
  const writeSqlite = sqliteGroupCommit(db, makeDurable, (conn) => ({
    ...repositories(conn, dialect),
    lock: async () => undefined,
    lockMany: async () => undefined,
    savepoint: savepoints(conn),
  }));

  const writePostgres = <T>(fn: (repos: WriteRepositories) => Promise<T>, beforeCommit: BeforeCommit | null): Promise<T> =>
    db.transaction().execute(async (trx) => {
      const repos: WriteRepositories = {
        ...repositories(trx, dialect),
        lock: async (key: string, mode = 'exclusive') => {
          if (mode === 'shared') await sql`select pg_advisory_xact_lock_shared(hashtextextended(${key}, 0))`.execute(trx);
          else await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx);
        },
        lockMany: async (keys) => {
          if (keys.length === 0) return;
          // Sorted and de-duplicated, so two batches locking overlapping keys take them in one order.
          const sorted = [...new Set(keys)].sort();
          await sql`select count(pg_advisory_xact_lock(hashtextextended(k, 0))) from (select unnest(${sorted}::text[]) as k order by 1) as keys`.execute(trx);
        },
        savepoint: savepoints(trx),
      };
      const result = await fn(repos);
      if (beforeCommit) await beforeCommit(repos, result);
      return result;
    });

  /**
   * All pending migrations and their bookkeeping commit together or not at all, under a lock
   * that serialises processes starting at once: SQLite's write lock, or on PostgreSQL a
   * transaction-scoped advisory lock (safe behind PgBouncer in transaction mode, where the
   * session-level lock Kysely's migrator takes on its own could leak to another client).
   */
  const migrate = (): Promise<string[]> =>
    db.connection().execute(async (conn) => {
      await sql.raw(dialect === 'sqlite' ? 'begin immediate' : 'begin').execute(conn);
      try {
        if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(hashtextextended('clientele:migrate', 0))`.execute(conn);
        const applied = await migrateToLatest(conn as unknown as Kysely<unknown>, dialect, { inTransaction: true });
        await sql`commit`.execute(conn);
        return applied;
      } catch (error) {
        await sql`rollback`.execute(conn).catch(() => undefined);
        throw error;
      }
    });

  /** One read transaction on the read connection: a consistent snapshot for as long as fn runs. */
  const snapshot = <T>(fn: (repos: Repositories) => Promise<T>): Promise<T> =>
    readDb.connection().execute(async (conn) => {
      // SQLite's deferred BEGIN takes its snapshot at the first read, which fn makes.
      await sql.raw(dialect === 'sqlite' ? 'begin' : 'begin isolation level repeatable read read only').execute(conn);
      try {
        const value = await fn(repositories(conn, dialect));
        await sql`commit`.execute(conn);
        return value;
      } catch (error) {
        await sql`rollback`.execute(conn).catch(() => undefined);
        throw error;
      }
    });

  return {
    dialect,
    rateLimits: dialect === 'postgres' ? postgresRateBuckets(db) : memoryRateBuckets(),
    poolStats: () => options.poolStats?.() ?? null,
    sample: () => sampleStore(readDb, dialect),
    read: (fn) => fn(reader),
    snapshot,
    write: (fn) =>
      writeInUnit(async (beforeCommit) => {
        try {
          return await (dialect === 'sqlite' ? writeSqlite(fn, beforeCommit) : writePostgres(fn, beforeCommit));
        } catch (error) {
          throw translate(error);
        }
      }),
    async writeBatch(fn) {
      try {
        return await (dialect === 'sqlite' ? writeSqlite(fn, null, true) : writePostgres(fn, null));
      } catch (error) {
        throw translate(error);
      }
    },
    unitOfWork: runUnitOfWork,
    migrate,
    async ping() {
      await sql`select 1`.execute(readDb);
    },
    close: onClose,
  };
}
