import { Type, type TSchema } from '@sinclair/typebox';
import {
  ExpandParam,
  Metadata,
  MetadataParam,
  Nullable,
  NullableStr,
  OptionalAll,
  Str,
  Strict,
  StringEnum,
} from '../../wire/schema-kit.js';
import { listParams } from '../../wire/list.js';
import { TaxIdData } from '../tax-ids/schemas.js';

const NullableString = Nullable(Type.String());

export const AddressObject = Type.Object({
  city: NullableString,
  country: NullableString,
  line1: NullableString,
  line2: NullableString,
  postal_code: NullableString,
  state: NullableString,
});

/** Fields every customer has (SPEC C-1); owned resources add their includable fields. */
const customerFields = {
  id: Type.String({ description: '`cus_` followed by 26 base62 characters (the creation time, then ~101 random bits).' }),
  object: Type.Literal('customer'),
  address: Nullable(AddressObject),
  balance: Type.Integer(),
  business_name: NullableString,
  created: Type.Integer({ description: 'Unix time (seconds).' }),
  currency: NullableString,
  default_source: Type.Null(),
  delinquent: Type.Boolean(),
  description: NullableString,
  discount: Type.Null(),
  email: NullableString,
  individual_name: NullableString,
  invoice_prefix: NullableString,
  invoice_settings: Type.Object({
    custom_fields: Nullable(Type.Array(Type.Object({ name: Type.String(), value: Type.String() }))),
    default_payment_method: Type.Union([Type.String(), Type.Ref('PaymentMethod'), Type.Null()], {
      description: 'A payment method id, or the object with expand[]=invoice_settings.default_payment_method.',
    }),
    footer: NullableString,
    rendering_options: Nullable(Type.Object({ amount_tax_display: NullableString, template: NullableString })),
  }),
  livemode: Type.Boolean(),
  metadata: Metadata,
  name: NullableString,
  next_invoice_sequence: Type.Integer(),
  phone: NullableString,
  preferred_locales: Type.Array(Type.String()),
  shipping: Nullable(Type.Object({ address: AddressObject, name: Type.String(), phone: NullableString })),
  tax_exempt: StringEnum(['none', 'exempt', 'reverse']),
  test_clock: Type.Null(),
  external_id: Nullable(Type.String({ description: "The merchant's own id for this customer." })),
  first_name: NullableString,
  last_name: NullableString,
  notes: Nullable(Type.String({ description: 'Internal notes; never shown to the customer.' })),
  parent: Type.Union([Type.String(), Type.Ref('Customer'), Type.Null()], {
    description: 'Parent customer id, or the parent object with expand[]=parent.',
  }),
  updated: Type.Integer({ description: 'Unix time of the last change.' }),
  created_by: Nullable(Type.String({ description: 'Id (`key_…`) of the API key that created the customer.' })),
  updated_by: Nullable(Type.String({ description: 'Id (`key_…`) of the API key that made the last change.' })),
  children_count: Type.Optional(Type.Integer({ description: 'Live direct children; only with expand[]=children_count.' })),
  merged_from: Type.Optional(
    Type.Array(Type.String(), { description: 'Ids of the customers merged into this one, oldest first; only once it absorbed one (docs/merging.md).' }),
  ),
};

/** An includable list field of a customer (`tax_ids`), present only when expanded. */
export function IncludedList(itemRef: string, expandName: string) {
  return Type.Optional(
    Type.Object(
      { object: Type.Literal('list'), url: Type.String(), has_more: Type.Boolean(), data: Type.Array(Type.Ref(itemRef)) },
      { description: `Only with expand[]=${expandName}.` },
    ),
  );
}

/** The customer object, with the includable fields each owned resource adds. */
export function customerSchema(includes: Record<string, TSchema>) {
  return Type.Object({ ...customerFields, ...includes }, { $id: 'Customer' });
}

export const DeletedCustomer = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('customer'),
    deleted: Type.Literal(true),
    merged_into: Type.Optional(Type.String({ description: 'The customer this one was merged into (docs/merging.md).' })),
  },
  { $id: 'DeletedCustomer' },
);

/**
 * A customer or, once deleted, its tombstone. Written as if/then/else rather than anyOf so the
 * response serialiser picks the branch with one cheap check instead of validating the whole
 * object against each alternative.
 */
export const CustomerOrTombstone = Type.Unsafe<unknown>({
  if: { type: 'object', properties: { deleted: { const: true } }, required: ['deleted'] },
  then: { $ref: 'DeletedCustomer' },
  else: { $ref: 'Customer' },
  description: 'The customer, or `{id, object, deleted: true}` once it has been deleted.',
});

export const AddressParam = Strict(
  OptionalAll({
    line1: NullableStr(255),
    line2: NullableStr(255),
    city: NullableStr(100),
    state: NullableStr(100),
    postal_code: NullableStr(20),
    country: NullableStr(2, 'ISO 3166-1 alpha-2 code; upper-cased.'),
  }),
);

