/**
 * The error catalogue. Every error a client can see carries one of these codes and is built by
 * that code's factory below: nothing else constructs an ApiError, so a code's status and type
 * are decided once, here. One handler in src/http/plugins/errors.ts renders it as Stripe's
 * envelope, with `doc_url` pointing at the code's entry in docs/errors.md as the server itself
 * serves it. Messages never carry driver text, SQL or stack traces.
 */
export type ErrorType = 'invalid_request_error' | 'idempotency_error' | 'api_error' | 'card_error';

export interface CatalogueEntry {
  /** The HTTP status; the few codes answered with more than one list the usual one first. */
  readonly statuses: readonly [number, ...number[]];
  readonly type: ErrorType;
  /** Stripe's own name: a client written against Stripe can branch on it unchanged. */
  readonly stripe: boolean;
}

const INVALID = 'invalid_request_error';

/** docs/errors.md has one `### <code>` entry per key (a test holds the two together). */
export const ERROR_CATALOGUE = {
  // Objects
  resource_missing: { statuses: [404, 400], type: INVALID, stripe: true },
  resource_already_exists: { statuses: [409], type: INVALID, stripe: true },
  // Parameters
  parameter_unknown: { statuses: [400], type: INVALID, stripe: true },
  parameter_missing: { statuses: [400], type: INVALID, stripe: true },
  parameter_invalid_empty: { statuses: [400], type: INVALID, stripe: true },
  parameter_invalid_integer: { statuses: [400], type: INVALID, stripe: true },
  parameter_invalid_string_too_long: { statuses: [400], type: INVALID, stripe: false },
  parameter_invalid_string_too_short: { statuses: [400], type: INVALID, stripe: false },
  parameter_invalid_too_many_items: { statuses: [400], type: INVALID, stripe: false },
  parameter_invalid: { statuses: [400], type: INVALID, stripe: false },
  parameters_exclusive: { statuses: [400], type: INVALID, stripe: true },
  invalid_characters: { statuses: [400], type: INVALID, stripe: true },
  email_invalid: { statuses: [400], type: INVALID, stripe: true },
  country_code_invalid: { statuses: [400], type: INVALID, stripe: true },
  url_invalid: { statuses: [400], type: INVALID, stripe: true },
  expand_invalid: { statuses: [400], type: INVALID, stripe: false },
  // Customers, hierarchy, tax ids, contacts and addresses, payment methods, search
  invoice_prefix_taken: { statuses: [400], type: INVALID, stripe: false },
  customer_has_children: { statuses: [400], type: INVALID, stripe: false },
  hierarchy_cycle: { statuses: [400], type: INVALID, stripe: false },
  hierarchy_too_deep: { statuses: [400], type: INVALID, stripe: false },
  customer_merged: { statuses: [400], type: INVALID, stripe: false },
  merge_would_create_cycle: { statuses: [400], type: INVALID, stripe: false },
  merge_same_customer: { statuses: [400], type: INVALID, stripe: false },
  merge_external_id_conflict: { statuses: [400], type: INVALID, stripe: false },
  tax_id_invalid: { statuses: [400], type: INVALID, stripe: true },
  customer_max_tax_ids: { statuses: [400], type: INVALID, stripe: false },
  customer_max_contacts: { statuses: [400], type: INVALID, stripe: false },
  customer_max_addresses: { statuses: [400], type: INVALID, stripe: false },
  payment_method_already_attached: { statuses: [400], type: INVALID, stripe: false },
  payment_method_unexpected_state: { statuses: [400], type: INVALID, stripe: true },
  card_number_not_accepted: { statuses: [400], type: INVALID, stripe: false },
  search_query_invalid: { statuses: [400], type: INVALID, stripe: false },
  search_page_invalid: { statuses: [400], type: INVALID, stripe: false },
  // The customer portal
  portal_login_unavailable: { statuses: [400], type: INVALID, stripe: false },
  portal_configuration_inactive: { statuses: [400], type: INVALID, stripe: false },
  // Charges, refunds, invoices
  amount_too_small: { statuses: [400], type: INVALID, stripe: true },
  amount_too_large: { statuses: [400], type: INVALID, stripe: true },
  charge_already_refunded: { statuses: [400], type: INVALID, stripe: true },
  charge_not_refundable: { statuses: [400], type: INVALID, stripe: true },
  charge_status_transition_invalid: { statuses: [400], type: INVALID, stripe: false },
  invoice_not_editable: { statuses: [400], type: INVALID, stripe: true },
  invoice_status_transition_invalid: { statuses: [400], type: INVALID, stripe: false },
  invoice_number_taken: { statuses: [400], type: INVALID, stripe: false },
  // Cards (402)
  incorrect_number: { statuses: [402], type: 'card_error', stripe: true },
  invalid_expiry_month: { statuses: [402], type: 'card_error', stripe: true },
  invalid_expiry_year: { statuses: [402], type: 'card_error', stripe: true },
  invalid_cvc: { statuses: [402], type: 'card_error', stripe: true },
  // Keys and preconditions
  api_key_invalid: { statuses: [401], type: INVALID, stripe: false },
  permission_denied: { statuses: [403], type: INVALID, stripe: false },
  precondition_failed: { statuses: [412], type: INVALID, stripe: false },
  rate_limit: { statuses: [429], type: INVALID, stripe: true },
  actor_invalid: { statuses: [400], type: INVALID, stripe: false },
  // Idempotency
  idempotency_key_invalid: { statuses: [400], type: 'idempotency_error', stripe: false },
  idempotency_params_mismatch: { statuses: [400], type: 'idempotency_error', stripe: false },
  idempotency_key_in_use: { statuses: [409], type: 'api_error', stripe: true },
  // The HTTP request itself
  route_unknown: { statuses: [404], type: INVALID, stripe: false },
  body_invalid: { statuses: [400], type: INVALID, stripe: false },
  body_too_large: { statuses: [413], type: INVALID, stripe: false },
  content_type_unsupported: { statuses: [415], type: INVALID, stripe: false },
  content_encoding_unsupported: { statuses: [415], type: INVALID, stripe: false },
  body_not_allowed: { statuses: [400], type: INVALID, stripe: false },
  legacy_api_unsupported: { statuses: [404, 400], type: INVALID, stripe: false },
  url_too_long: { statuses: [414], type: INVALID, stripe: false },
  url_invalid_encoding: { statuses: [400], type: INVALID, stripe: false },
  request_timeout: { statuses: [408], type: INVALID, stripe: false },
  // 403 and 416 come from the static files of the /docs UI (a forbidden path, an unsatisfiable Range).
  request_invalid: { statuses: [400, 403, 416], type: INVALID, stripe: false },
  // Server side
  internal_error: { statuses: [500], type: 'api_error', stripe: false },
  database_unavailable: { statuses: [503], type: 'api_error', stripe: false },
  service_unavailable: { statuses: [503], type: 'api_error', stripe: false },
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as ErrorCode[];

/** The statuses one code may be answered with. */
type StatusOf<C extends ErrorCode> = (typeof ERROR_CATALOGUE)[C]['statuses'][number];

/** Held only by this module, so an ApiError can only come from a factory below. */
const FROM_CATALOGUE: unique symbol = Symbol('clientele.catalogue');

interface BuildOptions {
  param?: string | null;
  status?: number;
  headers?: Readonly<Record<string, string>>;
}

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly type: ErrorType;
  readonly param: string | null;
  readonly headers: Readonly<Record<string, string>> | undefined;

  constructor(token: typeof FROM_CATALOGUE, code: ErrorCode, message: string, options: BuildOptions = {}) {
    if (token !== FROM_CATALOGUE) throw new TypeError('an ApiError is built by its code’s factory in src/domain/errors.ts');
    super(message);
    const entry: CatalogueEntry = ERROR_CATALOGUE[code];
    const status = options.status ?? entry.statuses[0];
    // The catalogue is the contract clients read: a status it does not list is a bug here.
    if (!entry.statuses.includes(status)) throw new TypeError(`${code} is not answered with ${status}`);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.type = entry.type;
    this.param = options.param ?? null;
    this.headers = options.headers;
  }

  /** The same error naming the parameter as the client sent it (e.g. `tax_id_data[0][value]`). */
  withParam(param: string): ApiError {
    return new ApiError(FROM_CATALOGUE, this.code, this.message, { param, status: this.status, headers: this.headers });
  }
}

