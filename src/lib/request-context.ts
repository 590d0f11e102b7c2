import { AsyncLocalStorage } from 'node:async_hooks';

/** Who asked for the current change: copied into the events it writes (SPEC E-1 `request`, U-3). */
export interface RequestContext {
  requestId: string | null;
  idempotencyKey: string | null;
  /** The person or system behind the change (the Clientele-Actor header, or the console user). */
  actor: string | null;
  /** The API key the request authenticated with; its name stands in for a missing actor. */
  keyId: string | null;
}

const NONE: RequestContext = Object.freeze({ requestId: null, idempotencyKey: null, actor: null, keyId: null });

const storage = new AsyncLocalStorage<RequestContext>();

export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentRequestContext(): RequestContext {
  return storage.getStore() ?? NONE;
}