/** Fields a create or update may set (SPEC C-1, C-3). */
const writableFields = {
  address: Nullable(AddressParam),
  balance: Type.Integer({ minimum: -1e12, maximum: 1e12 }),
  business_name: NullableStr(150),
  description: Nullable(Type.String({ maxLength: 5000 })),
  email: NullableStr(512),
  external_id: NullableStr(255, "Your own id for the customer; unique per account and mode among live customers."),
  first_name: NullableStr(150),
  individual_name: NullableStr(150),
  invoice_prefix: NullableStr(12, '3–12 upper-case letters or digits, unique per account.'),
  invoice_settings: Strict(OptionalAll({
    custom_fields: Nullable(
      Type.Array(Strict({ name: Str(40), value: Str(140) }), { maxItems: 4 }),
    ),
    default_payment_method: NullableStr(255),
    footer: NullableStr(5000),
    rendering_options: Nullable(
      Strict(
        OptionalAll({
          amount_tax_display: Nullable(StringEnum(['exclude_tax', 'include_inclusive_tax'])),
          template: NullableStr(255),
        }),
      ),
    ),
  })),
  last_name: NullableStr(150),
  metadata: MetadataParam,
  name: NullableStr(256),
  next_invoice_sequence: Type.Integer({ minimum: 1, maximum: 1e12 }),
  notes: Nullable(Type.String({ maxLength: 10000 })),
  phone: NullableStr(20),
  preferred_locales: Nullable(Type.Array(Str(35), { maxItems: 10 })),
  shipping: Nullable(
    Strict({
      address: AddressParam,
      name: Str(256),
      phone: Type.Optional(NullableStr(20)),
    }),
  ),
  tax_exempt: Nullable(StringEnum(['none', 'exempt', 'reverse'])),
  parent: NullableStr(255, 'Parent customer id; empty to detach. Not with parent_external_id.'),
  parent_external_id: NullableStr(255, 'Parent by its external_id; empty to detach. Not with parent.'),
};

export const CreateCustomerBody = Strict({
  ...OptionalAll(writableFields),
  payment_method: Type.Optional(Str(255, { description: 'A payment method to attach at creation.' })),
  tax_id_data: Type.Optional(Type.Array(TaxIdData, { maxItems: 25, description: 'Tax ids to add at creation.' })),
  expand: Type.Optional(ExpandParam),
});

export const UpdateCustomerBody = Strict({ ...OptionalAll(writableFields), expand: Type.Optional(ExpandParam) });

const { external_id: _externalId, ...upsertFields } = writableFields;
/** The find-or-create body: external_id comes from the path. */
export const UpsertCustomerBody = Strict({ ...OptionalAll(upsertFields), expand: Type.Optional(ExpandParam) });

export const ExpandQuery = Strict({ expand: Type.Optional(ExpandParam) });

export const ListCustomersQuery = Strict({
  limit: Type.Optional(listParams.limit),
  starting_after: Type.Optional(listParams.starting_after),
  ending_before: Type.Optional(listParams.ending_before),
  created: Type.Optional(listParams.created),
  email: Type.Optional(Type.String({ maxLength: 512, description: 'Exact (case-sensitive) email.' })),
  external_id: Type.Optional(Type.String({ maxLength: 255 })),
  parent: Type.Optional(Type.String({ maxLength: 255, description: 'Direct children of this customer.' })),
  contact_email: Type.Optional(Type.String({ maxLength: 512, description: 'Customers with a contact holding this email (compared without case).' })),
  metadata: Type.Optional(
    Type.Record(Type.String({ maxLength: 40 }), Type.String({ maxLength: 500 }), {
      maxProperties: 10,
      description: 'metadata[key]=value filters; all must match.',
    }),
  ),
  expand: Type.Optional(ExpandParam),
});

export const CustomerIdParams = Strict({ id: Type.String({ maxLength: 255 }) });
export const ExternalIdParams = Strict({ external_id: Type.String({ maxLength: 255, minLength: 1 }) });

export const ListChildrenQuery = Strict({
  limit: Type.Optional(listParams.limit),
  starting_after: Type.Optional(listParams.starting_after),
  ending_before: Type.Optional(listParams.ending_before),
  created: Type.Optional(listParams.created),
  expand: Type.Optional(ExpandParam),
});

/** SPEC C-8: the export document, with each owned resource's objects under its export key. */
export function customerExportSchema(owned: Record<string, TSchema>) {
  return Type.Object(
    {
      object: Type.Literal('customer_export'),
      exported_at: Type.Integer(),
      customer: CustomerOrTombstone,
      ...owned,
      children: Type.Array(Type.String(), { description: 'Ids of live direct children.' }),
      events: Type.Array(Type.Ref('Event'), { description: 'Events about the customer, newest first (kept for the event retention period).' }),
    },
    { description: 'Everything Clientele holds about one customer (SPEC C-8).' },
  );
}
