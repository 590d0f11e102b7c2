import { AsyncLocalStorage } from 'node:async_hooks';

/** Who asked for the current change: copied into the events it writes (SPEC E-1 `request`). */
export interface RequestContext {
  requestId: string | null;
  idempotencyKey: string | null;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentRequestContext(): RequestContext {
  return storage.getStore() ?? { requestId: null, idempotencyKey: null };
}
