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

/** What one customer holds for one currency: its own figures and its tree's (itself and every descendant). */
export interface StatsRow {
  customer_id: string;
  currency: string;
  own: Figures;
  tree: Figures;
}

/** Amounts to add to one customer's row for one currency (negative to subtract). */
export interface StatsDelta {
  customer_id: string;
  currency: string;
  own: Figures;
  tree: Figures;
}

export function addFigures(a: Figures, b: Partial<Figures>): Figures {
  return {
    charge_count: a.charge_count + (b.charge_count ?? 0),
    invoice_count: a.invoice_count + (b.invoice_count ?? 0),
    total_spent: a.total_spent + (b.total_spent ?? 0),
    open_invoice_amount: a.open_invoice_amount + (b.open_invoice_amount ?? 0),
  };
}

export function negate(f: Figures): Figures {
  return {
    charge_count: -f.charge_count,
    invoice_count: -f.invoice_count,
    total_spent: -f.total_spent,
    open_invoice_amount: -f.open_invoice_amount,
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

function toApiFigures(rows: readonly { currency: string; figures: Figures }[]): ApiFigures {
  const out: ApiFigures = { invoice_count: 0, charge_count: 0, total_spent: {}, open_invoice_amount: {} };
  // Currencies in code order, so the same stats always render the same bytes.
  for (const { currency, figures } of [...rows].sort((a, b) => (a.currency < b.currency ? -1 : 1))) {
    out.invoice_count += figures.invoice_count;
    out.charge_count += figures.charge_count;
    if (figures.total_spent !== 0) out.total_spent[currency] = figures.total_spent;
    if (figures.open_invoice_amount !== 0) out.open_invoice_amount[currency] = figures.open_invoice_amount;
  }
  return out;
}

/** One customer's rows (any order) as `stats`. */
export function toApiStats(rows: readonly StatsRow[]): ApiStats {
  return {
    ...toApiFigures(rows.map((r) => ({ currency: r.currency, figures: r.own }))),
    tree: toApiFigures(rows.map((r) => ({ currency: r.currency, figures: r.tree }))),
  };
}
