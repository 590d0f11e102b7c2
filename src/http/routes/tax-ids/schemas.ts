import { Type } from '@sinclair/typebox';
import { listParams } from '../../wire/list.js';
import { ExpandParam, Nullable, Str, Strict } from '../../wire/schema-kit.js';

export const TaxId = Type.Object(
  {
    id: Type.String({ description: '`txi_` followed by 24 random base62 characters.' }),
    object: Type.Literal('tax_id'),
    country: Nullable(Type.String()),
    created: Type.Integer(),
    customer: Type.String(),
    livemode: Type.Boolean(),
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

export const ListTaxIdsQuery = Strict({
  limit: Type.Optional(listParams.limit),
  starting_after: Type.Optional(listParams.starting_after),
  ending_before: Type.Optional(listParams.ending_before),
  expand: Type.Optional(ExpandParam),
});
