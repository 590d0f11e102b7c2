import { sql, type Selectable, type SqlBool } from 'kysely';
import type { ContactRecord, ContactRole } from '../../domain/contacts/contact.js';
import { emailMatchKey } from '../../domain/duplicates/match-keys.js';
import type { Dialect } from '../dialect.js';
import type { ContactsRepository } from '../port.js';
import type { ContactsTable } from '../schema.js';
import { flag, fromJson, toJson } from './codec.js';
import { applyPage, positionOf } from './keyset.js';
import type { TenantDb } from './tenant.js';

function toRecord(row: Selectable<ContactsTable>): ContactRecord {
  return {
    id: row.id,
    livemode: row.livemode === 1,
    created: row.created,
    updated: row.updated,
    version: row.version,
    customer_id: row.customer_id,
    name: row.name,
    email: row.email,
    email_key: row.email_key,
    phone: row.phone,
    phone_e164: row.phone_e164,
    roles: fromJson(row.roles, []),
    receives_invoices: row.receives_invoices === 1,
    notes: row.notes,
    metadata: fromJson(row.metadata, {}),
  };
}

function mutableColumns(c: ContactRecord) {
  return {
    updated: c.updated,
    version: c.version,
    name: c.name,
    email: c.email,
    email_key: c.email_key,
    email_match: emailMatchKey(c.email),
    phone: c.phone,
    phone_e164: c.phone_e164,
    roles: toJson(c.roles) ?? '[]',
    receives_invoices: flag(c.receives_invoices),
    notes: c.notes,
    metadata: toJson(c.metadata) ?? '{}',
  };
}

export function contactsRepository(tenant: TenantDb, dialect: Dialect): ContactsRepository {
  const ofCustomer = (scope: Parameters<TenantDb>[0], customerId: string) =>
    tenant(scope).selectFrom('contacts').selectAll().where('customer_id', '=', customerId);

  /** A role in the set: at most 100 contacts per customer, read through contacts_customer. */
  const hasRole = (role: ContactRole) =>
    dialect === 'postgres'
      ? sql<SqlBool>`roles @> ${JSON.stringify([role])}::jsonb`
      : sql<SqlBool>`EXISTS (SELECT 1 FROM json_each(contacts.roles) WHERE json_each.value = ${role})`;

  return {
    async insert(scope, c) {
      await tenant(scope)
        .insertInto('contacts', { id: c.id, created: c.created, customer_id: c.customer_id, ...mutableColumns(c) })
        .execute();
    },
    async find(scope, customerId, id) {
      const row = await ofCustomer(scope, customerId).where('id', '=', id).executeTakeFirst();
      return row && toRecord(row);
    },
    async findByEmailKey(scope, customerId, emailKey) {
      const row = await ofCustomer(scope, customerId).where('email_key', '=', emailKey).executeTakeFirst();
      return row && toRecord(row);
    },
    async update(scope, c) {
      await tenant(scope).updateTable('contacts').set(mutableColumns(c)).where('id', '=', c.id).execute();
    },
    async delete(scope, id) {
      await tenant(scope).deleteFrom('contacts').where('id', '=', id).execute();
    },
    async countOf(scope, customerId) {
      const row = await tenant(scope)
        .selectFrom('contacts')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('customer_id', '=', customerId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    cursorOf: (scope, customerId, id) => positionOf(tenant(scope), 'contacts', id, customerId),
    async list(scope, customerId, filters, page) {
      let query = ofCustomer(scope, customerId);
      if (filters.role !== undefined) query = query.where(hasRole(filters.role));
      return (await applyPage(query, page).execute()).map(toRecord);
    },
    async listForCustomers(scope, customerIds) {
      if (customerIds.length === 0) return [];
      const t = tenant(scope);
      const rows = await t.newestFirst(t.selectFrom('contacts').selectAll().where('customer_id', 'in', customerIds)).execute();
      return rows.map(toRecord);
    },
    async deleteAllOf(scope, customerId) {
      const rows = await tenant(scope).deleteFrom('contacts').where('customer_id', '=', customerId).returningAll().execute();
      return rows.map(toRecord);
    },
  };
}
