import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AuthContext } from '../../../domain/accounts/account-service.js';
import { toApiCustomer, toApiCustomerOrTombstone, toDeletedCustomer } from '../../../domain/customers/customer-mapper.js';
import type { CustomerInput } from '../../../domain/customers/customer-input.js';
import type { CustomerRecord } from '../../../domain/customers/customer.js';
import { customerEtag, scopeOf, type CustomerService } from '../../../domain/customers/customer-service.js';
import { parseEtagList } from '../../../domain/preconditions.js';
import type { Store } from '../../../store/port.js';
import { respond, type Presented } from '../../respond.js';
import { expandPaths } from '../../wire/expand.js';
import { listEnvelope, pageRequest } from '../../wire/list.js';
import { errorResponses, ListOf } from '../../wire/schema-kit.js';
import {
  CreateCustomerBody,
  Customer,
  CustomerIdParams,
  DeletedCustomer,
  ExpandQuery,
  ExternalIdParams,
  ListCustomersQuery,
  UpdateCustomerBody,
  UpsertCustomerBody,
} from './schemas.js';

/** What a customer can expand; grows as resources land (tax ids, stats, …). */
const EXPANDABLE: readonly string[] = [];

function authOf(request: FastifyRequest): AuthContext {
  if (!request.auth) throw new Error('auth hook did not run');
  return request.auth;
}

function ifMatchOf(request: FastifyRequest) {
  const header = request.headers['if-match'];
  return parseEtagList(Array.isArray(header) ? header.join(',') : header);
}

function presentCustomer(customer: CustomerRecord, status = 200): Presented {
  return {
    status,
    body: customer.deleted ? toDeletedCustomer(customer) : toApiCustomer(customer),
    etag: customerEtag(customer),
  };
}

function inputOf(body: { expand?: string[] } & Record<string, unknown>): CustomerInput {
  const { expand: _expand, ...fields } = body;
  return fields as CustomerInput;
}

const tags = ['Customers'];

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
          expandPaths(request.body.expand, EXPANDABLE);
          return customers.create(authOf(request), inputOf(request.body));
        },
        (customer) => presentCustomer(customer),
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
      expandPaths(q.expand, EXPANDABLE, true);
      const { data, hasMore } = await customers.list(scopeOf(authOf(request)), {
        ...pageRequest(q),
        filters: {
          ...(q.email !== undefined && { email: q.email }),
          ...(q.external_id !== undefined && { externalId: q.external_id }),
          ...(q.metadata && { metadata: Object.entries(q.metadata) }),
        },
      });
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
        response: { 200: Type.Union([Type.Ref(Customer), Type.Ref(DeletedCustomer)]), ...errorResponses },
      },
    },
    async (request, reply) => {
      expandPaths(request.query.expand, EXPANDABLE);
      const customer = await customers.retrieve(scopeOf(authOf(request)), request.params.id);
      const etag = customerEtag(customer);
      reply.header('etag', etag);
      const ifNoneMatch = parseEtagList(request.headers['if-none-match']);
      if (ifNoneMatch === '*' || ifNoneMatch?.includes(etag)) return reply.code(304).send();
      return toApiCustomerOrTombstone(customer);
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
          expandPaths(request.body.expand, EXPANDABLE);
          return customers.update(authOf(request), request.params.id, inputOf(request.body), ifMatchOf(request));
        },
        (customer) => presentCustomer(customer),
      ),
  );

  app.delete(
    '/customers/:id',
    {
      schema: {
        tags,
        summary: 'Delete a customer: erases personal data, keeps a tombstone',
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
        (customer) => presentCustomer(customer),
      ),
  );

  app.get(
    '/customers/external/:external_id',
    {
      schema: {
        tags,
        summary: "Retrieve a customer by your own id (external_id)",
        params: ExternalIdParams,
        querystring: ExpandQuery,
        response: customerResponse,
      },
    },
    async (request, reply) => {
      expandPaths(request.query.expand, EXPANDABLE);
      const customer = await customers.retrieveByExternalId(scopeOf(authOf(request)), request.params.external_id);
      return reply.header('etag', customerEtag(customer)).send(toApiCustomer(customer));
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
          expandPaths(request.body.expand, EXPANDABLE);
          return customers.upsertByExternalId(authOf(request), request.params.external_id, inputOf(request.body), ifMatchOf(request));
        },
        ({ customer, created }) => presentCustomer(customer, created ? 201 : 200),
      ),
  );
}
