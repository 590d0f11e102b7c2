import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AddressRecord } from '../../../domain/addresses/address.js';
import { toDeletedAddress } from '../../../domain/addresses/address-mapper.js';
import type { AddressBookInput } from '../../../domain/addresses/address-rules.js';
import { addressEtag } from '../../../domain/addresses/address-service.js';
import type { Shown } from '../../../domain/expansion/expansion-table.js';
import type { Presented } from '../../respond.js';
import { listEnvelope, pageRequest } from '../../wire/list.js';
import { errorResponses, ListOf } from '../../wire/schema-kit.js';
import { authOf, fieldsOf, ifMatchOf } from '../common.js';
import { IncludedList } from '../customers/schemas.js';
import type { RouteModule } from '../route-module.js';
import {
  AddressParams,
  CreateAddressBody,
  CustomerAddress,
  CustomerParams,
  DeletedCustomerAddress,
  ExpandQuery,
  ListAddressesQuery,
  UpdateAddressBody,
} from './schemas.js';

const tags = ['Addresses'];
const present = (shown: Shown<AddressRecord>): Presented => ({ status: 200, body: shown.body, etag: addressEtag(shown.record) });

/** SPEC K-1: a customer's address book, in step with its address and shipping. */
export const addressRoutes: RouteModule = {
  schemas: [CustomerAddress],
  owned: {
    exportKey: 'addresses',
    item: Type.Ref(CustomerAddress),
    customerIncludes: { addresses: IncludedList('CustomerAddress', 'addresses') },
  },
  register(scope: FastifyInstance, { services: { addresses }, respond }) {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    const one = { 200: Type.Ref(CustomerAddress), ...errorResponses };

    app.post(
      '/customers/:id/addresses',
      {
        schema: {
          tags,
          summary: "Add an address to a customer's address book (at most 100); default_for makes it the customer's address or shipping",
          params: CustomerParams,
          body: CreateAddressBody,
          response: one,
        },
      },
      async (request, reply) =>
        respond(
          request,
          reply,
          () => addresses.create(authOf(request), request.params.id, fieldsOf<AddressBookInput>(request.body), request.body.expand),
          present,
        ),
    );

    app.get(
      '/customers/:id/addresses',
      {
        schema: {
          tags,
          summary: "List a customer's address book (newest first)",
          params: CustomerParams,
          querystring: ListAddressesQuery,
          response: { 200: ListOf(Type.Ref(CustomerAddress), '/v1/customers/{id}/addresses'), ...errorResponses },
        },
      },
      async (request) => {
        const page = await addresses.list(authOf(request), request.params.id, pageRequest(request.query), request.query.expand);
        return listEnvelope(`/v1/customers/${request.params.id}/addresses`, page.data, page.hasMore);
      },
    );

    app.get(
      '/customers/:id/addresses/:address',
      { schema: { tags, summary: 'Retrieve an address', params: AddressParams, querystring: ExpandQuery, response: one } },
      async (request, reply) => {
        const shown = await addresses.retrieve(authOf(request), request.params.id, request.params.address, request.query.expand);
        return reply.header('etag', addressEtag(shown.record)).send(shown.body);
      },
    );

    app.post(
      '/customers/:id/addresses/:address',
      {
        schema: {
          tags,
          summary: "Update an address (a default's change is the customer's change too)",
          params: AddressParams,
          body: UpdateAddressBody,
          response: one,
        },
      },
      async (request, reply) =>
        respond(
          request,
          reply,
          () =>
            addresses.update(
              authOf(request),
              request.params.id,
              request.params.address,
              fieldsOf<AddressBookInput>(request.body),
              ifMatchOf(request),
              request.body.expand,
            ),
          present,
        ),
    );

    app.delete(
      '/customers/:id/addresses/:address',
      {
        schema: {
          tags,
          summary: "Delete an address (the customer's address and shipping stay as they are)",
          params: AddressParams,
          querystring: ExpandQuery,
          response: { 200: DeletedCustomerAddress, ...errorResponses },
        },
      },
      async (request, reply) =>
        respond(
          request,
          reply,
          () => addresses.remove(authOf(request), request.params.id, request.params.address, ifMatchOf(request), request.query.expand),
          (entry) => ({ status: 200, body: toDeletedAddress(entry) }),
        ),
    );
  },
};
