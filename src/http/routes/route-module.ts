import type { FastifyInstance } from 'fastify';
import type { TSchema } from '@sinclair/typebox';
import type { Services } from '../../compose.js';
import type { Respond } from '../respond.js';

/** How a resource owned by a customer shows up in the customer's own responses. */
export interface OwnedRoutes {
  /** Its key in the export document, and the schema of one of its objects. */
  readonly exportKey: string;
  readonly item: TSchema;
  /** The customer fields it adds with expand[] (`tax_ids`), and their schemas. */
  readonly customerIncludes?: Readonly<Record<string, TSchema>>;
}

/** What every route module is given: the services (never the store) and the bound responder. */
export interface RouteDeps {
  services: Services;
  respond: Respond;
  /** Every owned resource's part in the customer's responses. */
  owned: readonly OwnedRoutes[];
}

/** One resource's routes, registered by src/http/routes/index.ts. */
export interface RouteModule {
  /** Schemas with an $id that other modules reference (`PaymentMethod`). */
  readonly schemas?: readonly TSchema[];
  readonly owned?: OwnedRoutes;
  register(app: FastifyInstance, deps: RouteDeps): void;
}
