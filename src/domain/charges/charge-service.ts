import { newId, nowSeconds } from '../../lib/ids.js';
import type { ChargeFilters, Repositories, Store, WriteRepositories } from '../../store/port.js';
import type { AuthContext } from '../accounts/account-service.js';
import { mergeMetadata, validateEmail } from '../customers/customer-rules.js';
import {
  chargeStatusTransitionInvalid,
  invalidCharacters,
  parameterInvalid,
  parameterMissing,
  resourceAlreadyExists,
  resourceMissing,
} from '../errors.js';
import { previousAttributes, recordEvent } from '../events/event-writer.js';
import { planFor, present, presentOne, type Shown } from '../expansion/expansion-table.js';
import type { ApiObject } from '../expansion/expansion.js';
import { validateAmount, validateCurrency } from '../money.js';
import { pageThrough, type Page, type PageRequest } from '../paging.js';
import { applyBillingDetails, validateProviderName } from '../payment-methods/payment-method-service.js';
import { checkIfMatch, etagFor, type IfMatch } from '../preconditions.js';
import type { Scope } from '../scope.js';
import { lockTreeShared, recordActivity, statsPath } from '../stats/stats-ledger.js';
import type { ChargeRecord, ChargeStatus } from './charge.js';
import type { ChargeCreateInput, ChargeListFilters, ChargeUpdateInput } from './charge-input.js';
import { toApiCharge } from './charge-mapper.js';
import { refuseMerged } from '../customers/merged.js';

/** How far ahead of the server's clock a processor's occurred_at may be (clock skew). */
const OCCURRED_AT_MAX_AHEAD = 24 * 3600;

