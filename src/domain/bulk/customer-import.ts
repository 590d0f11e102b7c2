import { newId, nowSeconds } from '../../lib/ids.js';
import { UniqueViolation, type Store, type WriteRepositories } from '../../store/port.js';
import { toApiCustomer } from '../customers/customer-mapper.js';
import { applyCustomerInput, mergeMetadata } from '../customers/customer-rules.js';
import { blankCustomer, emailLock, emailTaken, externalIdLock, translateConflict, type CustomerWrites, type Writer } from '../customers/customer-writes.js';
import type { CustomerRecord } from '../customers/customer.js';
import { ApiError, resourceAlreadyExists, resourceMissing } from '../errors.js';
import { recordEvent, recordEventBatch } from '../events/event-writer.js';
import { addIntegrationIn } from '../integrations/integration-service.js';
import { toApiPaymentMethod } from '../payment-methods/payment-method-mapper.js';
import { newBillingDetails, providerMethod } from '../payment-methods/payment-method-service.js';
import type { Scope } from '../scope.js';
import { createTaxIdIn } from '../tax-ids/tax-id-service.js';
import { validateTaxId } from '../tax-ids/tax-id-types.js';
import type { BatchOutcome, ImportedTaxId, ImportRow, OnConflict, PreparedRow, RowError } from './import-row.js';

export interface ImportBatch {
  /** sha256 of the file: the journal's key. */
  digest: string;
  /** The batch covers file rows first … last (some may be blank lines or comments). */
  first: number;
  last: number;
  rows: PreparedRow[];
}

export interface ImportOptions {
  onConflict: OnConflict;
  dryRun: boolean;
}

/** Rolls a batch back so that it runs again with every row on its own (in its own savepoint). */
class RowByRow extends Error {
  constructor() {
    super('row by row');
  }
}

/** Thrown to roll a dry run's batch back once it has been checked against the database. */
class DryRunRollback extends Error {
  constructor(readonly outcome: BatchOutcome) {
    super('dry run');
  }
}

const importLock = (scope: Scope, digest: string) => `import:${scope.accountId}:${scope.livemode}:${digest}`;

/** A row is created by the batched path when nothing in it needs more than its own insert. */
function batchable(row: ImportRow): boolean {
  const i = row.input;
  return (
    // A new customer without a parent is what `parent: null` (an exported root) asks for too.
    (i.parent ?? null) === null &&
    (i.parent_external_id ?? null) === null &&
    (i.tax_id_data?.length ?? 0) === 0 &&
    (i.invoice_settings?.default_payment_method ?? null) === null &&
    row.taxIds.length === 0 &&
    row.integrations.length === 0 &&
    row.paymentMethods.length === 0
  );
}

function rowError(row: number, error: ApiError): RowError {
  return { row, code: error.code, param: error.param, message: error.message };
}

type Planned =
  | { row: number; kind: 'batched'; value: ImportRow }
  /** `repeated`: an earlier row of this batch names the same id or external_id. */
  | { row: number; kind: 'create'; value: ImportRow; repeated?: boolean }
  | { row: number; kind: 'update'; value: ImportRow; target: CustomerRecord };

/**
 * SPEC B-1: imports customers in batches. Each batch is one write transaction: the journal is
 * consulted and written in it (a re-run skips what committed), every row goes through the
 * API's rules (customer-writes.ts), and a row that fails is rolled back alone (a savepoint)
 * while its neighbours commit. Plain creates (no parent, tax ids, integrations or payment
 * methods) are checked together and written with multi-row statements; everything else goes
 * row by row through the same functions as the API.
 */
