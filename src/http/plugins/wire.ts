import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parameterUnknown } from '../../domain/errors.js';
import { randomBase62 } from '../../lib/ids.js';
import { parseForm, parseJsonBody, utf8Text } from '../wire/body-parsers.js';
import { checkCharacters, normalizeParams, type SchemaNode } from '../wire/normalize.js';

export function newRequestId(): string {
  return `req_${randomBase62(24)}`;
}

const ECHOED_HEADERS = ['stripe-version', 'idempotency-key'] as const;

/** The API's routes: /v1/… and the other wire formats' /<dialect>/v1/… (SPEC D). */
const API_ROUTE = /^\/(?:[a-z]+\/)?v1\//;

/**
 * The Stripe wire format: bracket-notation form bodies and JSON, a Request-Id on every
 * response, Stripe-Version and Idempotency-Key echoed, and parameters normalised against each
 * route's schema before validation.
 */
export function registerWire(app: FastifyInstance, options: { bodyLimit: number }): void {
  app.decorateRequest('auth', null);
  app.decorateRequest('bodyIsForm', false);

  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'buffer', bodyLimit: options.bodyLimit },
    (request, body, done) => {
      request.bodyIsForm = true;
      try {
        done(null, parseForm(utf8Text(body as Buffer)));
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: options.bodyLimit }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(utf8Text(body as Buffer)));
    } catch (error) {
      done(error as Error, undefined);
    }
  });

  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done) => {
    reply.header('request-id', request.id);
    for (const name of ECHOED_HEADERS) {
      const value = request.headers[name];
      if (typeof value === 'string' && value.length <= 255) reply.header(name, value);
    }
    done();
  });

  // Normalise per route, with the route's own schema captured once at registration.
  app.addHook('onRoute', (route) => {
    const schema = route.schema as { body?: SchemaNode; querystring?: SchemaNode } | undefined;
    // An API route takes exactly the parameters its schema declares: where it declares no
    // query string (or no body), any given is unknown rather than silently ignored.
    const strict = API_ROUTE.test(route.url);
    const normalize = (request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void) => {
      try {
        const queryError = (request.query as Record<symbol, unknown> | undefined)?.[QUERY_ERROR];
        if (queryError) throw queryError;
        rejectControlInPath(request.params);
        if (schema?.querystring) request.query = hasAny(request.query) ? normalizeParams(request.query, schema.querystring, true) : {};
        else if (strict) rejectUndeclared(request.query);
        // No body is no parameters; a JSON `null` body is not an object and fails validation.
        if (schema?.body) request.body = normalizeParams(request.body === undefined ? {} : request.body, schema.body, request.bodyIsForm);
        else if (strict) rejectUndeclared(request.body);
      } catch (error) {
        done(error as Error);
        return;
      }
      done();
    };
    const existing = route.preValidation;
    route.preValidation = existing ? [...(Array.isArray(existing) ? existing : [existing]), normalize] : [normalize];
  });
}

function hasAny(params: unknown): boolean {
  if (typeof params !== 'object' || params === null) return params !== undefined;
  for (const key in params) if (Object.hasOwn(params, key)) return true;
  return false;
}

function rejectUndeclared(params: unknown): void {
  if (typeof params !== 'object' || params === null) return;
  const [first] = Object.keys(params);
  if (first !== undefined) throw parameterUnknown(first);
}

/** Path segments reach the database as they are: no control characters, well-formed Unicode. */
function rejectControlInPath(params: unknown): void {
  if (typeof params !== 'object' || params === null) return;
  for (const [name, value] of Object.entries(params)) {
    if (typeof value === 'string') checkCharacters(value, name);
  }
}

/** A query string that cannot be parsed is reported by the route's hooks, not by the router. */
export const QUERY_ERROR = Symbol('clientele.queryError');

export function parseQueryString(text: string): Record<string | symbol, unknown> {
  try {
    return parseForm(text);
  } catch (error) {
    return { [QUERY_ERROR]: error };
  }
}
