import { Type } from '@sinclair/typebox';
import { listParams } from '../../wire/list.js';
import { ExpandParam, Metadata, MetadataParam, Nullable, NullableStr, Str, StringEnum, Strict } from '../../wire/schema-kit.js';

export const WebhookEndpoint = Type.Object(
  {
    id: Type.String({ description: '`we_` followed by 26 base62 characters (the creation time, then ~101 random bits).' }),
    object: Type.Literal('webhook_endpoint'),
    api_version: Nullable(Type.String()),
    application: Type.Null(),
    created: Type.Integer(),
    description: Nullable(Type.String()),
    enabled_events: Type.Array(Type.String(), { description: 'Event types sent to this endpoint; `*` is every type.' }),
    livemode: Type.Boolean(),
    metadata: Metadata,
    secret: Type.Optional(
      Type.String({ description: '`whsec_` + base64 of 32 random bytes. Returned only when the endpoint is created.' }),
    ),
    status: StringEnum(['enabled', 'disabled']),
    url: Type.String(),
  },
  { $id: 'WebhookEndpoint' },
);

export const DeletedWebhookEndpoint = Type.Object({
  id: Type.String(),
  object: Type.Literal('webhook_endpoint'),
  deleted: Type.Literal(true),
});

export const WebhookAttempt = Type.Object(
  {
    id: Type.String({ description: '`wha_` followed by 26 base62 characters (the creation time, then ~101 random bits).' }),
    object: Type.Literal('webhook_attempt'),
    created: Type.Integer(),
    delivery: Type.String({ description: 'The delivery (`whd_…`) of one event to this endpoint; its attempts share it.' }),
    endpoint: Type.String(),
    error: Nullable(Type.String({ description: 'Why the attempt failed when the status code does not say it.' })),
    event: Type.String(),
    latency_ms: Type.Integer(),
    livemode: Type.Boolean(),
    next_retry_at: Nullable(Type.Integer({ description: 'Unix time of the next attempt; null when delivered or given up.' })),
    status_code: Nullable(Type.Integer({ description: "The endpoint's HTTP status; null when it gave none." })),
  },
  { $id: 'WebhookAttempt' },
);

const Url = Str(2048, { minLength: 1, description: 'http(s) URL on a public address (see docs/webhooks.md).' });
const EnabledEvents = Type.Array(Str(100), { maxItems: 100, description: 'Event types to send, or `*` for all.' });

export const CreateWebhookEndpointBody = Strict({
  url: Url,
  enabled_events: EnabledEvents,
  description: Type.Optional(NullableStr(5000)),
  metadata: Type.Optional(MetadataParam),
  expand: Type.Optional(ExpandParam),
});

export const UpdateWebhookEndpointBody = Strict({
  url: Type.Optional(Url),
  enabled_events: Type.Optional(EnabledEvents),
  description: Type.Optional(NullableStr(5000)),
  metadata: Type.Optional(MetadataParam),
  disabled: Type.Optional(Type.Boolean({ description: 'true disables the endpoint, false enables it.' })),
  expand: Type.Optional(ExpandParam),
});

export const EndpointParams = Strict({ id: Str(255) });

export const ListWebhookEndpointsQuery = Strict({
  limit: Type.Optional(listParams.limit),
  starting_after: Type.Optional(listParams.starting_after),
  ending_before: Type.Optional(listParams.ending_before),
  expand: Type.Optional(ExpandParam),
});

export const ListAttemptsQuery = Strict({
  limit: Type.Optional(listParams.limit),
  starting_after: Type.Optional(listParams.starting_after),
  ending_before: Type.Optional(listParams.ending_before),
  event: Type.Optional(Str(255, { description: 'Only the attempts to deliver this event.' })),
  expand: Type.Optional(ExpandParam),
});

export const RetrieveQuery = Strict({ expand: Type.Optional(ExpandParam) });
