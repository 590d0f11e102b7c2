import { Type } from '@sinclair/typebox';
import { listParams } from '../../wire/list.js';
import { ExpandParam, Metadata, MetadataParam, Nullable, NullableStr, Str, Strict, StringEnum } from '../../wire/schema-kit.js';
import { AddressObject, CustomerOrTombstone } from '../customers/schemas.js';

const NullableString = Nullable(Type.String());
const NullableInteger = Nullable(Type.Integer());
const STATUSES = ['draft', 'open', 'paid', 'void', 'uncollectible'];

export const LineItem = Type.Object(
  {
    id: Type.String({ description: '`il_` followed by 26 base62 characters (the creation time, then ~101 random bits).' }),
    object: Type.Literal('line_item'),
    amount: Type.Integer({ description: 'quantity × unit_amount.' }),
    currency: Type.String(),
    description: NullableString,
    quantity: Type.Integer(),
    unit_amount: Type.Integer(),
  },
  { $id: 'LineItem' },
);

export const Invoice = Type.Object(
  {
    id: Type.String({ description: '`in_` followed by 26 base62 characters (the creation time, then ~101 random bits).' }),
    object: Type.Literal('invoice'),
    amount_due: Type.Integer(),
    amount_paid: Type.Integer(),
    amount_remaining: Type.Integer({ description: 'amount_due − amount_paid; 0 once void.' }),
    charge: Type.Union([Type.String(), Type.Ref('Charge'), Type.Null()], { description: 'The charge that paid it, when the payment named one.' }),
    created: Type.Integer(),
    currency: Type.String(),
    customer: Type.Union([Type.String(), CustomerOrTombstone]),
    customer_address: Nullable(AddressObject),
    customer_email: NullableString,
    customer_name: NullableString,
    description: NullableString,
    due_date: NullableInteger,
    lines: Type.Object({
      object: Type.Literal('list'),
      url: Type.String(),
      has_more: Type.Boolean(),
      data: Type.Array(Type.Ref('LineItem')),
    }),
    livemode: Type.Boolean(),
    metadata: Metadata,
    number: Nullable(Type.String({ description: 'Given at finalisation: invoice_prefix-NNNN from the customer.' })),
    paid: Type.Boolean(),
    paid_out_of_band: Type.Boolean(),
    status: StringEnum(STATUSES),
    status_transitions: Type.Object({
      finalized_at: NullableInteger,
      marked_uncollectible_at: NullableInteger,
      paid_at: NullableInteger,
      voided_at: NullableInteger,
    }),
    subtotal: Type.Integer(),
    total: Type.Integer(),
    updated: Type.Integer(),
  },
  { $id: 'Invoice' },
);

export const DeletedInvoice = Type.Object(
  { id: Type.String(), object: Type.Literal('invoice'), deleted: Type.Literal(true) },
  { $id: 'DeletedInvoice' },
);

const LineParam = Strict({
  description: Type.Optional(NullableStr(500)),
  quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 99_999_999, description: 'Default 1.' })),
  unit_amount: Type.Integer({ minimum: 0, maximum: 99_999_999, description: 'Minor units.' }),
});

const Lines = Type.Array(LineParam, { maxItems: 250, description: 'At most 250 lines.' });

export const CreateInvoiceBody = Strict({
  customer: Str(255),
  currency: Type.Optional(Str(3, { minLength: 3, description: "ISO 4217; defaults to the customer's currency." })),
  description: Type.Optional(Nullable(Type.String({ maxLength: 5000 }))),
  due_date: Type.Optional(Nullable(Type.Integer({ minimum: 0, description: 'Unix seconds.' }))),
  lines: Type.Optional(Lines),
  metadata: Type.Optional(MetadataParam),
  expand: Type.Optional(ExpandParam),
});

export const UpdateInvoiceBody = Strict({
  currency: Type.Optional(Str(3, { minLength: 3, description: 'Drafts only.' })),
  description: Type.Optional(Nullable(Type.String({ maxLength: 5000 }))),
  due_date: Type.Optional(Nullable(Type.Integer({ minimum: 0, description: 'Drafts only.' }))),
  lines: Type.Optional(Type.Array(LineParam, { maxItems: 250, description: 'Drafts only: replaces every line.' })),
  metadata: Type.Optional(MetadataParam),
  expand: Type.Optional(ExpandParam),
});

export const TransitionBody = Strict({ expand: Type.Optional(ExpandParam) });

export const PayInvoiceBody = Strict({
  paid_out_of_band: Type.Optional(Type.Boolean({ description: 'Always true in effect: Clientele records payments made elsewhere.' })),
  charge: Type.Optional(Str(255, { description: "The customer's succeeded charge that paid it." })),
  expand: Type.Optional(ExpandParam),
});

export const InvoiceIdParams = Strict({ id: Str(255) });
export const InvoiceExpandQuery = Strict({ expand: Type.Optional(ExpandParam) });

export const ListInvoicesQuery = Strict({
  limit: Type.Optional(listParams.limit),
  starting_after: Type.Optional(listParams.starting_after),
  ending_before: Type.Optional(listParams.ending_before),
  created: Type.Optional(listParams.created),
  customer: Type.Optional(Str(255)),
  include_descendants: Type.Optional(Type.Boolean({ description: "With customer: the invoices of the customer's whole tree." })),
  status: Type.Optional(StringEnum(STATUSES)),
  expand: Type.Optional(ExpandParam),
});

export const ListLinesQuery = Strict({
  limit: Type.Optional(listParams.limit),
  starting_after: Type.Optional(listParams.starting_after),
  ending_before: Type.Optional(listParams.ending_before),
});
