import { nowSeconds } from '../../lib/ids.js';
import type { Store, WriteRepositories } from '../../store/port.js';
import type { AuthContext } from '../accounts/account-service.js';
import type { CustomerRecord } from '../customers/customer.js';
import { toApiCustomer } from '../customers/customer-mapper.js';
import { customerEtag, type CustomerResult } from '../customers/customer-service.js';
import { ancestorsOf, moveInTree } from '../customers/customer-writes.js';
import { eraseCustomer } from '../customers/erasure.js';
import { hierarchyLock } from '../customers/hierarchy.js';
import { hierarchyTooDeep, mergeSameCustomer, mergeWouldCreateCycle } from '../errors.js';
import { previousAttributes, recordEvent } from '../events/event-writer.js';
import type { ApiObject } from '../expansion/expansion.js';
import { planFor, present } from '../expansion/expansion-table.js';
import { OWNED_RESOURCES } from '../owned-resources.js';
import { checkIfMatch, parseEtagList, type IfMatch } from '../preconditions.js';
import type { Scope } from '../scope.js';
import { liveOrRefuse, previewMerge, type MergePreview } from './merge-preview.js';
import { mergeFields, type MergeChoices } from './merge-rules.js';

/** `POST /v1/customers/:id/merge` (docs/merging.md). */
export interface MergeInput {
  source: string;
  prefer?: 'target' | 'source';
  external_id?: 'target' | 'source';
  /** An ETag list the source's current version must match, as If-Match does for the target. */
  source_if_match?: string;
}

export interface MergeServiceDeps {
  store: Store;
  /** SPEC H-2: levels a customer tree may have (a root is level 1). */
  maxHierarchyDepth: number;
}

/** Children a merge re-parents at most in one request (far above any real tree's fan-out). */
const MAX_CHILDREN_MOVED = 10_000;

/** The parent the survivor ends with: the preferred side's, else the other's; never one of the two. */
function survivingParent(target: CustomerRecord, source: CustomerRecord, prefer: MergeChoices['prefer']): string | null {
  const order = prefer === 'source' ? [source.parent_id, target.parent_id] : [target.parent_id, source.parent_id];
  return order.find((p): p is string => p !== null && p !== target.id && p !== source.id) ?? null;
}

