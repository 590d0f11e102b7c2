import type { FastifyInstance, FastifyReply } from 'fastify';
import { rateLimited } from '../../domain/errors.js';
import type { RateDecision, RateLimiter } from '../../domain/rate-limits/rate-limiter.js';

function setHeaders(reply: FastifyReply, decision: RateDecision): void {
  reply.header('ratelimit-limit', String(decision.limit));
  reply.header('ratelimit-remaining', String(decision.remaining));
  reply.header('ratelimit-reset', String(decision.resetSeconds));
}

/**
 * SPEC R-4 for every authenticated request in this scope (after auth): spends a token of the
 * key's budget (and of the search budget on a search endpoint), answers 429 `rate_limit` with
 * `Retry-After` when there is none, and sets `RateLimit-Limit`, `-Remaining` and `-Reset` on
 * every response. An idempotent replay gives its token back: it did no work.
 */
export function registerRateLimit(
  scope: FastifyInstance,
  limiter: RateLimiter,
  onRejected?: (budget: RateDecision['budget'], livemode: boolean) => void,
): void {
  scope.addHook('onRequest', (request, reply, done) => {
    const auth = request.auth;
    if (!auth) return done();
    const search = request.routeOptions.url?.endsWith('/search') === true;
    const apply = (decision: RateDecision | null) => {
      if (!decision) return done();
      setHeaders(reply, decision);
      if (decision.allowed) return done();
      onRejected?.(decision.budget, auth.livemode);
      done(rateLimited(decision.budget === 'search' ? 'search requests' : 'requests', decision.limit, decision.retryAfterSeconds));
    };
    const taken = limiter.take(auth, search);
    if (taken instanceof Promise) taken.then(apply, (error: Error) => done(error));
    else apply(taken);
  });

  scope.addHook('onSend', (request, reply, payload, done) => {
    // The headers are there when a token was spent on this request.
    if (request.auth && reply.hasHeader('ratelimit-limit') && reply.getHeader('idempotent-replayed') === 'true') {
      limiter.refund(request.auth, 'api');
      const remaining = Number(reply.getHeader('ratelimit-remaining'));
      const limit = Number(reply.getHeader('ratelimit-limit'));
      if (Number.isFinite(remaining) && Number.isFinite(limit)) reply.header('ratelimit-remaining', String(Math.min(limit, remaining + 1)));
    }
    done(null, payload);
  });
}
