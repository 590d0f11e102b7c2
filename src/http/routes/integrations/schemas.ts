import { Type } from '@sinclair/typebox';
import { listParams } from '../../wire/list.js';
import { ExpandParam, Metadata, MetadataParam, Str, Strict } from '../../wire/schema-kit.js';

export const Integration = Type.Object(
  {
    id: Type.String({ description: '`int_` followed by 26 base62 characters (the creation time, then ~101 random bits).' }),
    object: Type.Literal('integration'),
    created: Type.Integer(),
    customer: Type.Union([Type.String(), Type.Ref('Customer')], { description: 'The customer id, or the customer with expand[]=customer.' }),
    livemode: Type.Boolean(),
    metadata: Metadata,
    provider: Type.String(),
    provider_id: Type.String(),
  },
  { $id: 'Integration' },
);

export const DeletedIntegration = Type.Object({ id: Type.String(), object: Type.Literal('integration'), deleted: Type.Literal(true) });

export const CreateIntegrationBody = Strict({
  provider: Str(48, { description: 'stripe, razorpay, paypal, adyen, braintree, hubspot, salesforce, quickbooks, xero, netsuite or custom:<name>' }),
  provider_id: Str(255, { minLength: 1, description: "The customer's id in that system." }),
  metadata: Type.Optional(MetadataParam),
  expand: Type.Optional(ExpandParam),
});

export const CustomerParams = Strict({ id: Str(255) });
export const IntegrationParams = Strict({ id: Str(255), integration: Str(255) });
export const ProviderParams = Strict({ provider: Str(48), provider_id: Str(255, { minLength: 1 }) });

export const ListIntegrationsQuery = Strict({
  limit: Type.Optional(listParams.limit),
  starting_after: Type.Optional(listParams.starting_after),
  ending_before: Type.Optional(listParams.ending_before),
  expand: Type.Optional(ExpandParam),
});

export const LookupQuery = Strict({ expand: Type.Optional(ExpandParam) });
