import { expect } from 'vitest';
import type { Api } from '../../helpers/harness.js';

/** Every field of a charge, as Stripe orders them, then Clientele's. */
export const CHARGE_FIELDS = [
  'id',
  'object',
  'amount',
  'amount_captured',
  'amount_refunded',
  'balance_transaction',
  'billing_details',
  'captured',
  'created',
  'currency',
  'customer',
  'description',
  'failure_code',
  'failure_message',
  'invoice',
  'livemode',
  'metadata',
  'paid',
  'payment_intent',
  'payment_method',
  'receipt_email',
  'refunded',
  'statement_descriptor',
  'status',
  'occurred_at',
  'provider',
  'updated',
];

export const REFUND_FIELDS = [
  'id',
  'object',
  'amount',
  'balance_transaction',
  'charge',
  'created',
  'currency',
  'livemode',
  'metadata',
  'payment_intent',
  'reason',
  'receipt_number',
  'status',
  'customer',
  'updated',
];

export const INVOICE_FIELDS = [
  'id',
  'object',
  'amount_due',
  'amount_paid',
  'amount_remaining',
  'charge',
  'created',
  'currency',
  'customer',
  'customer_address',
  'customer_email',
  'customer_name',
  'description',
  'due_date',
  'lines',
  'livemode',
  'metadata',
  'number',
  'paid',
  'paid_out_of_band',
  'status',
  'status_transitions',
  'subtotal',
  'total',
  'updated',
];

type Body = Record<string, unknown> & { id: string };

async function created(api: Api, path: string, params: Record<string, unknown>): Promise<Body> {
  const res = await api.post(path, params);
  expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(200);
  return res.body as Body;
}

export const createCharge = (api: Api, customer: string, params: Record<string, unknown> = {}) =>
  created(api, '/v1/charges', { amount: 1000, currency: 'usd', customer, ...params });

export const createRefund = (api: Api, charge: string, params: Record<string, unknown> = {}) =>
  created(api, '/v1/refunds', { charge, ...params });

export const createInvoice = (api: Api, customer: string, params: Record<string, unknown> = {}) =>
  created(api, '/v1/invoices', { customer, currency: 'usd', lines: [{ description: 'Seat', quantity: 2, unit_amount: 500 }], ...params });

/** POST /v1/invoices/:id/<action>, expecting 200. */
export const transition = (api: Api, invoice: string, action: 'finalize' | 'pay' | 'void' | 'mark_uncollectible', params: Record<string, unknown> = {}) =>
  created(api, `/v1/invoices/${invoice}/${action}`, params);

/** The customer's `stats` as GET ?expand[]=stats shows them. */
export async function statsOf(api: Api, customer: string): Promise<Record<string, unknown> & { tree: Record<string, unknown> }> {
  const res = await api.get(`/v1/customers/${customer}`, { expand: ['stats'] });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.stats;
}

/** Every page of a list endpoint (limit 100), ids newest first. */
export async function listIds(api: Api, path: string, query: Record<string, unknown> = {}): Promise<string[]> {
  const ids: string[] = [];
  let after: string | undefined;
  for (;;) {
    const res = await api.get(path, { ...query, limit: 100, ...(after && { starting_after: after }) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const page = (res.body.data as Array<{ id: string }>).map((o) => o.id);
    ids.push(...page);
    if (!res.body.has_more) return ids;
    after = page[page.length - 1];
  }
}

/** The events of one type, newest first (GET /v1/events). */
export async function eventsOf(api: Api, type: string): Promise<Array<{ type: string; data: { object: Record<string, unknown>; previous_attributes?: Record<string, unknown> } }>> {
  const res = await api.get('/v1/events', { type, limit: 100 });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data;
}
