import type { Kysely, Selectable } from 'kysely';
import type { AccountRecord, AccountsRepository, ApiKeyRecord } from '../port.js';
import type { AccountsTable, ApiKeysTable, Database } from '../schema.js';
import { flag } from './codec.js';

function toAccount(row: Selectable<AccountsTable>): AccountRecord {
  return { ...row, unique_emails: row.unique_emails === 1 };
}

function toKey(row: Selectable<ApiKeysTable>): ApiKeyRecord {
  return { ...row, livemode: row.livemode === 1, restricted: row.restricted === 1 };
}

export function accountsRepository(db: Kysely<Database>): AccountsRepository {
  return {
    async insertAccount(account) {
      await db
        .insertInto('accounts')
        .values({ ...account, unique_emails: flag(account.unique_emails) })
        .execute();
    },
    async findAccount(id) {
      const row = await db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toAccount(row);
    },
    async listAccounts() {
      const rows = await db.selectFrom('accounts').selectAll().orderBy('created').orderBy('id').execute();
      return rows.map(toAccount);
    },
    async countAccounts() {
      const row = await db
        .selectFrom('accounts')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async setUniqueEmails(id, on) {
      await db.updateTable('accounts').set({ unique_emails: flag(on) }).where('id', '=', id).execute();
    },
    async insertKey(key) {
      await db
        .insertInto('api_keys')
        .values({ ...key, livemode: flag(key.livemode), restricted: flag(key.restricted) })
        .execute();
    },
    async findKeyByDigest(digest) {
      const row = await db.selectFrom('api_keys').selectAll().where('digest', '=', digest).executeTakeFirst();
      return row && toKey(row);
    },
    async findKey(accountId, keyId) {
      const row = await db
        .selectFrom('api_keys')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('id', '=', keyId)
        .executeTakeFirst();
      return row && toKey(row);
    },
    async listKeys(accountId, livemode) {
      let query = db.selectFrom('api_keys').selectAll().where('account_id', '=', accountId);
      if (livemode !== undefined) query = query.where('livemode', '=', flag(livemode));
      const rows = await query.orderBy('created').orderBy('id').execute();
      return rows.map(toKey);
    },
    async setRateLimit(accountId, keyId, rateLimit) {
      await db.updateTable('api_keys').set({ rate_limit: rateLimit }).where('account_id', '=', accountId).where('id', '=', keyId).execute();
    },
    async revokeKey(accountId, keyId, at) {
      await db
        .updateTable('api_keys')
        .set({ revoked_at: at })
        .where('account_id', '=', accountId)
        .where('id', '=', keyId)
        .where('revoked_at', 'is', null)
        .execute();
    },
  };
}
