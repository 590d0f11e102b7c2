import type { ImportJournalRepository } from '../port.js';
import type { TenantDb } from './tenant.js';

const COLUMNS = ['digest', 'first_row', 'last_row', 'created', 'created_count', 'updated_count', 'unchanged_count', 'skipped_count', 'failed_count'] as const;

/** SPEC B-1: the committed batches of each imported file, per account and mode. */
export function importJournalRepository(tenant: TenantDb): ImportJournalRepository {
  return {
    async overlapping(scope, digest, first, last) {
      return tenant(scope)
        .selectFrom('import_journal')
        .select(COLUMNS)
        .where('digest', '=', digest)
        .where('first_row', '<=', last)
        .where('last_row', '>=', first)
        .orderBy('first_row')
        .execute();
    },
    async allOf(scope, digest) {
      return tenant(scope).selectFrom('import_journal').select(COLUMNS).where('digest', '=', digest).orderBy('first_row').execute();
    },
    async insert(scope, batch) {
      await tenant(scope).insertInto('import_journal', batch).execute();
    },
  };
}
