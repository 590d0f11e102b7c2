import { sql, type Kysely, type Selectable, type SqlBool } from 'kysely';
import type { ChargeRecord, ChargeStatus } from '../../domain/charges/charge.js';
import type { Scope } from '../../domain/scope.js';
import type { ChargesRepository } from '../port.js';
import type { ChargesTable, Database } from '../schema.js';
import { fromJson, toJson } from './codec.js';
import { applyPage, positionOf } from './keyset.js';
import type { TenantDb } from './tenant.js';
import { inOrder, treePaths } from './tree-paths.js';

const BLANK_BILLING_DETAILS = { address: null, email: null, name: null, phone: null };

function toRecord(row: Selectable<ChargesTable>): ChargeRecord {
  return {
    id: row.id,
    livemode: row.livemode === 1,
    created: row.created,
    updated: row.updated,
    version: row.version,
    customer_id: row.customer_id,
    amount: row.amount,
    currency: row.currency,
    payment_method_id: row.payment_method_id,
    status: row.status as ChargeStatus,
    amount_refunded: row.amount_refunded,
    description: row.description,
    receipt_email: row.receipt_email,
    billing_details: fromJson(row.billing_details, BLANK_BILLING_DETAILS),
    failure_code: row.failure_code,
    failure_message: row.failure_message,
    statement_descriptor: row.statement_descriptor,
    metadata: fromJson(row.metadata, {}),
    provider:
      row.provider_name !== null && row.provider_reference !== null ? { name: row.provider_name, reference: row.provider_reference } : null,
    occurred_at: row.occurred_at,
    invoice_id: row.invoice_id,
  };
}

function mutableColumns(c: ChargeRecord) {
  return {
    updated: c.updated,
    version: c.version,
    payment_method_id: c.payment_method_id,
    status: c.status,
    amount_refunded: c.amount_refunded,
    description: c.description,
    receipt_email: c.receipt_email,
    billing_details: toJson(c.billing_details) ?? '{}',
    failure_code: c.failure_code,
    failure_message: c.failure_message,
    statement_descriptor: c.statement_descriptor,
    metadata: toJson(c.metadata) ?? '{}',
    invoice_id: c.invoice_id,
  };
}

export function chargesRepository(db: Kysely<Database>, tenant: TenantDb): ChargesRepository {
  const rows = (scope: Scope) => tenant(scope).selectFrom('charges').selectAll();
  const paths = treePaths(db, tenant, 'charge_paths');

  const findByIds = async (scope: Scope, ids: string[]) => {
    const out = new Map<string, ChargeRecord>();
    if (ids.length === 0) return out;
    for (const row of await tenant(scope).selectByIds('charges').selectAll().where('id', 'in', ids).execute()) out.set(row.id, toRecord(row));
    return out;
  };

  return {
    async insert(scope, c, path) {
      const { seq } = await tenant(scope)
        .insertInto('charges', {
          id: c.id,
          created: c.created,
          customer_id: c.customer_id,
          amount: c.amount,
          currency: c.currency,
          provider_name: c.provider?.name ?? null,
          provider_reference: c.provider?.reference ?? null,
          occurred_at: c.occurred_at,
          ...mutableColumns(c),
        })
        .returning('seq')
        .executeTakeFirstOrThrow();
      await paths.insert(scope, { id: c.id, created: c.created, seq: Number(seq), status: c.status }, path);
    },
    async findById(scope, id, options) {
      const row = await tenant(scope).lock(rows(scope).where('id', '=', id), options?.forUpdate).executeTakeFirst();
      return row && toRecord(row);
    },
    findByIds,
    async findByProvider(scope, name, reference) {
      const row = await rows(scope).where('provider_name', '=', name).where('provider_reference', '=', reference).executeTakeFirst();
      return row && toRecord(row);
    },
    async update(scope, c, options) {
      await tenant(scope).updateTable('charges').set(mutableColumns(c)).where('id', '=', c.id).execute();
      if (options?.statusChanged) await paths.setStatus(scope, c.id, c.status);
    },
    cursorOf: (scope, id) => positionOf(tenant(scope), 'charges', id),
    async list(scope, filters, page) {
      if (filters.treeOf !== undefined) {
        const ids = await paths.page(scope, filters.treeOf, filters.status, page);
        return inOrder(ids, await findByIds(scope, ids));
      }
      let query = rows(scope);
      if (filters.customerId !== undefined) query = query.where('customer_id', '=', filters.customerId);
      if (filters.status !== undefined) {
        // Beside a narrower filter, the status index would range over the account's every row of that status.
        const narrower = filters.customerId !== undefined || filters.provider !== undefined;
        query = narrower ? query.where(sql<SqlBool>`${tenant(scope).unindexed('status')} = ${filters.status}`) : query.where('status', '=', filters.status);
      }
      if (filters.provider !== undefined) {
        query = query.where('provider_name', '=', filters.provider.name).where('provider_reference', '=', filters.provider.reference);
      }
      return (await applyPage(query, page).execute()).map(toRecord);
    },
    async allOf(scope, customerId) {
      const found = await rows(scope).where('customer_id', '=', customerId).orderBy('created', 'desc').orderBy('seq', 'desc').execute();
      return found.map(toRecord);
    },
    async eraseAllOf(scope, customerId, now) {
      const result = await tenant(scope)
        .updateTable('charges')
        .set((eb) => ({
          billing_details: toJson(BLANK_BILLING_DETAILS) ?? '{}',
          receipt_email: null,
          updated: now,
          version: eb('version', '+', 1),
        }))
        .where('customer_id', '=', customerId)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
    movePaths: (scope, move) => paths.move(scope, move),
  };
}