export function customerImporter(deps: { store: Pick<Store, 'writeBatch'>; writes: CustomerWrites; now?: () => Date }) {
  const { store, writes } = deps;
  const now = deps.now ?? (() => new Date());

  /**
   * Tax ids, integrations and payment methods of a row, for a customer created or updated by it;
   * ones the customer already has are left alone. Returns whether it wrote anything.
   */
  async function importOwned(repos: WriteRepositories, scope: Scope, customer: CustomerRecord, row: ImportRow, existing: boolean): Promise<boolean> {
    let wrote = false;
    const current = existing ? await repos.taxIds.listForCustomers(scope, [customer.id]) : [];
    const taxIds: Array<ImportedTaxId & { prefix: string }> = [
      ...(row.input.tax_id_data ?? []).map((t, i) => ({ ...t, prefix: `tax_id_data[${i}]` })),
      ...row.taxIds.map((t, i) => ({ ...t, prefix: `tax_ids[${i}]` })),
    ];
    for (const taxId of taxIds) {
      const { prefix } = taxId;
      if (taxId.id !== undefined) {
        const holder = await repos.taxIds.find(scope, undefined, taxId.id);
        if (holder && holder.customer_id === customer.id) continue;
        if (holder) throw resourceAlreadyExists(`A tax id with id ${taxId.id} already exists on customer ${holder.customer_id}.`, `${prefix}[id]`);
      }
      if (existing) {
        const value = (() => {
          try {
            return validateTaxId(taxId.type, taxId.value).value;
          } catch {
            return null;
          }
        })();
        if (current.some((t) => t.type === taxId.type && t.value === value)) continue;
      }
      wrote = true;
      await createTaxIdIn(repos, scope, customer.id, { type: taxId.type, value: taxId.value }, prefix, {
        ...(taxId.id !== undefined && { id: taxId.id }),
        ...(taxId.created !== undefined && { created: taxId.created }),
      });
    }
    for (const [i, integration] of row.integrations.entries()) {
      const holder = await repos.integrations.findByProvider(scope, integration.provider, integration.provider_id);
      if (holder && holder.customer_id === customer.id) continue;
      wrote = true;
      try {
        await addIntegrationIn(repos, scope, customer.id, integration, { base: integration });
      } catch (error) {
        if (error instanceof ApiError) throw error.withParam(`integrations[${i}][${error.param ?? 'provider_id'}]`);
        throw error;
      }
    }
    const methods = existing && row.paymentMethods.length > 0 ? await repos.paymentMethods.listForCustomers(scope, [customer.id]) : [];
    for (const [i, pm] of row.paymentMethods.entries()) {
      const param = (p: string | null) => `payment_methods[${i}][${p ?? 'provider'}]`;
      if (pm.id !== undefined) {
        const holder = await repos.paymentMethods.findById(scope, pm.id);
        if (holder && holder.customer_id === customer.id) continue;
        if (holder) throw resourceAlreadyExists(`A payment method with id ${pm.id} already exists.`, param('id'));
      }
      if (methods.some((m) => m.provider?.name === pm.provider.name && m.provider.reference === pm.provider.reference)) continue;
      let method;
      try {
        const created = pm.created ?? nowSeconds();
        method = providerMethod(
          {
            id: pm.id ?? newId('pm'),
            livemode: scope.livemode,
            created,
            updated: created,
            version: 1,
            type: 'card',
            customer_id: customer.id,
            detached: false,
            billing_details: newBillingDetails(pm.billing_details),
            metadata: mergeMetadata({}, pm.metadata ?? null),
          },
          { ...pm, type: 'card' },
          now(),
        );
      } catch (error) {
        if (error instanceof ApiError) throw error.withParam(param(error.param));
        throw error;
      }
      wrote = true;
      await repos.paymentMethods.insert(scope, method);
      // As an attach would: the method is now this customer's.
      await recordEvent(repos, scope, 'payment_method.attached', toApiPaymentMethod(method), { customerId: customer.id });
    }
    return wrote;
  }

  /** One row through the API's create or update, in its own savepoint. */
  async function writeRow(repos: WriteRepositories, writer: Writer, plan: Planned): Promise<'created' | 'updated' | 'unchanged'> {
    const row = plan.value;
    return repos.savepoint(async () => {
      try {
        if (plan.kind === 'update') {
          await writes.lockHierarchyFor(repos, writer, row.input);
          const current = await repos.customers.findById(writer, plan.target.id, { forUpdate: true });
          if (!current || current.deleted) throw resourceMissing('customer', plan.target.id, 'id', { status: 400 });
          let ownedWritten = false;
          const after = await writes.updateLocked(repos, writer, current, row.input, {
            beforeChecks: async (next) => {
              ownedWritten = await importOwned(repos, writer, next, row, true);
            },
          });
          return after === current && !ownedWritten ? 'unchanged' : 'updated';
        }
        const base = { ...(row.id !== undefined && { id: row.id }), ...(row.created !== undefined && { created: row.created }) };
        await writes.insertNew(repos, writer, row.input, {
          base,
          afterInsert: async (customer) => {
            await importOwned(repos, writer, customer, row, false);
          },
        });
        return 'created';
      } catch (error) {
        if (error instanceof UniqueViolation && error.target === 'other' && row.id !== undefined) {
          throw resourceAlreadyExists(`A customer with id ${row.id} already exists.`, 'id');
        }
        if (error instanceof UniqueViolation) translateConflict(error, row.input);
        throw error;
      }
    });
  }

  /**
   * The plain creates of a batch, checked together (external ids and ids were looked up by the
   * caller; emails here) and written with multi-row statements, without a savepoint (it would
   * make SQLite hold a copy of every page the batch changes). Rows whose own rules refuse them
   * fail without touching the database. Returns how many were created.
   */
  async function writeBatched(
    repos: WriteRepositories,
    writer: Writer,
    plans: Array<Extract<Planned, { kind: 'batched' }>>,
    uniqueEmails: boolean,
    fail: (row: number, error: ApiError) => void,
  ): Promise<number> {
    const at = nowSeconds();
    const built: Array<{ plan: (typeof plans)[number]; customer: CustomerRecord }> = [];
    for (const plan of plans) {
      const { value } = plan;
      try {
        const blank = { ...blankCustomer(writer, at), ...(value.id !== undefined && { id: value.id }), ...(value.created !== undefined && { created: value.created }) };
        const { tax_id_data: _t, parent: _p, parent_external_id: _pe, ...fields } = value.input;
        built.push({ plan, customer: applyCustomerInput(blank, fields) });
      } catch (error) {
        if (error instanceof ApiError) fail(plan.row, error);
        else throw error;
      }
    }
    let ready = built;
    if (uniqueEmails) {
      const keys = [...new Set(built.map((b) => b.customer.email_key).filter((k): k is string => k !== null))];
      await repos.lockMany(keys.map((k) => emailLock(writer, k)));
      const holders = await repos.customers.findIdsByEmailKeys(writer, keys);
      ready = [];
      for (const b of built) {
        const key = b.customer.email_key;
        const holder = key === null ? undefined : holders.get(key);
        if (holder !== undefined) {
          try {
            emailTaken(b.customer.email, holder);
          } catch (error) {
            fail(b.plan.row, error as ApiError);
            continue;
          }
        }
        if (key !== null) holders.set(key, b.customer.id);
        ready.push(b);
      }
    }
    if (ready.length === 0) return 0;
    const customers = ready.map((b) => b.customer);
    try {
      await repos.customers.insertMany(writer, customers);
    } catch (error) {
      // A constraint the checks could not see (an invoice prefix collision, an id taken in the
      // other mode): the batch is rolled back and run again row by row.
      if (error instanceof UniqueViolation) throw new RowByRow();
      throw error;
    }
    await recordEventBatch(
      repos,
      writer,
      customers.map((c) => ({ type: 'customer.created' as const, object: toApiCustomer(c), options: { customerId: c.id } })),
    );
    return ready.length;
  }

  async function runBatch(repos: WriteRepositories, writer: Writer, batch: ImportBatch, options: ImportOptions, rowByRow: boolean): Promise<BatchOutcome> {
    const outcome: BatchOutcome = { created: 0, updated: 0, unchanged: 0, skipped: 0, failed: 0, alreadyDone: 0, errors: [] };
    const fail = (row: number, error: ApiError) => {
      outcome.failed++;
      outcome.errors.push(rowError(row, error));
    };
    let rows = batch.rows;
    if (!options.dryRun) {
      // Another process importing the same file waits here, then skips what this one committed.
      await repos.lockMany([importLock(writer, batch.digest)]);
      const done = await repos.importJournal.overlapping(writer, batch.digest, batch.first, batch.last);
      if (done.length > 0) {
        const covered = (row: number) => done.some((d) => d.first_row <= row && row <= d.last_row);
        const remaining = rows.filter((r) => !covered(r.row));
        outcome.alreadyDone = rows.length - remaining.length;
        rows = remaining;
      }
    }
    const live: Array<{ row: number; value: ImportRow }> = [];
    for (const r of rows) {
      if (r.kind === 'invalid') fail(r.row, r.error);
      else if (r.kind === 'tombstone') outcome.skipped++;
      else live.push(r);
    }

    const ids = [...new Set(live.map((r) => r.value.id).filter((v): v is string => v !== undefined))];
    const externalIds = [...new Set(live.map((r) => r.value.input.external_id).filter((v): v is string => typeof v === 'string'))];
    await repos.lockMany(externalIds.map((e) => externalIdLock(writer, e)));
    const [byId, byExternalId, account] = await Promise.all([
      repos.customers.findByIds(writer, ids),
      repos.customers.findByExternalIds(writer, externalIds),
      repos.accounts.findAccount(writer.accountId),
    ]);

    const plans: Planned[] = [];
    const seenIds = new Set<string>();
    const seenExternalIds = new Set<string>();
    for (const { row, value } of live) {
      const externalId = typeof value.input.external_id === 'string' ? value.input.external_id : undefined;
      const target = (value.id !== undefined ? byId.get(value.id) : undefined) ?? (externalId !== undefined ? byExternalId.get(externalId) : undefined);
      const repeated = (value.id !== undefined && seenIds.has(value.id)) || (externalId !== undefined && seenExternalIds.has(externalId));
      if (value.id !== undefined) seenIds.add(value.id);
      if (externalId !== undefined) seenExternalIds.add(externalId);
      if (target?.deleted) {
        fail(row, resourceAlreadyExists(`The customer ${target.id} was deleted; a deleted customer cannot be imported again.`, 'id'));
        continue;
      }
      if (target) {
        if (options.onConflict === 'skip') outcome.skipped++;
        else if (options.onConflict === 'fail') {
          const byItsId = value.id !== undefined && byId.has(value.id);
          fail(
            row,
            byItsId
              ? resourceAlreadyExists(`A customer with id ${target.id} already exists.`, 'id')
              : resourceAlreadyExists(`A customer with external_id '${externalId ?? ''}' already exists: ${target.id}.`, 'external_id'),
          );
        } else plans.push({ row, kind: 'update', value, target });
        continue;
      }
      // A second row for a customer this batch creates sees it through the row-by-row path.
      if (repeated) plans.push({ row, kind: 'create', value, repeated });
      else plans.push({ row, kind: batchable(value) ? 'batched' : 'create', value });
    }

    const oneByOne = async (planned: Planned) => {
      let plan = planned;
      if (plan.kind === 'create' && plan.repeated) {
        const { id, input } = plan.value;
        const target =
          (id !== undefined ? await repos.customers.findById(writer, id) : undefined) ??
          (typeof input.external_id === 'string' ? await repos.customers.findByExternalId(writer, input.external_id) : undefined);
        if (target && !target.deleted) {
          if (options.onConflict === 'skip') {
            outcome.skipped++;
            return;
          }
          if (options.onConflict === 'fail') {
            fail(plan.row, resourceAlreadyExists(`The customer ${target.id} is also in an earlier row of the file.`, id !== undefined ? 'id' : 'external_id'));
            return;
          }
          plan = { row: plan.row, kind: 'update', value: plan.value, target };
        }
      }
      try {
        outcome[await writeRow(repos, writer, plan)]++;
      } catch (error) {
        if (error instanceof ApiError) fail(plan.row, error);
        else throw error;
      }
    };
    // In file order, so customers created in the same second list in the file's order: runs of
    // plain creates together, every other row on its own.
    let run: Array<Extract<Planned, { kind: 'batched' }>> = [];
    const flush = async () => {
      if (run.length === 0) return;
      outcome.created += await writeBatched(repos, writer, run, account?.unique_emails ?? false, fail);
      run = [];
    };
    for (const plan of plans) {
      if (plan.kind === 'batched' && !rowByRow) run.push(plan);
      else {
        await flush();
        await oneByOne(plan);
      }
    }
    await flush();
    outcome.errors.sort((a, b) => a.row - b.row);
    if (options.dryRun) throw new DryRunRollback(outcome);
    // The rows this run wrote (a concurrent run of the same file may have committed some first).
    const first = rows[0];
    const last = rows[rows.length - 1];
    if (!first || !last) return outcome;
    await repos.importJournal.insert(writer, {
      digest: batch.digest,
      first_row: outcome.alreadyDone > 0 ? first.row : batch.first,
      last_row: outcome.alreadyDone > 0 ? last.row : batch.last,
      created: nowSeconds(),
      created_count: outcome.created,
      updated_count: outcome.updated,
      unchanged_count: outcome.unchanged,
      skipped_count: outcome.skipped,
      failed_count: outcome.failed,
    });
    return outcome;
  }

  return {
    /** One batch in one write transaction; a dry run is checked the same way, then rolled back. */
    async importBatch(writer: Writer, batch: ImportBatch, options: ImportOptions): Promise<BatchOutcome> {
      const attempt = (rowByRow: boolean) => store.writeBatch((repos) => runBatch(repos, writer, batch, options, rowByRow));
      try {
        return await attempt(false).catch((error: unknown) => {
          if (error instanceof RowByRow) return attempt(true);
          throw error;
        });
      } catch (error) {
        if (error instanceof DryRunRollback) return error.outcome;
        throw error;
      }
    },
  };
}

export type CustomerImporter = ReturnType<typeof customerImporter>;
