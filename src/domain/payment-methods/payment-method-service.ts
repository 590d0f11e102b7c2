import { newId, nowSeconds } from '../../lib/ids.js';
import type { Repositories, Store, WriteRepositories } from '../../store/port.js';
import type { ApiObject, ExpandPlan } from '../expansion/expansion.js';
import { planFor, present, showOne, type Shown } from '../expansion/expansion-table.js';
import type { AuthContext } from '../accounts/account-service.js';
import type { Scope } from '../scope.js';
import { COUNTRY_CODES } from '../customers/countries.js';
import { mergeMetadata, validateAddressInput, validateEmail } from '../customers/customer-rules.js';
import {
  countryCodeInvalid,
  invalidCharacters,
  parameterInvalid,
  parameterMissing,
  parametersExclusive,
  paymentMethodAlreadyAttached,
  paymentMethodUnexpectedState,
  resourceMissing,
} from '../errors.js';
import { pageThrough, type Page, type PageRequest } from '../paging.js';
import { checkIfMatch, etagFor, type IfMatch } from '../preconditions.js';
import { fingerprint, validateCard, validateExpiry } from './card.js';
import { toApiCustomer } from '../customers/customer-mapper.js';
import { previousAttributes, recordEvent } from '../events/event-writer.js';
import { toApiPaymentMethod } from './payment-method-mapper.js';
import type { BillingDetailsInput, CreatePaymentMethodInput, UpdatePaymentMethodInput } from './payment-method-input.js';
import type { BillingDetails, PaymentMethodRecord } from './payment-method.js';
import { refuseMerged } from '../customers/merged.js';

/** Processors a method may be vaulted with (SPEC PM-1, I-1), or `custom:<name>`. */
export const PROVIDERS = [
  'stripe',
  'razorpay',
  'paypal',
  'adyen',
  'braintree',
  'hubspot',
  'salesforce',
  'quickbooks',
  'xero',
  'netsuite',
] as const;

export function validateProviderName(name: string, param: string): void {
  if ((PROVIDERS as readonly string[]).includes(name)) return;
  if (/^custom:[a-z0-9][a-z0-9_.-]{0,39}$/.test(name)) return;
  throw parameterInvalid(
    `Invalid ${param}: '${name}' is not a supported provider (${PROVIDERS.join(', ')}, or custom:<name> in lower case).`,
    param,
  );
}

const BRANDS = ['visa', 'mastercard', 'amex', 'discover', 'diners', 'jcb', 'unionpay', 'unknown'];

const LINE_BREAK_OR_TAB = /[\t\n\r]/;

/** Names, phones and references are one line, as on a customer (SPEC C-3). */
function singleLine(param: string, value: string | null | undefined): void {
  if (typeof value === 'string' && LINE_BREAK_OR_TAB.test(value)) {
    throw invalidCharacters(`Invalid ${param}: tabs and line breaks are not allowed in this field.`, param);
  }
}

/** The issuing country, when given: an ISO 3166-1 alpha-2 code, upper-cased. */
function cardCountry(country: string | null | undefined): string | null {
  if (country === undefined || country === null || country === '') return null;
  const code = country.toUpperCase();
  if (!COUNTRY_CODES.has(code)) {
    throw countryCodeInvalid(country, 'card[country]');
  }
  return code;
}

/** Billing details after applying `input` (a charge's billing details follow the same rules). */
export function applyBillingDetails(current: BillingDetails | null, input: BillingDetailsInput | undefined): BillingDetails {
  const next: BillingDetails = current ?? { address: null, email: null, name: null, phone: null };
  if (!input) return next;
  const out = { ...next };
  if (input.address !== undefined) {
    out.address = input.address === null ? null : validateAddressInput('billing_details[address]', input.address);
  }
  if (input.email !== undefined) {
    if (input.email !== null) validateEmail(input.email, 'billing_details[email]');
    out.email = input.email;
  }
  if (input.name !== undefined) {
    singleLine('billing_details[name]', input.name);
    out.name = input.name;
  }
  if (input.phone !== undefined) {
    singleLine('billing_details[phone]', input.phone);
    out.phone = input.phone;
  }
  return out;
}

