import { Type } from '@sinclair/typebox';
import { CONTACT_ROLES } from '../../../domain/contacts/contact.js';
import { listParams } from '../../wire/list.js';
import { ExpandParam, Metadata, MetadataParam, Nullable, NullableStr, OptionalAll, Str, Strict, StringEnum } from '../../wire/schema-kit.js';

const NullableString = Nullable(Type.String());
const Role = StringEnum([...CONTACT_ROLES]);

export const Contact = Type.Object(
  {
    id: Type.String({ description: '`ctc_` followed by 26 base62 characters (the creation time, then ~101 random bits).' }),
    object: Type.Literal('contact'),
    created: Type.Integer(),
    customer: Type.Union([Type.String(), Type.Ref('Customer')], { description: 'The owning customer, or the customer with expand[]=customer.' }),
    email: NullableString,
    livemode: Type.Boolean(),
    metadata: Metadata,
    name: NullableString,
    notes: NullableString,
    phone: Nullable(Type.String({ description: 'As given; a search by the same number in any formatting finds it.' })),
    receives_invoices: Type.Boolean({ description: "Copied on the customer's invoices." }),
    roles: Type.Array(Role, { description: 'A set, in the order billing, technical, primary, legal, other.' }),
    updated: Type.Integer(),
  },
  { $id: 'Contact' },
);

export const DeletedContact = Type.Object({ id: Type.String(), object: Type.Literal('contact'), deleted: Type.Literal(true) });

const writable = {
  name: NullableStr(256),
  email: NullableStr(512, 'Unique among the customer’s contacts, compared without case.'),
  phone: NullableStr(20),
  roles: Nullable(Type.Array(Role, { maxItems: 10, description: 'A set of billing, technical, primary, legal, other; empty to clear.' })),
  receives_invoices: Type.Boolean(),
  notes: Nullable(Type.String({ maxLength: 5000 })),
  metadata: MetadataParam,
};

export const CreateContactBody = Strict({ ...OptionalAll(writable), expand: Type.Optional(ExpandParam) });
export const UpdateContactBody = CreateContactBody;

export const CustomerParams = Strict({ id: Str(255) });
export const ContactParams = Strict({ id: Str(255), contact: Str(255) });
export const ExpandQuery = Strict({ expand: Type.Optional(ExpandParam) });

export const ListContactsQuery = Strict({
  limit: Type.Optional(listParams.limit),
  starting_after: Type.Optional(listParams.starting_after),
  ending_before: Type.Optional(listParams.ending_before),
  role: Type.Optional(StringEnum([...CONTACT_ROLES], { description: 'Only contacts holding this role.' })),
  expand: Type.Optional(ExpandParam),
});
