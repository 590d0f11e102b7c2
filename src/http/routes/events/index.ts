import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { parameterInvalid, parametersExclusive } from '../../../domain/errors.js';
import { EVENT_TYPES } from '../../../domain/owned-resources.js';
import { toApiEvent } from '../../../domain/events/event-service.js';
import { validateExpand } from '../../wire/expand.js';
import { listEnvelope, listParams, pageRequest } from '../../wire/list.js';
import { errorResponses, ExpandParam, ListOf, Nullable, Str, Strict } from '../../wire/schema-kit.js';
import type { RouteModule } from '../route-module.js';
import { authOf } from '../common.js';

export const Event = Type.Object(
  {
    id: Type.String({ description: '`evt_` followed by 26 base62 characters (the creation time, then ~101 random bits); the same across delivery retries.' }),
    object: Type.Literal('event'),
    api_version: Type.String(),
    created: Type.Integer(),
    data: Type.Object({
      object: Type.Any({ description: 'The object as it was right after the change.' }),
      previous_attributes: Type.Optional(Type.Record(Type.String(), Type.Any(), { description: 'For *.updated: the old values of exactly the fields that changed.' })),
      source: Type.Optional(Type.Any({ description: 'For customer.merged: the absorbed customer and what moved (docs/merging.md).' })),
    }),
    livemode: Type.Boolean(),
    pending_webhooks: Type.Integer(),
    request: Type.Object({ id: Nullable(Type.String()), idempotency_key: Nullable(Type.String()), actor: Nullable(Type.String()) }),
    type: Type.String(),
  },
  { $id: 'Event' },
);

const ListEventsQuery = Strict({
  limit: Type.Optional(listParams.limit),
  starting_after: Type.Optional(listParams.starting_after),
  ending_before: Type.Optional(listParams.ending_before),
  created: Type.Optional(listParams.created),
  type: Type.Optional(Str(100, { description: 'One event type.' })),
  types: Type.Optional(Type.Array(Str(100), { maxItems: 20, description: 'Several event types (not with type).' })),
  expand: Type.Optional(ExpandParam),
});

const tags = ['Events'];

function checkType(type: string, param: string): void {
  if (!(EVENT_TYPES as readonly string[]).includes(type)) {
    throw parameterInvalid(`Invalid ${param}: '${type}' is not an event type (${EVENT_TYPES.join(', ')}).`, param);
  }
}

/** SPEC E-1: GET /v1/events and GET /v1/events/:id. */
export const eventRoutes: RouteModule = {
  register(scope: FastifyInstance, { services: { events } }) {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    app.addSchema(Event);

    app.get(
      '/events',
      {
        schema: {
          tags,
          summary: 'List events, newest first (filters type, types[], created)',
          querystring: ListEventsQuery,
          response: { 200: ListOf(Type.Ref(Event), '/v1/events'), ...errorResponses },
        },
      },
      async (request) => {
        const q = request.query;
        validateExpand('event', q.expand, true);
        if (q.type !== undefined && q.types !== undefined) {
          throw parametersExclusive(['type', 'types']);
        }
        const types = q.type !== undefined ? [q.type] : q.types;
        types?.forEach((t, i) => checkType(t, q.type !== undefined ? 'type' : `types[${i}]`));
        const page = await events.list(authOf(request), types, pageRequest(q));
        return listEnvelope('/v1/events', page.data.map(toApiEvent), page.hasMore);
      },
    );

    app.get(
      '/events/:id',
      {
        schema: {
          tags,
          summary: 'Retrieve an event',
          params: Strict({ id: Str(255) }),
          querystring: Strict({ expand: Type.Optional(ExpandParam) }),
          response: { 200: Type.Ref(Event), ...errorResponses },
        },
      },
      async (request) => {
        validateExpand('event', request.query.expand);
        return toApiEvent(await events.retrieve(authOf(request), request.params.id));
      },
    );
  },
};