function build(code: ErrorCode, message: string, options: BuildOptions = {}): ApiError {
  return new ApiError(FROM_CATALOGUE, code, message, options);
}

// ---------------------------------------------------------------------------------------------
// Objects

/**
 * 404 for an object the URL names. An object named by a parameter (a parent, a list cursor, a
 * default payment method) is `status: 400`: the request is wrong, not the URL.
 */
export function resourceMissing(
  kind: string,
  id: string,
  param: string | null = null,
  options: { status?: StatusOf<'resource_missing'>; message?: string } = {},
): ApiError {
  return build('resource_missing', options.message ?? `No such ${kind}: '${id}'`, { param, status: options.status ?? 404 });
}

/** A conflict that retrying cannot fix: tell Stripe's SDKs (which retry 409s) not to. */
export function resourceAlreadyExists(message: string, param: string): ApiError {
  return build('resource_already_exists', message, { param, headers: { 'stripe-should-retry': 'false' } });
}

// ---------------------------------------------------------------------------------------------
// Parameters

/** `why`: for a parameter Stripe has and Clientele deliberately does not, what to do instead. */
export function parameterUnknown(param: string, why?: string): ApiError {
  return build('parameter_unknown', `Received unknown parameter: ${param}${why ? `. ${why}` : ''}`, { param });
}

