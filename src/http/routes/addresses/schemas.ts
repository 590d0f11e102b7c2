import { Type } from '@sinclair/typebox';
import { ADDRESS_DEFAULTS } from '../../../domain/addresses/address.js';
import { listParams } from '../../wire/list.js';
import { ExpandParam, Metadata, MetadataParam, Nullable, NullableStr, OptionalAll, Str, Strict, StringEnum } from '../../wire/schema-kit.js';
import { AddressObject, AddressParam } from '../customers/schemas.js';

const NullableString = Nullable(Type.String());
const Default = StringEnum([...ADDRESS_DEFAULTS]);

export const CustomerAddress = Type.Object(
  {
    id: Type.String({ description: '`addr_` followed by 26 base62 characters (the creation time, then ~101 random bits).' }),
    object: Type.Literal('address'),
    address: AddressObject,
    created: Type.Integer(),
    customer: Type.Union([Type.String(), Type.Ref('Customer')], { description: 'The owning customer, or the customer with expand[]=customer.' }),
    default_for: Type.Array(Default, {
      description: "`billing`: this is the customer's `address`; `shipping`: this is its `shipping`. One entry per role at most.",
    }),
    label: NullableString,
    livemode: Type.Boolean(),
    metadata: Metadata,
    name: NullableString,
    phone: NullableString,
    updated: Type.Integer(),
  },
  { $id: 'CustomerAddress' },
);

export const DeletedCustomerAddress = Type.Object({ id: Type.String(), object: Type.Literal('address'), deleted: Type.Literal(true) });

const writable = {
  label: NullableStr(100, 'Your name for the entry: "HQ", "Warehouse 2".'),
  name: NullableStr(256, 'Who receives there; required while the entry is the default for shipping.'),
  phone: NullableStr(20),
  default_for: Nullable(
    Type.Array(Default, {
      maxItems: 2,
      description: 'billing and/or shipping: the entry becomes the customer’s address / shipping (and the entry that was, stops being); empty to clear.',
    }),
  ),
  metadata: MetadataParam,
};

export const CreateAddressBody = Strict({
  ...OptionalAll(writable),
  address: AddressParam,
  expand: Type.Optional(ExpandParam),
});

export const UpdateAddressBody = Strict({
  ...OptionalAll(writable),
  address: Type.Optional(AddressParam),
  expand: Type.Optional(ExpandParam),
});

export const CustomerParams = Strict({ id: Str(255) });
export const AddressParams = Strict({ id: Str(255), address: Str(255) });
export const ExpandQuery = Strict({ expand: Type.Optional(ExpandParam) });

export const ListAddressesQuery = Strict({
  limit: Type.Optional(listParams.limit),
  starting_after: Type.Optional(listParams.starting_after),
  ending_before: Type.Optional(listParams.ending_before),
  expand: Type.Optional(ExpandParam),
});
