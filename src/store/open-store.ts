import type { Config } from '../config.js';
import { kyselyStore } from './kysely/kysely-store.js';
import type { Store } from './port.js';
import { describePostgresError, openPostgres } from './postgres.js';
import { openSqlite, openSqliteReader, type StatementObserver } from './sqlite.js';

export class StoreOpenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreOpenError';
  }
}

/** Opens the configured database and checks it answers; failures are one clear line. */
export interface StoreOptions {
  /** Sees every statement the store runs (the tenant-scope check of the tests). */
  onStatement?: StatementObserver;
}

export async function openStore(
  config: Pick<Config, 'database' | 'pgPoolMax' | 'sqliteSynchronous'>,
  options: StoreOptions = {},
): Promise<Store> {
  const target = config.database;
  const { onStatement } = options;
  if (target.kind === 'sqlite') {
    try {
      const writer = openSqlite({ path: target.path, synchronous: config.sqliteSynchronous, onStatement });
      const { db } = writer;
      const reader = openSqliteReader(target.path, writer, onStatement);
      return kyselyStore(db, 'sqlite', {
        onClose: async () => {
          if (reader.db !== db) await reader.db.destroy();
          await writer.close();
        },
        readDb: reader.db,
        readRow: reader.readRow,
        readRows: reader.readRows,
        makeDurable: writer.makeDurable,
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new StoreOpenError(`cannot open SQLite database at ${target.path}: ${message}`);
    }
  }
  const { db, pool } = openPostgres({ url: target.url, poolMax: config.pgPoolMax, onStatement });
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw new StoreOpenError(describePostgresError(error, target.url));
  }
  return kyselyStore(db, 'postgres', {
    onClose: () => db.destroy(),
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
  });
}
