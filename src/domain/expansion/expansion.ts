import type { Repositories } from '../../store/port.js';
import { expandInvalid } from '../errors.js';
import type { Scope } from '../scope.js';

/** An API object as sent: `object` names its type. */
export type ApiObject = Record<string, unknown>;

export interface ExpandContext {
  repos: Repositories;
  scope: Scope;
  /**
   * The stats column (migration 0023) of the customers whose rows this request has read, by id
   * (null: no activity), so that expand[]=stats needs no query of its own.
   */
  storedStats?: ReadonlyMap<string, string | null>;
}

/**
 * One expandable field of an object type: an id that can be replaced by its object
 * (`parent`, `invoice_settings.default_payment_method`) or a field that appears only when
 * asked for (`tax_ids`, `children_count`).
 */
export interface Expander {
  /** The object type of the field's values, for nested paths; null when they go no deeper. */
  readonly yields: string | null;
  /** The value is a list object: nested paths continue through its `data`. */
  readonly list?: boolean;
  /**
   * The value depends on the parent's id alone (an includable field), so it can be added to a
   * stored representation without rebuilding the parent object.
   */
  readonly byParentId?: boolean;
  /** The field's value as JSON text when the request has read it already (appendToStored adds it as it is). */
  storedText?(ctx: ExpandContext, parentId: string): string | undefined;
  /** The field's value for each parent, in order, loaded for all of them at once. */
  resolve(ctx: ExpandContext, parents: readonly ApiObject[]): Promise<unknown[]>;
}

/** The expandable fields of one object type, by path (a path may contain dots). */
export type ExpandableFields = Readonly<Record<string, Expander>>;

/** Every object type's expandable fields. */
export type ExpansionTable = Readonly<Record<string, ExpandableFields>>;

/** Stripe expands at most four levels deep. */
export const MAX_EXPANSION_DEPTH = 4;

interface Node {
  expander: Expander;
  children: Map<string, Node>;
}

/** A validated set of expand[] paths for one object type, ready to apply. */
export interface ExpandPlan {
  readonly type: string;
  readonly size: number;
  readonly roots: ReadonlyMap<string, Node>;
}

function cannotExpand(raw: string, reason: string): never {
  throw expandInvalid(raw, reason);
}

/**
 * Validates expand[] paths against what `type` can expand and builds the plan. On a list
 * endpoint every path starts with `data.`.
 */
export function planExpansion(table: ExpansionTable, type: string, requested: readonly string[] | undefined, list = false): ExpandPlan {
  const roots = new Map<string, Node>();
  for (const raw of requested ?? []) {
    let segments = raw.split('.');
    if (list) {
      if (segments[0] !== 'data' || segments.length < 2) cannotExpand(raw, 'on a list, paths start with data.');
      segments = segments.slice(1);
    }
    let current = roots;
    let currentType: string | null = type;
    let depth = 0;
    while (segments.length > 0) {
      if (currentType === null) cannotExpand(raw, `${segments.join('.')} is not an object`);
      const fields: ExpandableFields = table[currentType] ?? {};
      // The longest field path that the remaining segments start with.
      let matched: string | undefined;
      for (let n = segments.length; n > 0 && matched === undefined; n--) {
        const candidate = segments.slice(0, n).join('.');
        if (Object.hasOwn(fields, candidate)) matched = candidate;
      }
      if (matched === undefined) {
        const known = Object.keys(fields);
        cannotExpand(raw, known.length === 0 ? `a ${currentType} has no expandable fields` : `a ${currentType} can expand ${known.join(', ')}`);
      }
      const expander = fields[matched] as Expander;
      if (++depth > MAX_EXPANSION_DEPTH) cannotExpand(raw, `at most ${MAX_EXPANSION_DEPTH} levels can be expanded`);
      let node = current.get(matched);
      if (!node) {
        node = { expander, children: new Map() };
        current.set(matched, node);
      }
      segments = segments.slice(matched.split('.').length);
      if (segments.length > 0 && expander.list) {
        if (segments[0] !== 'data') cannotExpand(raw, `${matched} is a list; continue with ${matched}.data.`);
        segments = segments.slice(1);
        if (segments.length === 0) cannotExpand(raw, `${matched}.data is not expandable itself`);
      }
      current = node.children;
      currentType = expander.yields;
    }
  }
  return { type, size: roots.size, roots };
}

export const NO_EXPANSION: ExpandPlan = { type: '', size: 0, roots: new Map() };

/**
 * Whether the plan only adds fields that depend on the parent's id (no id replaced, nothing
 * nested), so it can extend a stored representation: see appendToStored.
 */
export function addsByIdOnly(plan: ExpandPlan): boolean {
  for (const node of plan.roots.values()) if (!node.expander.byParentId || node.children.size > 0) return false;
  return true;
}

/**
 * A stored JSON object (the text of one API object) with the plan's fields added, each
 * resolved for the object's id: no parse of the stored text and no rebuild of the object.
 * Only for plans that addsByIdOnly, with top-level field paths.
 */
