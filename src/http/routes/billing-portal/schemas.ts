import { Type } from '@sinclair/typebox';
import { ALLOWED_UPDATES } from '../../../domain/billing-portal/portal.js';
import { PORTAL_LOCALES } from '../../../domain/billing-portal/portal-session-service.js';
import { listParams } from '../../wire/list.js';
import { ExpandParam, Metadata, MetadataParam, Nullable, NullableStr, Str, StringEnum, Strict } from '../../wire/schema-kit.js';

const Enabled = Type.Object({ enabled: Type.Boolean() });

export const PortalConfiguration = Type.Object(
  {
    id: Type.String({ description: '`bpc_` followed by 26 base62 characters (the creation time, then ~101 random bits).' }),
    object: Type.Literal('billing_portal.configuration'),
    active: Type.Boolean(),
    application: Type.Null(),
    business_profile: Type.Object({
      headline: Nullable(Type.String()),
      privacy_policy_url: Nullable(Type.String()),
      terms_of_service_url: Nullable(Type.String()),
    }),
    created: Type.Integer(),
    default_return_url: Nullable(Type.String()),
    features: Type.Object({
      customer_update: Type.Object({ enabled: Type.Boolean(), allowed_updates: Type.Array(StringEnum([...ALLOWED_UPDATES])) }),
      invoice_history: Enabled,
      payment_method_update: Enabled,
    }),
    is_default: Type.Boolean({ description: 'The configuration sessions use when they name none; one per account and mode.' }),
    livemode: Type.Boolean(),
    login_page: Type.Object({
      enabled: Type.Boolean({ description: 'Whether customers can ask for a portal link by email on the sign-in page.' }),
      url: Nullable(Type.String({ description: 'The shareable sign-in page (`<PUBLIC_URL>/portal/login/…`) while enabled; null otherwise.' })),
    }),
    metadata: Metadata,
    name: Nullable(Type.String()),
    updated: Type.Integer(),
  },
  { $id: 'BillingPortalConfiguration' },
);

export const PortalSession = Type.Object(
  {
    id: Type.String({ description: '`bps_` followed by 26 base62 characters (the creation time, then ~101 random bits).' }),
    object: Type.Literal('billing_portal.session'),
    configuration: Type.String(),
    created: Type.Integer(),
    customer: Type.String(),
    expires_at: Type.Integer({ description: 'Unix time after which the unused link no longer opens (10 minutes).' }),
    flow: Type.Null(),
    livemode: Type.Boolean(),
    locale: Nullable(Type.String()),
    on_behalf_of: Type.Null(),
    return_url: Type.String(),
    url: Type.String({ description: 'The one-time link to send the customer to; it is shown only here.' }),
  },
  { $id: 'BillingPortalSession' },
);

const PageUrl = NullableStr(2048, 'An absolute http(s) URL; empty clears it.');
const FeatureToggle = Strict({ enabled: Type.Optional(Type.Boolean()) });

const ConfigurationFields = {
  name: Type.Optional(NullableStr(256)),
  business_profile: Type.Optional(
    Strict({
      headline: Type.Optional(NullableStr(60)),
      privacy_policy_url: Type.Optional(PageUrl),
      terms_of_service_url: Type.Optional(PageUrl),
    }),
  ),
  default_return_url: Type.Optional(PageUrl),
  features: Type.Optional(
    Strict({
      customer_update: Type.Optional(
        Strict({
          enabled: Type.Optional(Type.Boolean()),
          allowed_updates: Type.Optional(Nullable(Type.Array(Str(20), { maxItems: 6, description: `Of ${ALLOWED_UPDATES.join(', ')}; empty for none.` }))),
        }),
      ),
      payment_method_update: Type.Optional(FeatureToggle),
      invoice_history: Type.Optional(FeatureToggle),
    }),
  ),
  login_page: Type.Optional(
    Strict({ enabled: Type.Optional(Type.Boolean({ description: 'Sign-in by email; true needs the SMTP_URL setting (else 400 portal_login_unavailable).' })) }),
  ),
  metadata: Type.Optional(MetadataParam),
  expand: Type.Optional(ExpandParam),
};

export const CreateConfigurationBody = Strict(ConfigurationFields);
export const UpdateConfigurationBody = Strict({ ...ConfigurationFields, active: Type.Optional(Type.Boolean()) });

export const ConfigurationParams = Strict({ id: Str(255) });

export const ListConfigurationsQuery = Strict({
  limit: Type.Optional(listParams.limit),
  starting_after: Type.Optional(listParams.starting_after),
  ending_before: Type.Optional(listParams.ending_before),
  active: Type.Optional(Type.Boolean()),
  is_default: Type.Optional(Type.Boolean()),
  expand: Type.Optional(ExpandParam),
});

export const RetrieveQuery = Strict({ expand: Type.Optional(ExpandParam) });

export const CreateSessionBody = Strict({
  customer: Str(255, { minLength: 1 }),
  return_url: Type.Optional(Str(2048, { description: "Where the portal's return link leads; default: the configuration's default_return_url." })),
  locale: Type.Optional(StringEnum([...PORTAL_LOCALES], { description: 'The page speaks en, de, fr and es; others fall back to English.' })),
  configuration: Type.Optional(Str(255, { description: 'A configuration (`bpc_…`); default: the default configuration.' })),
  expand: Type.Optional(ExpandParam),
});
