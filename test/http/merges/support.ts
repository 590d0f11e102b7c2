import { expect } from 'vitest';

import type { Api, ApiResponse } from '../../helpers/harness.js';
import { uniqueSuffix } from '../customers/support.js';
import { cardParams } from '../payment-methods/support.js';

/** JSON under test. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON under test
export type Json = Record<string, any>;

/** POST /v1/customers/:target/merge. */
export const merge = (api: Api, target: string, params: Record<string, unknown>, headers: Record<string, string> = {}): Promise<ApiResponse> =>
  api.post(`/v1/customers/${target}/merge`, params, headers);

export async function ok(res: Promise<ApiResponse> | ApiResponse, what = ''): Promise<Json> {
  const r = await res;
  expect(r.status, `${what} ${JSON.stringify(r.body)}`).toBe(200);
  return r.body;
}

/** A card attached to the customer. */
export async function attachCard(api: Api, customer: string): Promise<string> {
  const pm = await ok(api.post('/v1/payment_methods', cardParams()), 'payment method');
  await ok(api.post(`/v1/payment_methods/${pm.id}/attach`, { customer }), 'attach');
  return pm.id as string;
}

export const addTaxId = (api: Api, customer: string, value = '12-3456789') => ok(api.post(`/v1/customers/${customer}/tax_ids`, { type: 'us_ein', value }), 'tax id');

export const addIntegration = (api: Api, customer: string, providerId = `hs-${uniqueSuffix()}`) =>
  ok(api.post(`/v1/customers/${customer}/integrations`, { provider: 'hubspot', provider_id: providerId }), 'integration');

export const addContact = (api: Api, customer: string, email: string) => ok(api.post(`/v1/customers/${customer}/contacts`, { email }), 'contact');

export const place = (line1: string) => ({ line1, city: 'Lyon', postal_code: '69001', country: 'FR' });

export const addAddress = (api: Api, customer: string, line1: string, extra: Record<string, unknown> = {}) =>
  ok(api.post(`/v1/customers/${customer}/addresses`, { address: place(line1), ...extra }), 'address');

export async function listAll(api: Api, path: string, query: Record<string, unknown> = {}): Promise<Json[]> {
  const res = await api.get(path, { limit: 100, ...query });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data;
}
