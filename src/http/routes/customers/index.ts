import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { CustomerCreateInput, CustomerInput } from '../../../domain/customers/customer-input.js';
import { toDeletedCustomer } from '../../../domain/customers/customer-mapper.js';
import { customerEtag, type CustomerResult } from '../../../domain/customers/customer-service.js';
import type { Presented } from '../../respond.js';
import { listEnvelope, pageRequest } from '../../wire/list.js';
import { errorResponses, ListOf } from '../../wire/schema-kit.js';
import { authOf, fieldsOf, ifMatchOf } from '../common.js';
import type { RouteModule } from '../route-module.js';
import {
  CreateCustomerBody,
  CustomerIdParams,
  CustomerOrTombstone,
  DeletedCustomer,
  ExpandQuery,
  ExternalIdParams,
  ListChildrenQuery,
  ListCustomersQuery,
  UpdateCustomerBody,
  UpsertCustomerBody,
  customerExportSchema,
  customerSchema,
} from './schemas.js';

function presentCustomer(result: CustomerResult, status = 200): Presented {
  return { status, body: result.body, etag: customerEtag(result.customer) };
}

const tags = ['Customers'];
const JSON_TYPE = 'application/json; charset=utf-8';

/** SPEC C-1 … C-8, H-3. */
export const customerRoutes: RouteModule = {
  register(scope: FastifyInstance, { services: { customers }, respond, owned }) {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    const Customer = customerSchema(Object.assign({}, ...owned.map((o) => o.customerIncludes ?? {})));
    const CustomerExport = customerExportSchema(Object.fromEntries(owned.map((o) => [o.exportKey, Type.Array(o.item)])));
    app.addSchema(Customer);
    app.addSchema(DeletedCustomer);
    const customerResponse = { 200: Type.Ref(Customer), ...errorResponses };

    app.post(
      '/customers',
      { schema: { tags, summary: 'Create a customer', body: CreateCustomerBody, response: customerResponse } },
      async (request, reply) =>
        respond(
          request,
          reply,
          () => customers.create(authOf(request), fieldsOf<CustomerCreateInput>(request.body), request.body.expand),
          (result) => presentCustomer(result),
        ),
    );

    app.get(
      '/customers',
      {
        schema: {
          tags,
          summary: 'List customers (newest first), filtered by email, external_id, created, metadata and contact_email',
          querystring: ListCustomersQuery,
          response: { 200: ListOf(Type.Ref(Customer), '/v1/customers'), ...errorResponses },
        },
      },
      async (request) => {
        const q = request.query;
        const { data, hasMore } = await customers.list(
          authOf(request),
          {
            ...pageRequest(q),
            filters: {
              ...(q.email !== undefined && { email: q.email }),
              ...(q.external_id !== undefined && { externalId: q.external_id }),
              ...(q.parent !== undefined && { parentId: q.parent }),
              ...(q.contact_email !== undefined && { contactEmail: q.contact_email }),
              ...(q.metadata && { metadata: Object.entries(q.metadata) }),
            },
          },
          q.expand,
        );
        return listEnvelope('/v1/customers', data, hasMore);
      },
    );

    app.get(
      '/customers/:id',
      {
        schema: {
          tags,
          summary: 'Retrieve a customer (a deleted one returns its tombstone)',
          params: CustomerIdParams,
          querystring: ExpandQuery,
          response: { 200: CustomerOrTombstone, ...errorResponses },
        },
      },
      async (request, reply) => {
        const ifNoneMatch = request.headers['if-none-match'];
        const outcome = await customers.retrieve(authOf(request), request.params.id, request.query.expand, ifNoneMatch);
        reply.header('etag', outcome.etag);
        if (outcome.status === 304) return reply.code(304).send();
        // Without expansions the stored representation is sent as it is.
        if ('stored' in outcome) return reply.type(JSON_TYPE).send(outcome.stored);
        return outcome.body;
      },
    );

    app.post(
      '/customers/:id',
      {
        schema: {
          tags,
          summary: 'Update a customer (any subset of fields; metadata merges)',
          params: CustomerIdParams,
          body: UpdateCustomerBody,
          response: customerResponse,
        },
      },
      async (request, reply) =>
        respond(
          request,
          reply,
          () =>
            customers.update(authOf(request), request.params.id, fieldsOf<CustomerInput>(request.body), ifMatchOf(request), request.body.expand),
          (result) => presentCustomer(result),
        ),
    );

    app.delete(
      '/customers/:id',
      {
        schema: {
          tags,
          summary: 'Delete a customer: erases personal data, detaches payment methods, keeps a tombstone',
          params: CustomerIdParams,
          querystring: ExpandQuery,
          response: { 200: Type.Ref(DeletedCustomer), ...errorResponses },
        },
      },
      async (request, reply) =>
        respond(
          request,
          reply,
          () => customers.remove(authOf(request), request.params.id, ifMatchOf(request), request.query.expand),
          (customer) => ({ status: 200, body: toDeletedCustomer(customer), etag: customerEtag(customer) }),
        ),
    );

    app.get(
      '/customers/:id/children',
      {
        schema: {
          tags,
          summary: 'List the direct children of a customer (list conventions)',
          params: CustomerIdParams,
          querystring: ListChildrenQuery,
          response: { 200: ListOf(Type.Ref(Customer), '/v1/customers/{id}/children'), ...errorResponses },
        },
      },
      async (request) => {
        const page = await customers.listChildren(authOf(request), request.params.id, pageRequest(request.query), request.query.expand);
        return listEnvelope(`/v1/customers/${request.params.id}/children`, page.data, page.hasMore);
      },
    );

    app.get(
      '/customers/:id/export',
      {
        schema: {
          tags,
          summary: 'Export everything held about a customer as one JSON document',
          params: CustomerIdParams,
          querystring: ExpandQuery,
          response: { 200: CustomerExport, ...errorResponses },
        },
      },
      async (request) => customers.export(authOf(request), request.params.id, request.query.expand),
    );

    app.get(
      '/customers/external/:external_id',
      {
        schema: {
          tags,
          summary: 'Retrieve a customer by your own id (external_id)',
          params: ExternalIdParams,
          querystring: ExpandQuery,
          response: customerResponse,
        },
      },
      async (request, reply) => {
        const result = await customers.retrieveByExternalId(authOf(request), request.params.external_id, request.query.expand);
        return reply.header('etag', customerEtag(result.customer)).send(result.body);
      },
    );

    app.post(
      '/customers/external/:external_id',
      {
        schema: {
          tags,
          summary: 'Create or update a customer by external_id (201 created, 200 updated)',
          params: ExternalIdParams,
          body: UpsertCustomerBody,
          response: { 200: Type.Ref(Customer), 201: Type.Ref(Customer), ...errorResponses },
        },
      },
      async (request, reply) =>
        respond(
          request,
          reply,
          () =>
            customers.upsertByExternalId(
              authOf(request),
              request.params.external_id,
              fieldsOf<CustomerInput>(request.body),
              ifMatchOf(request),
              request.body.expand,
            ),
          (result) => presentCustomer(result, result.created ? 201 : 200),
        ),
    );
  },
};