const LINE_BREAK_OR_TAB = /[\t\n\r]/;
/** Stripe refuses these in a statement descriptor: card networks print it as it is. */
const DESCRIPTOR_FORBIDDEN = /[<>\\'"*]/;

function singleLine(param: string, value: string | null | undefined): void {
  if (typeof value === 'string' && LINE_BREAK_OR_TAB.test(value)) {
    throw invalidCharacters(`Invalid ${param}: tabs and line breaks are not allowed in this field.`, param);
  }
}

export function chargeEtag(c: Pick<ChargeRecord, 'id' | 'version'>): string {
  return etagFor(c.id, c.version);
}

/** The event a charge's create or status change writes: charge.succeeded, charge.pending, charge.failed. */
function statusEvent(status: ChargeStatus) {
  return `charge.${status}` as const;
}

/** A failure code and message describe a failed charge only. */
function checkFailure(status: ChargeStatus, failureCode: string | null, failureMessage: string | null): void {
  if (status === 'failed') return;
  if (failureCode !== null) throw parameterInvalid(`Invalid failure_code: only a failed charge has one (this one is ${status}).`, 'failure_code');
  if (failureMessage !== null) {
    throw parameterInvalid(`Invalid failure_message: only a failed charge has one (this one is ${status}).`, 'failure_message');
  }
}

async function requireLiveCustomer(repos: Repositories, scope: Scope, customerId: string) {
  const customer = await repos.customers.findById(scope, customerId);
  refuseMerged(customer, 'customer');
  if (!customer || customer.deleted) throw resourceMissing('customer', customerId, 'customer', { status: 400 });
  return customer;
}

/** A payment method named on a charge must be one of that customer's (as a default must, PM-4). */
async function checkPaymentMethod(repos: Repositories, scope: Scope, customerId: string, id: string): Promise<void> {
  const method = await repos.paymentMethods.findById(scope, id);
  if (!method || method.customer_id !== customerId) {
    throw resourceMissing('payment_method', id, 'payment_method', {
      status: 400,
      message: `The customer ${customerId} does not have a payment method with the ID ${id}.`,
    });
  }
}

/**
 * Reads a charge for a write, locking in the order every write takes them (stats-ledger.ts): the
 * hierarchy lock shared, the row of the charge's customer (whose stats the write may change),
 * then the charge's row. Its customer cannot change in between: only a merge moves it, under
 * the hierarchy lock held exclusively.
 */
export async function lockCharge(repos: WriteRepositories, scope: Scope, id: string, param: string, ifMatch?: IfMatch) {
  await lockTreeShared(repos, scope);
  const unlocked = await repos.charges.findById(scope, id);
  if (unlocked) await repos.stats.lockTextsOf(scope, [unlocked.customer_id]);
  const charge = unlocked && (await repos.charges.findById(scope, id, { forUpdate: true }));
  if (!charge) throw resourceMissing('charge', id, param, param === 'id' ? {} : { status: 400 });
  checkIfMatch(ifMatch, chargeEtag(charge));
  return charge;
}

export interface ChargeListRequest extends PageRequest {
  filters: ChargeListFilters;
}

/** SPEC S-1: charges as processors report them; each write keeps the customer's stats in its transaction. */
export function chargeService(deps: { store: Store }) {
  const { store } = deps;

  async function insert(repos: WriteRepositories, auth: AuthContext, input: ChargeCreateInput): Promise<ChargeRecord> {
    const scope: Scope = auth;
    const currency = validateCurrency(input.currency);
    validateAmount(input.amount, currency);
    const status = input.status ?? 'succeeded';
    const failureCode = input.failure_code ?? null;
    const failureMessage = input.failure_message ?? null;
    checkFailure(status, failureCode, failureMessage);
    if (input.receipt_email) validateEmail(input.receipt_email, 'receipt_email');
    singleLine('failure_code', failureCode);
    singleLine('statement_descriptor', input.statement_descriptor);
    if (input.statement_descriptor && DESCRIPTOR_FORBIDDEN.test(input.statement_descriptor)) {
      throw parameterInvalid(`Invalid statement_descriptor: the characters < > \\ ' " * are not allowed.`, 'statement_descriptor');
    }
    const created = nowSeconds();
    if (input.occurred_at !== undefined && input.occurred_at > created + OCCURRED_AT_MAX_AHEAD) {
      throw parameterInvalid('Invalid occurred_at: it is more than a day ahead of the server clock.', 'occurred_at');
    }
    if (input.provider) {
      validateProviderName(input.provider.name, 'provider[name]');
      singleLine('provider[reference]', input.provider.reference);
    }
    const charge: ChargeRecord = {
      id: newId('ch'),
      livemode: auth.livemode,
      created,
      updated: created,
      version: 1,
      customer_id: input.customer,
      amount: input.amount,
      currency,
      payment_method_id: input.payment_method ?? null,
      status,
      amount_refunded: 0,
      description: input.description ?? null,
      receipt_email: input.receipt_email ?? null,
      billing_details: applyBillingDetails(null, input.billing_details),
      failure_code: failureCode,
      failure_message: failureMessage,
      statement_descriptor: input.statement_descriptor ?? null,
      metadata: mergeMetadata({}, input.metadata ?? null),
      provider: input.provider ? { name: input.provider.name, reference: input.provider.reference } : null,
      occurred_at: input.occurred_at ?? created,
      invoice_id: null,
    };

    await lockTreeShared(repos, scope);
    const customer = await requireLiveCustomer(repos, scope, input.customer);
    if (charge.payment_method_id !== null) await checkPaymentMethod(repos, scope, customer.id, charge.payment_method_id);
    if (charge.provider) {
      const { name, reference } = charge.provider;
      await repos.lock(`charge_provider:${scope.accountId}:${scope.livemode}:${name}:${reference}`);
      const holder = await repos.charges.findByProvider(scope, name, reference);
      if (holder) throw resourceAlreadyExists(`A charge with ${name} reference '${reference}' already exists: ${holder.id}.`, 'provider[reference]');
    }
    const path = await statsPath(repos, scope, customer);
    await repos.charges.insert(scope, charge, path);
    await recordActivity(repos, scope, path, currency, { charge_count: 1, total_spent: status === 'succeeded' ? charge.amount : 0 });
    await recordEvent(repos, scope, statusEvent(status), toApiCharge(charge), { customerId: customer.id });
    return charge;
  }

  async function updateLocked(repos: WriteRepositories, auth: AuthContext, current: ChargeRecord, input: ChargeUpdateInput) {
    const scope: Scope = auth;
    const status = input.status ?? current.status;
    if (status !== current.status && (current.status !== 'pending' || status === 'pending')) {
      throw chargeStatusTransitionInvalid(current.id, current.status, status);
    }
    const failureCode = input.failure_code !== undefined ? input.failure_code : current.failure_code;
    const failureMessage = input.failure_message !== undefined ? input.failure_message : current.failure_message;
    checkFailure(status, failureCode, failureMessage);
    singleLine('failure_code', failureCode);
    if (input.receipt_email) validateEmail(input.receipt_email, 'receipt_email');
    const next: ChargeRecord = {
      ...current,
      status,
      failure_code: failureCode,
      failure_message: failureMessage,
      description: input.description !== undefined ? input.description : current.description,
      receipt_email: input.receipt_email !== undefined ? input.receipt_email : current.receipt_email,
      billing_details: applyBillingDetails(current.billing_details, input.billing_details),
      metadata: input.metadata === undefined ? current.metadata : mergeMetadata(current.metadata, input.metadata),
      updated: nowSeconds(),
      version: current.version + 1,
    };
    const after = toApiCharge(next);
    const previous = previousAttributes(toApiCharge(current), after);
    if (!previous) return current;
    const statusChanged = status !== current.status;
    await repos.charges.update(scope, next, { statusChanged });
    if (statusChanged && status === 'succeeded') {
      const customer = await repos.customers.findById(scope, current.customer_id);
      const path = customer ? await statsPath(repos, scope, customer) : [current.customer_id];
      await recordActivity(repos, scope, path, current.currency, { total_spent: current.amount });
    }
    await recordEvent(repos, scope, statusChanged ? statusEvent(status) : 'charge.updated', after, {
      customerId: current.customer_id,
      previousAttributes: previous,
    });
    return next;
  }

  return {
    async create(auth: AuthContext, input: ChargeCreateInput, expand?: readonly string[]): Promise<Shown<ChargeRecord>> {
      const plan = planFor('charge', expand);
      return store.write(async (repos) => {
        const charge = await insert(repos, auth, input);
        return { record: charge, body: await presentOne({ repos, scope: auth }, plan, charge, toApiCharge) };
      });
    },

    async retrieve(scope: Scope, id: string, expand?: readonly string[]): Promise<Shown<ChargeRecord>> {
      const plan = planFor('charge', expand);
      return store.read(async (repos) => {
        const charge = await repos.charges.findById(scope, id);
        if (!charge) throw resourceMissing('charge', id, 'id');
        return { record: charge, body: await presentOne({ repos, scope }, plan, charge, toApiCharge) };
      });
    },

    async update(auth: AuthContext, id: string, input: ChargeUpdateInput, ifMatch?: IfMatch, expand?: readonly string[]): Promise<Shown<ChargeRecord>> {
      const plan = planFor('charge', expand);
      return store.write(async (repos) => {
        const charge = await updateLocked(repos, auth, await lockCharge(repos, auth, id, 'id', ifMatch), input);
        return { record: charge, body: await presentOne({ repos, scope: auth }, plan, charge, toApiCharge) };
      });
    },

    async list(scope: Scope, request: ChargeListRequest, expand?: readonly string[]): Promise<Page<ApiObject>> {
      const plan = planFor('charge', expand, true);
      const filters = chargeFilters(request.filters);
      return store.read(async (repos) => {
        const parent = filters.treeOf ?? filters.customerId;
        if (parent !== undefined) {
          const customer = await repos.customers.findById(scope, parent);
          if (!customer) throw resourceMissing('customer', parent, 'customer', { status: 400 });
        }
        const page = await pageThrough(
          'charge',
          request,
          (id) => repos.charges.cursorOf(scope, id),
          (p) => repos.charges.list(scope, filters, p),
        );
        return { data: await present({ repos, scope }, plan, page.data, toApiCharge), hasMore: page.hasMore };
      });
    },
  };
}

/** The list's filters, checked: a tree needs its customer; a provider lookup needs both halves. */
function chargeFilters(f: ChargeListFilters): ChargeFilters {
  if (f.includeDescendants && f.customer === undefined) throw parameterMissing('customer');
  if ((f.provider === undefined) !== (f.providerReference === undefined)) {
    throw parameterMissing(f.provider === undefined ? 'provider' : 'provider_reference');
  }
  return {
    ...(f.customer !== undefined && (f.includeDescendants ? { treeOf: f.customer } : { customerId: f.customer })),
    ...(f.status !== undefined && { status: f.status }),
    ...(f.provider !== undefined && f.providerReference !== undefined && { provider: { name: f.provider, reference: f.providerReference } }),
  };
}

export type ChargeService = ReturnType<typeof chargeService>;