function checkExpiry(month: number | undefined, year: number | undefined, now: Date): { exp_month: number; exp_year: number } {
  if (month === undefined) throw parameterMissing('card[exp_month]');
  if (year === undefined) throw parameterMissing('card[exp_year]');
  return validateExpiry(month, year, now);
}

type MethodBase = Omit<PaymentMethodRecord, 'card' | 'provider'>;

/**
 * A method vaulted by a processor (SPEC PM-1): the provider's reference and the card's display
 * details, checked as the API checks them; never a number. Also what a bulk import creates.
 */
export function providerMethod(base: MethodBase, input: CreatePaymentMethodInput & { provider: { name: string; reference: string } }, now: Date): PaymentMethodRecord {
  const card = input.card ?? {};
  if (card.number !== undefined || card.cvc !== undefined) {
    throw parametersExclusive(['card[number]', 'provider'], 'Pass either card[number] or provider[name] and provider[reference], not both.');
  }
  validateProviderName(input.provider.name, 'provider[name]');
  singleLine('provider[reference]', input.provider.reference);
  const brand = card.brand ?? 'unknown';
  if (!BRANDS.includes(brand)) throw parameterInvalid(`Invalid card[brand]: must be one of ${BRANDS.join(', ')}.`, 'card[brand]');
  if (card.last4 === undefined) throw parameterMissing('card[last4]');
  if (!/^\d{4}$/.test(card.last4)) throw parameterInvalid('Invalid card[last4]: must be exactly 4 digits.', 'card[last4]');
  const expiry = checkExpiry(card.exp_month, card.exp_year, now);
  return {
    ...base,
    card: {
      brand,
      display_brand: brand,
      last4: card.last4,
      ...expiry,
      funding: card.funding ?? 'unknown',
      country: cardCountry(card.country),
      fingerprint: null,
    },
    provider: { name: input.provider.name, reference: input.provider.reference },
  };
}

/** Billing details as a create sets them (also a bulk import's). */
export function newBillingDetails(input: BillingDetailsInput | undefined): BillingDetails {
  return applyBillingDetails(null, input);
}

export function paymentMethodEtag(m: Pick<PaymentMethodRecord, 'id' | 'version'>): string {
  return etagFor(m.id, m.version);
}

