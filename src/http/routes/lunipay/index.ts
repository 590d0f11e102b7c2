import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { toDeletedCustomer } from '../../../domain/customers/customer-mapper.js';
import { customerEtag, type CustomerResult } from '../../../domain/customers/customer-service.js';
import { resourceMissing } from '../../../domain/errors.js';
import type { Presented } from '../../respond.js';
import { listEnvelope, pageRequest } from '../../wire/list.js';
import { errorResponses } from '../../wire/schema-kit.js';
import { authOf, ifMatchOf } from '../common.js';
import type { DialectModule } from '../dialects.js';
import { checkStripeCustomerId, createInputOf, inputOf, LUNIPAY_EXPAND, stripeCustomerIdOf, toLuniPayCustomer } from './lunipay-mapper.js';
import {
  CreateCustomerBody,
  CustomerIdParams,
  DeletedLuniPayCustomer,
  ListCustomersQuery,
  LuniPayCustomer,
  LuniPayCustomerList,
  NoQuery,
  UpdateCustomerBody,
} from './schemas.js';

const tags = ['LuniPay: Customers'];
const URL = '/lunipay/v1/customers';
const customerResponse = { 200: Type.Ref(LuniPayCustomer), ...errorResponses };

function present(result: CustomerResult): Presented {
  return { status: 200, body: toLuniPayCustomer(result), etag: customerEtag(result.customer) };
}

/**
 * SPEC D-2: LuniPay's customer endpoints (seed 004) over Clientele's customers: PATCH updates,
 * the list is cursor-paged newest first, delete erases. Keys and errors as on /v1.
 */
export const lunipayRoutes: DialectModule = {
  prefix: '/lunipay/v1',
  schemas: [LuniPayCustomer],
  register(scope: FastifyInstance, { services: { customers }, respond }) {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();

    app.post(
      '/customers',
      {
        schema: { tags, summary: 'LuniPay: create a customer (email required)', querystring: NoQuery, body: CreateCustomerBody, response: customerResponse },
      },
      async (request, reply) =>
        respond(request, reply, () => customers.create(authOf(request), createInputOf(request.body), LUNIPAY_EXPAND), present),
    );

    app.get(
      '/customers/:id',
      {
        schema: { tags, summary: 'LuniPay: retrieve a customer (404 once deleted)', params: CustomerIdParams, querystring: NoQuery, response: customerResponse },
      },
      async (request, reply) => {
        const result = await customers.find(authOf(request), request.params.id, LUNIPAY_EXPAND);
        // LuniPay deletes permanently: a deleted customer is no longer there.
        if (result.customer.deleted) throw resourceMissing('customer', request.params.id, 'id');
        return reply.header('etag', customerEtag(result.customer)).send(toLuniPayCustomer(result));
      },
    );

    app.patch(
      '/customers/:id',
      {
        schema: {
          tags,
          summary: 'LuniPay: update any subset of the fields (metadata merges)',
          params: CustomerIdParams,
          querystring: NoQuery,
          body: UpdateCustomerBody,
          response: customerResponse,
        },
      },
      async (request, reply) => {
        const auth = authOf(request);
        const sent = request.body.stripe_customer_id;
        // Only a request that sends the read-only field pays for reading its current value.
        if (sent !== undefined) {
          const current = await customers.find(auth, request.params.id, LUNIPAY_EXPAND);
          if (current.customer.deleted) throw resourceMissing('customer', request.params.id, 'id');
          checkStripeCustomerId(sent, stripeCustomerIdOf(current));
        }
        return respond(
          request,
          reply,
          () => customers.update(auth, request.params.id, inputOf(request.body), ifMatchOf(request), LUNIPAY_EXPAND),
          present,
        );
      },
    );

    app.get(
      '/customers',
      {
        schema: {
          tags,
          summary: 'LuniPay: list customers, newest first (cursor paging)',
          querystring: ListCustomersQuery,
          response: { 200: LuniPayCustomerList, ...errorResponses },
        },
      },
      async (request) => {
        const page = await customers.listResults(authOf(request), { ...pageRequest(request.query), filters: {} }, LUNIPAY_EXPAND);
        return listEnvelope(URL, page.data.map(toLuniPayCustomer), page.hasMore);
      },
    );

    app.delete(
      '/customers/:id',
      {
        schema: {
          tags,
          summary: 'LuniPay: delete a customer (its personal data is erased; payment history stays)',
          params: CustomerIdParams,
          querystring: NoQuery,
          response: { 200: DeletedLuniPayCustomer, ...errorResponses },
        },
      },
      async (request, reply) =>
        respond(
          request,
          reply,
          () => customers.remove(authOf(request), request.params.id, ifMatchOf(request)),
          (erased) => ({ status: 200, body: toDeletedCustomer(erased), etag: customerEtag(erased) }),
        ),
    );
  },
};
