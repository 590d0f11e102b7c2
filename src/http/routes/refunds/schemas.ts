import { Type } from '@sinclair/typebox';
import { listParams } from '../../wire/list.js';
import { ExpandParam, Metadata, MetadataParam, Nullable, Str, Strict, StringEnum } from '../../wire/schema-kit.js';

const REASONS = ['duplicate', 'fraudulent', 'requested_by_customer'];

export const Refund = Type.Object(
  {
    id: Type.String({ description: '`re_` followed by 26 base62 characters (the creation time, then ~101 random bits).' }),
    object: Type.Literal('refund'),
    amount: Type.Integer(),
    balance_transaction: Type.Null(),
    charge: Type.Union([Type.String(), Type.Ref('Charge')], { description: 'The charge id, or the charge with expand[]=charge.' }),
    created: Type.Integer(),
    currency: Type.String(),
    livemode: Type.Boolean(),
    metadata: Metadata,
    payment_intent: Type.Null(),
    reason: Nullable(StringEnum(REASONS)),
    receipt_number: Type.Null(),
    status: Type.Literal('succeeded'),
    customer: Type.String({ description: "The charge's customer." }),
    updated: Type.Integer(),
  },
  { $id: 'Refund' },
);

export const CreateRefundBody = Strict({
  charge: Str(255),
  amount: Type.Optional(Type.Integer({ description: 'Minor units; defaults to what is left to refund.' })),
  reason: Type.Optional(Nullable(StringEnum(REASONS))),
  metadata: Type.Optional(MetadataParam),
  expand: Type.Optional(ExpandParam),
});

export const UpdateRefundBody = Strict({ metadata: Type.Optional(MetadataParam), expand: Type.Optional(ExpandParam) });

export const RefundIdParams = Strict({ id: Str(255) });
export const RefundExpandQuery = Strict({ expand: Type.Optional(ExpandParam) });

export const ListRefundsQuery = Strict({
  limit: Type.Optional(listParams.limit),
  starting_after: Type.Optional(listParams.starting_after),
  ending_before: Type.Optional(listParams.ending_before),
  created: Type.Optional(listParams.created),
  charge: Type.Optional(Str(255, { description: "This charge's refunds." })),
  expand: Type.Optional(ExpandParam),
});