export async function appendToStored(ctx: ExpandContext, plan: ExpandPlan, id: string, stored: string): Promise<string> {
  let out = stored.slice(0, stored.lastIndexOf('}'));
  for (const [field, node] of plan.roots) {
    const text = node.expander.storedText?.(ctx, id) ?? JSON.stringify((await node.expander.resolve(ctx, [{ id }]))[0]);
    out += `,${JSON.stringify(field)}:${text}`;
  }
  return `${out}}`;
}

function setPath(target: ApiObject, path: string, value: unknown): void {
  const keys = path.split('.');
  let object = target;
  for (const key of keys.slice(0, -1)) {
    const next = object[key];
    if (next === null || typeof next !== 'object') return;
    object = next as ApiObject;
  }
  object[keys[keys.length - 1] as string] = value;
}

function isLiveObject(value: unknown): value is ApiObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && (value as ApiObject).deleted !== true;
}

/** Applies a plan to objects of its type in place: one batched load per expanded field and level. */
export async function applyExpansion(ctx: ExpandContext, plan: ExpandPlan, objects: readonly ApiObject[]): Promise<void> {
  if (plan.size === 0 || objects.length === 0) return;
  await applyNodes(ctx, plan.roots, objects.filter(isLiveObject));
}

async function applyNodes(ctx: ExpandContext, nodes: ReadonlyMap<string, Node>, objects: readonly ApiObject[]): Promise<void> {
  if (objects.length === 0) return;
  for (const [field, node] of nodes) {
    const values = await node.expander.resolve(ctx, objects);
    objects.forEach((object, i) => setPath(object, field, values[i]));
    if (node.children.size === 0) continue;
    const next = values.flatMap((value) => {
      if (node.expander.list) return isLiveObject(value) && Array.isArray(value.data) ? (value.data as unknown[]) : [];
      return [value];
    });
    await applyNodes(ctx, node.children, next.filter(isLiveObject));
  }
}

/** The value at a dotted path of an object (an id field to expand). */
export function valueAt(object: ApiObject, path: string): unknown {
  let value: unknown = object;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as ApiObject)[key];
  }
  return value;
}

/**
 * A field holding an object's id (or null), replaced by that object: `load` fetches the
 * objects of many ids at once. An id that no longer resolves stays an id.
 */
export function expandableId(
  path: string,
  yields: string,
  load: (ctx: ExpandContext, ids: string[]) => Promise<ReadonlyMap<string, ApiObject>>,
): Expander {
  return {
    yields,
    async resolve(ctx, parents) {
      const ids = parents.map((p) => valueAt(p, path));
      const wanted = [...new Set(ids.filter((id): id is string => typeof id === 'string'))];
      const found = wanted.length > 0 ? await load(ctx, wanted) : new Map<string, ApiObject>();
      return ids.map((id) => (typeof id === 'string' ? (found.get(id) ?? id) : (id ?? null)));
    },
  };
}

/** A field kept for compatibility that is always null, expanded or not (Stripe's default_source). */
export const alwaysNull: Expander = {
  yields: null,
  resolve: async (_ctx, parents) => parents.map(() => null),
};

/** A field that appears only when expanded: `load` computes it for many parents (by id) at once. */
export function includable(
  yields: string | null,
  load: (ctx: ExpandContext, parentIds: string[]) => Promise<ReadonlyMap<string, unknown>>,
  options: { list?: boolean; absent: (parentId: string) => unknown },
): Expander {
  return {
    yields,
    ...(options.list && { list: true }),
    byParentId: true,
    async resolve(ctx, parents) {
      const ids = parents.map((p) => String(p.id));
      const found = await load(ctx, ids);
      return ids.map((id) => (found.has(id) ? found.get(id) : options.absent(id)));
    },
  };
}

/** A list object as an includable field shows it (SPEC W-5 shape; complete, so has_more is false). */
export function includedList(url: string, data: unknown[]) {
  return { object: 'list' as const, url, has_more: false, data };
}

/**
 * An includable list of objects that belong to the parent (a customer's tax ids): `load`
 * fetches the records of many parents at once, newest first.
 */
export function includedListOf<R>(
  yields: string,
  url: (parentId: string) => string,
  load: (ctx: ExpandContext, parentIds: string[]) => Promise<readonly R[]>,
  parentOf: (record: R) => string,
  toApi: (record: R) => ApiObject,
): Expander {
  return includable(
    yields,
    async (ctx, parentIds) => {
      const byParent = new Map<string, ApiObject[]>(parentIds.map((id) => [id, []]));
      for (const record of await load(ctx, parentIds)) byParent.get(parentOf(record))?.push(toApi(record));
      return new Map(parentIds.map((id) => [id, includedList(url(id), byParent.get(id) ?? [])]));
    },
    { list: true, absent: (id) => includedList(url(id), []) },
  );
}
