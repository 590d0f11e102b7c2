import { sql, type Kysely, type Selectable, type SqlBool } from 'kysely';
import type { InvoiceLine, InvoiceRecord, InvoiceStatus } from '../../domain/invoices/invoice.js';
import type { Scope } from '../../domain/scope.js';
import type { InvoicesRepository } from '../port.js';
import type { Database, InvoicesTable } from '../schema.js';
import { flag, fromJson, toJson } from './codec.js';
import { applyPage, positionOf } from './keyset.js';
import type { TenantDb } from './tenant.js';
import { inOrder, treePaths } from './tree-paths.js';

function toRecord(row: Selectable<InvoicesTable>): InvoiceRecord {
  return {
    id: row.id,
    livemode: row.livemode === 1,
    created: row.created,
    updated: row.updated,
    version: row.version,
    customer_id: row.customer_id,
    currency: row.currency,
    status: row.status as InvoiceStatus,
    number: row.number,
    description: row.description,
    due_date: row.due_date,
    lines: fromJson<InvoiceLine[]>(row.lines, []),
    total: row.total,
    amount_paid: row.amount_paid,
    charge_id: row.charge_id,
    paid_out_of_band: row.paid_out_of_band === 1,
    customer_email: row.customer_email,
    customer_name: row.customer_name,
    customer_address: fromJson(row.customer_address, null),
    finalized_at: row.finalized_at,
    paid_at: row.paid_at,
    voided_at: row.voided_at,
    marked_uncollectible_at: row.marked_uncollectible_at,
    metadata: fromJson(row.metadata, {}),
  };
}

function mutableColumns(i: InvoiceRecord) {
  return {
    updated: i.updated,
    version: i.version,
    currency: i.currency,
    status: i.status,
    number: i.number,
    description: i.description,
    due_date: i.due_date,
    lines: toJson(i.lines) ?? '[]',
    total: i.total,
    amount_paid: i.amount_paid,
    charge_id: i.charge_id,
    paid_out_of_band: flag(i.paid_out_of_band),
    customer_email: i.customer_email,
    customer_name: i.customer_name,
    customer_address: toJson(i.customer_address),
    finalized_at: i.finalized_at,
    paid_at: i.paid_at,
    voided_at: i.voided_at,
    marked_uncollectible_at: i.marked_uncollectible_at,
    metadata: toJson(i.metadata) ?? '{}',
  };
}

export function invoicesRepository(db: Kysely<Database>, tenant: TenantDb): InvoicesRepository {
  const rows = (scope: Scope) => tenant(scope).selectFrom('invoices').selectAll();
  const paths = treePaths(db, tenant, 'invoice_paths');

  const findByIds = async (scope: Scope, ids: string[]) => {
    const out = new Map<string, InvoiceRecord>();
    if (ids.length === 0) return out;
    for (const row of await tenant(scope).selectByIds('invoices').selectAll().where('id', 'in', ids).execute()) out.set(row.id, toRecord(row));
    return out;
  };

  return {
    async insert(scope, i, path) {
      const { seq } = await tenant(scope)
        .insertInto('invoices', { id: i.id, created: i.created, customer_id: i.customer_id, ...mutableColumns(i) })
        .returning('seq')
        .executeTakeFirstOrThrow();
      await paths.insert(scope, { id: i.id, created: i.created, seq: Number(seq), status: i.status }, path);
    },
    async findById(scope, id, options) {
      const row = await tenant(scope).lock(rows(scope).where('id', '=', id), options?.forUpdate).executeTakeFirst();
      return row && toRecord(row);
    },
    findByIds,
    async update(scope, i, options) {
      await tenant(scope).updateTable('invoices').set(mutableColumns(i)).where('id', '=', i.id).execute();
      if (options?.statusChanged) await paths.setStatus(scope, i.id, i.status);
    },
    async delete(scope, id) {
      await paths.remove(scope, id);
      await tenant(scope).deleteFrom('invoices').where('id', '=', id).execute();
    },
    cursorOf: (scope, id) => positionOf(tenant(scope), 'invoices', id),
    async list(scope, filters, page) {
      if (filters.treeOf !== undefined) {
        const ids = await paths.page(scope, filters.treeOf, filters.status, page);
        return inOrder(ids, await findByIds(scope, ids));
      }
      let query = rows(scope);
      if (filters.customerId !== undefined) query = query.where('customer_id', '=', filters.customerId);
      if (filters.status !== undefined) {
        // Beside a narrower filter, the status index would range over the account's every row of that status.
        const narrower = filters.customerId !== undefined;
        query = narrower ? query.where(sql<SqlBool>`${tenant(scope).unindexed('status')} = ${filters.status}`) : query.where('status', '=', filters.status);
      }
      return (await applyPage(query, page).execute()).map(toRecord);
    },
    async allOf(scope, customerId) {
      const found = await rows(scope).where('customer_id', '=', customerId).orderBy('created', 'desc').orderBy('seq', 'desc').execute();
      return found.map(toRecord);
    },
    async eraseAllOf(scope, customerId, now) {
      const result = await tenant(scope)
        .updateTable('invoices')
        .set((eb) => ({ customer_email: null, customer_name: null, customer_address: null, updated: now, version: eb('version', '+', 1) }))
        .where('customer_id', '=', customerId)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
    movePaths: (scope, move) => paths.move(scope, move),
    async delinquentAfter(scope, customerId) {
      // The partial index invoices_delinquency holds exactly these rows.
      const row = await tenant(scope)
        .selectFrom('invoices')
        .select([
          sql<number | string | null>`max(case when status = 'uncollectible' then 1 else 0 end)`.as('uncollectible'),
          sql<number | string | null>`min(case when status = 'open' then due_date end)`.as('due'),
        ])
        .where('customer_id', '=', customerId)
        .where(sql<boolean>`status in ('open', 'uncollectible')`)
        .executeTakeFirst();
      if (Number(row?.uncollectible ?? 0) === 1) return 0;
      return row?.due === null || row?.due === undefined ? null : Number(row.due);
    },
  };
}
