import type { FastifyInstance, RouteOptions } from 'fastify';

/**
 * `POST /v1/<object>/:id`: Stripe's update of one object (customers, payment methods, webhook
 * endpoints, …), and of one object under its owner (`/v1/customers/:id/contacts/:contact`).
 * Actions (`/payment_methods/:id/attach`) and find-or-create (`/customers/external/:external_id`)
 * have other shapes and do not match. Stripe's namespaced objects (`billing_portal/configurations`)
 * are named with their namespace.
 */
const UPDATE_ROUTE = /^\/v1\/(?:billing_portal\/)?[a-z_]+\/:[a-z_]+(\/[a-z_]+\/:[a-z_]+)?$/;

const PATCH_NOTE = 'Also accepted as `PATCH` (a Clientele extension, SPEC W-10): the same operation, body formats, idempotency and If-Match.';

/**
 * SPEC W-10: wherever `POST /v1/<object>/:id` updates an object, `PATCH` on the same path is
 * the same route — one handler, so body formats, validation, Idempotency-Key, If-Match and
 * events cannot drift apart. Done where routes are registered, so a resource added later gets
 * it without a line of its own; the router, the OpenAPI document and every hook see both methods.
 */
export function acceptPatchOnUpdates(scope: FastifyInstance): void {
  scope.addHook('onRoute', (route: RouteOptions) => {
    if (route.method !== 'POST' || !UPDATE_ROUTE.test(route.url)) return;
    route.method = ['POST', 'PATCH'];
    const schema = route.schema as { description?: string } | undefined;
    if (schema) route.schema = { ...schema, description: schema.description ? `${schema.description}\n\n${PATCH_NOTE}` : PATCH_NOTE };
  });
}
