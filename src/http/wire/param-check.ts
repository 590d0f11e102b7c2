import AjvCompiler from '@fastify/ajv-compiler';
import type { TSchema } from '@sinclair/typebox';
import { normalizeParams, type SchemaNode } from './normalize.js';
import { validationToApiError, type ValidationIssue } from './validation-errors.js';

/**
 * Ajv settings of every parameter check: the ones buildApp hands Fastify for its routes, and
 * the ones `checkParams` below uses outside a request (an imported row). One object, so a row
 * and a request are checked by the same rules.
 */
export const AJV_OPTIONS = {
  coerceTypes: false,
  removeAdditional: false,
  useDefaults: false,
  allErrors: false,
  verbose: true,
  strict: false,
} as const;

/** Fastify's own schema compiler (the same package and version its routes use). */
const compilerFor = AjvCompiler();
const buildValidator = compilerFor({}, { customOptions: AJV_OPTIONS });

/** Checks parameters against a route schema: normalised, validated, errors as the API gives them. */
export type ParamCheck<T> = (params: unknown, options: { coerce: boolean }) => T;

/**
 * A route's parameter pipeline outside Fastify: the wire normaliser (`field=` unsets, form
 * strings coerced where the schema says so, control characters refused), then the schema,
 * then the mapping of the first violation to the catalogue's error. Throws that ApiError.
 * `coerce` is true for values that arrived as text (a form body, a CSV cell), false for JSON.
 */
export function paramCheck<T>(schema: TSchema): ParamCheck<T> {
  const validate = buildValidator({ schema, method: 'POST', url: '/', httpPart: 'body' }) as ((data: unknown) => boolean) & {
    errors?: ValidationIssue[] | null;
  };
  return (params, { coerce }) => {
    const normalized = normalizeParams(params, schema as SchemaNode, coerce);
    if (!validate(normalized)) throw validationToApiError(validate.errors ?? []);
    return normalized as T;
  };
}
