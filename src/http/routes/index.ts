import type { FastifyInstance } from 'fastify';
import type { Services } from '../../compose.js';
import type { Respond } from '../respond.js';
import { billingPortalRoutes } from './billing-portal/index.js';
import { chargeRoutes } from './charges/index.js';
import { addressRoutes } from './addresses/index.js';
import { contactRoutes } from './contacts/index.js';
import { customerRoutes } from './customers/index.js';
import { eventRoutes } from './events/index.js';
import { integrationRoutes } from './integrations/index.js';
import { invoiceRoutes } from './invoices/index.js';
import { mergeRoutes } from './merges/index.js';
import { duplicateRoutes } from './duplicates/index.js';
import { paymentMethodRoutes } from './payment-methods/index.js';
import { acceptPatchOnUpdates } from './patch-alias.js';
import { refundRoutes } from './refunds/index.js';
import type { RouteModule } from './route-module.js';
import { searchRoutes } from './search/index.js';
import { taxIdRoutes } from './tax-ids/index.js';
import { webhookEndpointRoutes } from './webhook-endpoints/index.js';

/** Every /v1 resource's routes. A new resource is one line here (see docs/architecture.md). */
export const ROUTE_MODULES: readonly RouteModule[] = [
  searchRoutes,
  customerRoutes,
  paymentMethodRoutes,
  taxIdRoutes,
  integrationRoutes,
  contactRoutes,
  addressRoutes,
  eventRoutes,
  webhookEndpointRoutes,
  chargeRoutes,
  refundRoutes,
  invoiceRoutes,
  mergeRoutes,
  duplicateRoutes,
  billingPortalRoutes,
];

/**
 * Registers the shared schemas first (routes reference each other's objects), then every route;
 * each object's update is also served as PATCH (SPEC W-10).
 */
export function registerApiRoutes(v1: FastifyInstance, deps: { services: Services; respond: Respond }): void {
  acceptPatchOnUpdates(v1);
  for (const module of ROUTE_MODULES) for (const schema of module.schemas ?? []) v1.addSchema(schema);
  const owned = ROUTE_MODULES.flatMap((m) => (m.owned ? [m.owned] : []));
  for (const module of ROUTE_MODULES) module.register(v1, { ...deps, owned });
}
