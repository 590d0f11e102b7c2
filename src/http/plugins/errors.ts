import type { FastifyError, FastifyInstance } from 'fastify';
import { ApiError, docUrlFor } from '../../domain/errors.js';
import { validationToApiError, type ValidationIssue } from '../wire/validation-errors.js';

export function envelope(error: ApiError) {
  return {
    error: {
      type: error.type,
      code: error.code,
      message: error.message,
      param: error.param,
      doc_url: docUrlFor(error.code),
    },
  };
}

/** Errors raised by Fastify itself, mapped to what a client should see. */
function frameworkError(error: FastifyError): ApiError | null {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('Request body too large: the limit is 1 MiB.', { status: 413 });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError(
        'Unsupported Content-Type: send application/x-www-form-urlencoded or application/json.',
        { status: 415 },
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new ApiError('Invalid JSON body: the request body is not valid JSON.');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError('Invalid Content-Length header.');
    case 'FST_ERR_BAD_URL':
      return new ApiError('Invalid request URL.', { status: 400 });
    default:
      break;
  }
  const status = error.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new ApiError(status === 408 ? 'Request timed out.' : 'Invalid request.', { status });
  }
  return null;
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const e = error as FastifyError & { validation?: ValidationIssue[] };
  if (Array.isArray(e?.validation)) return validationToApiError(e.validation);
  return (
    (e && frameworkError(e)) ??
    new ApiError('An unexpected error occurred on our side. Please retry; the request id identifies it in our logs.', {
      status: 500,
      type: 'api_error',
    })
  );
}

/** One place renders every error as Stripe's envelope; nothing internal reaches the client. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const api = toApiError(error);
    if (api.status >= 500) request.log.error({ err: error }, 'request failed');
    if (api.headers) reply.headers(api.headers);
    return reply.status(api.status).send(envelope(api));
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const api = new ApiError(`Unrecognized request URL (${request.method}: ${path}).`, { status: 404 });
    return reply.status(404).send(envelope(api));
  });
}
