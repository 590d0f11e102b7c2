import { sql, type Kysely, type Selectable, type SqlBool } from 'kysely';
import type { IdempotencyRecord, IdempotencyRepository } from '../port.js';
import type { Database, IdempotencyKeysTable } from '../schema.js';
import { fromJson, toJson } from './codec.js';
import { ACROSS_ACCOUNTS_MARK, type TenantDb } from './tenant.js';

function toRecord(row: Selectable<IdempotencyKeysTable>): IdempotencyRecord {
  return {
    key: row.key,
    endpoint: row.endpoint,
    params_hash: row.params_hash,
    status_code: row.status_code,
    headers: fromJson(row.headers, {}),
    body: row.body,
    request_id: row.request_id,
    created: row.created,
  };
}

export function idempotencyRepository(db: Kysely<Database>, tenant: TenantDb): IdempotencyRepository {
  return {
    async find(scope, key) {
      const row = await tenant(scope)
        .selectFrom('idempotency_keys')
        .selectAll()
        .where('key', '=', key)
        .executeTakeFirst();
      return row && toRecord(row);
    },

    async save(scope, record, expiredBefore) {
      const values = {
        key: record.key,
        endpoint: record.endpoint,
        params_hash: record.params_hash,
        status_code: record.status_code,
        headers: toJson(record.headers) ?? '{}',
        body: record.body,
        request_id: record.request_id,
        created: record.created,
      };
      // Insert, or take over a record that has expired; a live record wins and we report it.
      const result = await tenant(scope)
        .insertInto('idempotency_keys', values)
        .onConflict((oc) =>
          oc
            .columns(['account_id', 'livemode', 'key'])
            .doUpdateSet({
              endpoint: values.endpoint,
              params_hash: values.params_hash,
              status_code: values.status_code,
              headers: values.headers,
              body: values.body,
              request_id: values.request_id,
              created: values.created,
            })
            .where(sql.ref('idempotency_keys.created'), '<', expiredBefore),
        )
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },

    async findMentioning(scope, text) {
      const rows = await tenant(scope)
        .selectFrom('idempotency_keys')
        .selectAll()
        // Ids contain `_`, a LIKE wildcard: escape it (and % and \) rather than drop it.
        .where(sql<SqlBool>`body like ${`%${text.replace(/[%_\\]/g, '\\$&')}%`} escape '\\'`)
        .execute();
      return rows.map(toRecord);
    },

    async replaceBody(scope, key, body) {
      await tenant(scope).updateTable('idempotency_keys').set({ body }).where('key', '=', key)
        .execute();
    },

    async sweep(before, limit) {
      // Small batches keep each delete short, so sweeping never holds up requests. Expiry is the
      // same for every account: one sweep serves them all.
      const result = await sql`
        DELETE FROM idempotency_keys WHERE (account_id, livemode, key) IN (
          SELECT account_id, livemode, key FROM idempotency_keys WHERE created < ${before} LIMIT ${limit}
        ) ${sql.raw(ACROSS_ACCOUNTS_MARK)}`.execute(db);
      return Number(result.numAffectedRows ?? 0);
    },
  };
}
