import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Scope } from '../../domain/scope.js';
import { idempotencyKeyInUse, idempotencyKeyInvalid, idempotencyParamsMismatch, type ApiError } from '../../domain/errors.js';
import { fingerprint } from '../../domain/payment-methods/card.js';
import type { AccountService } from '../../domain/accounts/account-service.js';
import type { IdempotencyService } from '../../domain/idempotency/idempotency-service.js';
import type { IdempotencyRecord } from '../../store/port.js';

export interface IdempotencyClaim {
  key: string;
  endpoint: string;
  paramsHash: string;
  scope: Scope;
  slot: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set for a POST carrying an Idempotency-Key that is not a replay. */
    idempotency: IdempotencyClaim | null;
  }
}

/** JSON with object keys sorted, so equal parameters always hash equally. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.keys(value)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

/** Only this hash of the parameters is stored, never the body. */
export function hashParams(params: unknown, body: unknown): string {
  return createHash('sha256').update(canonicalJson({ params, body })).digest('hex');
}

/**
 * A card number or CVC must not even be recoverable from the stored hash (a CVC is three
 * digits: an unkeyed hash of a body holding one is brute-forced in milliseconds). Before
 * hashing, the number becomes its keyed per-account fingerprint and the CVC a placeholder.
 */
export async function cardSafeBody(body: unknown, accountSecret: () => Promise<string>): Promise<unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  const card = (body as Record<string, unknown>).card;
  if (card === null || typeof card !== 'object' || Array.isArray(card)) return body;
  const { number, cvc, ...rest } = card as Record<string, unknown>;
  if (number === undefined && cvc === undefined) return body;
  const safeCard: Record<string, unknown> = { ...rest };
  if (number !== undefined) {
    safeCard.number = typeof number === 'string' ? `fingerprint:${fingerprint(number.replace(/[\s-]/g, ''), await accountSecret())}` : '[number]';
  }
  if (cvc !== undefined) safeCard.cvc = '[cvc]';
  return { ...(body as Record<string, unknown>), card: safeCard };
}

export function idempotencyMismatch(key: string): ApiError {
  return idempotencyParamsMismatch(
    `Keys for idempotent requests can only be used with the same parameters and endpoint they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
  );
}

export function keyInUse(): ApiError {
  return idempotencyKeyInUse('There is currently another in-progress request using this idempotency key. Retry after it has finished.');
}

export function sendStored(reply: FastifyReply, record: IdempotencyRecord, replayed: boolean): FastifyReply {
  reply.code(record.status_code).headers(record.headers);
  if (replayed) reply.header('idempotent-replayed', 'true').header('original-request', record.request_id);
  return reply.send(record.body);
}

/**
 * W-8 for every POST (and the PATCH that aliases an update) in this scope. A request whose key is live and matches replays the
 * stored response; a mismatch is an idempotency_error; a duplicate arriving while the first
 * is still running in this process gets 409. The response itself is stored by respond(), in
 * the transaction of the write. Requests that fail validation never reach this hook.
 */
export function registerIdempotency(
  scope: FastifyInstance,
  deps: { idempotency: Pick<IdempotencyService, 'findLive'>; accounts: Pick<AccountService, 'fingerprintSecret'> },
): void {
  const { idempotency, accounts } = deps;
  const inFlight = new Set<string>();
  scope.decorateRequest('idempotency', null);

  const claimKey = async (request: FastifyRequest, reply: FastifyReply) => {
    const key = request.headers['idempotency-key'];
    if (key === undefined) return;
    if (typeof key !== 'string' || key.length === 0 || key.length > 255) {
      throw idempotencyKeyInvalid();
    }
    const auth = request.auth;
    if (!auth) return;
    const keyScope: Scope = auth;
    const slot = `${auth.accountId}\u0000${auth.livemode ? 'live' : 'test'}\u0000${key}`;
    if (inFlight.has(slot)) throw keyInUse();
    inFlight.add(slot);
    let claim: IdempotencyClaim;
    try {
      const body = await cardSafeBody(request.body, () => accounts.fingerprintSecret(auth.accountId));
      claim = {
        key,
        // PATCH is another endpoint than the POST it aliases (SPEC W-10), as Stripe tells endpoints apart.
        endpoint: `${request.method} ${request.routeOptions.url ?? request.url}`,
        paramsHash: hashParams(request.params, body),
        scope: keyScope,
        slot,
      };
      const existing = await idempotency.findLive(keyScope, key);
      if (existing) {
        if (existing.endpoint !== claim.endpoint || existing.params_hash !== claim.paramsHash) throw idempotencyMismatch(key);
        inFlight.delete(slot);
        return sendStored(reply, existing, true);
      }
    } catch (error) {
      inFlight.delete(slot);
      throw error;
    }
    request.idempotency = claim;
  };

  const release = async (request: FastifyRequest) => {
    if (request.idempotency) inFlight.delete(request.idempotency.slot);
  };
  // Only POST routes (with their PATCH alias) take keys: the hooks are attached to those routes
  // alone, so reads never run them.
  const append = <T>(existing: T | T[] | undefined, hook: T): T[] =>
    existing === undefined ? [hook] : [...(Array.isArray(existing) ? existing : [existing]), hook];
  scope.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.includes('POST')) return;
    if (route.config?.responseHoldsSecret) return;
    route.preHandler = append(route.preHandler, claimKey);
    route.onResponse = append(route.onResponse, release);
    route.onRequestAbort = append(route.onRequestAbort, release);
  });
}
