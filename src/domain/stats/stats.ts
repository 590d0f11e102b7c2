/** A customer's stats in one currency (SPEC S-2): counts, and amounts in minor units. */
export interface Figures {
  charge_count: number;
  invoice_count: number;
  /** Succeeded charges net of refunds. */
  total_spent: number;
  /** amount_remaining of open invoices. */
  open_invoice_amount: number;
}

export const ZERO: Figures = Object.freeze({ charge_count: 0, invoice_count: 0, total_spent: 0, open_invoice_amount: 0 });

export function addFigures(a: Figures, b: Partial<Figures>): Figures {
  return {
    charge_count: a.charge_count + (b.charge_count ?? 0),
    invoice_count: a.invoice_count + (b.invoice_count ?? 0),
    total_spent: a.total_spent + (b.total_spent ?? 0),
    open_invoice_amount: a.open_invoice_amount + (b.open_invoice_amount ?? 0),
  };
}

export function isZero(f: Figures): boolean {
  return f.charge_count === 0 && f.invoice_count === 0 && f.total_spent === 0 && f.open_invoice_amount === 0;
}

/** The figures as the API shows them: counts summed over currencies, amounts per currency (non-zero only). */
export interface ApiFigures {
  invoice_count: number;
  charge_count: number;
  total_spent: Record<string, number>;
  open_invoice_amount: Record<string, number>;
}

export interface ApiStats extends ApiFigures {
  /** The same over the customer and all its descendants (SPEC H-4). */
  tree: ApiFigures;
}

type Amounts = Record<string, number>;

/** a + b per currency, currencies in code order and zero amounts left out, so equal stats always render the same bytes. */
function addAmounts(a: Amounts, b: Amounts): Amounts {
  const sum: Amounts = { ...a };
  for (const [currency, amount] of Object.entries(b)) sum[currency] = (sum[currency] ?? 0) + amount;
  const out: Amounts = {};
  for (const currency of Object.keys(sum).sort()) if (sum[currency] !== 0) out[currency] = sum[currency] as number;
  return out;
}

export const NO_FIGURES: ApiFigures = Object.freeze({ invoice_count: 0, charge_count: 0, total_spent: {}, open_invoice_amount: {} });

export function addApiFigures(a: ApiFigures, b: ApiFigures): ApiFigures {
  return {
    invoice_count: a.invoice_count + b.invoice_count,
    charge_count: a.charge_count + b.charge_count,
    total_spent: addAmounts(a.total_spent, b.total_spent),
    open_invoice_amount: addAmounts(a.open_invoice_amount, b.open_invoice_amount),
  };
}

export function negateApiFigures(f: ApiFigures): ApiFigures {
  const negated = (amounts: Amounts) => Object.fromEntries(Object.entries(amounts).map(([c, v]) => [c, -v]));
  return {
    invoice_count: -f.invoice_count,
    charge_count: -f.charge_count,
    total_spent: negated(f.total_spent),
    open_invoice_amount: negated(f.open_invoice_amount),
  };
}

export function isNoChange(f: ApiFigures): boolean {
  return f.invoice_count === 0 && f.charge_count === 0 && Object.keys(f.total_spent).length === 0 && Object.keys(f.open_invoice_amount).length === 0;
}

/** One currency's figures as the API shows them. */
export function inCurrency(currency: string, f: Figures): ApiFigures {
  return addApiFigures(NO_FIGURES, {
    invoice_count: f.invoice_count,
    charge_count: f.charge_count,
    total_spent: { [currency]: f.total_spent },
    open_invoice_amount: { [currency]: f.open_invoice_amount },
  });
}

/** What one write adds to a customer's stats (negative figures to subtract). */
export interface StatsChange {
  customer_id: string;
  own: ApiFigures;
  tree: ApiFigures;
}

/** A customer without activity. */
export const NO_STATS: ApiStats = Object.freeze({ ...NO_FIGURES, tree: NO_FIGURES });

/**
 * The stats as a customer's row stores them (customers.stats, migration 0023): exactly the
 * bytes expand[]=stats sends, so a retrieve adds them to the stored body as they are.
 */
export const renderStats = (stats: ApiStats): string => JSON.stringify(stats);

export const NO_STATS_TEXT = renderStats(NO_STATS);

export function parseStats(text: string | null | undefined): ApiStats {
  return text === null || text === undefined ? NO_STATS : (JSON.parse(text) as ApiStats);
}

/** Adds a change to stats. */
export function applyChange(stats: ApiStats, change: Pick<StatsChange, 'own' | 'tree'>): ApiStats {
  return { ...addApiFigures(stats, change.own), tree: addApiFigures(stats.tree, change.tree) };
}
