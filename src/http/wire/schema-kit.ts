import { ERROR_CODES } from '../../domain/errors.js';
import { Type, type Static, type TOptional, type TSchema, type TObject, type TProperties } from '@sinclair/typebox';

/**
 * Schema building blocks for the wire. Request objects never allow unknown fields; "nullable"
 * fields accept null (and, via the wire normaliser, the empty string) to mean "unset".
 */
export function Strict<T extends TProperties>(properties: T, options: { description?: string } = {}): TObject<T> {
  return Type.Object(properties, { additionalProperties: false, ...options });
}

export function Nullable<T extends TSchema>(schema: T): TSchema & { static: Static<T> | null } {
  const type = (schema as { type?: string | string[] }).type;
  const types = Array.isArray(type) ? type : type ? [type] : [];
  const out: Record<string, unknown> = { ...schema, type: [...types, 'null'] };
  if (Array.isArray(out.enum)) out.enum = [...(out.enum as unknown[]), null];
  return Type.Unsafe<Static<T> | null>(out);
}

export function Str(maxLength: number, options: { description?: string; minLength?: number } = {}) {
  return Type.String({ maxLength, ...options });
}

export function NullableStr(maxLength: number, description?: string) {
  return Nullable(Type.String({ maxLength, ...(description ? { description } : {}) }));
}

export function StringEnum<T extends string[]>(values: [...T], options: { description?: string } = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: values, ...options });
}

export const Metadata = Type.Record(Type.String(), Type.String(), {
  description: 'Up to 50 string key/value pairs (keys ≤ 40 characters, values ≤ 500).',
});

export const MetadataParam = Nullable(
  Type.Record(Type.String({ maxLength: 40 }), Nullable(Type.String({ maxLength: 500 })), {
    maxProperties: 50,
    description: 'Merged into existing metadata; an empty value removes a key, `metadata=` clears all.',
  }),
);

export const ExpandParam = Type.Array(Type.String({ maxLength: 200 }), {
  maxItems: 20,
  description: 'Fields to expand (see each resource for what is expandable).',
});

export const ErrorEnvelope = Type.Object(
  {
    error: Type.Object({
      type: StringEnum(['invalid_request_error', 'idempotency_error', 'api_error', 'card_error']),
      code: StringEnum(ERROR_CODES, { description: 'Stable code from the catalogue (docs/errors.md); never null.' }),
      message: Type.String(),
      param: Nullable(Type.String()),
      doc_url: Type.String({ description: "The code's entry in this server's error reference (/docs/errors#<code>)." }),
    }),
  },
  { $id: 'ErrorEnvelope', description: 'Every non-2xx response.' },
);

export const errorResponses = {
  '4xx': Type.Ref('ErrorEnvelope'),
  '5xx': Type.Ref('ErrorEnvelope'),
};

export function ListOf<T extends TSchema>(item: T, url: string) {
  return Type.Object({
    object: Type.Literal('list'),
    url: Type.String({ examples: [url] }),
    has_more: Type.Boolean(),
    data: Type.Array(item),
  });
}

/** Every property optional: write endpoints take any subset of fields. */
export function OptionalAll<T extends TProperties>(properties: T): { [K in keyof T]: TOptional<T[K]> } {
  return Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, Type.Optional(v)])) as {
    [K in keyof T]: TOptional<T[K]>;
  };
}
