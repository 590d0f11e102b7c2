import { newId, nowSeconds } from '../../lib/ids.js';
import { UniqueViolation, type InvoiceFilters, type Repositories, type Store, type WriteRepositories } from '../../store/port.js';
import type { AuthContext } from '../accounts/account-service.js';
import { toApiCharge } from '../charges/charge-mapper.js';
import type { CustomerRecord } from '../customers/customer.js';
import { toApiCustomer } from '../customers/customer-mapper.js';
import { mergeMetadata } from '../customers/customer-rules.js';
import { invoiceNotEditable, invoiceNumberTaken, parameterInvalid, parameterMissing, resourceMissing } from '../errors.js';
import { previousAttributes, recordEvent } from '../events/event-writer.js';
import { planFor, present, presentOne, type Shown } from '../expansion/expansion-table.js';
import type { ApiObject } from '../expansion/expansion.js';
import { validateCurrency } from '../money.js';
import { cursorMissing, pageThrough, type Page, type PageRequest } from '../paging.js';
import { checkIfMatch, etagFor, type IfMatch } from '../preconditions.js';
import type { Scope } from '../scope.js';
import { lockTreeShared, recordActivity, statsPath } from '../stats/stats-ledger.js';
import type { Figures } from '../stats/stats.js';
import type { InvoiceLine, InvoiceRecord } from './invoice.js';
import type { InvoiceCreateInput, InvoiceListFilters, InvoicePayInput, InvoiceUpdateInput } from './invoice-input.js';
import { amountRemaining, toApiInvoice } from './invoice-mapper.js';
import { buildLines, checkEditable, checkTransition, invoiceNumber, type Transition } from './invoice-rules.js';
import { refuseMerged } from '../customers/merged.js';

export function invoiceEtag(i: Pick<InvoiceRecord, 'id' | 'version'>): string {
  return etagFor(i.id, i.version);
}

export interface InvoiceListRequest extends PageRequest {
  filters: InvoiceListFilters;
}

const EVENT_OF = {
  finalize: 'invoice.finalized',
  pay: 'invoice.paid',
  void: 'invoice.voided',
  mark_uncollectible: 'invoice.marked_uncollectible',
} as const;

/** What an invoice in this state counts for in its customer's stats (open_invoice_amount: open ones only). */
function openAmount(i: InvoiceRecord): number {
  return i.status === 'open' ? amountRemaining(i) : 0;
}

/**
 * SPEC S-1: invoices as billing systems report them, through Stripe's lifecycle (draft → open
 * → paid | void | uncollectible). Every write keeps the customer's stats in its transaction; a
 * transition also keeps the customer's delinquency (S-2) with the customer's row locked, and
 * finalisation takes the customer's next invoice number there, so numbers are gap-free and
 * never given twice.
 */
