import type { InvoiceStatus } from './invoice.js';

export interface InvoiceLineInput {
  description?: string | null;
  quantity?: number;
  unit_amount: number;
}

/** POST /v1/invoices, shape-checked by the route schema. */
export interface InvoiceCreateInput {
  customer: string;
  currency?: string;
  description?: string | null;
  due_date?: number | null;
  lines?: InvoiceLineInput[];
  metadata?: Record<string, string | null> | null;
}

/** POST /v1/invoices/:id: `currency`, `due_date` and `lines` only while the invoice is a draft. */
export interface InvoiceUpdateInput {
  currency?: string;
  description?: string | null;
  due_date?: number | null;
  lines?: InvoiceLineInput[];
  metadata?: Record<string, string | null> | null;
}

export interface InvoicePayInput {
  paid_out_of_band?: boolean;
  charge?: string;
}

export interface InvoiceListFilters {
  customer?: string;
  includeDescendants?: boolean;
  status?: InvoiceStatus;
}
