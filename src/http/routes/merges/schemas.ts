import { Type } from '@sinclair/typebox';
import { ExpandParam, Strict, StringEnum } from '../../wire/schema-kit.js';

/** One customer merged into another, as the survivor's export lists it (docs/merging.md). */
export const CustomerMerge = Type.Object(
  {
    object: Type.Literal('customer_merge'),
    source: Type.String({ description: 'The absorbed customer (a tombstone now, with merged_into).' }),
    target: Type.String({ description: 'The survivor.' }),
    created: Type.Integer({ description: 'Unix time of the merge.' }),
    moved: Type.Record(Type.String(), Type.Array(Type.String()), { description: 'Ids of what moved, by export key (payment_methods, charges, children, …).' }),
  },
  { $id: 'CustomerMerge' },
);

export const MergeCustomerBody = Strict({
  source: Type.String({ maxLength: 255, minLength: 1, description: 'The customer to absorb (`cus_…`); it becomes a tombstone with merged_into.' }),
  prefer: Type.Optional(StringEnum(['target', 'source'], { description: "Whose non-null fields win (default target's); the other side fills nulls." })),
  external_id: Type.Optional(
    StringEnum(['target', 'source'], { description: 'Which external_id survives when both have one (required then); the other becomes an alias.' }),
  ),
  source_if_match: Type.Optional(Type.String({ maxLength: 1000, description: "ETag(s) the source's current version must match (as If-Match for the target)." })),
  expand: Type.Optional(ExpandParam),
});

export const MergeParams = Strict({ id: Type.String({ maxLength: 255 }) });
