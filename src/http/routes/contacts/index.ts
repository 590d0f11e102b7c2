import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ContactRecord } from '../../../domain/contacts/contact.js';
import { toDeletedContact } from '../../../domain/contacts/contact-mapper.js';
import type { ContactInput } from '../../../domain/contacts/contact-rules.js';
import { contactEtag } from '../../../domain/contacts/contact-service.js';
import type { Shown } from '../../../domain/expansion/expansion-table.js';
import type { Presented } from '../../respond.js';
import { listEnvelope, pageRequest } from '../../wire/list.js';
import { errorResponses, ListOf } from '../../wire/schema-kit.js';
import { authOf, fieldsOf, ifMatchOf } from '../common.js';
import { IncludedList } from '../customers/schemas.js';
import type { RouteModule } from '../route-module.js';
import { Contact, ContactParams, CreateContactBody, CustomerParams, DeletedContact, ExpandQuery, ListContactsQuery, UpdateContactBody } from './schemas.js';

const tags = ['Contacts'];
const present = (shown: Shown<ContactRecord>): Presented => ({ status: 200, body: shown.body, etag: contactEtag(shown.record) });

/** SPEC K-1: the people of a business customer. */
export const contactRoutes: RouteModule = {
  schemas: [Contact],
  owned: { exportKey: 'contacts', item: Type.Ref(Contact), customerIncludes: { contacts: IncludedList('Contact', 'contacts') } },
  register(scope: FastifyInstance, { services: { contacts }, respond }) {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    const one = { 200: Type.Ref(Contact), ...errorResponses };

    app.post(
      '/customers/:id/contacts',
      {
        schema: {
          tags,
          summary: 'Add a contact to a customer (at most 100; emails unique per customer)',
          params: CustomerParams,
          body: CreateContactBody,
          response: one,
        },
      },
      async (request, reply) =>
        respond(request, reply, () => contacts.create(authOf(request), request.params.id, fieldsOf<ContactInput>(request.body), request.body.expand), present),
    );

    app.get(
      '/customers/:id/contacts',
      {
        schema: {
          tags,
          summary: "List a customer's contacts (newest first), optionally those with a role",
          params: CustomerParams,
          querystring: ListContactsQuery,
          response: { 200: ListOf(Type.Ref(Contact), '/v1/customers/{id}/contacts'), ...errorResponses },
        },
      },
      async (request) => {
        const q = request.query;
        const page = await contacts.list(authOf(request), request.params.id, { ...(q.role !== undefined && { role: q.role }) }, pageRequest(q), q.expand);
        return listEnvelope(`/v1/customers/${request.params.id}/contacts`, page.data, page.hasMore);
      },
    );

    app.get(
      '/customers/:id/contacts/:contact',
      { schema: { tags, summary: 'Retrieve a contact', params: ContactParams, querystring: ExpandQuery, response: one } },
      async (request, reply) => {
        const shown = await contacts.retrieve(authOf(request), request.params.id, request.params.contact, request.query.expand);
        return reply.header('etag', contactEtag(shown.record)).send(shown.body);
      },
    );

    app.post(
      '/customers/:id/contacts/:contact',
      {
        schema: {
          tags,
          summary: 'Update a contact (any subset of fields; metadata merges)',
          params: ContactParams,
          body: UpdateContactBody,
          response: one,
        },
      },
      async (request, reply) =>
        respond(
          request,
          reply,
          () =>
            contacts.update(
              authOf(request),
              request.params.id,
              request.params.contact,
              fieldsOf<ContactInput>(request.body),
              ifMatchOf(request),
              request.body.expand,
            ),
          present,
        ),
    );

    app.delete(
      '/customers/:id/contacts/:contact',
      {
        schema: {
          tags,
          summary: 'Delete a contact',
          params: ContactParams,
          querystring: ExpandQuery,
          response: { 200: DeletedContact, ...errorResponses },
        },
      },
      async (request, reply) =>
        respond(
          request,
          reply,
          () => contacts.remove(authOf(request), request.params.id, request.params.contact, ifMatchOf(request), request.query.expand),
          (contact) => ({ status: 200, body: toDeletedContact(contact) }),
        ),
    );
  },
};
