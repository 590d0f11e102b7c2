import { Type } from '@sinclair/typebox';
import { listParams } from '../../wire/list.js';
import { ExpandParam, Nullable, Str, Strict } from '../../wire/schema-kit.js';

export const TaxId = Type.Object(
  {
    id: Type.String({ description: '`txi_` followed by 26 base62 characters (the creation time, then ~101 random bits).' }),
    object: Type.Literal('tax_id'),
    country: Nullable(Type.String()),
    created: Type.Integer(),
    customer: Type.Union([Type.String(), Type.Ref('Customer')], { description: 'The owning customer, or the customer with expand[]=customer.' }),
    livemode: Type.Boolean(),
    owner: Type.Object(
      {
        customer: Type.Union([Type.String(), Type.Ref('Customer')], { description: 'The customer, or the object with expand[]=owner.customer.' }),
        type: Type.Literal('customer'),
      },
      { description: "Stripe's owner: always a customer here." },
    ),
    type: Type.String(),
    value: Type.String({ description: 'Normalised (upper case, separators removed where the format has none).' }),
    verification: Type.Object({
      status: Type.String({ description: 'Always `unverified`: no network check is made.' }),
      verified_address: Type.Null(),
      verified_name: Type.Null(),
    }),
  },
  { $id: 'TaxId' },
);

export const DeletedTaxId = Type.Object(
  { id: Type.String(), object: Type.Literal('tax_id'), deleted: Type.Literal(true) },
  { $id: 'DeletedTaxId' },
);

export const TaxIdData = Strict({ type: Str(32), value: Str(64, { minLength: 1 }) });

export const CreateTaxIdBody = Strict({ type: Str(32), value: Str(64, { minLength: 1 }), expand: Type.Optional(ExpandParam) });

export const TaxIdParams = Strict({ id: Str(255), tax_id: Str(255) });
export const CustomerParams = Strict({ id: Str(255) });
export const TaxIdOnlyParams = Strict({ id: Str(255) });
export const ExpandQuery = Strict({ expand: Type.Optional(ExpandParam) });

const pageParams = {
  limit: Type.Optional(listParams.limit),
  starting_after: Type.Optional(listParams.starting_after),
  ending_before: Type.Optional(listParams.ending_before),
  expand: Type.Optional(ExpandParam),
};

export const ListTaxIdsQuery = Strict(pageParams);

/** Stripe's owner: here always a customer (Clientele has no account or application owners). */
const Owner = Strict({
  type: Str(32, { description: 'Only `customer`.' }),
  customer: Type.Optional(Str(255)),
});

export const CreateTopLevelTaxIdBody = Strict({
  type: Str(32),
  value: Str(64, { minLength: 1 }),
  owner: Owner,
  expand: Type.Optional(ExpandParam),
});

export const ListTopLevelTaxIdsQuery = Strict({ ...pageParams, owner: Type.Optional(Owner) });