export function parameterMissing(param: string): ApiError {
  return build('parameter_missing', `Missing required param: ${param}.`, { param });
}

export function parameterInvalidEmpty(param: string, message?: string): ApiError {
  return build(
    'parameter_invalid_empty',
    message ??
      `You passed an empty string for '${param}'. We assume empty values are an attempt to unset a parameter; however '${param}' cannot be unset. You should remove '${param}' from your request or supply a non-empty value.`,
    { param },
  );
}

export function parameterInvalidInteger(message: string, param: string | null): ApiError {
  return build('parameter_invalid_integer', message, { param });
}

export function parameterInvalidStringTooLong(message: string, param: string | null): ApiError {
  return build('parameter_invalid_string_too_long', message, { param });
}

export function parameterInvalidStringTooShort(message: string, param: string | null): ApiError {
  return build('parameter_invalid_string_too_short', message, { param });
}

/** A list with more items, or a hash (metadata) with more keys, than allowed. */
export function parameterInvalidTooManyItems(message: string, param: string | null): ApiError {
  return build('parameter_invalid_too_many_items', message, { param });
}

/** The wrong type, a value that is not one of those allowed, or a value in the wrong format. */
export function parameterInvalid(message: string, param: string | null): ApiError {
  return build('parameter_invalid', message, { param });
}

/** `param` is the last of `names`: the one that should not have been sent with the others. */
export function parametersExclusive(names: readonly [string, string, ...string[]], message?: string): ApiError {
  return build('parameters_exclusive', message ?? `You may only specify one of these parameters: ${names.join(', ')}.`, {
    param: names[names.length - 1] ?? null,
  });
}

/** Null bytes and other control characters; tabs and line breaks in a single-line field. */
export function invalidCharacters(message: string, param: string | null): ApiError {
  return build('invalid_characters', message, { param });
}

export function emailInvalid(email: string, param: string): ApiError {
  return build('email_invalid', `Invalid email address: ${email}`, { param });
}

export function countryCodeInvalid(given: string, param: string): ApiError {
  return build('country_code_invalid', `Invalid ${param}: '${given}' is not an ISO 3166-1 alpha-2 country code (e.g. US, GB, DE).`, {
    param,
  });
}

export function urlInvalid(message: string, param = 'url'): ApiError {
  return build('url_invalid', message, { param });
}

export function expandInvalid(path: string, reason?: string): ApiError {
  return build('expand_invalid', `This property cannot be expanded (${path})${reason ? `: ${reason}` : ''}.`, { param: 'expand' });
}

