import { newId, nowSeconds } from '../../lib/ids.js';
import type { Store, WriteRepositories } from '../../store/port.js';
import type { AuthContext } from '../accounts/account-service.js';
import { lockCharge } from '../charges/charge-service.js';
import { toApiCharge } from '../charges/charge-mapper.js';
import type { ChargeRecord } from '../charges/charge.js';
import { mergeMetadata } from '../customers/customer-rules.js';
import { amountTooLarge, chargeAlreadyRefunded, chargeNotRefundable, resourceMissing } from '../errors.js';
import { previousAttributes, recordEvent } from '../events/event-writer.js';
import { planFor, present, presentOne, type Shown } from '../expansion/expansion-table.js';
import type { ApiObject } from '../expansion/expansion.js';
import { formatAmount, validateAmount } from '../money.js';
import { pageThrough, type Page, type PageRequest } from '../paging.js';
import { checkIfMatch, etagFor, type IfMatch } from '../preconditions.js';
import type { Scope } from '../scope.js';
import { recordActivity, statsPath } from '../stats/stats-ledger.js';
import type { RefundReason, RefundRecord } from './refund.js';
import { toApiRefund } from './refund-mapper.js';

export interface RefundCreateInput {
  charge: string;
  amount?: number;
  reason?: RefundReason | null;
  metadata?: Record<string, string | null> | null;
}

export interface RefundUpdateInput {
  metadata?: Record<string, string | null> | null;
}

export function refundEtag(r: Pick<RefundRecord, 'id' | 'version'>): string {
  return etagFor(r.id, r.version);
}

/**
 * SPEC S-1: refunds of succeeded charges. A refund and the charge's amount_refunded change in
 * one transaction with the charge's row locked, so concurrent refunds never exceed the charge.
 */
export function refundService(deps: { store: Store }) {
  const { store } = deps;

  async function insert(repos: WriteRepositories, auth: AuthContext, input: RefundCreateInput): Promise<RefundRecord> {
    const scope: Scope = auth;
    const charge = await lockCharge(repos, scope, input.charge, 'charge');
    if (charge.status !== 'succeeded') throw chargeNotRefundable(charge.id, charge.status);
    const remaining = charge.amount - charge.amount_refunded;
    if (remaining === 0) throw chargeAlreadyRefunded(charge.id);
    const amount = validateAmount(input.amount ?? remaining, charge.currency);
    if (amount > remaining) {
      throw amountTooLarge(
        `Refund amount (${formatAmount(amount, charge.currency)}) is greater than unrefunded amount on charge (${formatAmount(remaining, charge.currency)}).`,
        'amount',
      );
    }
    const now = nowSeconds();
    const refund: RefundRecord = {
      id: newId('re'),
      livemode: auth.livemode,
      created: now,
      updated: now,
      version: 1,
      charge_id: charge.id,
      customer_id: charge.customer_id,
      amount,
      currency: charge.currency,
      reason: input.reason ?? null,
      metadata: mergeMetadata({}, input.metadata ?? null),
    };
    const refunded: ChargeRecord = { ...charge, amount_refunded: charge.amount_refunded + amount, updated: now, version: charge.version + 1 };
    await repos.refunds.insert(scope, refund);
    await repos.charges.update(scope, refunded);
    const customer = await repos.customers.findById(scope, charge.customer_id);
    const path = customer ? await statsPath(repos, scope, customer) : [charge.customer_id];
    await recordActivity(repos, scope, path, charge.currency, { total_spent: -amount });
    const after = toApiCharge(refunded);
    await recordEvent(repos, scope, 'charge.refunded', after, {
      customerId: charge.customer_id,
      previousAttributes: previousAttributes(toApiCharge(charge), after) ?? {},
    });
    return refund;
  }

  return {
    async create(auth: AuthContext, input: RefundCreateInput, expand?: readonly string[]): Promise<Shown<RefundRecord>> {
      const plan = planFor('refund', expand);
      return store.write(async (repos) => {
        const refund = await insert(repos, auth, input);
        return { record: refund, body: await presentOne({ repos, scope: auth }, plan, refund, toApiRefund) };
      });
    },

    async retrieve(scope: Scope, id: string, expand?: readonly string[]): Promise<Shown<RefundRecord>> {
      const plan = planFor('refund', expand);
      return store.read(async (repos) => {
        const refund = await repos.refunds.findById(scope, id);
        if (!refund) throw resourceMissing('refund', id, 'id');
        return { record: refund, body: await presentOne({ repos, scope }, plan, refund, toApiRefund) };
      });
    },

    /** Only metadata changes: the amount is what the processor refunded. */
    async update(auth: AuthContext, id: string, input: RefundUpdateInput, ifMatch?: IfMatch, expand?: readonly string[]): Promise<Shown<RefundRecord>> {
      const plan = planFor('refund', expand);
      const scope: Scope = auth;
      return store.write(async (repos) => {
        const current = await repos.refunds.findById(scope, id, { forUpdate: true });
        if (!current) throw resourceMissing('refund', id, 'id');
        checkIfMatch(ifMatch, refundEtag(current));
        let refund = current;
        if (input.metadata !== undefined) {
          const next = { ...current, metadata: mergeMetadata(current.metadata, input.metadata), updated: nowSeconds(), version: current.version + 1 };
          const after = toApiRefund(next);
          const previous = previousAttributes(toApiRefund(current), after);
          if (previous) {
            await repos.refunds.update(scope, next);
            await recordEvent(repos, scope, 'charge.refund.updated', after, { customerId: current.customer_id, previousAttributes: previous });
            refund = next;
          }
        }
        return { record: refund, body: await presentOne({ repos, scope }, plan, refund, toApiRefund) };
      });
    },

    async list(scope: Scope, request: PageRequest & { charge?: string }, expand?: readonly string[]): Promise<Page<ApiObject>> {
      const plan = planFor('refund', expand, true);
      return store.read(async (repos) => {
        if (request.charge !== undefined && !(await repos.charges.findById(scope, request.charge))) {
          throw resourceMissing('charge', request.charge, 'charge', { status: 400 });
        }
        const page = await pageThrough(
          'refund',
          request,
          (id) => repos.refunds.cursorOf(scope, id),
          (p) => repos.refunds.list(scope, { ...(request.charge !== undefined && { chargeId: request.charge }) }, p),
        );
        return { data: await present({ repos, scope }, plan, page.data, toApiRefund), hasMore: page.hasMore };
      });
    },
  };
}

export type RefundService = ReturnType<typeof refundService>;
