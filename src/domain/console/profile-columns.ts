import type { ApiObject } from '../expansion/expansion.js';
import { formatAmount } from '../money.js';
import type { ProfileColumn } from '../owned-resource.js';

/** Columns the owned resources' profile sections share (src/domain/owned-resource.ts). */

export const idColumn: ProfileColumn = { label: 'Id', kind: 'id', value: (o) => stringOf(o, 'id') };

export const createdColumn: ProfileColumn = { label: 'Created', kind: 'time', value: (o) => (typeof o.created === 'number' ? o.created : null) };

export function textColumn(label: string, field: string): ProfileColumn {
  return { label, value: (o) => stringOf(o, field) };
}

export function idOfColumn(label: string, field: string): ProfileColumn {
  return { label, kind: 'id', value: (o) => stringOf(o, field) };
}

export function timeColumn(label: string, field: string): ProfileColumn {
  return { label, kind: 'time', value: (o) => (typeof o[field] === 'number' ? (o[field] as number) : null) };
}

/** An amount field in major units with its currency: `12.34 usd`, `500 jpy`. */
export function amountColumn(label: string, field: string): ProfileColumn {
  return { label, value: (o) => moneyOf(o[field], o.currency) };
}

export function moneyOf(amount: unknown, currency: unknown): string | null {
  return typeof amount === 'number' && typeof currency === 'string' ? formatAmount(amount, currency) : null;
}

/** Amounts per currency (`{usd: 1200, eur: 50}`) as one line: `12.00 usd, 0.50 eur`; `0` when there are none. */
export function amountsPerCurrency(amounts: Readonly<Record<string, number>>): string {
  const shown = Object.entries(amounts).map(([currency, amount]) => formatAmount(amount, currency));
  return shown.length === 0 ? '0' : shown.join(', ');
}

function stringOf(o: ApiObject, field: string): string | null {
  const v = o[field];
  return typeof v === 'string' && v !== '' ? v : null;
}