// ---------------------------------------------------------------------------------------------
// Customers, hierarchy, tax ids, contacts and addresses, payment methods, search

export function invoicePrefixTaken(prefix: string): ApiError {
  return build('invoice_prefix_taken', `The invoice_prefix '${prefix}' is already in use in this account.`, { param: 'invoice_prefix' });
}

export function customerHasChildren(customerId: string, count: number): ApiError {
  return build(
    'customer_has_children',
    `The customer ${customerId} has ${count} child customer${count === 1 ? '' : 's'}; delete or re-parent them first.`,
    { param: 'id' },
  );
}

export function hierarchyCycle(message: string, param: string): ApiError {
  return build('hierarchy_cycle', message, { param });
}

export function hierarchyTooDeep(depth: number, maxDepth: number, param: string): ApiError {
  return build('hierarchy_too_deep', `Invalid ${param}: the hierarchy would be ${depth} levels deep; at most ${maxDepth} levels are allowed.`, {
    param,
  });
}

/** A write to a customer a merge turned into a tombstone: the survivor is where writes go now. */
export function customerMerged(customerId: string, mergedInto: string, param = 'id'): ApiError {
  return build('customer_merged', `The customer ${customerId} was merged into ${mergedInto}; write to ${mergedInto} instead.`, { param });
}

export function mergeWouldCreateCycle(message: string, param: string): ApiError {
  return build('merge_would_create_cycle', message, { param });
}

export function mergeSameCustomer(customerId: string): ApiError {
  return build('merge_same_customer', `A customer cannot be merged into itself (${customerId}).`, { param: 'source' });
}

export function mergeExternalIdConflict(targetExternalId: string, sourceExternalId: string): ApiError {
  return build(
    'merge_external_id_conflict',
    `Both customers have an external_id ('${targetExternalId}' on the target, '${sourceExternalId}' on the source): say which one survives with external_id=target or external_id=source (the other becomes an alias).`,
    { param: 'external_id' },
  );
}

/** `why`: which rule the value failed (its format, or its check digit), with a valid example. */
export function taxIdInvalid(type: string, why: string): ApiError {
  return build('tax_id_invalid', `Invalid value for ${type}: ${why}.`, { param: 'value' });
}

export function customerMaxTaxIds(limit: number, param: string): ApiError {
  return build('customer_max_tax_ids', `A customer can have at most ${limit} tax ids.`, { param });
}

export function customerMaxContacts(limit: number): ApiError {
  return build('customer_max_contacts', `A customer can have at most ${limit} contacts. Delete one first.`);
}

export function customerMaxAddresses(limit: number): ApiError {
  return build('customer_max_addresses', `A customer can have at most ${limit} addresses in its address book. Delete one first.`);
}

export function paymentMethodAlreadyAttached(id: string, param: string): ApiError {
  return build('payment_method_already_attached', `The payment method ${id} is already attached to another customer. Detach it first.`, {
    param,
  });
}

export function paymentMethodUnexpectedState(message: string, param: string): ApiError {
  return build('payment_method_unexpected_state', message, { param });
}

/** A bulk import row carries a card number (or something that looks like one): never stored, never echoed. */
export function cardNumberNotAccepted(param: string): ApiError {
  return build(
    'card_number_not_accepted',
    "Card numbers are not accepted here: import the processor's reference (provider[name], provider[reference]) with the card's display details (brand, last4, exp_month, exp_year) instead. The number was not stored.",
    { param },
  );
}

/** login_page.enabled needs sign-in by email, which this server cannot send without SMTP_URL. */
export function portalLoginUnavailable(): ApiError {
  return build(
    'portal_login_unavailable',
    'Invalid login_page[enabled]: this server has no SMTP_URL set, so it cannot send sign-in emails and a portal login page cannot be enabled. Set SMTP_URL on the server, or leave login_page[enabled] false and create sessions with POST /v1/billing_portal/sessions.',
    { param: 'login_page[enabled]' },
  );
}

