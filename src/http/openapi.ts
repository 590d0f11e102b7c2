import type { SwaggerOptions } from '@fastify/swagger';

/** Request bodies as the SDKs send them (form encoding, bracket notation) and as JSON. */
const BODY_TYPES = ['application/x-www-form-urlencoded', 'application/json'];

const ERROR = { $ref: 'ErrorEnvelope#' };

/** `POST /v1/customers/{id}/tax_ids` → `PostCustomersIdTaxIds`: one unique name per operation. */
export function operationIdOf(method: string, url: string): string {
  const words = url
    .replace(/^\/v1\//, '/')
    .split(/[/_{}:-]+/)
    .filter(Boolean)
    .map((w) => w[0]?.toUpperCase() + w.slice(1));
  return `${method[0]?.toUpperCase()}${method.slice(1).toLowerCase()}${words.join('')}`;
}

/**
 * A response written as if/then/else for the serialiser (the customer or its tombstone, decided
 * by one cheap check) is, to a client generator, one of two shapes: `oneOf`.
 */
function asAlternatives(schema: unknown): unknown {
  const s = schema as { if?: unknown; then?: unknown; else?: unknown; description?: string } | null;
  if (!s || s.if === undefined || s.then === undefined || s.else === undefined) return schema;
  return { oneOf: [s.then, s.else], ...(s.description && { description: s.description }) };
}

interface RouteSchema {
  body?: unknown;
  response?: Record<string, unknown>;
  headers?: unknown;
  hide?: boolean;
  [key: string]: unknown;
}

/**
 * What every /v1 operation takes and may answer beyond its own schema, for the document only
 * (validation and serialisation are the routes' own): the headers the wire format reads, both
 * body encodings, and the statuses that any write (409, 412), the customer retrieve (304) and
 * rate limiting (429) can produce.
 */
function documented(method: string, url: string, schema: RouteSchema): RouteSchema {
  const v1 = url.startsWith('/v1/');
  const write = method === 'POST' || method === 'DELETE' || method === 'PATCH';
  const headers: Record<string, unknown> = {};
  if (v1) headers['stripe-version'] = { type: 'string', description: 'Echoed back; the object shapes do not change with it.' };
  if (v1 && method === 'POST') {
    headers['idempotency-key'] = {
      type: 'string',
      minLength: 1,
      maxLength: 255,
      description: 'Makes the write safe to retry for 24 hours: the first response is replayed (docs/customers.md, Safe writes).',
    };
  }
  if (v1 && write) {
    headers['clientele-actor'] = {
      type: 'string',
      maxLength: 100,
      description: 'Who is behind the change (1–100 printable characters, UTF-8): recorded on its events as request.actor (docs/authentication.md).',
    };
  }
  if (v1 && write && /\{[^}]+\}$|\{[^}]+\}\/(attach|detach)$/.test(url)) {
    headers['if-match'] = { type: 'string', description: 'ETag(s) of the version you read; 412 if the object has changed since.' };
  }
  if (v1 && method === 'GET' && url === '/v1/customers/{id}') {
    headers['if-none-match'] = { type: 'string', description: 'ETag(s) you hold; 304 without a body while they are current.' };
  }
  const response: Record<string, unknown> = {};
  for (const [status, body] of Object.entries(schema.response ?? {})) response[status] = asAlternatives(body);
  if (v1) {
    response['429'] = { description: 'Rate limited (code rate_limit): retry after Retry-After seconds.', ...ERROR };
    if (write) response['409'] = { description: 'Conflict: resource_already_exists, or idempotency_key_in_use while the first request with the key runs.', ...ERROR };
    if (headers['if-match']) response['412'] = { description: 'If-Match does not match the current ETag (precondition_failed); nothing changed.', ...ERROR };
    if (headers['if-none-match']) response['304'] = { description: 'Not modified: the ETag you hold is current.', type: 'null' };
  }
  return {
    ...schema,
    ...(schema.body !== undefined && { consumes: BODY_TYPES }),
    ...(Object.keys(headers).length > 0 && { headers: { type: 'object', properties: headers } }),
    response,
  };
}

/** The OpenAPI 3.1 document's options: generated from the route schemas, completed above. */
export function openapiOptions(publicUrl: string): SwaggerOptions {
  return {
    // Shared schemas keep their names (Customer, PaymentMethod, …) in components.schemas.
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`),
    },
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Clientele API',
        version: '1',
        license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
        description:
          "Customer profiles API for payments. Stripe v1 wire conventions: form-encoded (bracket notation) or JSON bodies, Bearer or Basic auth with a secret key, Stripe's error envelope and list format.",
      },
      servers: [{ url: publicUrl, description: 'This server (PUBLIC_URL)' }],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          basic: { type: 'http', scheme: 'basic' },
          // The FlexPrice-compatible routes (/flexprice/v1) also take the key in x-api-key.
          apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        },
      },
      security: [{ bearer: [] }, { basic: [] }],
    },
    // One name per operation; a route that answers two methods (POST and its PATCH alias) is two.
    transformObject: (documentObject) => {
      const { openapiObject } = documentObject as { openapiObject: Record<string, unknown> };
      const document = openapiObject as { paths?: Record<string, Record<string, { operationId?: string }>> };
      for (const [path, operations] of Object.entries(document.paths ?? {})) {
        // The methods of one route may share one operation object: each gets its own copy.
        for (const [method, operation] of Object.entries(operations)) operations[method] = { ...operation, operationId: operationIdOf(method, path) };
      }
      return openapiObject;
    },
    transform: ({ schema, url, route }) => {
      const method = String(Array.isArray(route.method) ? route.method[0] : route.method);
      const own = (schema ?? {}) as RouteSchema;
      if (own.hide) return { schema: own as never, url };
      return { schema: documented(method, url.replace(/:([A-Za-z_]+)/g, '{$1}'), own) as never, url };
    },
  };
}
