import { CompiledQuery, type Kysely, type Selectable } from 'kysely';
import type { Scope } from '../../domain/scope.js';
import type { StatsRow } from '../../domain/stats/stats.js';
import type { Dialect } from '../dialect.js';
import type { StatsRepository } from '../port.js';
import type { CustomerStatsTable, Database } from '../schema.js';
import type { RowsReader } from '../sqlite.js';
import { flag } from './codec.js';
import type { TenantDb } from './tenant.js';

type Row = Selectable<CustomerStatsTable>;

const FIGURES = ['charge_count', 'invoice_count', 'total_spent', 'open_invoice_amount'] as const;
const COLUMNS = [
  'customer_id',
  'currency',
  ...FIGURES,
  'tree_charge_count',
  'tree_invoice_count',
  'tree_total_spent',
  'tree_open_invoice_amount',
] as const;

function toStatsRow(row: Pick<Row, (typeof COLUMNS)[number]>): StatsRow {
  return {
    customer_id: row.customer_id,
    currency: row.currency,
    own: {
      charge_count: Number(row.charge_count),
      invoice_count: Number(row.invoice_count),
      total_spent: Number(row.total_spent),
      open_invoice_amount: Number(row.open_invoice_amount),
    },
    tree: {
      charge_count: Number(row.tree_charge_count),
      invoice_count: Number(row.tree_invoice_count),
      total_spent: Number(row.tree_total_spent),
      open_invoice_amount: Number(row.tree_open_invoice_amount),
    },
  };
}

/** One customer's rows: compiled once per dialect, run with each request's parameters. */
const oneCustomerQueries = new Map<Dialect, string>();

/**
 * `readRows`, where given (SQLite's read connection), answers the one-customer read (a retrieve
 * with expand[]=stats) synchronously with a prepared statement, as the stored-body read is.
 */
export function statsRepository(db: Kysely<Database>, tenant: TenantDb, dialect: Dialect, readRows?: RowsReader): StatsRepository {
  const select = (scope: Scope) => tenant(scope).selectFrom('customer_stats').select(COLUMNS);

  const oneCustomer = async (scope: Scope, id: string): Promise<StatsRow[]> => {
    let text = oneCustomerQueries.get(dialect);
    if (text === undefined) {
      // Placeholders only: the parameters are the scope's account and mode, then the id.
      text = select({ accountId: '', livemode: false }).where('customer_id', '=', '').compile().sql;
      oneCustomerQueries.set(dialect, text);
    }
    const parameters = [scope.accountId, flag(scope.livemode), id];
    const found = readRows
      ? readRows<Row>(text, parameters)
      : (await db.executeQuery(CompiledQuery.raw(text, parameters) as CompiledQuery<Row>)).rows;
    return found.map(toStatsRow);
  };

  return {
    async rowsOf(scope, ids) {
      if (ids.length === 0) return [];
      if (ids.length === 1) return oneCustomer(scope, ids[0] as string);
      return (await select(scope).where('customer_id', 'in', ids).execute()).map(toStatsRow);
    },
    async add(scope, deltas) {
      if (deltas.length === 0) return;
      const rows = deltas.map((d) => ({
        customer_id: d.customer_id,
        currency: d.currency,
        charge_count: d.own.charge_count,
        invoice_count: d.own.invoice_count,
        total_spent: d.own.total_spent,
        open_invoice_amount: d.own.open_invoice_amount,
        tree_charge_count: d.tree.charge_count,
        tree_invoice_count: d.tree.invoice_count,
        tree_total_spent: d.tree.total_spent,
        tree_open_invoice_amount: d.tree.open_invoice_amount,
      }));
      const counters = [...FIGURES, 'tree_charge_count', 'tree_invoice_count', 'tree_total_spent', 'tree_open_invoice_amount'] as const;
      await tenant(scope)
        .insertInto('customer_stats', rows)
        .onConflict((oc) =>
          oc
            .columns(['account_id', 'livemode', 'customer_id', 'currency'])
            .doUpdateSet((eb) =>
              Object.fromEntries(counters.map((c) => [c, eb(eb.ref(`customer_stats.${c}`), '+', eb.ref(`excluded.${c}`))])),
            ),
        )
        .execute();
    },
  };
}