export function invoiceService(deps: { store: Store }) {
  const { store } = deps;

  async function pathOf(repos: Repositories, scope: Scope, customer: CustomerRecord | undefined, customerId: string) {
    return customer ? statsPath(repos, scope, customer) : [customerId];
  }

  /** Changes the stats by what the invoice counted before and counts after. */
  async function recount(repos: WriteRepositories, scope: Scope, path: readonly string[], before: InvoiceRecord, after: InvoiceRecord) {
    if (before.currency !== after.currency) {
      await recordActivity(repos, scope, path, before.currency, { invoice_count: -1, open_invoice_amount: -openAmount(before) });
      await recordActivity(repos, scope, path, after.currency, { invoice_count: 1, open_invoice_amount: openAmount(after) });
      return;
    }
    const change: Partial<Figures> = { open_invoice_amount: openAmount(after) - openAmount(before) };
    await recordActivity(repos, scope, path, after.currency, change);
  }

  /**
   * Writes the customer after an invoice transition: its delinquency as its invoices now say
   * (and, at finalisation, its next invoice number), with customer.updated when what the API
   * shows changed. A tombstone keeps no delinquency.
   */
  async function writeCustomer(repos: WriteRepositories, auth: AuthContext, before: CustomerRecord, change: Partial<CustomerRecord> = {}) {
    if (before.deleted) return;
    const scope: Scope = auth;
    const delinquentAfter = await repos.invoices.delinquentAfter(scope, before.id);
    const next: CustomerRecord = { ...before, ...change, delinquent_after: delinquentAfter };
    if (next.delinquent_after === before.delinquent_after && next.next_invoice_sequence === before.next_invoice_sequence) return;
    const written: CustomerRecord = { ...next, updated: nowSeconds(), version: before.version + 1, updated_by: auth.keyId };
    await repos.customers.update(scope, written);
    const after = toApiCustomer(written);
    const previous = previousAttributes(toApiCustomer(before), after);
    if (previous) await recordEvent(repos, scope, 'customer.updated', after, { customerId: before.id, previousAttributes: previous });
  }

  /**
   * Locks for a transition, in the order every write takes them (stats-ledger.ts): the
   * hierarchy lock shared, the customer's row, then the invoice's row. The invoice's customer
   * cannot change in between: only a merge moves it, under the hierarchy lock held exclusively.
   */
  async function lockForTransition(repos: WriteRepositories, scope: Scope, id: string, ifMatch?: IfMatch) {
    await lockTreeShared(repos, scope);
    const unlocked = await repos.invoices.findById(scope, id);
    if (!unlocked) throw resourceMissing('invoice', id, 'id');
    const customer = await repos.customers.findById(scope, unlocked.customer_id, { forUpdate: true });
    const invoice = await repos.invoices.findById(scope, id, { forUpdate: true });
    if (!invoice) throw resourceMissing('invoice', id, 'id');
    checkIfMatch(ifMatch, invoiceEtag(invoice));
    return { invoice, customer };
  }

  /**
   * An invoice for an edit or a delete, locked in the order every write takes them: the
   * hierarchy lock shared, its customer's row (whose stats may change), then the invoice's row.
   */
  async function lockInvoice(repos: WriteRepositories, scope: Scope, id: string) {
    await lockTreeShared(repos, scope);
    const unlocked = await repos.invoices.findById(scope, id);
    if (!unlocked) return undefined;
    await repos.stats.lockTextsOf(scope, [unlocked.customer_id]);
    return repos.invoices.findById(scope, id, { forUpdate: true });
  }

  async function insert(repos: WriteRepositories, auth: AuthContext, input: InvoiceCreateInput): Promise<InvoiceRecord> {
    const scope: Scope = auth;
    await lockTreeShared(repos, scope);
    const customer = await repos.customers.findById(scope, input.customer);
    refuseMerged(customer, 'customer');
    if (!customer || customer.deleted) throw resourceMissing('customer', input.customer, 'customer', { status: 400 });
    const currencyInput = input.currency ?? customer.currency;
    if (currencyInput === null) throw parameterMissing('currency');
    const currency = validateCurrency(currencyInput);
    const { lines, total } = buildLines(input.lines ?? [], currency);
    const now = nowSeconds();
    const invoice: InvoiceRecord = {
      id: newId('in'),
      livemode: auth.livemode,
      created: now,
      updated: now,
      version: 1,
      customer_id: customer.id,
      currency,
      status: 'draft',
      number: null,
      description: input.description ?? null,
      due_date: input.due_date ?? null,
      lines,
      total,
      amount_paid: 0,
      charge_id: null,
      paid_out_of_band: false,
      customer_email: null,
      customer_name: null,
      customer_address: null,
      finalized_at: null,
      paid_at: null,
      voided_at: null,
      marked_uncollectible_at: null,
      metadata: mergeMetadata({}, input.metadata ?? null),
    };
    const path = await statsPath(repos, scope, customer);
    await repos.invoices.insert(scope, invoice, path);
    await recordActivity(repos, scope, path, currency, { invoice_count: 1 });
    await recordEvent(repos, scope, 'invoice.created', toApiInvoice(invoice), { customerId: customer.id });
    return invoice;
  }

  async function updateLocked(repos: WriteRepositories, auth: AuthContext, current: InvoiceRecord, input: InvoiceUpdateInput) {
    const scope: Scope = auth;
    let next: InvoiceRecord = { ...current };
    if (input.currency !== undefined) {
      checkEditable(current, 'currency');
      next.currency = validateCurrency(input.currency);
    }
    if (input.due_date !== undefined) {
      checkEditable(current, 'due_date');
      next.due_date = input.due_date;
    }
    if (input.lines !== undefined) {
      checkEditable(current, 'lines');
      next = { ...next, ...buildLines(input.lines, next.currency) };
    } else if (next.currency !== current.currency) {
      // Lines keep their amounts in the new currency; their bound is checked again in it.
      next = { ...next, ...buildLines(current.lines, next.currency), lines: current.lines };
    }
    if (input.description !== undefined) next.description = input.description;
    if (input.metadata !== undefined) next.metadata = mergeMetadata(current.metadata, input.metadata);
    const after = toApiInvoice(next);
    const previous = previousAttributes(toApiInvoice(current), after);
    if (!previous) return current;
    const written: InvoiceRecord = { ...next, updated: nowSeconds(), version: current.version + 1 };
    await repos.invoices.update(scope, written);
    if (written.currency !== current.currency) {
      const customer = await repos.customers.findById(scope, current.customer_id);
      await recount(repos, scope, await pathOf(repos, scope, customer, current.customer_id), current, written);
    }
    await recordEvent(repos, scope, 'invoice.updated', toApiInvoice(written), { customerId: current.customer_id, previousAttributes: previous });
    return written;
  }

  /** The charge an out-of-band payment names: the customer's own succeeded charge, in the invoice's currency, paying nothing else. */
  async function payingCharge(repos: WriteRepositories, scope: Scope, invoice: InvoiceRecord, chargeId: string) {
    const charge = await repos.charges.findById(scope, chargeId, { forUpdate: true });
    if (!charge || charge.customer_id !== invoice.customer_id) {
      throw resourceMissing('charge', chargeId, 'charge', {
        status: 400,
        message: `The customer ${invoice.customer_id} has no charge with the ID ${chargeId}.`,
      });
    }
    if (charge.status !== 'succeeded') throw parameterInvalid(`Invalid charge: ${chargeId} is ${charge.status}; only a succeeded charge pays an invoice.`, 'charge');
    if (charge.currency !== invoice.currency) {
      throw parameterInvalid(`Invalid charge: ${chargeId} is in ${charge.currency}, the invoice in ${invoice.currency}.`, 'charge');
    }
    if (charge.invoice_id !== null && charge.invoice_id !== invoice.id) {
      throw parameterInvalid(`Invalid charge: ${chargeId} already paid invoice ${charge.invoice_id}.`, 'charge');
    }
    return charge;
  }

  async function transition(
    auth: AuthContext,
    id: string,
    kind: Transition,
    ifMatch: IfMatch | undefined,
    expand: readonly string[] | undefined,
    payment: InvoicePayInput = {},
  ): Promise<Shown<InvoiceRecord>> {
    const plan = planFor('invoice', expand);
    if (payment.paid_out_of_band === false) {
      throw parameterInvalid(
        'Invalid paid_out_of_band: Clientele moves no money, so an invoice is paid out of band; send true or leave it out.',
        'paid_out_of_band',
      );
    }
    const scope: Scope = auth;
    try {
      return await store.write(async (repos) => {
        const { invoice: current, customer } = await lockForTransition(repos, scope, id, ifMatch);
        checkTransition(current, kind);
        const now = nowSeconds();
        let next: InvoiceRecord = { ...current, updated: now, version: current.version + 1 };
        let customerChange: Partial<CustomerRecord> = {};
        const events: Array<(typeof EVENT_OF)[Transition]> = [EVENT_OF[kind]];
        if (kind === 'finalize') {
          if (!customer || customer.deleted) {
            throw resourceMissing('customer', current.customer_id, 'customer', {
              status: 400,
              message: `The customer ${current.customer_id} was deleted: its draft invoices can no longer be finalized.`,
            });
          }
          const prefix = customer.invoice_prefix ?? customer.id.slice(4, 12).toUpperCase();
          next = {
            ...next,
            status: 'open',
            number: invoiceNumber(prefix, customer.next_invoice_sequence),
            finalized_at: now,
            customer_email: customer.email,
            customer_name: customer.name,
            customer_address: customer.address,
          };
          customerChange = { next_invoice_sequence: customer.next_invoice_sequence + 1 };
          // Stripe's rule: an invoice that asks for nothing is paid the moment it is final.
          if (next.total === 0) {
            next = { ...next, status: 'paid', paid_at: now };
            events.push('invoice.paid');
          }
        } else if (kind === 'pay') {
          let chargeId: string | null = null;
          if (payment.charge !== undefined) {
            const charge = await payingCharge(repos, scope, current, payment.charge);
            chargeId = charge.id;
            if (charge.invoice_id !== current.id) {
              const linked = { ...charge, invoice_id: current.id, updated: now, version: charge.version + 1 };
              await repos.charges.update(scope, linked);
              await recordEvent(repos, scope, 'charge.updated', toApiCharge(linked), {
                customerId: charge.customer_id,
                previousAttributes: { invoice: null },
              });
            }
          }
          next = { ...next, status: 'paid', amount_paid: current.total, paid_at: now, paid_out_of_band: true, charge_id: chargeId };
        } else if (kind === 'void') {
          next = { ...next, status: 'void', voided_at: now };
        } else {
          next = { ...next, status: 'uncollectible', marked_uncollectible_at: now };
        }
        await repos.invoices.update(scope, next, { statusChanged: true });
        await recount(repos, scope, await pathOf(repos, scope, customer, current.customer_id), current, next);
        if (customer) await writeCustomer(repos, auth, customer, customerChange);
        const previous = previousAttributes(toApiInvoice(current), toApiInvoice(next)) ?? {};
        for (const type of events) {
          await recordEvent(repos, scope, type, toApiInvoice(next), { customerId: current.customer_id, previousAttributes: previous });
        }
        return { record: next, body: await presentOne({ repos, scope }, plan, next, toApiInvoice) };
      });
    } catch (error) {
      if (error instanceof UniqueViolation && error.target === 'invoice_number') {
        const customer = await store.read((repos) => repos.invoices.findById(scope, id).then((i) => i && repos.customers.findById(scope, i.customer_id)));
        throw invoiceNumberTaken(customer ? invoiceNumber(customer.invoice_prefix ?? '', customer.next_invoice_sequence) : 'given');
      }
      throw error;
    }
  }

  return {
    async create(auth: AuthContext, input: InvoiceCreateInput, expand?: readonly string[]): Promise<Shown<InvoiceRecord>> {
      const plan = planFor('invoice', expand);
      return store.write(async (repos) => {
        const invoice = await insert(repos, auth, input);
        return { record: invoice, body: await presentOne({ repos, scope: auth }, plan, invoice, toApiInvoice) };
      });
    },

    async retrieve(scope: Scope, id: string, expand?: readonly string[]): Promise<Shown<InvoiceRecord>> {
      const plan = planFor('invoice', expand);
      return store.read(async (repos) => {
        const invoice = await repos.invoices.findById(scope, id);
        if (!invoice) throw resourceMissing('invoice', id, 'id');
        return { record: invoice, body: await presentOne({ repos, scope }, plan, invoice, toApiInvoice) };
      });
    },

    async update(auth: AuthContext, id: string, input: InvoiceUpdateInput, ifMatch?: IfMatch, expand?: readonly string[]): Promise<Shown<InvoiceRecord>> {
      const plan = planFor('invoice', expand);
      return store.write(async (repos) => {
        const current = await lockInvoice(repos, auth, id);
        if (!current) throw resourceMissing('invoice', id, 'id');
        checkIfMatch(ifMatch, invoiceEtag(current));
        const invoice = await updateLocked(repos, auth, current, input);
        return { record: invoice, body: await presentOne({ repos, scope: auth }, plan, invoice, toApiInvoice) };
      });
    },

    finalize: (auth: AuthContext, id: string, ifMatch?: IfMatch, expand?: readonly string[]) => transition(auth, id, 'finalize', ifMatch, expand),
    pay: (auth: AuthContext, id: string, input: InvoicePayInput, ifMatch?: IfMatch, expand?: readonly string[]) =>
      transition(auth, id, 'pay', ifMatch, expand, input),
    void: (auth: AuthContext, id: string, ifMatch?: IfMatch, expand?: readonly string[]) => transition(auth, id, 'void', ifMatch, expand),
    markUncollectible: (auth: AuthContext, id: string, ifMatch?: IfMatch, expand?: readonly string[]) =>
      transition(auth, id, 'mark_uncollectible', ifMatch, expand),

    /** Deletes a draft (Stripe deletes only drafts); it leaves the stats' invoice_count. */
    async remove(auth: AuthContext, id: string, ifMatch?: IfMatch): Promise<InvoiceRecord> {
      const scope: Scope = auth;
      return store.write(async (repos) => {
        const invoice = await lockInvoice(repos, scope, id);
        if (!invoice) throw resourceMissing('invoice', id, 'id');
        checkIfMatch(ifMatch, invoiceEtag(invoice));
        if (invoice.status !== 'draft') {
          throw invoiceNotEditable(`Invoice ${id} is ${invoice.status}: only a draft invoice can be deleted (void it instead).`, null);
        }
        await repos.invoices.delete(scope, id);
        const customer = await repos.customers.findById(scope, invoice.customer_id);
        await recordActivity(repos, scope, await pathOf(repos, scope, customer, invoice.customer_id), invoice.currency, { invoice_count: -1 });
        await recordEvent(repos, scope, 'invoice.deleted', toApiInvoice(invoice), { customerId: invoice.customer_id });
        return invoice;
      });
    },

    async list(scope: Scope, request: InvoiceListRequest, expand?: readonly string[]): Promise<Page<ApiObject>> {
      const plan = planFor('invoice', expand, true);
      const f = request.filters;
      if (f.includeDescendants && f.customer === undefined) throw parameterMissing('customer');
      const filters: InvoiceFilters = {
        ...(f.customer !== undefined && (f.includeDescendants ? { treeOf: f.customer } : { customerId: f.customer })),
        ...(f.status !== undefined && { status: f.status }),
      };
      return store.read(async (repos) => {
        if (f.customer !== undefined && !(await repos.customers.findById(scope, f.customer))) {
          throw resourceMissing('customer', f.customer, 'customer', { status: 400 });
        }
        const page = await pageThrough(
          'invoice',
          request,
          (id) => repos.invoices.cursorOf(scope, id),
          (p) => repos.invoices.list(scope, filters, p),
        );
        return { data: await present({ repos, scope }, plan, page.data, toApiInvoice), hasMore: page.hasMore };
      });
    },

    /** An invoice's lines, with list conventions (at most 250: paged in memory, by line id). */
    async listLines(scope: Scope, id: string, request: Omit<PageRequest, 'created'>): Promise<Page<InvoiceLine> & { currency: string }> {
      const invoice = await store.read((repos) => repos.invoices.findById(scope, id));
      if (!invoice) throw resourceMissing('invoice', id, 'id');
      const index = (lineId: string, param: string) => {
        const at = invoice.lines.findIndex((l) => l.id === lineId);
        return at >= 0 ? at : cursorMissing('line_item', lineId, param);
      };
      let from = 0;
      let to = invoice.lines.length;
      if (request.startingAfter !== undefined) from = index(request.startingAfter, 'starting_after') + 1;
      if (request.endingBefore !== undefined) {
        to = index(request.endingBefore, 'ending_before');
        from = Math.max(0, to - request.limit);
        return { data: invoice.lines.slice(from, to), hasMore: from > 0, currency: invoice.currency };
      }
      return { data: invoice.lines.slice(from, from + request.limit), hasMore: from + request.limit < to, currency: invoice.currency };
    },
  };
}

export type InvoiceService = ReturnType<typeof invoiceService>;
