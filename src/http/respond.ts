import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IdempotencyService } from '../domain/idempotency/idempotency-service.js';
import { nowSeconds } from '../lib/ids.js';
import type { IdempotencyRecord, Store } from '../store/port.js';
import { toApiError } from './plugins/errors.js';
import { idempotencyMismatch, sendStored } from './plugins/idempotency.js';

/** What a write route answers: status, body and (for single objects) the ETag. */
export interface Presented {
  status: number;
  body: unknown;
  etag?: string;
}

class ConcurrentDuplicate extends Error {}

export function sendPresented(reply: FastifyReply, out: Presented): FastifyReply {
  if (out.etag) reply.header('etag', out.etag);
  return reply.code(out.status).send(out.body);
}

export interface ResponderDeps {
  unitOfWork: Store['unitOfWork'];
  idempotency: Pick<IdempotencyService, 'saveIn' | 'save' | 'find'>;
}

/**
 * How every write route answers, bound once to the store's unit of work. `run` is the request's
 * unit of work: it may commit at most one write transaction (a second one fails loudly) and
 * returns what that transaction returned; `present` is pure (no I/O).
 *
 * With an Idempotency-Key the response is rendered to bytes and stored inside the write's own
 * transaction, just before its COMMIT (so an acknowledged write always has its stored response
 * and a retry can never write twice), then sent; client errors are stored too.
 */
export function responder(deps: ResponderDeps) {
  const { unitOfWork, idempotency } = deps;

  return async function respond<R>(
    request: FastifyRequest,
    reply: FastifyReply,
    run: () => Promise<R>,
    present: (result: R) => Presented,
  ): Promise<FastifyReply> {
    const claim = request.idempotency;
    if (!claim) return sendPresented(reply, present((await unitOfWork(null, run)).value));

    const render = (out: Presented, extraHeaders: Record<string, string> = {}): IdempotencyRecord => {
      reply.code(out.status);
      return {
        key: claim.key,
        endpoint: claim.endpoint,
        params_hash: claim.paramsHash,
        status_code: out.status,
        headers: { 'content-type': 'application/json; charset=utf-8', ...(out.etag ? { etag: out.etag } : {}), ...extraHeaders },
        body: String(reply.serialize(out.body)),
        request_id: request.id,
        created: nowSeconds(),
      };
    };

    let record: IdempotencyRecord | undefined;
    try {
      const { value, wrote } = await unitOfWork(async (repos, raw) => {
        record = render(present(raw as R));
        if (!(await idempotency.saveIn(repos, claim.scope, record))) throw new ConcurrentDuplicate();
      }, run);
      // The request wrote nothing (nothing to make atomic with): store its answer on its own.
      if (!wrote) {
        record = render(present(value));
        await idempotency.save(claim.scope, record);
      }
      return sendStored(reply, record as IdempotencyRecord, false);
    } catch (error) {
      if (error instanceof ConcurrentDuplicate) {
        // Another process committed the same key first; our write was rolled back. Answer as it did.
        const existing = await idempotency.find(claim.scope, claim.key);
        if (!existing || existing.endpoint !== claim.endpoint || existing.params_hash !== claim.paramsHash) {
          throw idempotencyMismatch(claim.key);
        }
        return sendStored(reply, existing, true);
      }
      const api = toApiError(error);
      if (api.status >= 500) throw error;
      const failed = render({ status: api.status, body: request.server.renderError(api) }, api.headers ?? {});
      const saved = await idempotency.save(claim.scope, failed).catch(() => false);
      if (!saved) throw error;
      return sendStored(reply, failed, false);
    }
  };
}

export type Respond = ReturnType<typeof responder>;
