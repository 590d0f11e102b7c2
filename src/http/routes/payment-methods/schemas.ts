import { Type } from '@sinclair/typebox';
import { listParams } from '../../wire/list.js';
import { ExpandParam, Metadata, MetadataParam, Nullable, NullableStr, OptionalAll, Str, Strict, StringEnum } from '../../wire/schema-kit.js';

const NullableString = Nullable(Type.String());

const AddressObject = Type.Object({
  city: NullableString,
  country: NullableString,
  line1: NullableString,
  line2: NullableString,
  postal_code: NullableString,
  state: NullableString,
});

export const PaymentMethod = Type.Object(
  {
    id: Type.String({ description: '`pm_` followed by 26 base62 characters (the creation time, then ~101 random bits).' }),
    object: Type.Literal('payment_method'),
    billing_details: Type.Object({ address: AddressObject, email: NullableString, name: NullableString, phone: NullableString }),
    card: Nullable(
      Type.Object({
        brand: Type.String(),
        country: NullableString,
        display_brand: Type.String(),
        exp_month: Type.Integer(),
        exp_year: Type.Integer(),
        fingerprint: Nullable(Type.String({ description: 'Keyed per account: the same card gives the same value within an account only.' })),
        funding: Type.String(),
        last4: Type.String(),
      }),
    ),
    created: Type.Integer(),
    customer: Type.Union([Type.String(), Type.Ref('Customer'), Type.Null()], { description: 'The customer id, or the customer with expand[]=customer.' }),
    livemode: Type.Boolean(),
    metadata: Metadata,
    provider: Nullable(
      Type.Object(
        { name: Type.String(), reference: Type.String() },
        { description: 'For methods vaulted by a processor: its name and token (e.g. stripe / pm_123).' },
      ),
    ),
    type: Type.Literal('card'),
  },
  { $id: 'PaymentMethod' },
);

const AddressParam = Strict(
  OptionalAll({
    line1: NullableStr(255),
    line2: NullableStr(255),
    city: NullableStr(100),
    state: NullableStr(100),
    postal_code: NullableStr(20),
    country: NullableStr(2),
  }),
);

export const BillingDetailsParam = Strict(
  OptionalAll({
    address: Nullable(AddressParam),
    email: NullableStr(512),
    name: NullableStr(256),
    phone: NullableStr(20),
  }),
);

export const CreatePaymentMethodBody = Strict({
  type: StringEnum(['card'], { description: 'Only card is supported.' }),
  card: Type.Optional(
    Strict(
      OptionalAll({
        // Bounds are generous on purpose: a malformed number or CVC within them gets Stripe's 402
        // card error, and a schema error would quote the value back in its message.
        number: Str(64, { description: 'Checked, reduced to last4 + brand + a keyed fingerprint, never stored.' }),
        exp_month: Type.Integer({ description: '1–12' }),
        exp_year: Type.Integer(),
        cvc: Str(16, { description: 'Checked for shape (3 digits, 4 for amex), then discarded.' }),
        brand: Str(20, { description: 'Only with provider: the display brand.' }),
        last4: Str(4, { description: 'Only with provider: the last four digits.' }),
        funding: StringEnum(['credit', 'debit', 'prepaid', 'unknown']),
        country: NullableStr(2),
      }),
    ),
  ),
  provider: Type.Optional(
    Strict({ name: Str(48, { description: 'stripe, adyen, … or custom:<name>' }), reference: Str(255, { minLength: 1 }) }),
  ),
  billing_details: Type.Optional(BillingDetailsParam),
  metadata: Type.Optional(MetadataParam),
  expand: Type.Optional(ExpandParam),
});

export const UpdatePaymentMethodBody = Strict({
  billing_details: Type.Optional(BillingDetailsParam),
  card: Type.Optional(Strict(OptionalAll({ exp_month: Type.Integer(), exp_year: Type.Integer() }))),
  metadata: Type.Optional(MetadataParam),
  expand: Type.Optional(ExpandParam),
});

export const AttachBody = Strict({
  customer: Str(255, { description: 'The customer to attach to.' }),
  expand: Type.Optional(ExpandParam),
});

export const DetachBody = Strict({ expand: Type.Optional(ExpandParam) });
export const ExpandQuery = Strict({ expand: Type.Optional(ExpandParam) });

export const PaymentMethodIdParams = Strict({ id: Str(255) });
export const CustomerPaymentMethodParams = Strict({ id: Str(255), payment_method: Str(255) });

export const ListPaymentMethodsQuery = Strict({
  limit: Type.Optional(listParams.limit),
  starting_after: Type.Optional(listParams.starting_after),
  ending_before: Type.Optional(listParams.ending_before),
  customer: Type.Optional(Str(255)),
  type: Type.Optional(StringEnum(['card'])),
  expand: Type.Optional(ExpandParam),
});

export const ListCustomerPaymentMethodsQuery = Strict({
  limit: Type.Optional(listParams.limit),
  starting_after: Type.Optional(listParams.starting_after),
  ending_before: Type.Optional(listParams.ending_before),
  type: Type.Optional(StringEnum(['card'])),
  expand: Type.Optional(ExpandParam),
});
