/**
 * The error catalogue. Every error a client can see is an ApiError; one handler in
 * src/http/plugins/errors.ts renders it as Stripe's envelope. Messages never carry
 * driver text, SQL or stack traces.
 */
export type ErrorType = 'invalid_request_error' | 'idempotency_error' | 'api_error' | 'card_error';

export interface ApiErrorOptions {
  status?: number;
  type?: ErrorType;
  code?: string | null;
  param?: string | null;
  headers?: Record<string, string>;
}

export class ApiError extends Error {
  readonly status: number;
  readonly type: ErrorType;
  readonly code: string | null;
  readonly param: string | null;
  readonly headers: Record<string, string> | undefined;

  constructor(message: string, options: ApiErrorOptions = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = options.status ?? 400;
    this.type = options.type ?? 'invalid_request_error';
    this.code = options.code ?? null;
    this.param = options.param ?? null;
    this.headers = options.headers;
  }
}

export function invalidRequest(message: string, param?: string | null, code?: string | null): ApiError {
  return new ApiError(message, { param: param ?? null, code: code ?? null });
}

export function resourceMissing(kind: string, id: string, param?: string | null): ApiError {
  return new ApiError(`No such ${kind}: '${id}'`, { status: 404, code: 'resource_missing', param: param ?? null });
}

export function parameterUnknown(param: string): ApiError {
  return new ApiError(`Received unknown parameter: ${param}`, { code: 'parameter_unknown', param });
}

export function parameterMissing(param: string): ApiError {
  return new ApiError(`Missing required param: ${param}.`, { code: 'parameter_missing', param });
}

/** A conflict that retrying cannot fix: tell Stripe's SDKs (which retry 409s) not to. */
export function resourceAlreadyExists(message: string, param: string): ApiError {
  return new ApiError(message, {
    status: 409,
    code: 'resource_already_exists',
    param,
    headers: { 'stripe-should-retry': 'false' },
  });
}

export const AUTH_ERROR_MESSAGE =
  "Invalid API key provided. Send a valid secret key as 'Authorization: Bearer sk_…' or as the HTTP Basic user name.";

export function authenticationFailed(): ApiError {
  return new ApiError(AUTH_ERROR_MESSAGE, {
    status: 401,
    headers: { 'www-authenticate': 'Basic realm="Clientele"' },
  });
}

export function permissionDenied(): ApiError {
  return new ApiError('This API key is restricted to read-only access and cannot make changes.', {
    status: 403,
    code: 'permission_denied',
  });
}

/** Stripe documents these codes; ours (customer_has_children, …) are documented in docs/errors.md. */
const STRIPE_DOCUMENTED_CODES = new Set([
  'resource_missing',
  'parameter_unknown',
  'parameter_missing',
  'parameter_invalid_empty',
  'parameter_invalid_integer',
  'parameters_exclusive',
  'email_invalid',
  'tax_id_invalid',
  'idempotency_key_in_use',
  'rate_limit',
  'resource_already_exists',
  'url_invalid',
  'incorrect_number',
  'invalid_expiry_month',
  'invalid_expiry_year',
  'invalid_cvc',
]);

export function docUrlFor(code: string | null): string | null {
  if (!code) return null;
  return STRIPE_DOCUMENTED_CODES.has(code) ? `https://stripe.com/docs/error-codes/${code.replace(/_/g, '-')}` : null;
}
