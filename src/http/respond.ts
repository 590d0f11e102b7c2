import type { FastifyReply, FastifyRequest } from 'fastify';
import { toApiError } from './plugins/errors.js';
import { expiredBefore, idempotencyMismatch, sendStored } from './plugins/idempotency.js';
import type { IdempotencyRecord, Store } from '../store/port.js';
import { beforeCommitRan, withBeforeCommit } from '../store/write-hooks.js';
import { nowSeconds } from '../lib/ids.js';

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

/**
 * Runs a write and answers it. With an Idempotency-Key the response is rendered to bytes and
 * stored inside the write's own transaction (so an acknowledged write always has its stored
 * response and a retry can never write twice), then sent; client errors are stored too.
 *
 * Contract: `run` makes at most one write transaction and returns that transaction's
 * result; `present` is pure (no I/O).
 */
export async function respond<R>(
  request: FastifyRequest,
  reply: FastifyReply,
  store: Pick<Store, 'read' | 'write'>,
  run: () => Promise<R>,
  present: (result: R) => Presented,
): Promise<FastifyReply> {
  const claim = request.idempotency;
  if (!claim) return sendPresented(reply, present(await run()));

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
    await withBeforeCommit(async (repos, raw) => {
      record = render(present(raw as R));
      if (!(await repos.idempotency.save(claim.scope, record, expiredBefore(record.created)))) throw new ConcurrentDuplicate();
    }, async () => {
      const value = await run();
      if (!beforeCommitRan()) {
        // The request wrote nothing (nothing to make atomic with): store its answer on its own.
        record = render(present(value));
        await store.write((repos) => repos.idempotency.save(claim.scope, record as IdempotencyRecord, expiredBefore(nowSeconds())));
      }
      return value;
    });
    return sendStored(reply, record as IdempotencyRecord, false);
  } catch (error) {
    if (error instanceof ConcurrentDuplicate) {
      // Another process committed the same key first; our write was rolled back. Answer as it did.
      const existing = await store.read((r) => r.idempotency.find(claim.scope, claim.key));
      if (!existing || existing.endpoint !== claim.endpoint || existing.params_hash !== claim.paramsHash) {
        throw idempotencyMismatch(claim.key);
      }
      return sendStored(reply, existing, true);
    }
    const api = toApiError(error);
    if (api.status >= 500) throw error;
    const failed = render({ status: api.status, body: request.server.renderError(api) }, api.headers ?? {});
    const saved = await store
      .write((repos) => repos.idempotency.save(claim.scope, failed, expiredBefore(failed.created)))
      .catch(() => false);
    if (!saved) throw error;
    return sendStored(reply, failed, false);
  }
}
