import { Type } from '@sinclair/typebox';
import { listParams } from '../../wire/list.js';
import { ExpandParam, Metadata, MetadataParam, Nullable, NullableStr, Str, Strict, StringEnum } from '../../wire/schema-kit.js';
import { AddressObject, CustomerOrTombstone, IncludedList } from '../customers/schemas.js';
import { BillingDetailsParam } from '../payment-methods/schemas.js';

const NullableString = Nullable(Type.String());
export const CHARGE_STATUS = StringEnum(['succeeded', 'pending', 'failed']);

export const Provider = Type.Object(
  { name: Type.String(), reference: Type.String() },
  { description: "The processor and its own id for the object (e.g. stripe / ch_3Q…); unique per account, mode and processor." },
);

export const Charge = Type.Object(
  {
    id: Type.String({ description: '`ch_` followed by 26 base62 characters (the creation time, then ~101 random bits).' }),
    object: Type.Literal('charge'),
    amount: Type.Integer({ description: "In the currency's minor unit (cents; yen for jpy)." }),
    amount_captured: Type.Integer({ description: 'The amount when succeeded, else 0.' }),
    amount_refunded: Type.Integer(),
    balance_transaction: Type.Null({ description: 'Clientele moves no money: always null.' }),
    billing_details: Type.Object({ address: AddressObject, email: NullableString, name: NullableString, phone: NullableString }),
    captured: Type.Boolean(),
    created: Type.Integer(),
    currency: Type.String({ description: 'ISO 4217, lower-case.' }),
    customer: Type.Union([Type.String(), CustomerOrTombstone], { description: 'The customer id, or the customer with expand[]=customer.' }),
    description: NullableString,
    failure_code: NullableString,
    failure_message: NullableString,
    invoice: Type.Union([Type.String(), Type.Ref('Invoice'), Type.Null()], { description: 'The invoice this charge paid, once one was paid with it.' }),
    livemode: Type.Boolean(),
    metadata: Metadata,
    paid: Type.Boolean(),
    payment_intent: Type.Null(),
    payment_method: Type.Union([Type.String(), Type.Ref('PaymentMethod'), Type.Null()]),
    receipt_email: NullableString,
    refunded: Type.Boolean({ description: 'True once the whole amount has been refunded.' }),
    statement_descriptor: NullableString,
    status: CHARGE_STATUS,
    occurred_at: Type.Integer({ description: 'When the processor says the charge happened (unix seconds); defaults to created.' }),
    provider: Nullable(Provider),
    updated: Type.Integer(),
    refunds: IncludedList('Refund', 'refunds'),
  },
  { $id: 'Charge' },
);

const AMOUNT = Type.Integer({ description: "Minor units of the currency, 1–99,999,999 (e.g. 1000 is 10.00 usd, 1000 jpy is ¥1,000)." });

export const CreateChargeBody = Strict({
  amount: AMOUNT,
  currency: Str(3, { minLength: 3, description: 'ISO 4217 code (case-insensitive; stored lower-case).' }),
  customer: Str(255),
  payment_method: Type.Optional(NullableStr(255, "One of the customer's payment methods.")),
  status: Type.Optional(StringEnum(['succeeded', 'pending', 'failed'], { description: 'Default succeeded.' })),
  description: Type.Optional(Nullable(Type.String({ maxLength: 5000 }))),
  receipt_email: Type.Optional(NullableStr(512)),
  billing_details: Type.Optional(BillingDetailsParam),
  failure_code: Type.Optional(NullableStr(100, 'Only on a failed charge.')),
  failure_message: Type.Optional(NullableStr(1000, 'Only on a failed charge.')),
  statement_descriptor: Type.Optional(NullableStr(22)),
  metadata: Type.Optional(MetadataParam),
  provider: Type.Optional(Strict({ name: Str(64), reference: Str(255, { minLength: 1 }) })),
  occurred_at: Type.Optional(Type.Integer({ minimum: 0, description: 'Unix seconds; at most a day ahead of the server.' })),
  expand: Type.Optional(ExpandParam),
});

export const UpdateChargeBody = Strict({
  status: Type.Optional(StringEnum(['succeeded', 'pending', 'failed'], { description: 'A pending charge may become succeeded or failed.' })),
  description: Type.Optional(Nullable(Type.String({ maxLength: 5000 }))),
  receipt_email: Type.Optional(NullableStr(512)),
  billing_details: Type.Optional(BillingDetailsParam),
  failure_code: Type.Optional(NullableStr(100)),
  failure_message: Type.Optional(NullableStr(1000)),
  metadata: Type.Optional(MetadataParam),
  expand: Type.Optional(ExpandParam),
});

export const ChargeIdParams = Strict({ id: Str(255) });
export const ExpandOnlyQuery = Strict({ expand: Type.Optional(ExpandParam) });

export const ListChargesQuery = Strict({
  limit: Type.Optional(listParams.limit),
  starting_after: Type.Optional(listParams.starting_after),
  ending_before: Type.Optional(listParams.ending_before),
  created: Type.Optional(listParams.created),
  customer: Type.Optional(Str(255, { description: "This customer's charges." })),
  include_descendants: Type.Optional(Type.Boolean({ description: "With customer: the charges of the customer's whole tree." })),
  status: Type.Optional(CHARGE_STATUS),
  provider: Type.Optional(Str(64, { description: "With provider_reference: the charge with this processor's id." })),
  provider_reference: Type.Optional(Str(255)),
  expand: Type.Optional(ExpandParam),
});

const Figures = {
  invoice_count: Type.Integer({ description: 'Invoices not deleted, drafts included.' }),
  charge_count: Type.Integer({ description: 'Charges of every status.' }),
  total_spent: Type.Record(Type.String(), Type.Integer(), { description: 'By currency: succeeded charges net of refunds, in minor units.' }),
  open_invoice_amount: Type.Record(Type.String(), Type.Integer(), { description: 'By currency: amount_remaining of open invoices.' }),
};

/** The customer's `stats` (SPEC S-2, H-4), added to the customer by expand[]=stats. */
export const StatsInclude = Type.Optional(
  Type.Object(
    { ...Figures, tree: Type.Object(Figures, { description: 'The same over the customer and all its descendants.' }) },
    { description: 'Only with expand[]=stats. Amounts list the currencies whose amount is not zero.' },
  ),
);
