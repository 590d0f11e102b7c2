import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Shown } from '../../../domain/expansion/expansion-table.js';
import type { InvoiceCreateInput, InvoiceUpdateInput } from '../../../domain/invoices/invoice-input.js';
import { linesUrl, toApiLineItem, toDeletedInvoice } from '../../../domain/invoices/invoice-mapper.js';
import { invoiceEtag } from '../../../domain/invoices/invoice-service.js';
import type { InvoiceRecord } from '../../../domain/invoices/invoice.js';
import type { Presented } from '../../respond.js';
import { listEnvelope, pageRequest } from '../../wire/list.js';
import { errorResponses, ListOf } from '../../wire/schema-kit.js';
import { authOf, fieldsOf, ifMatchOf } from '../common.js';
import type { RouteModule } from '../route-module.js';
import {
  CreateInvoiceBody,
  DeletedInvoice,
  Invoice,
  InvoiceExpandQuery,
  InvoiceIdParams,
  LineItem,
  ListInvoicesQuery,
  ListLinesQuery,
  PayInvoiceBody,
  TransitionBody,
  UpdateInvoiceBody,
} from './schemas.js';

const tags = ['Invoices'];

function present(shown: Shown<InvoiceRecord>): Presented {
  return { status: 200, body: shown.body, etag: invoiceEtag(shown.record) };
}

/** SPEC S-1: invoices billing systems report, through Stripe's lifecycle. */
export const invoiceRoutes: RouteModule = {
  schemas: [LineItem, Invoice, DeletedInvoice],
  owned: { exportKey: 'invoices', item: Type.Ref(Invoice) },
  register(scope: FastifyInstance, { services: { invoices }, respond }) {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    const one = { 200: Type.Ref(Invoice), ...errorResponses };

    app.post(
      '/invoices',
      { schema: { tags, summary: 'Record a draft invoice with its lines (at most 250)', body: CreateInvoiceBody, response: one } },
      async (request, reply) =>
        respond(request, reply, () => invoices.create(authOf(request), fieldsOf<InvoiceCreateInput>(request.body), request.body.expand), present),
    );

    app.get(
      '/invoices',
      {
        schema: {
          tags,
          summary: "List invoices (newest first); by customer, its whole tree, or status",
          querystring: ListInvoicesQuery,
          response: { 200: ListOf(Type.Ref(Invoice), '/v1/invoices'), ...errorResponses },
        },
      },
      async (request) => {
        const q = request.query;
        const page = await invoices.list(
          authOf(request),
          {
            ...pageRequest(q),
            filters: {
              ...(q.customer !== undefined && { customer: q.customer }),
              ...(q.include_descendants !== undefined && { includeDescendants: q.include_descendants }),
              ...(q.status !== undefined && { status: q.status as InvoiceRecord['status'] }),
            },
          },
          q.expand,
        );
        return listEnvelope('/v1/invoices', page.data, page.hasMore);
      },
    );

    app.get(
      '/invoices/:id',
      { schema: { tags, summary: 'Retrieve an invoice', params: InvoiceIdParams, querystring: InvoiceExpandQuery, response: one } },
      async (request, reply) => {
        const shown = await invoices.retrieve(authOf(request), request.params.id, request.query.expand);
        return reply.header('etag', invoiceEtag(shown.record)).send(shown.body);
      },
    );

    app.post(
      '/invoices/:id',
      {
        schema: {
          tags,
          summary: 'Update an invoice: description and metadata; currency, due date and lines while a draft',
          params: InvoiceIdParams,
          body: UpdateInvoiceBody,
          response: one,
        },
      },
      async (request, reply) =>
        respond(
          request,
          reply,
          () => invoices.update(authOf(request), request.params.id, fieldsOf<InvoiceUpdateInput>(request.body), ifMatchOf(request), request.body.expand),
          present,
        ),
    );

    app.delete(
      '/invoices/:id',
      { schema: { tags, summary: 'Delete a draft invoice', params: InvoiceIdParams, response: { 200: Type.Ref(DeletedInvoice), ...errorResponses } } },
      async (request, reply) =>
        respond(
          request,
          reply,
          () => invoices.remove(authOf(request), request.params.id, ifMatchOf(request)),
          (invoice) => ({ status: 200, body: toDeletedInvoice(invoice) }),
        ),
    );

    app.post(
      '/invoices/:id/finalize',
      {
        schema: {
          tags,
          summary: "Finalize a draft: it becomes open (paid if it asks for nothing) and takes the customer's next invoice number",
          params: InvoiceIdParams,
          body: TransitionBody,
          response: one,
        },
      },
      async (request, reply) =>
        respond(request, reply, () => invoices.finalize(authOf(request), request.params.id, ifMatchOf(request), request.body.expand), present),
    );

    app.post(
      '/invoices/:id/pay',
      {
        schema: {
          tags,
          summary: 'Record that an open or uncollectible invoice was paid out of band, optionally by one of the customer’s charges',
          params: InvoiceIdParams,
          body: PayInvoiceBody,
          response: one,
        },
      },
      async (request, reply) =>
        respond(
          request,
          reply,
          () => {
            const { paid_out_of_band, charge } = request.body;
            return invoices.pay(
              authOf(request),
              request.params.id,
              { ...(paid_out_of_band !== undefined && { paid_out_of_band }), ...(charge !== undefined && { charge }) },
              ifMatchOf(request),
              request.body.expand,
            );
          },
          present,
        ),
    );

    app.post(
      '/invoices/:id/void',
      { schema: { tags, summary: 'Void an open or uncollectible invoice', params: InvoiceIdParams, body: TransitionBody, response: one } },
      async (request, reply) =>
        respond(request, reply, () => invoices.void(authOf(request), request.params.id, ifMatchOf(request), request.body.expand), present),
    );

    app.post(
      '/invoices/:id/mark_uncollectible',
      { schema: { tags, summary: 'Mark an open invoice uncollectible', params: InvoiceIdParams, body: TransitionBody, response: one } },
      async (request, reply) =>
        respond(request, reply, () => invoices.markUncollectible(authOf(request), request.params.id, ifMatchOf(request), request.body.expand), present),
    );

    app.get(
      '/invoices/:id/lines',
      {
        schema: {
          tags,
          summary: "List an invoice's lines",
          params: InvoiceIdParams,
          querystring: ListLinesQuery,
          response: { 200: ListOf(Type.Ref(LineItem), '/v1/invoices/{id}/lines'), ...errorResponses },
        },
      },
      async (request) => {
        const { created: _created, ...page } = pageRequest(request.query);
        const lines = await invoices.listLines(authOf(request), request.params.id, page);
        const data = lines.data.map((line) => toApiLineItem(line, lines.currency));
        return listEnvelope(linesUrl(request.params.id), data, lines.hasMore);
      },
    );
  },
};
