import { sql, type Kysely, type Selectable, type SqlBool } from 'kysely';
import type { IdempotencyRecord, IdempotencyRepository } from '../port.js';
import type { Database, IdempotencyKeysTable } from '../schema.js';
import type { Dialect } from '../dialect.js';
import { updateRows } from './batch-update.js';
import { fromJson, toJson } from './codec.js';
import { ACROSS_ACCOUNTS_MARK, type TenantDb } from './tenant.js';

/** Texts searched for per statement: each is one more comparison per row scanned. */
const TEXTS_PER_SCAN = 200;

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

export function idempotencyRepository(db: Kysely<Database>, tenant: TenantDb, dialect: Dialect): IdempotencyRepository {
  // A plain substring test: cheaper than LIKE, and ids need no escaping.
  const contains = (text: string) => (dialect === 'sqlite' ? sql<SqlBool>`instr(body, ${text}) > 0` : sql<SqlBool>`strpos(body, ${text}) > 0`);

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

    async findMentioning(scope, texts) {
      const found = new Map<string, IdempotencyRecord>();
      for (let i = 0; i < texts.length; i += TEXTS_PER_SCAN) {
        const chunk = texts.slice(i, i + TEXTS_PER_SCAN);
        const rows = await tenant(scope)
          .selectFrom('idempotency_keys')
          .selectAll()
          .where((eb) => eb.or(chunk.map(contains)))
          .execute();
        for (const row of rows) if (!found.has(row.key)) found.set(row.key, toRecord(row));
      }
      return [...found.values()];
    },

    async replaceBodies(scope, changes) {
      // Keyed by `key` (the table has no id column): the batch update's `id` is the key.
      const rows = changes.map(({ key, body }) => ({ id: key, values: { body } }));
      await updateRows(tenant(scope), dialect, 'idempotency_keys', rows, { body: 'text' }, 'key');
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