/** A session asked for with a configuration that was deactivated. */
export function portalConfigurationInactive(id: string): ApiError {
  return build('portal_configuration_inactive', `The configuration '${id}' is not active: activate it (active=true) or use another one.`, {
    param: 'configuration',
  });
}

export function searchQueryInvalid(message: string): ApiError {
  return build('search_query_invalid', message, { param: 'query' });
}

export function searchPageInvalid(message: string): ApiError {
  return build('search_page_invalid', message, { param: 'page' });
}

// ---------------------------------------------------------------------------------------------
// Charges, refunds, invoices

export function amountTooSmall(message: string, param: string): ApiError {
  return build('amount_too_small', message, { param });
}

export function amountTooLarge(message: string, param: string): ApiError {
  return build('amount_too_large', message, { param });
}

export function chargeAlreadyRefunded(chargeId: string): ApiError {
  return build('charge_already_refunded', `Charge ${chargeId} has already been refunded.`, { param: 'charge' });
}

export function chargeNotRefundable(chargeId: string, status: string): ApiError {
  return build('charge_not_refundable', `Charge ${chargeId} is ${status}: only a succeeded charge can be refunded.`, { param: 'charge' });
}

export function chargeStatusTransitionInvalid(chargeId: string, from: string, to: string): ApiError {
  return build(
    'charge_status_transition_invalid',
    `Charge ${chargeId} is ${from} and cannot become ${to}: only a pending charge can change its status (to succeeded or failed).`,
    { param: 'status' },
  );
}

export function invoiceNotEditable(message: string, param: string | null): ApiError {
  return build('invoice_not_editable', message, { param });
}

export function invoiceStatusTransitionInvalid(message: string): ApiError {
  return build('invoice_status_transition_invalid', message);
}

export function invoiceNumberTaken(number: string): ApiError {
  return build(
    'invoice_number_taken',
    `The invoice number ${number} is already used in this account (the customer's next_invoice_sequence was set to a number used before). Raise next_invoice_sequence and finalize again.`,
    { param: 'next_invoice_sequence' },
  );
}

// ---------------------------------------------------------------------------------------------
// Cards: Stripe's messages, so a checkout shows what it would show for Stripe.

export function incorrectNumber(): ApiError {
  return build('incorrect_number', 'Your card number is incorrect.', { param: 'card[number]' });
}

export function invalidExpiryMonth(): ApiError {
  return build('invalid_expiry_month', "Your card's expiration month is invalid.", { param: 'card[exp_month]' });
}

export function invalidExpiryYear(): ApiError {
  return build('invalid_expiry_year', "Your card's expiration year is invalid.", { param: 'card[exp_year]' });
}

export function invalidCvc(): ApiError {
  return build('invalid_cvc', "Your card's security code is invalid.", { param: 'card[cvc]' });
}

// ---------------------------------------------------------------------------------------------
// Keys and preconditions

export const AUTH_ERROR_MESSAGE =
  "Invalid API key provided. Send a valid secret key as 'Authorization: Bearer sk_…' or as the HTTP Basic user name.";

/** `api_key_invalid`: one body for a missing, malformed, unknown, revoked or expired key, so none is told apart. */
export function authenticationFailed(): ApiError {
  return build('api_key_invalid', AUTH_ERROR_MESSAGE, { headers: { 'www-authenticate': 'Basic realm="Clientele"' } });
}

export function permissionDenied(): ApiError {
  return build('permission_denied', 'This API key is restricted to read-only access and cannot make changes.');
}

export function preconditionFailed(message: string): ApiError {
  return build('precondition_failed', message);
}

/** The key's budget for this second is spent; `Retry-After` says when the next request fits. */
export function rateLimited(budget: 'requests' | 'search requests', limit: number, retryAfterSeconds: number): ApiError {
  return build(
    'rate_limit',
    `Too many ${budget} with this API key: the limit is ${limit} per second. Retry after ${retryAfterSeconds} s, or spread requests out.`,
    { headers: { 'retry-after': String(retryAfterSeconds) } },
  );
}

