import { expect } from 'vitest';
import type { Api, ApiResponse } from '../../helpers/harness.js';

/** The providers SPEC I-1 names; anything else must be `custom:<name>`. */
export const PROVIDERS = [
  'stripe',
  'razorpay',
  'paypal',
  'adyen',
  'braintree',
  'hubspot',
  'salesforce',
  'quickbooks',
  'xero',
  'netsuite',
] as const;

export const INTEGRATION_FIELDS = ['created', 'customer', 'id', 'livemode', 'metadata', 'object', 'provider', 'provider_id'];
export const INTEGRATION_ID = /^int_[0-9A-Za-z]{26}$/;

export type IntegrationBody = Record<string, any> & { id: string }; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON under test

export function expectIntegration(body: Record<string, unknown>): void {
  expect(Object.keys(body).sort()).toEqual(INTEGRATION_FIELDS);
  expect(body.object).toBe('integration');
  expect(body.id).toMatch(INTEGRATION_ID);
  expect(typeof body.created).toBe('number');
}

/** Maps the customer to a provider id, failing loudly if that did not succeed. */
export async function addIntegration(
  api: Api,
  customerId: string,
  params: Record<string, unknown>,
): Promise<IntegrationBody> {
  const res = await api.post(`/v1/customers/${customerId}/integrations`, params);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** GET /v1/integrations/:provider/:provider_id with both path segments encoded. */
export function lookup(api: Api, provider: string, providerId: string, query: Record<string, unknown> = {}): Promise<ApiResponse> {
  return api.get(`/v1/integrations/${encodeURIComponent(provider)}/${encodeURIComponent(providerId)}`, query);
}

/** Every integration id of a customer, following has_more. */
export async function integrationIds(api: Api, customerId: string): Promise<string[]> {
  const ids: string[] = [];
  let startingAfter: string | undefined;
  for (;;) {
    const res = await api.get(`/v1/customers/${customerId}/integrations`, {
      limit: 100,
      ...(startingAfter && { starting_after: startingAfter }),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const page = (res.body.data as Array<{ id: string }>).map((i) => i.id);
    ids.push(...page);
    if (!res.body.has_more) return ids;
    startingAfter = page[page.length - 1];
  }
}
