import type { Selectable } from 'kysely';
import type { ConsoleSessionRecord, ConsoleSessionsRepository } from '../port.js';
import type { ConsoleSessionsTable } from '../schema.js';
import type { TenantDb } from './tenant.js';

function toRecord(row: Selectable<ConsoleSessionsTable>): ConsoleSessionRecord {
  return {
    id: row.id,
    livemode: row.livemode === 1,
    tokenDigest: row.token_digest,
    keyId: row.key_id,
    actor: row.actor,
    created: Number(row.created),
    lastSeen: Number(row.last_seen),
  };
}

/** The support console's sessions (SPEC U-1), one account and mode per row like customer data. */
export function consoleSessionsRepository(tenant: TenantDb): ConsoleSessionsRepository {
  return {
    async insert(scope, s) {
      await tenant(scope)
        .insertInto('console_sessions', {
          id: s.id,
          token_digest: s.tokenDigest,
          key_id: s.keyId,
          actor: s.actor,
          created: s.created,
          last_seen: s.lastSeen,
        })
        .execute();
    },
    async findByToken(scope, tokenDigest) {
      const row = await tenant(scope).selectFrom('console_sessions').selectAll().where('token_digest', '=', tokenDigest).executeTakeFirst();
      return row && toRecord(row);
    },
    async touch(scope, id, at) {
      await tenant(scope).updateTable('console_sessions').set({ last_seen: at }).where('id', '=', id).execute();
    },
    async delete(scope, id) {
      await tenant(scope).deleteFrom('console_sessions').where('id', '=', id).execute();
    },
    async deleteIdle(scope, before) {
      const result = await tenant(scope).deleteFrom('console_sessions').where('last_seen', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
