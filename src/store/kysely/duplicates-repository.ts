import { sql, type SqlBool } from 'kysely';
import type { DuplicateCandidate, DuplicateKeys, DuplicateSignal, DuplicatesRepository, SignalRow } from '../port.js';
import { paddedList } from './bulk-insert.js';
import type { TenantDb } from './tenant.js';

/** Rows one signal may bring for one customer: a key shared by more is no evidence of one party. */
const PER_SIGNAL = 200;

/**
 * The duplicate signals (docs/merging.md), each answered by one index of migration 0020:
 * customers_duplicates_email / _phone / _name_address, contacts_duplicates_email / _phone and
 * tax_ids_duplicates. Live customers only: the customer indexes are partial on `deleted = 0`, and
 * a deleted customer's contacts and tax ids are gone (erasure) or moved (a merge).
 */
export function duplicatesRepository(tenant: TenantDb): DuplicatesRepository {
  return {
    async candidates(scope, keys: DuplicateKeys, exceptId) {
      const t = tenant(scope);
      const out: DuplicateCandidate[] = [];
      const push = (signal: DuplicateCandidate['reason'], rows: ReadonlyArray<{ customer_id: string }>) => {
        for (const row of rows) if (row.customer_id !== exceptId) out.push({ customer_id: row.customer_id, reason: signal });
      };
      const live = sql<SqlBool>`deleted = 0`;
      const queries: Array<Promise<void>> = [];
      if (keys.emails.length > 0) {
        const emails = paddedList(keys.emails);
        queries.push(
          t.selectFrom('customers').select('id as customer_id').where(live).where('email_match', 'in', emails).limit(PER_SIGNAL).execute().then((r) => push('email', r)),
          t.selectFrom('contacts').select('customer_id').where('email_match', 'in', emails).limit(PER_SIGNAL).execute().then((r) => push('email', r)),
        );
      }
      if (keys.phones.length > 0) {
        const phones = paddedList(keys.phones);
        queries.push(
          t.selectFrom('customers').select('id as customer_id').where(live).where('phone_e164', 'in', phones).limit(PER_SIGNAL).execute().then((r) => push('phone', r)),
          t.selectFrom('contacts').select('customer_id').where('phone_e164', 'in', phones).limit(PER_SIGNAL).execute().then((r) => push('phone', r)),
        );
      }
      if (keys.taxIds.length > 0) {
        queries.push(
          t
            .selectFrom('tax_ids')
            .select('customer_id')
            .where((eb) => eb.or(keys.taxIds.map((k) => eb.and([eb('type', '=', k.type), eb('value', '=', k.value)]))))
            .limit(PER_SIGNAL)
            .execute()
            .then((r) => push('tax_id', r)),
        );
      }
      if (keys.nameAddress !== null) {
        queries.push(
          t
            .selectFrom('customers')
            .select('id as customer_id')
            .where(live)
            .where('name_address_key', '=', keys.nameAddress)
            .limit(PER_SIGNAL)
            .execute()
            .then((r) => push('name_address', r)),
        );
      }
      // One after the other on SQLite's single connection anyway; side by side on PostgreSQL's pool.
      await Promise.all(queries);
      return out;
    },

    async signalPage(scope, signal: DuplicateSignal, after, limit) {
      const t = tenant(scope);
      const k = after;
      const rows: SignalRow[] = [];
      if (signal === 'tax_id') {
        let q = t.selectFrom('tax_ids').select(['type', 'value', 'customer_id']).orderBy('type').orderBy('value').orderBy('customer_id').limit(limit);
        if (k) {
          const [type, value] = splitTaxKey(k.key);
          q = q.where((eb) =>
            eb.or([
              eb('type', '>', type),
              eb.and([eb('type', '=', type), eb('value', '>', value)]),
              eb.and([eb('type', '=', type), eb('value', '=', value), eb('customer_id', '>', k.customerId)]),
            ]),
          );
        }
        for (const r of await q.execute()) rows.push({ key: `${r.type}\u0000${r.value}`, customerId: r.customer_id });
        return rows;
      }
      const onCustomers = signal === 'customer_email' || signal === 'customer_phone' || signal === 'name_address';
      const column = signal === 'customer_email' || signal === 'contact_email' ? 'email_match' : signal === 'name_address' ? 'name_address_key' : 'phone_e164';
      if (onCustomers) {
        const col = column as 'email_match' | 'name_address_key' | 'phone_e164';
        let q = t
          .selectFrom('customers')
          .select([`${col} as key`, 'id as customer_id'])
          .where(sql<SqlBool>`deleted = 0`)
          .where(col, 'is not', null)
          .orderBy(col)
          .orderBy('id')
          .limit(limit);
        if (k) q = q.where((eb) => eb.or([eb(col, '>', k.key), eb.and([eb(col, '=', k.key), eb('id', '>', k.customerId)])]));
        for (const r of await q.execute()) rows.push({ key: r.key as string, customerId: r.customer_id });
        return rows;
      }
      const col = column as 'email_match' | 'phone_e164';
      let q = t.selectFrom('contacts').select([`${col} as key`, 'customer_id']).where(col, 'is not', null).orderBy(col).orderBy('customer_id').limit(limit);
      if (k) q = q.where((eb) => eb.or([eb(col, '>', k.key), eb.and([eb(col, '=', k.key), eb('customer_id', '>', k.customerId)])]));
      for (const r of await q.execute()) rows.push({ key: r.key as string, customerId: r.customer_id });
      return rows;
    },

    async customersByKeys(scope, column, keys) {
      if (keys.length === 0) return [];
      const rows = await tenant(scope)
        .selectFrom('customers')
        .select([`${column} as key`, 'id'])
        .where(sql<SqlBool>`deleted = 0`)
        .where(column, 'in', paddedList(keys))
        .execute();
      return rows.map((r) => ({ key: r.key as string, customerId: r.id }));
    },

    async countLive(scope) {
      const row = await tenant(scope).selectFrom('customers').select((eb) => eb.fn.countAll<number | string>().as('n')).where(sql<SqlBool>`deleted = 0`).executeTakeFirst();
      return Number(row?.n ?? 0);
    },
  };
}

function splitTaxKey(key: string): [string, string] {
  const at = key.indexOf('\u0000');
  return [key.slice(0, at), key.slice(at + 1)];
}
