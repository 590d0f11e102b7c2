import type { FastifyError, FastifyInstance } from 'fastify';
import {
  ApiError,
  bodyInvalid,
  bodyTooLarge,
  contentEncodingUnsupported,
  contentTypeUnsupported,
  internalError,
  preconditionFailed,
  requestInvalid,
  requestTimeout,
  routeUnknown,
  urlInvalidEncoding,
  type ErrorCode,
  type ErrorType,
} from '../../domain/errors.js';
import { legacyRoute } from '../wire/legacy.js';
import { validationToApiError, type ValidationIssue } from '../wire/validation-errors.js';

export interface ErrorBody {
  error: { type: ErrorType; code: ErrorCode; message: string; param: string | null; doc_url: string };
}

/** Renders an ApiError as Stripe's envelope; the one place every error body is made. */
export type ErrorRenderer = (error: ApiError) => ErrorBody;

/**
 * `doc_url` links to the code's entry in Clientele's own reference, as this server serves it
 * (GET /docs/errors), so it is right for this deployment and this version.
 */
export function errorRenderer(publicUrl: string): ErrorRenderer {
  const base = `${publicUrl}/docs/errors#`;
  return (error) => ({
    error: {
      type: error.type,
      code: error.code,
      message: error.message,
      param: error.param,
      doc_url: `${base}${error.code}`,
    },
  });
}

/** Errors raised by Fastify itself, mapped to what a client should see. */
function frameworkError(error: FastifyError): ApiError | null {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return bodyTooLarge();
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return contentTypeUnsupported();
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return bodyInvalid('Invalid JSON body: the request body is not valid JSON.');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return bodyInvalid('Invalid Content-Length header.');
    case 'FST_ERR_BAD_URL':
      return urlInvalidEncoding();
    // @fastify/compress, decompressing request bodies (src/http/plugins/request-body.ts).
    case 'FST_CP_ERR_INVALID_CONTENT_ENCODING':
      return contentEncodingUnsupported(String(error.message).replace(/^Unsupported Content-Encoding: /, ''));
    case 'FST_CP_ERR_INVALID_CONTENT':
      return bodyInvalid('Invalid request body: it could not be decompressed with its Content-Encoding.');
    default:
      break;
  }
  // Anything else with a 4xx status comes from below the routes (the /docs UI's static files).
  const status = error.statusCode;
  if (typeof status !== 'number' || status < 400 || status >= 500) return null;
  if (status === 408) return requestTimeout();
  if (status === 412) return preconditionFailed('Precondition failed: the file does not match If-Match or If-Unmodified-Since.');
  if (status === 413) return bodyTooLarge();
  if (status === 415) return contentTypeUnsupported();
  return requestInvalid('Invalid request.', status === 403 || status === 416 ? status : 400);
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const e = error as FastifyError & { validation?: ValidationIssue[] };
  if (Array.isArray(e?.validation)) return validationToApiError(e.validation);
  return (e && frameworkError(e)) ?? internalError();
}

/** One place renders every error as Stripe's envelope; nothing internal reaches the client. */
export function registerErrorHandling(app: FastifyInstance, render: ErrorRenderer): void {
  app.decorate('renderError', render);
  renderErrorsIn(app, render);
}

/**
 * Every error and unknown route in `scope` answered with `render`'s body: Stripe's envelope,
 * or a dialect's own error format on its routes (src/http/routes/dialects.ts). The error is
 * the same catalogue entry either way; only its wire shape differs.
 */
export function renderErrorsIn(scope: FastifyInstance, render: (error: ApiError) => unknown): void {
  scope.setErrorHandler((error, request, reply) => {
    const api = toApiError(error);
    if (api.status >= 500) request.log.error({ err: error }, 'request failed');
    if (api.headers) reply.headers(api.headers);
    return reply.status(api.status).send(render(api));
  });

  scope.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const api = legacyRoute(path) ?? routeUnknown(request.method, path);
    return reply.status(api.status).send(render(api));
  });
}