/** GET /metrics without the METRICS_TOKEN the server was started with. */
export function metricsTokenInvalid(): ApiError {
  return build('api_key_invalid', "GET /metrics needs the server's METRICS_TOKEN as 'Authorization: Bearer <token>'.", {
    headers: { 'www-authenticate': 'Bearer realm="Clientele metrics"' },
  });
}

/** SPEC U-3: a Clientele-Actor header that is not a short printable label. */
export function actorInvalid(problem: string): ApiError {
  return build('actor_invalid', `The Clientele-Actor header ${problem} (1–100 printable characters, UTF-8).`);
}

// ---------------------------------------------------------------------------------------------
// Idempotency

export function idempotencyKeyInvalid(): ApiError {
  return build('idempotency_key_invalid', 'The Idempotency-Key header must be 1–255 characters.');
}

export function idempotencyParamsMismatch(message: string): ApiError {
  return build('idempotency_params_mismatch', message);
}

export function idempotencyKeyInUse(message: string): ApiError {
  return build('idempotency_key_in_use', message);
}

// ---------------------------------------------------------------------------------------------
// The HTTP request itself

export function routeUnknown(method: string, path: string): ApiError {
  return build('route_unknown', `Unrecognized request URL (${method}: ${path}).`);
}

/** The body (or a query string) cannot be read as parameters: not JSON, nested too deeply, too many. */
export function bodyInvalid(message: string): ApiError {
  return build('body_invalid', message);
}

export function bodyTooLarge(): ApiError {
  return build('body_too_large', 'Request body too large: the limit is 1 MiB.');
}

export function contentTypeUnsupported(): ApiError {
  return build('content_type_unsupported', 'Unsupported Content-Type: send application/x-www-form-urlencoded or application/json.');
}

export function contentEncodingUnsupported(encoding: string): ApiError {
  return build(
    'content_encoding_unsupported',
    `Unsupported Content-Encoding: ${encoding.slice(0, 40)}. Send the body as it is, or compressed with gzip, deflate or br.`,
  );
}

/** A GET, HEAD or DELETE that declares a body: refused, and the connection closed after the answer. */
export function bodyNotAllowed(method: string): ApiError {
  return build(
    'body_not_allowed',
    `A ${method} request takes its parameters in the query string; this one declares a body (Content-Length or Transfer-Encoding).`,
  );
}

/**
 * Stripe APIs Clientele deliberately does not serve (tokens, sources): 404 for the URL, 400 for a
 * parameter (`source` on a customer); the message names what to use instead.
 */
export function legacyApiUnsupported(message: string, param: string | null = null): ApiError {
  return build('legacy_api_unsupported', message, { param, status: param === null ? 404 : 400 });
}

export function urlTooLong(): ApiError {
  return build('url_too_long', 'Request URL too long: a path segment may have at most 500 characters.');
}

export function urlInvalidEncoding(): ApiError {
  return build('url_invalid_encoding', 'Invalid request URL: it is not correctly percent-encoded.');
}

/** The connection is closed after this answer: the rest of a late body must not be read as a request. */
export function requestTimeout(): ApiError {
  return build('request_timeout', 'Request timed out: the request was not received in time.', { headers: { connection: 'close' } });
}

export function requestInvalid(message: string, status: StatusOf<'request_invalid'> = 400): ApiError {
  return build('request_invalid', message, { status });
}

// ---------------------------------------------------------------------------------------------
// Server side

export function internalError(): ApiError {
  return build('internal_error', 'An unexpected error occurred on our side. Please retry; the request id identifies it in our logs.');
}

export function databaseUnavailable(): ApiError {
  return build('database_unavailable', 'The database is not reachable.');
}

/** Starting (migrations still running), shutting down, or at its connection cap: another node or a retry will do. */
export function serviceUnavailable(reason: 'starting' | 'shutting_down' | 'too_many_connections'): ApiError {
  const message = {
    starting: 'The server is starting (applying database migrations). Retry in a moment.',
    shutting_down: 'The server is shutting down. Retry on another node.',
    too_many_connections: 'The server has too many open connections. Retry in a moment.',
  }[reason];
  return build('service_unavailable', message, { headers: { 'retry-after': '1' } });
}
