import type { Static } from '@sinclair/typebox';
import type { AddressInput, CustomerCreateInput, CustomerInput } from '../../../domain/customers/customer-input.js';
import { toApiCustomer, type ApiCustomer } from '../../../domain/customers/customer-mapper.js';
import type { CustomerResult } from '../../../domain/customers/customer-service.js';
import { parameterMissing, parametersExclusive, type ApiError } from '../../../domain/errors.js';
import type { ApiObject } from '../../../domain/expansion/expansion.js';
import type { Scope } from '../../../domain/scope.js';
import type { ErrorBody } from '../../plugins/errors.js';
import type { CreateCustomerBody, FlexPriceCustomer, FlexPriceError, UpdateCustomerBody } from './schemas.js';

/**
 * FlexPrice's wire format ↔ Clientele's customer (SPEC D-1): requests become the domain's
 * CustomerInput, records become FlexPrice's customer object. One record, two formats: nothing
 * here decides a rule, the customer service does (docs/dialects.md has the field table).
 */

export type FlexPriceCustomerObject = Static<typeof FlexPriceCustomer>;
type CreateBody = Static<typeof CreateCustomerBody>;
type UpdateBody = Static<typeof UpdateCustomerBody>;
type WritableBody = Omit<UpdateBody, 'external_id'>;

/** The expansions a FlexPrice customer is built from: its parent, one level. */
export const FLEXPRICE_EXPAND = ['parent'];

const ADDRESS_LINES = [
  ['address_line1', 'line1'],
  ['address_line2', 'line2'],
  ['address_city', 'city'],
  ['address_state', 'state'],
  ['address_postal_code', 'postal_code'],
  ['address_country', 'country'],
] as const;

/** The flat address_* fields sent, as an address change (lines not sent are left alone). */
function addressOf(body: WritableBody): AddressInput | undefined {
  const change: AddressInput = {};
  let sent = false;
  for (const [flat, line] of ADDRESS_LINES) {
    const value = body[flat];
    if (value === undefined) continue;
    change[line] = value;
    sent = true;
  }
  return sent ? change : undefined;
}

/** Metadata as FlexPrice sends it: string values; an empty (null) value is no key. */
function metadataOf(metadata: WritableBody['metadata']): Record<string, string> | null | undefined {
  if (metadata === undefined || metadata === null) return metadata;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata)) if (value !== null) out[key] = value;
  return out;
}

function writableInputOf(body: WritableBody): CustomerInput {
  if (
    body.parent_customer_id !== undefined &&
    body.parent_customer_id !== null &&
    body.parent_customer_external_id !== undefined &&
    body.parent_customer_external_id !== null
  ) {
    throw parametersExclusive(['parent_customer_id', 'parent_customer_external_id']);
  }
  const address = addressOf(body);
  const metadata = metadataOf(body.metadata);
  const input: CustomerInput = {
    ...(body.name !== undefined && { name: body.name }),
    ...(body.email !== undefined && { email: body.email }),
    ...(address && { address, merge_address: true }),
    ...(metadata !== undefined && { metadata }),
    ...(body.parent_customer_id !== undefined && body.parent_customer_id !== null && { parent: body.parent_customer_id }),
    ...(body.parent_customer_external_id !== undefined &&
      body.parent_customer_external_id !== null && { parent_external_id: body.parent_customer_external_id }),
    ...(body.integration_entity_mapping && {
      integrations: body.integration_entity_mapping.map((m) => ({ provider: m.provider, provider_id: m.id })),
    }),
  };
  // Both parents empty (or one empty, the other not sent) detaches, as `parent=` does.
  const parentCleared =
    (body.parent_customer_id === null && !body.parent_customer_external_id) ||
    (body.parent_customer_external_id === null && !body.parent_customer_id);
  if (parentCleared) input.parent = null;
  return input;
}

/**
 * POST /customers. external_id is required; FlexPrice's own guide spells it
 * external_customer_id, so either is taken (both only when equal).
 * skip_onboarding_workflow is accepted and has no effect: there is no onboarding workflow.
 */
