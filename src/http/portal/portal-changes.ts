import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ActivePortalSession } from '../../domain/billing-portal/portal-session-service.js';
import type { AddressInput, CustomerInput } from '../../domain/customers/customer-input.js';
import { ApiError } from '../../domain/errors.js';
import { runWithRequestContext } from '../../lib/request-context.js';
import { checkCharacters } from '../wire/normalize.js';
import { formField } from '../web/page-security.js';
import type { PortalDeps, PortalPageHelpers } from './index.js';
import { messagePage, type PortalForm } from './portal-page.js';

const ADDRESS_KEYS = ['line1', 'line2', 'city', 'postal_code', 'state', 'country'] as const;

/** A typed value: trimmed, characters checked as the API checks them, empty meaning "none". */
function typed(body: unknown, name: string): string | null {
  const value = formField(body, name).trim();
  checkCharacters(value, name);
  return value === '' ? null : value;
}

function addressOf(body: unknown): AddressInput | null {
  const address = Object.fromEntries(ADDRESS_KEYS.map((k) => [k, typed(body, k)])) as AddressInput;
  return Object.values(address).every((v) => v === null) ? null : address;
}

/** What was typed, to show again next to the error. */
function valuesOf(body: unknown, names: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.map((n) => [n, formField(body, n)]));
}

/** The form's field an error names: `shipping[address][country]` → `country`. */
function fieldOf(param: string | null): string {
  if (!param) return '';
  const parts = param.split(/[[\]]+/).filter(Boolean);
  return parts.at(-1) ?? param;
}

/**
 * The portal's changes: each through the same service call as the API's (so the same checks,
 * events and webhooks), as one unit of work, with the portal session as `request.actor` and
 * the key that asked for the session as the writer. Every object a form names is looked up
 * under the session's customer first: another customer's id is a 404 page, never a change.
 */
export function registerPortalChanges(scope: FastifyInstance, deps: PortalDeps & { helpers: PortalPageHelpers }): void {
  const { services, helpers } = deps;

  async function change(
    request: FastifyRequest,
    reply: FastifyReply,
    form: PortalForm | 'payment_method',
    fields: readonly string[],
    write: (session: ActivePortalSession) => Promise<unknown>,
    allowed: (session: ActivePortalSession) => boolean,
  ): Promise<FastifyReply> {
    const session = await helpers.sessionFor(request, reply, { write: true });
    if (!session) return reply;
    if (!allowed(session)) {
      return helpers.sendPage(reply, 403, messagePage(await helpers.translatorFor(session), 'readOnly', session.record.returnUrl));
    }
    const context = { requestId: request.id, idempotencyKey: null, actor: session.actor, keyId: session.record.keyId };
    try {
      await runWithRequestContext(context, () => deps.unitOfWork(null, () => write(session)));
    } catch (error) {
      if (!(error instanceof ApiError) || error.status >= 500 || error.code === 'resource_missing' || form === 'payment_method') throw error;
      return helpers.render(reply, session, { status: error.status, error: { form, field: fieldOf(error.param), message: error.message, values: valuesOf(request.body, fields) } });
    }
    const anchor = form === 'tax_id' ? 'tax-ids' : form === 'payment_method' ? 'payment-methods' : form;
    return reply.redirect(`/portal?saved=${form}#${anchor}`, 303);
  }

  const canUpdate = (field: string) => (s: ActivePortalSession) =>
    s.configuration.features.customer_update.enabled && (s.configuration.features.customer_update.allowed_updates as readonly string[]).includes(field);
  const update = (s: ActivePortalSession, input: CustomerInput) => services.customers.update(s.auth, s.record.customerId, input);

  scope.post('/details', (request, reply) => {
    const fields = ['email', 'name', 'phone'] as const;
    return change(
      request,
      reply,
      'details',
      fields,
      (s) => {
        const input: CustomerInput = {};
        for (const f of fields) if (canUpdate(f)(s)) input[f] = typed(request.body, f);
        return update(s, input);
      },
      (s) => fields.some((f) => canUpdate(f)(s)),
    );
  });

  scope.post('/address', (request, reply) =>
    change(request, reply, 'address', ADDRESS_KEYS, (s) => update(s, { address: addressOf(request.body) }), canUpdate('address')),
  );

  scope.post('/shipping', (request, reply) =>
    change(
      request,
      reply,
      'shipping',
      ['name', 'phone', ...ADDRESS_KEYS],
      (s) => {
        if (formField(request.body, 'remove') === '1') return update(s, { shipping: null });
        const address = addressOf(request.body);
        const name = typed(request.body, 'name');
        const phone = typed(request.body, 'phone');
        if (!address && !name && !phone) return update(s, { shipping: null });
        return update(s, { shipping: { name: name ?? '', phone, address: address ?? {} } });
      },
      canUpdate('shipping'),
    ),
  );

  scope.post('/tax-ids', (request, reply) =>
    change(
      request,
      reply,
      'tax_id',
      ['type', 'value'],
      (s) => services.taxIds.create(s.auth, s.record.customerId, { type: formField(request.body, 'type'), value: formField(request.body, 'value').trim() }),
      canUpdate('tax_id'),
    ),
  );

  scope.post('/tax-ids/remove', (request, reply) =>
    change(request, reply, 'tax_id', [], (s) => services.taxIds.remove(s.auth, s.record.customerId, formField(request.body, 'tax_id')), canUpdate('tax_id')),
  );

  const paymentMethodsEditable = (s: ActivePortalSession) => s.configuration.features.payment_method_update.enabled;

  scope.post('/payment-methods/default', (request, reply) =>
    change(
      request,
      reply,
      'payment_method',
      [],
      async (s) => {
        const id = formField(request.body, 'payment_method');
        await services.paymentMethods.retrieveForCustomer(s.auth, s.record.customerId, id);
        return update(s, { invoice_settings: { default_payment_method: id } });
      },
      paymentMethodsEditable,
    ),
  );

  scope.post('/payment-methods/detach', (request, reply) =>
    change(
      request,
      reply,
      'payment_method',
      [],
      async (s) => {
        const id = formField(request.body, 'payment_method');
        await services.paymentMethods.retrieveForCustomer(s.auth, s.record.customerId, id);
        return services.paymentMethods.detach(s.auth, id);
      },
      paymentMethodsEditable,
    ),
  );
}