export function mergeService(deps: MergeServiceDeps) {
  const { store } = deps;

  /**
   * The hierarchy part, under the hierarchy lock: the target takes its final parent, the
   * source's children move under the target, and the source's own activity joins the target's
   * tree (stats roll-ups, tree paths). Returns the target's final parent.
   */
  async function mergeTrees(repos: WriteRepositories, auth: AuthContext, target: CustomerRecord, source: CustomerRecord, prefer: MergeChoices['prefer'], now: number) {
    const scope: Scope = auth;
    const targetLine = await repos.customers.ancestorIds(scope, target.id);
    if (targetLine.includes(source.id)) {
      throw mergeWouldCreateCycle(`${target.id} is a descendant of ${source.id}: a customer cannot be merged into one of its own descendants.`, 'source');
    }
    const parent = survivingParent(target, source, prefer);
    const above = await ancestorsOf(repos, scope, parent);
    if (parent !== null && above.includes(target.id)) {
      throw mergeWouldCreateCycle(`The target would take the source's parent ${parent}, a descendant of ${target.id}: it would be its own ancestor.`, 'parent');
    }
    if (parent !== target.parent_id) await moveInTree(repos, scope, { customerId: target.id, from: targetLine.slice(1), to: above });
    const targetPath = [target.id, ...above];
    const sourceAbove = await ancestorsOf(repos, scope, source.parent_id);
    const children = await repos.customers.list(scope, { parentId: source.id }, { limit: MAX_CHILDREN_MOVED });
    // Levels: the target's place, plus what hangs below it after the merge.
    const [targetHeight, sourceHeight] = await Promise.all([
      repos.customers.subtreeHeight(scope, target.id),
      repos.customers.subtreeHeight(scope, source.id),
    ]);
    const depth = above.length + Math.max(targetHeight, sourceHeight, 1);
    if (depth > deps.maxHierarchyDepth) throw hierarchyTooDeep(depth, deps.maxHierarchyDepth, 'source');
    for (const child of children) {
      await moveInTree(repos, scope, { customerId: child.id, from: [source.id, ...sourceAbove], to: targetPath });
      const next: CustomerRecord = { ...child, parent_id: target.id, updated: now, version: child.version + 1, updated_by: auth.keyId };
      await repos.customers.update(scope, next);
      const after = toApiCustomer(next);
      await recordEvent(repos, scope, 'customer.updated', after, { customerId: child.id, previousAttributes: previousAttributes(toApiCustomer(child), after) ?? {} });
    }
    await moveInTree(repos, scope, { customerId: source.id, from: sourceAbove, to: targetPath });
    return { parent, children: children.map((c) => c.id) };
  }

  return {
    /** The two customers of a proposed merge and what would move: the console's confirmation step. */
    async preview(scope: Scope, targetId: string, sourceId: string): Promise<MergePreview> {
      return store.read((repos) => previewMerge(repos, scope, targetId, sourceId));
    },

    /**
     * Merges `input.source` into the target `targetId` in one transaction and returns the
     * survivor. Lock order: the hierarchy lock (exclusive), both customers' rows (one
     * statement, id order), their children's rows, then the owned objects — the order every
     * other write uses (the hierarchy lock, then customer rows: stats-ledger.ts), so concurrent
     * merges over the same customers queue instead of deadlocking, and the later ones find a
     * tombstone (customer_merged).
     */
    async merge(auth: AuthContext, targetId: string, input: MergeInput, ifMatch?: IfMatch, expand?: readonly string[]): Promise<CustomerResult> {
      const plan = planFor('customer', expand);
      const scope: Scope = auth;
      if (input.source === targetId) throw mergeSameCustomer(targetId);
      const choices: MergeChoices = { prefer: input.prefer ?? 'target', ...(input.external_id !== undefined && { externalId: input.external_id }) };
      return store.write(async (repos) => {
        // The hierarchy lock first, then customer rows: the order of every write (stats-ledger.ts).
        await repos.lock(hierarchyLock(scope));
        await repos.merges.lockCustomers(scope, [targetId, input.source]);
        const target = liveOrRefuse(await repos.customers.findById(scope, targetId), targetId, 'id');
        checkIfMatch(ifMatch, customerEtag(target));
        const source = liveOrRefuse(await repos.customers.findById(scope, input.source), input.source, 'source');
        checkIfMatch(parseEtagList(input.source_if_match), customerEtag(source));
        const fields = mergeFields(target, source, choices);
        const childIds = (await repos.customers.list(scope, { parentId: source.id }, { limit: MAX_CHILDREN_MOVED })).map((c) => c.id);
        await repos.merges.lockCustomers(scope, childIds);
        const now = nowSeconds();
        const { parent, children } = await mergeTrees(repos, auth, target, source, choices.prefer, now);

        const moved: Record<string, string[]> = {};
        const merge = { sourceId: source.id, targetId: target.id, now };
        for (const resource of OWNED_RESOURCES) {
          const ids = (await resource.onMerge?.(repos, scope, merge)) ?? [];
          if (ids.length > 0) moved[resource.exportKey ?? resource.object] = [...ids];
        }
        if (children.length > 0) moved.children = children;

        // The source first: the external id it held may pass to the survivor (unique among live rows).
        const tombstone: CustomerRecord = {
          ...eraseCustomer(source, auth, now),
          external_id: fields.alias,
          merged_into: target.id,
          merged_from: [],
        };
        await repos.customers.update(scope, tombstone);
        await repos.customers.replaceMetadataIndex(scope, source.id, {});
        await repos.merges.repoint(scope, source.id, target.id);

        const survivor: CustomerRecord = {
          ...fields.target,
          parent_id: parent,
          updated: now,
          version: target.version + 1,
          updated_by: auth.keyId,
          delinquent_after: await repos.invoices.delinquentAfter(scope, target.id),
        };
        await repos.customers.update(scope, survivor);
        await repos.customers.replaceMetadataIndex(scope, target.id, survivor.metadata);
        for (const resource of OWNED_RESOURCES) await resource.afterCustomerUpdate?.(repos, scope, target, survivor, now);
        await repos.merges.insert(scope, { source_id: source.id, target_id: target.id, created: now, moved });

        await recordEvent(repos, scope, 'customer.deleted', { ...toApiCustomer(tombstone), deleted: true, merged_into: target.id }, { customerId: source.id });
        const after = toApiCustomer(survivor);
        await recordEvent(repos, scope, 'customer.merged', after, {
          customerId: target.id,
          previousAttributes: previousAttributes(toApiCustomer(target), after) ?? {},
          source: { id: source.id, object: toApiCustomer(source), moved },
        });
        const [body] = await present({ repos, scope }, plan, [survivor], (c) => toApiCustomer(c));
        return { customer: survivor, body: body as ApiObject };
      });
    },
  };
}

export type MergeService = ReturnType<typeof mergeService>;