export function createInputOf(body: CreateBody): CustomerCreateInput {
  const { external_id: externalId, external_customer_id: alias, skip_onboarding_workflow: _skip, ...rest } = body;
  if (externalId !== undefined && alias !== undefined && externalId !== alias) throw parametersExclusive(['external_id', 'external_customer_id']);
  const external = externalId ?? alias;
  if (external === undefined) throw parameterMissing('external_id');
  return { ...writableInputOf(rest), external_id: external };
}

/** PUT /customers: metadata replaces the customer's, as FlexPrice documents. */
export function updateInputOf(body: UpdateBody): CustomerInput {
  const { external_id, ...rest } = body;
  const input = writableInputOf(rest);
  if (input.metadata !== undefined) input.replace_metadata = true;
  return { ...input, ...(external_id !== undefined && { external_id }) };
}

const iso = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString();

/** FlexPrice's `name` is "the full name or company name": Clientele's name, else business name, else first and last. */
function displayName(c: ApiCustomer): string | null {
  if (c.name !== null) return c.name;
  if (c.business_name !== null) return c.business_name;
  const person = [c.first_name, c.last_name].filter((part): part is string => part !== null).join(' ');
  return person || null;
}

function isLiveCustomer(value: unknown): value is ApiCustomer {
  return typeof value === 'object' && value !== null && (value as ApiObject).object === 'customer' && (value as ApiObject).deleted !== true;
}

function toFlexPrice(c: ApiCustomer, scope: Scope, status: 'published' | 'archived', parent: ApiCustomer | null): FlexPriceCustomerObject {
  return {
    id: c.id,
    external_id: c.external_id,
    name: displayName(c),
    email: c.email,
    address_line1: c.address?.line1 ?? null,
    address_line2: c.address?.line2 ?? null,
    address_city: c.address?.city ?? null,
    address_state: c.address?.state ?? null,
    address_postal_code: c.address?.postal_code ?? null,
    address_country: c.address?.country ?? null,
    metadata: c.metadata,
    parent_customer_id: typeof c.parent === 'string' ? c.parent : null,
    parent_customer: parent && toFlexPrice(parent, scope, 'published', null),
    environment_id: scope.livemode ? 'live' : 'test',
    tenant_id: scope.accountId,
    status,
    created_at: iso(c.created),
    updated_at: iso(c.updated),
    created_by: c.created_by,
    updated_by: c.updated_by,
  };
}

/**
 * A customer (expanded with FLEXPRICE_EXPAND) as FlexPrice shows it. A deleted one is
 * `archived`, shown from its tombstone record: ids and timestamps, personal data erased.
 */
export function toFlexPriceCustomer(result: CustomerResult, scope: Scope): FlexPriceCustomerObject {
  const customer = toApiCustomer(result.customer);
  if (result.customer.deleted) return toFlexPrice(customer, scope, 'archived', null);
  const parent = isLiveCustomer(result.body.parent) ? result.body.parent : null;
  // The expanded parent replaced the id in the body; the record still has it.
  return toFlexPrice({ ...customer, parent: result.customer.parent_id }, scope, 'published', parent);
}

/** Clientele's parameter names as FlexPrice spells them, for errors the service raises. */
function flexpriceParam(param: string): string {
  if (param === 'parent') return 'parent_customer_id';
  if (param === 'parent_external_id') return 'parent_customer_external_id';
  const address = /^address\[([a-z0-9_]+)\]$/.exec(param);
  if (address) return `address_${address[1] as string}`;
  return param.replace(/^integrations(?=\[|$)/, 'integration_entity_mapping').replace(/\[provider_id\]$/, '[id]');
}

/**
 * An error as FlexPrice's SDK parses it: `{success: false, error: {message, internal_error}}`
 * (its ErrorsErrorsErrorResponse), with Clientele's code as `internal_error` and the
 * parameter and reference link beside it. The status is the catalogue's.
 */
export function toFlexPriceError(error: ApiError, envelope: ErrorBody): Static<typeof FlexPriceError> {
  const param = error.param === null ? null : flexpriceParam(error.param);
  let message = param === null || param === error.param ? error.message : error.message.split(error.param as string).join(param);
  if (error.code === 'api_key_invalid') {
    message = "Invalid API key provided. Send a valid secret key in the x-api-key header (or as 'Authorization: Bearer sk_…').";
  }
  return { success: false, error: { message, internal_error: error.code, param, doc_url: envelope.error.doc_url } };
}
