import type { ExportedCustomer, Repositories, Store } from '../../store/port.js';
import { customerBody } from '../customers/customer-mapper.js';
import type { CustomerRecord } from '../customers/customer.js';
import { toApiIntegration } from '../integrations/integration-mapper.js';
import { toApiPaymentMethod } from '../payment-methods/payment-method-mapper.js';
import type { Scope } from '../scope.js';
import { toApiTaxId } from '../tax-ids/tax-id-mapper.js';

/** One exported customer: its API representation and the objects it owns, as the API shows them. */
export interface ExportedItem {
  customer: CustomerRecord;
  /** The customer object as JSON text (a tombstone's is `{id, object, deleted}`). */
  body: string;
  taxIds: Array<ReturnType<typeof toApiTaxId>>;
  integrations: Array<ReturnType<typeof toApiIntegration>>;
  paymentMethods: Array<ReturnType<typeof toApiPaymentMethod>>;
}

export interface ExportOptions {
  includeDeleted: boolean;
  pageSize: number;
  /** Loads tax ids, integrations and payment methods (NDJSON shows them; CSV does not). */
  withOwned: boolean;
  /** Reads the metadata keys and list lengths in use first (a CSV header needs them). */
  withShape: boolean;
}

export interface ExportStart {
  total: number;
  shape: { metadataKeys: string[]; maxLocales: number; maxCustomFields: number } | null;
}

/** Groups rows by customer id, keeping each group's order (newest first, as the API lists them). */
function byCustomer<T extends { customer_id: string | null }>(rows: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    if (row.customer_id === null) continue;
    const list = out.get(row.customer_id);
    if (list) list.push(row);
    else out.set(row.customer_id, [row]);
  }
  return out;
}

/**
 * SPEC B-2: every customer of a scope, oldest first, from one consistent snapshot, a page at a
 * time (keyset, so memory does not grow with the data). Live customers first, then, when asked,
 * the tombstones. Each page's owned objects are loaded with one query per kind.
 */
export function customerExporter(deps: { store: Pick<Store, 'snapshot'> }) {
  async function present(repos: Repositories, scope: Scope, rows: readonly ExportedCustomer[], withOwned: boolean): Promise<ExportedItem[]> {
    const live = rows.filter((r) => !r.customer.deleted).map((r) => r.customer.id);
    const [taxIds, integrations, methods] =
      withOwned && live.length > 0
        ? await Promise.all([
            repos.taxIds.listForCustomers(scope, live),
            repos.integrations.listForCustomers(scope, live),
            repos.paymentMethods.listForCustomers(scope, live),
          ])
        : [[], [], []];
    const t = byCustomer(taxIds);
    const n = byCustomer(integrations);
    const m = byCustomer(methods);
    return rows.map(({ customer, body }) => ({
      customer,
      body: body ?? customerBody(customer),
      taxIds: (t.get(customer.id) ?? []).map(toApiTaxId),
      integrations: (n.get(customer.id) ?? []).map(toApiIntegration),
      paymentMethods: (m.get(customer.id) ?? []).map(toApiPaymentMethod),
    }));
  }

  return {
    /**
     * Calls `onPage` with each page in order and waits for it, so a slow consumer (a full pipe)
     * holds the export back instead of it buffering. `onStart` gets the total (and the shape) first, from the same snapshot.
     */
    async exportAll(
      scope: Scope,
      options: ExportOptions,
      handlers: { onStart: (start: ExportStart) => void | Promise<void>; onPage: (items: ExportedItem[]) => Promise<void> },
    ): Promise<number> {
      return deps.store.snapshot(async (repos) => {
        const live = await repos.customers.countForExport(scope, false);
        const tombstones = options.includeDeleted ? await repos.customers.countForExport(scope, true) : 0;
        const shape = options.withShape ? await repos.customers.exportShape(scope) : null;
        await handlers.onStart({ total: live + tombstones, shape });
        let exported = 0;
        for (const deleted of options.includeDeleted ? [false, true] : [false]) {
          let after: ExportedCustomer['position'] | null = null;
          for (;;) {
            const rows: ExportedCustomer[] = await repos.customers.exportPage(scope, { after, limit: options.pageSize, deleted });
            if (rows.length > 0) await handlers.onPage(await present(repos, scope, rows, options.withOwned));
            exported += rows.length;
            const last = rows[rows.length - 1];
            if (!last || rows.length < options.pageSize) break;
            after = last.position;
          }
        }
        return exported;
      });
    },
  };
}

export type CustomerExporter = ReturnType<typeof customerExporter>;
