import { newId, nowSeconds, randomBase62 } from '../../lib/ids.js';
import { UniqueViolation, type WriteRepositories } from '../../store/port.js';
import { invoicePrefixTaken, resourceAlreadyExists, resourceMissing } from '../errors.js';
import { previousAttributes, recordEvent } from '../events/event-writer.js';
import type { PaymentMethodService } from '../payment-methods/payment-method-service.js';
import type { Scope } from '../scope.js';
import { createTaxIdIn } from '../tax-ids/tax-id-service.js';
import { addIntegrationIn } from '../integrations/integration-service.js';
import { OWNED_RESOURCES } from '../owned-resources.js';
import type { CustomerCreateInput, CustomerInput } from './customer-input.js';
import { toApiCustomer } from './customer-mapper.js';
import { applyCustomerInput } from './customer-rules.js';
import type { CustomerRecord } from './customer.js';
import { checkPlacement, hierarchyLock, resolveParent, wantsParentChange, type ParentInput, type SubtreeMove } from './hierarchy.js';

/**
 * Who writes: the scope, and the API key (its id) recorded as created_by / updated_by. A bulk
 * import run from the command line has no key: null.
 */
export interface Writer extends Scope {
  keyId: string | null;
}

/** A new customer before any input is applied (the defaults of SPEC C-1). */
export function blankCustomer(writer: Writer, now: number): CustomerRecord {
  return {
    id: newId('cus'),
    livemode: writer.livemode,
    created: now,
    updated: now,
    deleted: false,
    version: 1,
    external_id: null,
    email: null,
    email_key: null,
    name: null,
    business_name: null,
    individual_name: null,
    first_name: null,
    last_name: null,
    phone: null,
    phone_e164: null,
    description: null,
    notes: null,
    address: null,
    shipping: null,
    balance: 0,
    currency: null,
    invoice_prefix: randomBase62(8).toUpperCase(),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    next_invoice_sequence: 1,
    preferred_locales: [],
    tax_exempt: 'none',
    metadata: {},
    parent_id: null,
    delinquent_after: null,
    created_by: writer.keyId,
    updated_by: writer.keyId,
  };
}

export const externalIdLock = (scope: Scope, externalId: string) => `external_id:${scope.accountId}:${scope.livemode}:${externalId}`;
export const emailLock = (scope: Scope, emailKey: string) => `email:${scope.accountId}:${scope.livemode}:${emailKey}`;

export function externalIdTaken(externalId: string, holder?: string): never {
  throw resourceAlreadyExists(
    holder ? `A customer with external_id '${externalId}' already exists: ${holder}.` : `A customer with external_id '${externalId}' already exists.`,
    'external_id',
  );
}

export function emailTaken(email: string | null, holder: string): never {
  throw resourceAlreadyExists(`A customer with email '${email ?? ''}' already exists: ${holder}. This account requires unique emails.`, 'email');
}

/** A unique constraint that fired for a rule the checks enforce: the error a client sees. */
export function translateConflict(error: unknown, input: CustomerInput): never {
  if (error instanceof UniqueViolation && error.target === 'invoice_prefix') {
    throw invoicePrefixTaken(input.invoice_prefix ?? '');
  }
  if (error instanceof UniqueViolation && error.target === 'external_id') externalIdTaken(input.external_id ?? '');
  // Two writes mapping the same provider id at once (the lock makes this PostgreSQL-only and rare).
  if (error instanceof UniqueViolation && error.target === 'integration') {
    throw resourceAlreadyExists('One of the integrations is already mapped to another customer.', 'integrations');
  }
  throw error;
}

/**
 * The customer's ancestors, nearest first (none for a root): whose trees it counts in.
 * Call with the hierarchy lock held.
 */
export async function ancestorsOf(repos: WriteRepositories, scope: Scope, parentId: string | null): Promise<string[]> {
  return parentId === null ? [] : repos.customers.ancestorIds(scope, parentId);
}

/**
 * The customer moved in its tree with its subtree: each owned resource moves what it keeps
 * per tree (the stats' roll-ups, the tree paths of charges and invoices), in this transaction.
 */
