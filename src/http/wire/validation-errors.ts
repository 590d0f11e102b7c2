import {
  parameterInvalid,
  parameterInvalidInteger,
  parameterInvalidStringTooLong,
  parameterInvalidStringTooShort,
  parameterInvalidTooManyItems,
  parameterMissing,
  parameterUnknown,
  type ApiError,
} from '../../domain/errors.js';
import { legacySourceParameter } from './legacy.js';
import { paramName } from './normalize.js';

/** The parts of an Ajv error the mapping reads. */
export interface ValidationIssue {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  data?: unknown;
  message?: string;
}

function pathOf(instancePath: string): string[] {
  return instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Never echo a card number or CVC back, even a malformed one. */
const SECRET_PARAM = /(^|\[)(number|cvc)\]?$/;

function preview(value: unknown, param: string | null = null): string {
  if (param !== null && SECRET_PARAM.test(param)) return '[redacted]';
  if (typeof value === 'string') return value.length > 40 ? `${value.slice(0, 40)}...` : value;
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'object';
  return String(value);
}

/** Turns the first schema violation into the Stripe-style error a client expects. */
export function validationToApiError(issues: readonly ValidationIssue[]): ApiError {
  const issue =
    issues.find((i) => i.keyword === 'additionalProperties') ??
    issues.find((i) => i.keyword === 'required') ??
    issues[0];
  if (!issue) return parameterInvalid('Invalid request.', null);
  const path = pathOf(issue.instancePath);
  const name = paramName(path);
  // A violation at the top level (a JSON body that is not an object) names no parameter.
  const param = name || null;
  const label = name || 'the request body';
  const p = issue.params;
  switch (issue.keyword) {
    case 'additionalProperties':
      // Stripe's legacy default source: say what to use instead.
      if (path.length === 0 && p.additionalProperty === 'source') return legacySourceParameter();
      return parameterUnknown(paramName([...path, String(p.additionalProperty)]));
    case 'required':
      return parameterMissing(paramName([...path, String(p.missingProperty)]));
    case 'type': {
      const expected = String(p.type).split(',').filter((t) => t !== 'null');
      if (expected[0] === 'integer' || expected[0] === 'number') {
        return parameterInvalidInteger(`Invalid integer: ${preview(issue.data, param)}`, param);
      }
      if (expected[0] === 'boolean') return parameterInvalid(`Invalid boolean: ${preview(issue.data, param)}`, param);
      if (expected[0] === 'object') {
        return parameterInvalid(`Invalid object: ${label} must be a hash of fields, not ${preview(issue.data, param)}.`, param);
      }
      if (expected[0] === 'array') return parameterInvalid(`Invalid array: ${label} must be a list.`, param);
      return parameterInvalid(`Invalid string: ${label} must be a string, not ${preview(issue.data, param)}.`, param);
    }
    case 'maxLength':
      return parameterInvalidStringTooLong(`Invalid string: ${preview(issue.data, param)}; must be at most ${String(p.limit)} characters`, param);
    case 'minLength':
      return parameterInvalidStringTooShort(`Invalid string: ${preview(issue.data, param)}; must be at least ${String(p.limit)} characters`, param);
    case 'maxItems':
      return parameterInvalidTooManyItems(`Invalid array: ${label} can have at most ${String(p.limit)} items.`, param);
    case 'maxProperties':
      return parameterInvalidTooManyItems(`Invalid ${label}: at most ${String(p.limit)} keys are allowed.`, param);
    case 'minimum':
    case 'maximum':
      return parameterInvalidInteger(
        `Invalid integer: ${preview(issue.data, param)}; must be ${issue.keyword === 'minimum' ? 'at least' : 'at most'} ${String(p.limit)}`,
        param,
      );
    case 'enum':
    case 'const': {
      const allowed = ((p.allowedValues as unknown[] | undefined) ?? [p.allowedValue]).filter((v) => v !== null && v !== '');
      return parameterInvalid(`Invalid ${label}: must be one of ${allowed.join(', ')}`, param);
    }
    default:
      return parameterInvalid(`Invalid ${param || 'request'}: ${issue.message ?? 'not valid'}.`, param || null);
  }
}
