import { invalidCharacters, parameterInvalidEmpty } from '../../domain/errors.js';

/** The JSON Schema keywords the normaliser reads (TypeBox schemas are plain JSON Schema). */
export interface SchemaNode {
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  /** TypeBox's Type.Record (metadata) describes its values here. */
  patternProperties?: Record<string, SchemaNode>;
  items?: SchemaNode;
}

/** Control characters other than tab and line breaks never belong in a parameter. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const FORBIDDEN_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/**
 * Every string a client sends (values and names) is well-formed Unicode without control
 * characters, checked here once for both stores: SQLite would store a lone surrogate as given
 * and PostgreSQL's jsonb refuses it.
 */
export function checkCharacters(text: string, param: string | null, what: 'values' | 'names' = 'values'): void {
  if (FORBIDDEN_CONTROL.test(text)) {
    const name = param ?? 'parameter';
    throw invalidCharacters(
      what === 'names' ? `Invalid ${name}: control characters (such as null bytes) are not allowed in names.` : `Invalid ${name}: control characters (such as null bytes) are not allowed.`,
      param,
    );
  }
  if (!text.isWellFormed()) {
    throw invalidCharacters(`Invalid ${param ?? 'parameter'}: the ${what === 'names' ? 'name' : 'value'} is not well-formed Unicode (it contains a lone UTF-16 surrogate).`, param);
  }
}

export function paramName(path: readonly (string | number)[]): string {
  if (path.length === 0) return '';
  const [head, ...rest] = path;
  return `${String(head)}${rest.map((p) => `[${String(p)}]`).join('')}`;
}

function typesOf(schema: SchemaNode): string[] {
  const t = schema.type;
  return Array.isArray(t) ? t : t ? [t] : [];
}

/** Schema patterns are few and fixed: each is compiled once. */
const patterns = new Map<string, RegExp>();
function patternOf(source: string): RegExp {
  let pattern = patterns.get(source);
  if (!pattern) {
    pattern = new RegExp(source, 'u');
    patterns.set(source, pattern);
  }
  return pattern;
}

/** The schema of an object's property: declared, by pattern (records), or additional. */
function propertySchema(schema: SchemaNode, key: string): SchemaNode | undefined {
  const declared = schema.properties?.[key];
  if (declared) return declared;
  for (const [pattern, child] of Object.entries(schema.patternProperties ?? {})) {
    if (patternOf(pattern).test(key)) return child;
  }
  return typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Brings parameters to the shape the route schema describes, before validation:
 * - `field=` (empty string) means "unset" where the schema allows null, and is refused with
 *   parameter_invalid_empty where it does not;
 * - form and query values arrive as strings: integers and booleans are coerced only where the
 *   schema says so (JSON bodies are never coerced);
 * - `list[0]=a&list[1]=b` objects become arrays where the schema wants an array, and a single
 *   value (`expand=stats`) a one-item list;
 * - control characters and lone surrogates are refused everywhere.
 * Anything the schema does not describe is left alone for validation to reject.
 */
export function normalizeParams(value: unknown, schema: SchemaNode | undefined, coerce: boolean, path: (string | number)[] = []): unknown {
  if (!schema) return value;
  const types = typesOf(schema);
  if (typeof value === 'string') {
    checkCharacters(value, paramName(path));
    if (value === '' && path.length > 0) {
      if (types.includes('null')) return null;
      if (schema.enum?.includes('')) return value;
      throw parameterInvalidEmpty(paramName(path));
    }
    // `expand=stats`, as seed 002 writes it: a single value where a list is wanted is a one-item list.
    if (coerce && types.includes('array') && !types.includes('string')) return normalizeParams([value], schema, coerce, path);
    if (coerce && !types.includes('string')) {
      if (types.includes('integer') && /^-?\d{1,16}$/.test(value)) {
        const n = Number(value);
        if (Number.isSafeInteger(n)) return n;
      }
      if (types.includes('boolean') && (value === 'true' || value === 'false')) return value === 'true';
    }
    return value;
  }
  if (Array.isArray(value)) {
    return value.map((item, i) => normalizeParams(item, schema.items, coerce, [...path, i]));
  }
  if (isPlainObject(value)) {
    if (types.includes('array') && !types.includes('object')) {
      const keys = Object.keys(value);
      if (keys.length > 0 && keys.every((k) => /^\d{1,4}$/.test(k))) {
        const ordered = keys.map(Number).sort((a, b) => a - b).map((k) => value[String(k)]);
        return normalizeParams(ordered, schema, coerce, path);
      }
      return value;
    }
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const [key, child] of Object.entries(value)) {
      checkCharacters(key, paramName(path) || null, 'names');
      // SPEC W-6: `expand=x`, a plain string, is a one-element list (seed 002 writes `?expand=stats`).
      const childSchema = propertySchema(schema, key);
      const wantsList = childSchema !== undefined && typesOf(childSchema).includes('array') && !typesOf(childSchema).includes('string');
      const value = path.length === 0 && key === 'expand' && typeof child === 'string' && wantsList ? [child] : child;
      out[key] = normalizeParams(value, childSchema, coerce, [...path, key]);
    }
    return out;
  }
  return value;
}
