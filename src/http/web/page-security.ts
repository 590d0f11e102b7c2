import type { FastifyInstance } from 'fastify';

/**
 * The headers of every server-rendered page (the support console, the customer portal): nothing
 * but our own stylesheet and forms — no script at all, no frames, no referrer — and never cached.
 */
export const PAGE_SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cross-origin-opener-policy': 'same-origin',
} as const;

/** Pages, not API operations: kept out of the OpenAPI document, sent with the headers above. */
export function securePages(scope: FastifyInstance): void {
  scope.addHook('onRoute', (route) => {
    route.schema = { ...route.schema, hide: true };
  });
  scope.addHook('onSend', async (_request, reply, payload) => {
    reply.headers(PAGE_SECURITY_HEADERS);
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
}

/** The body's field as one string ('' when absent or repeated). */
export function formField(body: unknown, name: string): string {
  const value = body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : '';
}
