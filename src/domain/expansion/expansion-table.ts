import { CUSTOMER_EXPANDABLE } from '../customers/customer-expansions.js';
import { OWNED_RESOURCES } from '../owned-resources.js';
import { applyExpansion, planExpansion, type ApiObject, type ExpandContext, type ExpansionTable } from './expansion.js';

/** What can be expanded on each object type. */
export const EXPANSIONS: ExpansionTable = {
  customer: CUSTOMER_EXPANDABLE,
  ...Object.fromEntries(OWNED_RESOURCES.map((r) => [r.object, r.expandable ?? {}])),
};

/** Validates expand[] for one object type (list endpoints: behind `data.`); 400 before any work. */
export function planFor(type: string, expand: readonly string[] | undefined, list = false) {
  return planExpansion(EXPANSIONS, type, expand, list);
}

/** Maps records to API objects and expands them as asked: one batched load per field and level. */
export async function present<R>(
  ctx: ExpandContext,
  plan: ReturnType<typeof planFor>,
  records: readonly R[],
  toApi: (record: R) => unknown,
): Promise<ApiObject[]> {
  const objects = records.map((record) => toApi(record) as ApiObject);
  await applyExpansion(ctx, plan, objects);
  return objects;
}

/** One record as its API object, expanded as planned (inside a write's transaction, it shows what commits). */
export async function presentOne<R>(ctx: ExpandContext, plan: ReturnType<typeof planFor>, record: R, toApi: (record: R) => unknown): Promise<ApiObject> {
  const [object] = await present(ctx, plan, [record], toApi);
  return object as ApiObject;
}

/** A record and its API object as a request asked to see it (expanded). */
export interface Shown<R> {
  record: R;
  body: ApiObject;
}

export async function showOne<R>(ctx: ExpandContext, plan: ReturnType<typeof planFor>, record: R, toApi: (record: R) => unknown): Promise<Shown<R>> {
  return { record, body: await presentOne(ctx, plan, record, toApi) };
}
