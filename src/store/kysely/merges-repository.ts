import { sql, type SqlBool } from 'kysely';
import { customerBody } from '../../domain/customers/customer-mapper.js';
import type { MergeRecord, MergesRepository, ReassignableTable } from '../port.js';
import { fromJson, toJson } from './codec.js';
import type { TenantDb } from './tenant.js';

/** Tables whose rows carry their own version and updated time (a move bumps them). */
const VERSIONED = new Set<ReassignableTable>(['payment_methods', 'contacts', 'addresses', 'charges', 'refunds', 'invoices']);

/**
 * What a customer merge writes beyond each repository's own statements: one statement per
 * owned table to move a customer's rows, the merge records (provenance), and the aliases a
 * merged tombstone keeps (docs/merging.md).
 */
export function mergesRepository(tenant: TenantDb): MergesRepository {
  return {
    async lockCustomers(scope, ids) {
      // One statement, rows locked in id order: two merges over the same customers queue, never deadlock.
      const sorted = [...new Set(ids)].sort();
      if (sorted.length === 0) return;
      await tenant(scope).lock(tenant(scope).selectFrom('customers').select('id').where('id', 'in', sorted).orderBy('id'), true).execute();
    },

    async reassign(scope, table, from, to, now) {
      const t = table as 'charges';
      const base = tenant(scope).updateTable(t);
      const query = VERSIONED.has(table)
        ? base.set((eb) => ({ customer_id: to, updated: now, version: eb('version', '+', 1) }))
        : base.set({ customer_id: to });
      await query.where('customer_id', '=', from).execute();
    },

    async dropTreePathsOf(scope, table, customerId) {
      await tenant(scope).deleteFrom(table as 'charge_paths').where('customer_id', '=', customerId).execute();
    },

    async insert(scope, record) {
      await tenant(scope)
        .insertInto('customer_merges', {
          source_id: record.source_id,
          target_id: record.target_id,
          created: record.created,
          moved: toJson(record.moved) ?? '{}',
        })
        .execute();
    },

    async listForTarget(scope, targetId) {
      const rows = await tenant(scope)
        .selectFrom('customer_merges')
        .selectAll()
        .where('target_id', '=', targetId)
        .orderBy('created')
        .orderBy('source_id')
        .execute();
      return rows.map(
        (row): MergeRecord => ({
          source_id: row.source_id,
          target_id: row.target_id,
          created: Number(row.created),
          moved: fromJson<Record<string, string[]>>(row.moved, {}),
        }),
      );
    },

    async deleteForTarget(scope, targetId) {
      await tenant(scope).deleteFrom('customer_merges').where('target_id', '=', targetId).execute();
    },

    async repoint(scope, from, to) {
      // Tombstones merged into `from` now lead to `to` in one hop; their stored bodies follow.
      const rows = await tenant(scope).selectFrom('customers').select('id').where(sql<SqlBool>`merged_into = ${from}`).execute();
      for (const { id } of rows) {
        await tenant(scope)
          .updateTable('customers')
          .set({ merged_into: to, body: customerBody({ id, merged_into: to, deleted: true } as Parameters<typeof customerBody>[0]) })
          .where('id', '=', id)
          .execute();
      }
      await tenant(scope).updateTable('customer_merges').set({ target_id: to }).where('target_id', '=', from).execute();
    },

    async dropAliasesOf(scope, targetId) {
      await tenant(scope).updateTable('customers').set({ external_id: null }).where(sql<SqlBool>`merged_into = ${targetId}`).execute();
    },
  };
}
