import type { WriteRepositories } from '../../store/port.js';
import { customerHasChildren, hierarchyCycle, hierarchyTooDeep, parametersExclusive, resourceMissing, type ApiError } from '../errors.js';
import type { Scope } from '../scope.js';

/** SPEC H-1: the parent, by Clientele id or by the merchant's external id (never both). */
export interface ParentInput {
  parent?: string | null;
  parent_external_id?: string | null;
}

/**
 * A customer changing place in the tree, with its subtree: `from` are its ancestors before
 * (nearest first), `to` after; either may be empty (a root; a detach, or a delete, which takes
 * a customer out of its tree).
 */
export interface SubtreeMove {
  customerId: string;
  from: readonly string[];
  to: readonly string[];
}

/** One lock per account and mode serialises every change to the tree, so checks stay true. */
export function hierarchyLock(scope: Scope): string {
  return `hierarchy:${scope.accountId}:${scope.livemode ? 'live' : 'test'}`;
}

export function wantsParentChange(input: ParentInput): boolean {
  return input.parent !== undefined || input.parent_external_id !== undefined;
}

/**
 * The parent id the input asks for (null: detach). The parent must exist in the same account
 * and mode and not be deleted. Call with the hierarchy lock held.
 */
export async function resolveParent(repos: WriteRepositories, scope: Scope, input: ParentInput): Promise<string | null> {
  if (input.parent !== undefined && input.parent_external_id !== undefined) {
    throw parametersExclusive(['parent', 'parent_external_id']);
  }
  if (input.parent !== undefined) {
    if (input.parent === null) return null;
    const parent = await repos.customers.findById(scope, input.parent);
    if (!parent || parent.deleted) {
      throw resourceMissing('customer', input.parent, 'parent', { status: 400 });
    }
    return parent.id;
  }
  if (input.parent_external_id === null || input.parent_external_id === undefined) return null;
  const parent = await repos.customers.findByExternalId(scope, input.parent_external_id);
  if (!parent) {
    throw resourceMissing('customer with external_id', input.parent_external_id, 'parent_external_id', { status: 400 });
  }
  return parent.id;
}

/**
 * SPEC H-2: no customer may be its own ancestor, and the tree is at most `maxDepth` levels
 * (a root is level 1). Call with the hierarchy lock held.
 */
export async function checkPlacement(
  repos: WriteRepositories,
  scope: Scope,
  customerId: string,
  parentId: string,
  maxDepth: number,
  param: string,
): Promise<void> {
  const ancestors = await repos.customers.ancestorIds(scope, parentId);
  if (ancestors.includes(customerId)) {
    throw hierarchyCycle(
      parentId === customerId
        ? `Invalid ${param}: a customer cannot be its own parent.`
        : `Invalid ${param}: ${parentId} is a descendant of ${customerId}, so this would make ${customerId} its own ancestor.`,
      param,
    );
  }
  const height = Math.max(1, await repos.customers.subtreeHeight(scope, customerId));
  const depth = ancestors.length + height;
  if (depth > maxDepth) {
    throw hierarchyTooDeep(depth, maxDepth, param);
  }
}

export function hasChildren(count: number, customerId: string): ApiError | null {
  if (count === 0) return null;
  return customerHasChildren(customerId, count);
}