export async function moveInTree(repos: WriteRepositories, scope: Scope, move: SubtreeMove): Promise<void> {
  for (const resource of OWNED_RESOURCES) await resource.onReparent?.(repos, scope, move);
}

/** SPEC I-1 through another wire format: mappings sent with the customer's own write. */
async function addIntegrations(repos: WriteRepositories, scope: Scope, customerId: string, mappings: CustomerInput['integrations']) {
  for (const [i, mapping] of (mappings ?? []).entries()) {
    await addIntegrationIn(repos, scope, customerId, mapping, { param: `integrations[${i}][provider]`, keepOwn: true });
  }
}

export interface CustomerWritesDeps {
  paymentMethods: Pick<PaymentMethodService, 'attachIn'>;
  /** SPEC H-2: levels a customer tree may have (a root is level 1). */
  maxHierarchyDepth: number;
}

/**
 * The rules of a customer write inside an open write transaction: the API's create, update
 * and upsert and a bulk import's rows all go through these (one set of rules).
 */
export function customerWrites(deps: CustomerWritesDeps) {
  /** Rules that need the database: uniqueness of external_id and (optionally) email. */
  async function checkUniqueness(repos: WriteRepositories, scope: Scope, before: CustomerRecord | null, after: CustomerRecord) {
    if (after.external_id !== null && after.external_id !== before?.external_id) {
      await repos.lock(externalIdLock(scope, after.external_id));
      const holder = await repos.customers.findByExternalId(scope, after.external_id);
      if (holder && holder.id !== after.id) externalIdTaken(after.external_id, holder.id);
    }
    if (after.email_key !== null && after.email_key !== before?.email_key) {
      const account = await repos.accounts.findAccount(scope.accountId);
      if (account?.unique_emails) {
        await repos.lock(emailLock(scope, after.email_key));
        const holder = await repos.customers.findIdByEmailKey(scope, after.email_key, after.id);
        if (holder) emailTaken(after.email, holder);
      }
    }
  }

  /** PM-4: the default must be a method attached to this very customer. */
  async function checkDefaultPaymentMethod(repos: WriteRepositories, scope: Scope, before: CustomerRecord | null, after: CustomerRecord) {
    const dpm = after.invoice_settings.default_payment_method;
    if (dpm === null || dpm === before?.invoice_settings.default_payment_method) return;
    const method = await repos.paymentMethods.findById(scope, dpm);
    if (!method || method.customer_id !== after.id) {
      throw resourceMissing('payment_method', dpm, 'invoice_settings[default_payment_method]', {
        status: 400,
        message: `The customer does not have a payment method with the ID ${dpm}. The payment method must be attached to the customer.`,
      });
    }
  }

  /** Applies parent / parent_external_id under the hierarchy lock (cycle and depth checked). */
  async function placeInHierarchy(repos: WriteRepositories, scope: Scope, customer: CustomerRecord, input: ParentInput) {
    if (!wantsParentChange(input)) return customer;
    await repos.lock(hierarchyLock(scope));
    const parentId = await resolveParent(repos, scope, input);
    if (parentId !== null && parentId !== customer.parent_id) {
      const param = input.parent !== undefined ? 'parent' : 'parent_external_id';
      await checkPlacement(repos, scope, customer.id, parentId, deps.maxHierarchyDepth, param);
    }
    return { ...customer, parent_id: parentId };
  }

  const parentOf = (input: CustomerInput): ParentInput => ({
    ...(input.parent !== undefined && { parent: input.parent }),
    ...(input.parent_external_id !== undefined && { parent_external_id: input.parent_external_id }),
  });

  return {
    checkUniqueness,
    checkDefaultPaymentMethod,

    /**
     * Before an update locks its customer's row: the hierarchy lock when the input may move the
     * customer, so the move takes its locks in the order every write does (stats-ledger.ts:
     * the hierarchy lock, then customer rows) and never deadlocks with a charge's stats.
     */
    async lockHierarchyFor(repos: WriteRepositories, scope: Scope, input: CustomerInput): Promise<void> {
      if (wantsParentChange(parentOf(input))) await repos.lock(hierarchyLock(scope));
    },

    /**
     * Creates a customer with its create-only parts. `base` lets a caller fix what the API never
     * takes from a client (an import keeps the id and creation time of the exported customer).
     * `afterInsert` runs before the default payment method is checked, so methods it attaches
     * can be the default.
     */
    async insertNew(
      repos: WriteRepositories,
      writer: Writer,
      input: CustomerCreateInput,
      options: { base?: Partial<Pick<CustomerRecord, 'id' | 'created'>>; afterInsert?: (customer: CustomerRecord) => Promise<void> } = {},
    ): Promise<CustomerRecord> {
      const scope: Scope = writer;
      const {
        payment_method: paymentMethod,
        tax_id_data: taxIdData,
        integrations,
        parent: _parent,
        parent_external_id: _parentExternalId,
        ...fields
      } = input;
      const blank = { ...blankCustomer(writer, nowSeconds()), ...options.base };
      const customer = await placeInHierarchy(repos, scope, applyCustomerInput(blank, fields), parentOf(input));
      await checkUniqueness(repos, scope, null, customer);
      await repos.customers.insert(scope, customer);
      await recordEvent(repos, scope, 'customer.created', toApiCustomer(customer), { customerId: customer.id });
      if (paymentMethod !== undefined) {
        await deps.paymentMethods.attachIn(repos, scope, paymentMethod, customer.id, 'payment_method');
      }
      for (const [i, data] of (taxIdData ?? []).entries()) {
        await createTaxIdIn(repos, scope, customer.id, data, `tax_id_data[${i}]`);
      }
      await addIntegrations(repos, scope, customer.id, integrations);
      if (options.afterInsert) await options.afterInsert(customer);
      await checkDefaultPaymentMethod(repos, scope, null, customer);
      return customer;
    },

    /**
     * Applies an update to a locked live customer; writes it, with customer.updated, when
     * something changed. An update that changes nothing (no parameters, or the values it already
     * has) leaves the row, its version (the ETag) and `updated` as they are, as charges and
     * invoices do; integrations it names are still added.
     */
    async updateLocked(
      repos: WriteRepositories,
      writer: Writer,
      current: CustomerRecord,
      input: CustomerInput,
      options: { beforeChecks?: (customer: CustomerRecord) => Promise<void> } = {},
    ): Promise<CustomerRecord> {
      const scope: Scope = writer;
      const { parent: _parent, parent_external_id: _parentExternalId, integrations, ...fields } = input;
      const applied = await placeInHierarchy(repos, scope, applyCustomerInput(current, fields), parentOf(input));
      const next: CustomerRecord = { ...applied, updated: nowSeconds(), version: current.version + 1, updated_by: writer.keyId };
      if (next.parent_id !== current.parent_id) {
        // placeInHierarchy holds the hierarchy lock.
        const [from, to] = [await ancestorsOf(repos, scope, current.parent_id), await ancestorsOf(repos, scope, next.parent_id)];
        await moveInTree(repos, scope, { customerId: current.id, from, to });
      }
      await checkUniqueness(repos, scope, current, next);
      if (options.beforeChecks) await options.beforeChecks(next);
      await checkDefaultPaymentMethod(repos, scope, current, next);
      const after = toApiCustomer(next);
      const previous = previousAttributes(toApiCustomer(current), after);
      if (!previous) {
        await addIntegrations(repos, scope, current.id, integrations);
        return current;
      }
      await repos.customers.update(scope, next);
      if (input.metadata !== undefined) await repos.customers.replaceMetadataIndex(scope, next.id, next.metadata);
      // Resources kept in step with the customer's own fields (the address book's defaults).
      for (const resource of OWNED_RESOURCES) await resource.afterCustomerUpdate?.(repos, scope, current, next, next.updated);
      if (previous) await recordEvent(repos, scope, 'customer.updated', after, { customerId: next.id, previousAttributes: previous });
      await addIntegrations(repos, scope, next.id, integrations);
      return next;
    },
  };
}

export type CustomerWrites = ReturnType<typeof customerWrites>;
