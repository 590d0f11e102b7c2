import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { CUSTOMER_EXPANSIONS, type CustomerView } from '../../../domain/customers/customer-expansions.js';
import { toApiCustomer, toApiCustomerOrTombstone } from '../../../domain/customers/customer-mapper.js';
import type { CustomerCreateInput, CustomerInput } from '../../../domain/customers/customer-input.js';
import { exportCustomer } from '../../../domain/customers/customer-export.js';
import { customerEtag, type CustomerService } from '../../../domain/customers/customer-service.js';
import { parseEtagList } from '../../../domain/preconditions.js';
import type { Store } from '../../../store/port.js';
import { respond, type Presented } from '../../respond.js';
import { expandPaths } from '../../wire/expand.js';
import { listEnvelope, pageRequest } from '../../wire/list.js';
import { errorResponses, ListOf } from '../../wire/schema-kit.js';
import { authOf, fieldsOf, ifMatchOf } from '../common.js';
import {
  CreateCustomerBody,
  Customer,
  CustomerExport,
  CustomerOrTombstone,
  ListChildrenQuery,
  CustomerIdParams,
  DeletedCustomer,
  ExpandQuery,
  ExternalIdParams,
  ListCustomersQuery,
  UpdateCustomerBody,
  UpsertCustomerBody,
} from './schemas.js';

function presentCustomer(view: CustomerView, status = 200): Presented {
  return { status, body: toApiCustomerOrTombstone(view), etag: customerEtag(view.customer) };
}

const tags = ['Customers'];
const JSON_TYPE = 'application/json; charset=utf-8';

export function registerCustomerRoutes(scope: FastifyInstance, customers: CustomerService, store: Store): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
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
        store,
        () => {
          const expand = expandPaths(request.body.expand, CUSTOMER_EXPANSIONS);
          return customers.create(authOf(request), fieldsOf<CustomerCreateInput>(request.body), expand);
        },
        (view) => presentCustomer(view),
      ),
  );

  app.get(
    '/customers',
    {
      schema: {
        tags,
        summary: 'List customers (newest first), filtered by email, external_id, created and metadata',
        querystring: ListCustomersQuery,
        response: { 200: ListOf(Type.Ref(Customer), '/v1/customers'), ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const expand = expandPaths(q.expand, CUSTOMER_EXPANSIONS, true);
      const { data, hasMore } = await customers.list(
        authOf(request),
        {
          ...pageRequest(q),
          filters: {
            ...(q.email !== undefined && { email: q.email }),
            ...(q.external_id !== undefined && { externalId: q.external_id }),
            ...(q.parent !== undefined && { parentId: q.parent }),
            ...(q.metadata && { metadata: Object.entries(q.metadata) }),
          },
        },
        expand,
      );
      return listEnvelope('/v1/customers', data.map(toApiCustomer), hasMore);
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
      const expand = expandPaths(request.query.expand, CUSTOMER_EXPANSIONS);
      const scope = authOf(request);
      // Without expansions the stored representation is sent as it is.
      const stored = expand.size === 0 ? await customers.retrieveStored(scope, request.params.id) : undefined;
      const view = stored ? undefined : await customers.retrieve(scope, request.params.id, expand);
      const etag = stored ? stored.etag : customerEtag((view as CustomerView).customer);
      reply.header('etag', etag);
      const ifNoneMatch = request.headers['if-none-match'];
      if (ifNoneMatch !== undefined) {
        const matches = parseEtagList(ifNoneMatch);
        if (matches === '*' || matches?.includes(etag)) return reply.code(304).send();
      }
      if (stored) return reply.type(JSON_TYPE).send(stored.body);
      return toApiCustomerOrTombstone(view as CustomerView);
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
        store,
        () => {
          const expand = expandPaths(request.body.expand, CUSTOMER_EXPANSIONS);
          return customers.update(authOf(request), request.params.id, fieldsOf<CustomerInput>(request.body), ifMatchOf(request), expand);
        },
        (view) => presentCustomer(view),
      ),
  );

  app.delete(
    '/customers/:id',
    {
      schema: {
        tags,
        summary: 'Delete a customer: erases personal data, detaches payment methods, keeps a tombstone',
        params: CustomerIdParams,
        response: { 200: Type.Ref(DeletedCustomer), ...errorResponses },
      },
    },
    async (request, reply) =>
      respond(
        request,
        reply,
        store,
        () => customers.remove(authOf(request), request.params.id, ifMatchOf(request)),
        (customer) => presentCustomer({ customer }),
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
      const expand = expandPaths(request.query.expand, CUSTOMER_EXPANSIONS, true);
      const page = await customers.listChildren(authOf(request), request.params.id, pageRequest(request.query), expand);
      return listEnvelope(`/v1/customers/${request.params.id}/children`, page.data.map(toApiCustomer), page.hasMore);
    },
  );

  app.get(
    '/customers/:id/export',
    {
      schema: {
        tags,
        summary: 'Export everything held about a customer as one JSON document',
        params: CustomerIdParams,
        response: { 200: CustomerExport, ...errorResponses },
      },
    },
    async (request) => exportCustomer(store, authOf(request), request.params.id),
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
      const expand = expandPaths(request.query.expand, CUSTOMER_EXPANSIONS);
      const view = await customers.retrieveByExternalId(authOf(request), request.params.external_id, expand);
      return reply.header('etag', customerEtag(view.customer)).send(toApiCustomer(view));
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
        store,
        () => {
          const expand = expandPaths(request.body.expand, CUSTOMER_EXPANSIONS);
          return customers.upsertByExternalId(
            authOf(request),
            request.params.external_id,
            fieldsOf<CustomerInput>(request.body),
            ifMatchOf(request),
            expand,
          );
        },
        (view) => presentCustomer(view, view.created ? 201 : 200),
      ),
  );
}
