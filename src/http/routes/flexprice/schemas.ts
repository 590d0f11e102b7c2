import { Type } from '@sinclair/typebox';
import { ERROR_CODES } from '../../../domain/errors.js';
import { QUERY_WINDOW_MAX } from '../../../domain/customers/customer-query.js';
import { Nullable, NullableStr, OptionalAll, Str, Strict, StringEnum } from '../../wire/schema-kit.js';

/**
 * FlexPrice's customer API as its official SDK (`@flexprice/sdk` 2.0.1) sends and parses it
 * (SPEC D-1): snake_case JSON, flat address fields. Every field of the SDK's response model
 * is always present, null where Clientele has no value. docs/dialects.md maps each field.
 */

const NullableString = Nullable(Type.String());

export const FlexPriceCustomer = Type.Object(
  {
    id: Type.String({ description: "Clientele's customer id (`cus_…`), the same through every API." }),
    external_id: NullableString,
    name: Nullable(Type.String({ description: 'The name, else the business name, else first and last name.' })),
    email: NullableString,
    address_line1: NullableString,
    address_line2: NullableString,
    address_city: NullableString,
    address_state: NullableString,
    address_postal_code: NullableString,
    address_country: NullableString,
    metadata: Type.Record(Type.String(), Type.String()),
    parent_customer_id: NullableString,
    parent_customer: Type.Union([Type.Ref('FlexPriceCustomer'), Type.Null()], {
      description: 'The parent customer (one level: its own parent_customer is null).',
    }),
    environment_id: StringEnum(['test', 'live'], { description: "The key's mode." }),
    tenant_id: Type.String({ description: 'The account (`acct_…`).' }),
    status: StringEnum(['published', 'archived'], { description: '`archived` once the customer is deleted (its personal data erased).' }),
    created_at: Type.String({ description: 'ISO 8601, UTC.' }),
    updated_at: Type.String({ description: 'ISO 8601, UTC.' }),
    created_by: Nullable(Type.String({ description: 'Id (`key_…`) of the API key that created the customer.' })),
    updated_by: Nullable(Type.String({ description: 'Id (`key_…`) of the API key that made the last change.' })),
  },
  { $id: 'FlexPriceCustomer' },
);

export const FlexPriceCustomerList = Type.Object({
  items: Type.Array(Type.Ref(FlexPriceCustomer)),
  pagination: Type.Object({ total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() }),
});

export const FlexPriceError = Type.Object(
  {
    success: Type.Literal(false),
    error: Type.Object({
      message: Type.String(),
      internal_error: StringEnum(ERROR_CODES, { description: "The error's stable code from Clientele's catalogue (docs/errors.md)." }),
      param: Nullable(Type.String({ description: 'The parameter at fault, by its FlexPrice name.' })),
      doc_url: Type.String(),
    }),
  },
  { $id: 'FlexPriceError', description: "Every error on the FlexPrice routes, in the shape FlexPrice's SDK parses." },
);

export const flexpriceErrors = { '4xx': Type.Ref(FlexPriceError), '5xx': Type.Ref(FlexPriceError) };

const Mapping = Strict({
  provider: Str(48, { description: 'stripe, razorpay, paypal (FlexPrice), or any Clientele provider.' }),
  id: Str(255, { minLength: 1, description: "The customer's id with that provider." }),
});

/** The fields a create or update may send; `""` (or null) leaves a field unset. */
const writable = OptionalAll({
  name: NullableStr(256),
  email: NullableStr(512),
  address_line1: NullableStr(255),
  address_line2: NullableStr(255),
  address_city: NullableStr(100),
  address_state: NullableStr(100),
  address_postal_code: NullableStr(20),
  address_country: NullableStr(2, 'ISO 3166-1 alpha-2; upper-cased.'),
  metadata: Nullable(
    Type.Record(Type.String({ maxLength: 40 }), NullableStr(500), { maxProperties: 50, description: 'String values; an empty value is no key.' }),
  ),
  parent_customer_id: NullableStr(255, 'The parent by its id. Not with parent_customer_external_id.'),
  parent_customer_external_id: NullableStr(255, 'The parent by its external_id. Not with parent_customer_id.'),
  integration_entity_mapping: Nullable(Type.Array(Mapping, { maxItems: 10, description: "The customer's ids with payment providers (Clientele integrations)." })),
});

export const CreateCustomerBody = Strict({
  external_id: Type.Optional(Str(255, { minLength: 1, description: 'Your id for the customer: required (as FlexPrice requires it), here or as external_customer_id.' })),
  external_customer_id: Type.Optional(Str(255, { minLength: 1, description: "external_id as FlexPrice's customer guide spells it (seed 003)." })),
  ...writable,
  skip_onboarding_workflow: Type.Optional(Nullable(Type.Boolean({ description: 'Accepted; Clientele runs no onboarding workflow.' }))),
});

export const UpdateCustomerBody = Strict({
  external_id: Type.Optional(NullableStr(255, 'A new external_id; empty unsets it.')),
  ...writable,
});

export const UpdateCustomerQuery = Strict({
  id: Type.Optional(Str(255, { description: 'The customer to update, by id. Not with external_customer_id.' })),
  external_customer_id: Type.Optional(Str(255, { minLength: 1, description: 'The customer to update, by external_id. Not with id.' })),
});

export const CustomerIdParams = Strict({ id: Str(255) });
export const ExternalIdParams = Strict({ external_id: Str(255, { minLength: 1 }) });
export const NoQuery = Strict({});

const Ids = Type.Array(Str(255), { maxItems: 100 });

export const SearchBody = Strict({
  customer_ids: Type.Optional(Ids),
  external_ids: Type.Optional(Ids),
  parent_customer_ids: Type.Optional(Ids),
  external_id: Type.Optional(Str(255)),
  email: Type.Optional(Str(512, { description: 'Exact address.' })),
  start_time: Type.Optional(Str(40, { description: 'ISO 8601: created at or after.' })),
  end_time: Type.Optional(Str(40, { description: 'ISO 8601: created at or before.' })),
  status: Type.Optional(StringEnum(['published', 'archived', 'deleted'], { description: 'published (default): live customers; archived: deleted ones; deleted: none.' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Default 50.' })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: QUERY_WINDOW_MAX, description: `offset + limit at most ${QUERY_WINDOW_MAX}.` })),
  order: Type.Optional(StringEnum(['asc', 'desc'], { description: 'By created_at; default desc (newest first).' })),
  sort: Type.Optional(
    Type.Array(Strict({ field: Str(64), direction: Type.Optional(StringEnum(['asc', 'desc'])) }), {
      maxItems: 1,
      description: 'Only created_at can be sorted by.',
    }),
  ),
  expand: Type.Optional(Str(200, { description: 'Only parent_customer, which every response includes anyway.' })),
  filters: Type.Optional(
    Type.Array(Type.Object({}), { maxItems: 20, description: "FlexPrice's generic filter conditions: not supported (use the fields above); only an empty list is accepted." }),
  ),
});
