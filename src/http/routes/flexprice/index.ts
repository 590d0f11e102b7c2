import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { customerEtag, type CustomerResult } from '../../../domain/customers/customer-service.js';
import { parameterMissing, parametersExclusive } from '../../../domain/errors.js';
import type { Scope } from '../../../domain/scope.js';
import type { Presented } from '../../respond.js';
import { authOf, ifMatchOf } from '../common.js';
import type { DialectModule } from '../dialects.js';
import { createInputOf, FLEXPRICE_EXPAND, toFlexPriceCustomer, toFlexPriceError, updateInputOf } from './flexprice-mapper.js';
import { customerQueryOf } from './flexprice-search.js';
import {
  CreateCustomerBody,
  CustomerIdParams,
  ExternalIdParams,
  FlexPriceCustomer,
  FlexPriceCustomerList,
  FlexPriceError,
  flexpriceErrors,
  NoQuery,
  SearchBody,
  UpdateCustomerBody,
  UpdateCustomerQuery,
} from './schemas.js';

const tags = ['FlexPrice: Customers'];
const security: Array<Record<string, string[]>> = [{ apiKey: [] }, { bearer: [] }, { basic: [] }];
const customerResponse = { 200: Type.Ref(FlexPriceCustomer), ...flexpriceErrors };

/**
 * SPEC D-1: FlexPrice's customer API (the six calls of `@flexprice/sdk`'s customers) over
 * Clientele's customers. Keys in `x-api-key` (or as on /v1); errors in FlexPrice's shape.
 */
export const flexpriceRoutes: DialectModule = {
  prefix: '/flexprice/v1',
  auth: { keyHeader: 'x-api-key' },
  schemas: [FlexPriceCustomer, FlexPriceError],
  renderError: toFlexPriceError,
  register(scope: FastifyInstance, { services: { customers }, respond }) {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    const present = (auth: Scope, status: number) => (result: CustomerResult): Presented => ({
      status,
      body: toFlexPriceCustomer(result, auth),
      etag: customerEtag(result.customer),
    });

    app.post(
      '/customers',
      {
        schema: {
          tags,
          security,
          summary: 'FlexPrice: create a customer (external_id required); 201',
          querystring: NoQuery,
          body: CreateCustomerBody,
          response: { 201: Type.Ref(FlexPriceCustomer), ...flexpriceErrors },
        },
      },
      async (request, reply) =>
        respond(request, reply, () => customers.create(authOf(request), createInputOf(request.body), FLEXPRICE_EXPAND), present(authOf(request), 201)),
    );

    app.get(
      '/customers/:id',
      {
        schema: {
          tags,
          security,
          summary: 'FlexPrice: retrieve a customer (a deleted one is archived)',
          params: CustomerIdParams,
          querystring: NoQuery,
          response: customerResponse,
        },
      },
      async (request, reply) => {
        const result = await customers.find(authOf(request), request.params.id, FLEXPRICE_EXPAND);
        return reply.header('etag', customerEtag(result.customer)).send(toFlexPriceCustomer(result, authOf(request)));
      },
    );

    app.get(
      '/customers/external/:external_id',
      {
        schema: {
          tags,
          security,
          summary: 'FlexPrice: retrieve a customer by external_id',
          params: ExternalIdParams,
          querystring: NoQuery,
          response: customerResponse,
        },
      },
      async (request, reply) => {
        const result = await customers.retrieveByExternalId(authOf(request), request.params.external_id, FLEXPRICE_EXPAND);
        return reply.header('etag', customerEtag(result.customer)).send(toFlexPriceCustomer(result, authOf(request)));
      },
    );

    app.put(
      '/customers',
      {
        schema: {
          tags,
          security,
          summary: 'FlexPrice: update a customer named by ?id= or ?external_customer_id= (metadata is replaced)',
          querystring: UpdateCustomerQuery,
          body: UpdateCustomerBody,
          response: customerResponse,
        },
      },
      async (request, reply) => {
        const { id, external_customer_id: externalId } = request.query;
        if (id !== undefined && externalId !== undefined) throw parametersExclusive(['id', 'external_customer_id']);
        if (id === undefined && externalId === undefined) throw parameterMissing('id');
        const input = updateInputOf(request.body);
        const auth = authOf(request);
        return respond(
          request,
          reply,
          () =>
            id !== undefined
              ? customers.update(auth, id, input, ifMatchOf(request), FLEXPRICE_EXPAND)
              : customers.updateByExternalId(auth, externalId as string, input, ifMatchOf(request), FLEXPRICE_EXPAND),
          present(auth, 200),
        );
      },
    );

    app.delete(
      '/customers/:id',
      {
        schema: {
          tags,
          security,
          summary: 'FlexPrice: delete a customer (erases its personal data; it shows as archived); 204',
          params: CustomerIdParams,
          querystring: NoQuery,
          response: { 204: Type.Null({ description: 'No content.' }), ...flexpriceErrors },
        },
      },
      async (request, reply) =>
        respond(
          request,
          reply,
          () => customers.remove(authOf(request), request.params.id, ifMatchOf(request)),
          (erased) => ({ status: 204, body: undefined, etag: customerEtag(erased) }),
        ),
    );

    app.post(
      '/customers/search',
      {
        config: { readOnly: true },
        schema: {
          tags,
          security,
          summary: 'FlexPrice: query customers by ids, external ids, email, parents, created time and status (offset paging)',
          querystring: NoQuery,
          body: SearchBody,
          response: { 200: FlexPriceCustomerList, ...flexpriceErrors },
        },
      },
      async (request) => {
        const auth = authOf(request);
        const query = customerQueryOf(request.body);
        const { results, total } = await customers.query(auth, query, FLEXPRICE_EXPAND);
        return {
          items: results.map((result) => toFlexPriceCustomer(result, auth)),
          pagination: { total, limit: query.limit, offset: query.offset },
        };
      },
    );
  },
};