export function paymentMethodService(deps: { store: Store; now?: () => Date }) {
  const { store } = deps;
  const now = deps.now ?? (() => new Date());

  /** The method as the request asked to see it, expansions read in the same transaction. */
  const show = (repos: Repositories, scope: Scope, plan: ExpandPlan, method: PaymentMethodRecord) =>
    showOne({ repos, scope }, plan, method, toApiPaymentMethod);

  /** Loads and row-locks a method, enforcing If-Match against its current version (W-9). */
  async function loadForUpdate(repos: WriteRepositories, scope: Scope, id: string, ifMatch?: IfMatch): Promise<PaymentMethodRecord> {
    const method = await repos.paymentMethods.findById(scope, id, { forUpdate: true });
    if (!method) throw resourceMissing('payment_method', id, 'payment_method');
    checkIfMatch(ifMatch, paymentMethodEtag(method));
    return method;
  }

  return {
    async create(auth: AuthContext, input: CreatePaymentMethodInput, expand?: readonly string[]): Promise<Shown<PaymentMethodRecord>> {
      const scope: Scope = auth;
      const plan = planFor('payment_method', expand);
      if (input.type !== 'card') {
        throw parameterInvalid(`Invalid type: '${input.type}' is not supported; use card.`, 'type');
      }
      const card = input.card ?? {};
      const created = nowSeconds();
      const base = {
        id: newId('pm'),
        livemode: auth.livemode,
        created,
        updated: created,
        version: 1,
        type: 'card' as const,
        customer_id: null,
        detached: false,
        billing_details: applyBillingDetails(null, input.billing_details),
        metadata: mergeMetadata({}, input.metadata ?? null),
      };
      if (input.provider) {
        const method = providerMethod(base, { ...input, provider: input.provider }, now());
        return store.write(async (repos) => {
          await repos.paymentMethods.insert(scope, method);
          return show(repos, scope, plan, method);
        });
      }
      if (card.number === undefined) throw parameterMissing('card[number]');
      if (card.brand !== undefined || card.last4 !== undefined) {
        throw parametersExclusive(['card[number]', 'card[brand]'], 'card[brand] and card[last4] are derived from card[number]; do not send them with it.');
      }
      if (card.exp_month === undefined) throw parameterMissing('card[exp_month]');
      if (card.exp_year === undefined) throw parameterMissing('card[exp_year]');
      const checked = validateCard({ number: card.number, exp_month: card.exp_month, exp_year: card.exp_year, cvc: card.cvc }, now());
      const country = cardCountry(card.country);
      return store.write(async (repos) => {
        const account = await repos.accounts.findAccount(auth.accountId);
        if (!account) throw resourceMissing('account', auth.accountId);
        const method: PaymentMethodRecord = {
          ...base,
          card: {
            brand: checked.brand,
            display_brand: checked.brand,
            last4: checked.last4,
            exp_month: checked.exp_month,
            exp_year: checked.exp_year,
            funding: checked.funding,
            country,
            fingerprint: fingerprint(checked.normalizedNumber, account.fingerprint_secret),
          },
          provider: null,
        };
        await repos.paymentMethods.insert(scope, method);
        return show(repos, scope, plan, method);
      });
    },

    async retrieve(scope: Scope, id: string, expand?: readonly string[]): Promise<Shown<PaymentMethodRecord>> {
      const plan = planFor('payment_method', expand);
      return store.read(async (repos) => {
        const method = await repos.paymentMethods.findById(scope, id);
        if (!method) throw resourceMissing('payment_method', id, 'payment_method');
        return show(repos, scope, plan, method);
      });
    },

    async update(
      auth: AuthContext,
      id: string,
      input: UpdatePaymentMethodInput,
      ifMatch?: IfMatch,
      expand?: readonly string[],
    ): Promise<Shown<PaymentMethodRecord>> {
      const scope: Scope = auth;
      const plan = planFor('payment_method', expand);
      return store.write(async (repos) => {
        const current = await loadForUpdate(repos, scope, id, ifMatch);
        const next: PaymentMethodRecord = {
          ...current,
          billing_details: applyBillingDetails(current.billing_details, input.billing_details),
          metadata: input.metadata === undefined ? current.metadata : mergeMetadata(current.metadata, input.metadata),
          updated: nowSeconds(),
          version: current.version + 1,
        };
        if (input.card && (input.card.exp_month !== undefined || input.card.exp_year !== undefined)) {
          if (!current.card) throw paymentMethodUnexpectedState('This payment method has no card to update.', 'card');
          const expiry = checkExpiry(
            input.card.exp_month ?? current.card.exp_month,
            input.card.exp_year ?? current.card.exp_year,
            now(),
          );
          next.card = { ...current.card, ...expiry };
        }
        await repos.paymentMethods.update(scope, next);
        const after = toApiPaymentMethod(next);
        const previous = previousAttributes(toApiPaymentMethod(current), after);
        if (previous) {
          await recordEvent(repos, scope, 'payment_method.updated', after, { customerId: next.customer_id, previousAttributes: previous });
        }
        return show(repos, scope, plan, next);
      });
    },

    /** Attaches inside an existing write transaction (also used by customer create). */
    async attachIn(repos: WriteRepositories, scope: Scope, id: string, customerId: string, param: string): Promise<PaymentMethodRecord> {
      const method = await repos.paymentMethods.findById(scope, id, { forUpdate: true });
      if (!method) throw resourceMissing('payment_method', id, param);
      if (method.customer_id === customerId) return method;
      if (method.customer_id !== null) {
        throw paymentMethodAlreadyAttached(id, param);
      }
      if (method.detached) {
        throw paymentMethodUnexpectedState(
          `The payment method ${id} was detached from a customer and may not be used again. Create a new payment method.`,
          param,
        );
      }
      const next = { ...method, customer_id: customerId, updated: nowSeconds(), version: method.version + 1 };
      await repos.paymentMethods.update(scope, next);
      await recordEvent(repos, scope, 'payment_method.attached', toApiPaymentMethod(next), { customerId });
      return next;
    },

    async attach(
      auth: AuthContext,
      id: string,
      customerId: string,
      ifMatch?: IfMatch,
      expand?: readonly string[],
    ): Promise<Shown<PaymentMethodRecord>> {
      const scope: Scope = auth;
      const plan = planFor('payment_method', expand);
      return store.write(async (repos) => {
        const customer = await repos.customers.findById(scope, customerId, { forUpdate: true });
        refuseMerged(customer, 'customer');
        if (!customer || customer.deleted) throw resourceMissing('customer', customerId, 'customer');
        if (ifMatch !== undefined) await loadForUpdate(repos, scope, id, ifMatch);
        return show(repos, scope, plan, await this.attachIn(repos, scope, id, customerId, 'payment_method'));
      });
    },

    /** Detaches; if it was the customer's default, the default is cleared in the same transaction. */
    async detach(auth: AuthContext, id: string, ifMatch?: IfMatch, expand?: readonly string[]): Promise<Shown<PaymentMethodRecord>> {
      const scope: Scope = auth;
      const plan = planFor('payment_method', expand);
      return store.write(async (repos) => {
        // Lock the customer before the method: the order customer delete and attach use.
        const unlocked = await repos.paymentMethods.findById(scope, id);
        if (unlocked?.customer_id) await repos.customers.findById(scope, unlocked.customer_id, { forUpdate: true });
        const method = await loadForUpdate(repos, scope, id, ifMatch);
        if (method.customer_id === null) {
          throw paymentMethodUnexpectedState(`The payment method ${id} is not attached to a customer.`, 'payment_method');
        }
        const customerId = method.customer_id;
        const next = { ...method, customer_id: null, detached: true, updated: nowSeconds(), version: method.version + 1 };
        await repos.paymentMethods.update(scope, next);
        await recordEvent(repos, scope, 'payment_method.detached', toApiPaymentMethod(next), { customerId });
        const customer = await repos.customers.findById(scope, customerId, { forUpdate: true });
        if (customer && customer.invoice_settings.default_payment_method === id) {
          const cleared = {
            ...customer,
            invoice_settings: { ...customer.invoice_settings, default_payment_method: null },
            updated: nowSeconds(),
            version: customer.version + 1,
            updated_by: auth.keyId,
          };
          await repos.customers.update(scope, cleared);
          await recordEvent(repos, scope, 'customer.updated', toApiCustomer(cleared), {
            customerId,
            previousAttributes: { invoice_settings: toApiCustomer(customer).invoice_settings },
          });
        }
        return show(repos, scope, plan, next);
      });
    },

    /** A customer's methods; the customer must exist and not be deleted. */
    async listForCustomer(scope: Scope, customerId: string, type: string | undefined, request: PageRequest, expand?: readonly string[]) {
      planFor('payment_method', expand, true);
      const customer = await store.read((r) => r.customers.findById(scope, customerId));
      if (!customer || customer.deleted) throw resourceMissing('customer', customerId, 'customer');
      return this.list(scope, { customerId, ...(type !== undefined && { type }) }, request, expand);
    },

    async retrieveForCustomer(scope: Scope, customerId: string, id: string, expand?: readonly string[]): Promise<Shown<PaymentMethodRecord>> {
      const plan = planFor('payment_method', expand);
      return store.read(async (repos) => {
        const customer = await repos.customers.findById(scope, customerId);
        if (!customer || customer.deleted) throw resourceMissing('customer', customerId, 'customer');
        const method = await repos.paymentMethods.findById(scope, id);
        if (!method || method.customer_id !== customerId) throw resourceMissing('payment_method', id, 'payment_method');
        return show(repos, scope, plan, method);
      });
    },

    async list(scope: Scope, filters: { customerId?: string; type?: string }, request: PageRequest, expand?: readonly string[]): Promise<Page<ApiObject>> {
      const plan = planFor('payment_method', expand, true);
      return store.read(async (repos) => {
        const page = await pageThrough(
          'payment_method',
          request,
          (id) => repos.paymentMethods.cursorOf(scope, id),
          (p) => repos.paymentMethods.list(scope, filters, p),
        );
        return { data: await present({ repos, scope }, plan, page.data, toApiPaymentMethod), hasMore: page.hasMore };
      });
    },
  };
}

export type PaymentMethodService = ReturnType<typeof paymentMethodService>;
