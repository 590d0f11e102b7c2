import { Type } from '@sinclair/typebox';
import { listParams } from '../../wire/list.js';
import { Nullable, NullableStr, OptionalAll, Str, Strict } from '../../wire/schema-kit.js';

/**
 * LuniPay's customer object and endpoints as seed 004 documents them (SPEC D-2): first, last
 * and company name, notes, up to 20 metadata keys, and the Stripe customer id it is mapped to.
 */

/** LuniPay's documented limit (Clientele's own is 50). */
export const LUNIPAY_METADATA_MAX_KEYS = 20;

const NullableString = Nullable(Type.String());

export const LuniPayCustomer = Type.Object(
  {
    id: Type.String({ description: "Clientele's customer id (`cus_…`), the same through every API." }),
    object: Type.Literal('customer'),
    livemode: Type.Boolean(),
    email: NullableString,
    first_name: NullableString,
    last_name: NullableString,
    phone: NullableString,
    company_name: Nullable(Type.String({ description: "Clientele's business_name." })),
    notes: Nullable(Type.String({ description: 'Internal notes; never shown to the customer.' })),
    metadata: Type.Record(Type.String(), Type.String()),
    stripe_customer_id: Nullable(
      Type.String({ description: "The customer's `stripe` integration (the earliest, if several). Read-only here: set it with POST /v1/customers/{id}/integrations." }),
    ),
    created: Type.Integer({ description: 'Unix time (seconds).' }),
    updated: Type.Integer({ description: 'Unix time of the last change.' }),
  },
  { $id: 'LuniPayCustomer' },
);

export const DeletedLuniPayCustomer = Type.Object({ id: Type.String(), object: Type.Literal('customer'), deleted: Type.Literal(true) });

const LuniPayMetadataParam = Nullable(
  Type.Record(Type.String({ maxLength: 40 }), NullableStr(500), {
    maxProperties: LUNIPAY_METADATA_MAX_KEYS,
    description: `Up to ${LUNIPAY_METADATA_MAX_KEYS} keys. Merged into existing metadata; an empty value removes a key, \`metadata=\` clears all.`,
  }),
);

/** The writable fields; stripe_customer_id is accepted only with the value it already has. */
const writable = OptionalAll({
  first_name: NullableStr(150),
  last_name: NullableStr(150),
  phone: NullableStr(20),
  company_name: NullableStr(150),
  notes: Nullable(Type.String({ maxLength: 10000 })),
  metadata: LuniPayMetadataParam,
  stripe_customer_id: NullableStr(255, 'Read-only: sending it is accepted only when it equals the current value (null for a new customer).'),
});

export const CreateCustomerBody = Strict({
  email: Str(512, { minLength: 1, description: 'Required: receipts and portal magic links go to it.' }),
  ...writable,
});

export const UpdateCustomerBody = Strict({
  email: Type.Optional(Str(512, { minLength: 1 })),
  ...writable,
});

export const CustomerIdParams = Strict({ id: Str(255) });
export const NoQuery = Strict({});

export const ListCustomersQuery = Strict({
  limit: Type.Optional(listParams.limit),
  starting_after: Type.Optional(listParams.starting_after),
  ending_before: Type.Optional(listParams.ending_before),
});

export const LuniPayCustomerList = Type.Object({
  object: Type.Literal('list'),
  url: Type.String({ examples: ['/lunipay/v1/customers'] }),
  has_more: Type.Boolean(),
  data: Type.Array(Type.Ref(LuniPayCustomer)),
});
