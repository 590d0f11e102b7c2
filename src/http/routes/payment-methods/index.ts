import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { CreatePaymentMethodInput, UpdatePaymentMethodInput } from '../../../domain/payment-methods/payment-method-input.js';
import type { Shown } from '../../../domain/expansion/expansion-table.js';
import { paymentMethodEtag } from '../../../domain/payment-methods/payment-method-service.js';
import type { PaymentMethodRecord } from '../../../domain/payment-methods/payment-method.js';
import type { Presented } from '../../respond.js';
import { listEnvelope, pageRequest } from '../../wire/list.js';
import { errorResponses, ListOf } from '../../wire/schema-kit.js';
import type { RouteModule } from '../route-module.js';
import { authOf, fieldsOf, ifMatchOf } from '../common.js';
import {
  AttachBody,
  CreatePaymentMethodBody,
  CustomerPaymentMethodParams,
  DetachBody,
  ExpandQuery,
  ListCustomerPaymentMethodsQuery,
  ListPaymentMethodsQuery,
  PaymentMethod,
  PaymentMethodIdParams,
  UpdatePaymentMethodBody,
} from './schemas.js';

const tags = ['Payment methods'];

function present(shown: Shown<PaymentMethodRecord>): Presented {
  return { status: 200, body: shown.body, etag: paymentMethodEtag(shown.record) };
}

/** SPEC PM-1 … PM-4. Card numbers are reduced to display details before anything is stored. */
export const paymentMethodRoutes: RouteModule = {
  schemas: [PaymentMethod],
  owned: { exportKey: 'payment_methods', item: Type.Ref(PaymentMethod) },
  register(scope: FastifyInstance, { services: { paymentMethods: methods }, respond }) {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    const one = { 200: Type.Ref(PaymentMethod), ...errorResponses };
    const list = (url: string) => ({ 200: ListOf(Type.Ref(PaymentMethod), url), ...errorResponses });

    app.post(
      '/payment_methods',
      { schema: { tags, summary: 'Create a card payment method (raw card or a processor reference)', body: CreatePaymentMethodBody, response: one } },
      async (request, reply) =>
        respond(
          request,
          reply,
          () => methods.create(authOf(request), fieldsOf<CreatePaymentMethodInput>(request.body), request.body.expand),
          present,
        ),
    );

    app.get(
      '/payment_methods',
      { schema: { tags, summary: "List payment methods (optionally one customer's)", querystring: ListPaymentMethodsQuery, response: list('/v1/payment_methods') } },
      async (request) => {
        const q = request.query;
        const page = await methods.list(
          authOf(request),
          { ...(q.customer !== undefined && { customerId: q.customer }), ...(q.type !== undefined && { type: q.type }) },
          pageRequest(q),
          q.expand,
        );
        return listEnvelope('/v1/payment_methods', page.data, page.hasMore);
      },
    );

    app.get(
      '/payment_methods/:id',
      { schema: { tags, summary: 'Retrieve a payment method', params: PaymentMethodIdParams, querystring: ExpandQuery, response: one } },
      async (request, reply) => {
        const shown = await methods.retrieve(authOf(request), request.params.id, request.query.expand);
        return reply.header('etag', paymentMethodEtag(shown.record)).send(shown.body);
      },
    );

    app.post(
      '/payment_methods/:id',
      {
        schema: {
          tags,
          summary: 'Update billing details, expiry or metadata',
          params: PaymentMethodIdParams,
          body: UpdatePaymentMethodBody,
          response: one,
        },
      },
      async (request, reply) =>
        respond(
          request,
          reply,
          () => methods.update(authOf(request), request.params.id, fieldsOf<UpdatePaymentMethodInput>(request.body), ifMatchOf(request), request.body.expand),
          present,
        ),
    );

    app.post(
      '/payment_methods/:id/attach',
      { schema: { tags, summary: 'Attach to a customer', params: PaymentMethodIdParams, body: AttachBody, response: one } },
      async (request, reply) =>
        respond(
          request,
          reply,
          () => methods.attach(authOf(request), request.params.id, request.body.customer, ifMatchOf(request), request.body.expand),
          present,
        ),
    );

    app.post(
      '/payment_methods/:id/detach',
      {
        schema: {
          tags,
          summary: "Detach from its customer (clears the customer's default if it was this one)",
          params: PaymentMethodIdParams,
          body: DetachBody,
          response: one,
        },
      },
      async (request, reply) =>
        respond(
          request,
          reply,
          () => methods.detach(authOf(request), request.params.id, ifMatchOf(request), request.body.expand),
          present,
        ),
    );

    app.get(
      '/customers/:id/payment_methods',
      {
        schema: {
          tags,
          summary: "List a customer's payment methods",
          params: PaymentMethodIdParams,
          querystring: ListCustomerPaymentMethodsQuery,
          response: list('/v1/customers/{id}/payment_methods'),
        },
      },
      async (request) => {
        const q = request.query;
        const page = await methods.listForCustomer(authOf(request), request.params.id, q.type, pageRequest(q), q.expand);
        return listEnvelope(`/v1/customers/${request.params.id}/payment_methods`, page.data, page.hasMore);
      },
    );

    app.get(
      '/customers/:id/payment_methods/:payment_method',
      {
        schema: {
          tags,
          summary: "Retrieve one of a customer's payment methods",
          params: CustomerPaymentMethodParams,
          querystring: ExpandQuery,
          response: one,
        },
      },
      async (request, reply) => {
        const shown = await methods.retrieveForCustomer(authOf(request), request.params.id, request.params.payment_method, request.query.expand);
        return reply.header('etag', paymentMethodEtag(shown.record)).send(shown.body);
      },
    );
  },
};
