import { AsyncResource } from 'node:async_hooks';
import type { Config } from '../../config.js';
import type { Store } from '../../store/port.js';
import { nowSeconds } from '../../lib/ids.js';
import type { Scope } from '../scope.js';
import { toApiEvent } from '../events/event-service.js';
import { outcomeOf } from './delivery-policy.js';
import { postWebhook, type SendResult } from './http-sender.js';
import { signedHeaders } from './signing.js';
import { urlGuard, type UrlGuard } from './url-guard.js';
import type { ClaimedDelivery } from './webhook-endpoint.js';

export interface DeliverySettings {
  retrySchedule: readonly number[];
  pollMs: number;
  timeoutMs: number;
  /** How long a claim holds a delivery (longer than the timeout, see WEBHOOK_LEASE_MS). */
  leaseMs: number;
  concurrency: number;
  guard: UrlGuard;
  /** Deliveries to one endpoint in flight at once, across processes. */
  perEndpoint?: number;
  /** Told of each attempt's outcome (the metrics count them). */
  onAttempt?: (outcome: 'succeeded' | 'retrying' | 'failed' | 'lease_lost') => void;
}

export function deliverySettings(
  config: Pick<Config, 'webhookRetrySchedule' | 'webhookPollMs' | 'webhookTimeoutMs' | 'webhookLeaseMs' | 'webhookConcurrency' | 'webhookAllowPrivateNetworks'>,
): DeliverySettings {
  return {
    retrySchedule: config.webhookRetrySchedule,
    pollMs: config.webhookPollMs,
    timeoutMs: config.webhookTimeoutMs,
    leaseMs: config.webhookLeaseMs,
    concurrency: config.webhookConcurrency,
    guard: urlGuard({ allowPrivateNetworks: config.webhookAllowPrivateNetworks }),
  };
}

/** The few logger methods the worker uses (pino's, as Fastify's logger has them). */
export interface WorkerLog {
  warn(object: object, message: string): void;
  debug(object: object, message: string): void;
}

export interface DeliveryWorker {
  start(log: WorkerLog): void;
  /** Look for due deliveries now (after a commit that enqueued some). */
  nudge(): void;
  /** Stops claiming and waits for the attempts in flight (each is bounded by the timeout). */
  stop(): Promise<void>;
}

const DEFAULT_PER_ENDPOINT = 3;

/**
 * SPEC E-3: the delivery worker of one server process. It claims due deliveries from the
 * outbox under a lease (several processes may run it on one PostgreSQL; none claims what
 * another holds), sends each concurrently, and records every attempt. Delivery is at least
 * once: a process that dies mid-attempt leaves its lease to expire, and another (or the same
 * one, restarted) claims the delivery again; an event keeps its id across every attempt.
 * No network I/O happens inside a transaction: claim, send, record are three separate steps.
 */
export function deliveryWorker(store: Pick<Store, 'read' | 'write'>, settings: DeliverySettings): DeliveryWorker {
  const perEndpoint = settings.perEndpoint ?? DEFAULT_PER_ENDPOINT;
  // Long enough that a live attempt never outlives its lease; short enough that a crashed
  // process's deliveries are retried soon after.
  const leaseMs = settings.leaseMs;
  const inFlight = new Set<Promise<void>>();
  let log: WorkerLog = { warn: () => undefined, debug: () => undefined };
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let polling: Promise<void> | null = null;
  let again = false;
  let backlog = false;
  /**
   * poll() as of the worker's start, outside any request: a nudge comes from inside a request's
   * async context (its unit of work, its request id), which the worker's own writes must not join.
   */
  let pollDetached: () => void = () => undefined;

  async function load(delivery: ClaimedDelivery) {
    const scope: Scope = { accountId: delivery.accountId, livemode: delivery.livemode };
    return store.read(async (repos) => {
      const endpoint = await repos.webhookEndpoints.findById(scope, delivery.endpointId);
      const event = await repos.events.findById(scope, delivery.eventId);
      const pending = event ? await repos.events.pendingWebhooks(scope, [event.id]) : new Map<string, number>();
      return { endpoint, event, pendingWebhooks: pending.get(delivery.eventId) ?? 0 };
    });
  }

  async function deliver(delivery: ClaimedDelivery): Promise<void> {
    const { endpoint, event, pendingWebhooks } = await load(delivery);
    if (!endpoint || endpoint.status !== 'enabled') {
      // Disabled since it was claimed: the delivery waits, untried, until it is enabled again.
      await store.write((repos) => repos.webhookDeliveries.release(delivery));
      return;
    }
    let result: SendResult;
    if (!event) {
      result = { statusCode: null, error: 'The event no longer exists (past retention).', latencyMs: 0 };
    } else {
      const body = JSON.stringify(toApiEvent({ event, pendingWebhooks }));
      const headers = signedHeaders(endpoint.secret, event.id, body, nowSeconds());
      result = await postWebhook(new URL(endpoint.url), headers, body, { timeoutMs: settings.timeoutMs, guard: settings.guard });
    }
    const outcome = outcomeOf(delivery, result, event ? settings.retrySchedule : [], Date.now());
    const recorded = await store.write((repos) => repos.webhookDeliveries.complete(delivery, outcome));
    const context = { delivery: delivery.id, endpoint: delivery.endpointId, event: delivery.eventId, status: result.statusCode };
    // Not ours any more: the lease ran out (another claim will retry it) or the endpoint was deleted.
    settings.onAttempt?.(!recorded ? 'lease_lost' : outcome.status === 'pending' ? 'retrying' : outcome.status);
    if (!recorded) log.warn(context, 'webhook attempt not recorded: the delivery lease was lost');
    else log.debug({ ...context, outcome: outcome.status, error: result.error }, 'webhook attempt');
  }

  async function claimAndSend(): Promise<void> {
    const free = settings.concurrency - inFlight.size;
    if (free <= 0) {
      backlog = true;
      return;
    }
    const now = Date.now();
    const claimed = await store.write((repos) =>
      repos.webhookDeliveries.claim({ now, leaseUntil: now + leaseMs, limit: free, perEndpoint }),
    );
    backlog = claimed.length === free;
    for (const delivery of claimed) {
      const task: Promise<void> = deliver(delivery)
        .catch((error: unknown) => log.warn({ err: error, delivery: delivery.id }, 'webhook delivery failed unexpectedly; its lease will expire and it will be retried'))
        .finally(() => {
          inFlight.delete(task);
          // A slot freed while more was due: take the next one now rather than at the next tick.
          if (backlog) poll();
        });
      inFlight.add(task);
    }
  }

  function poll(): void {
    if (!running) return;
    if (polling) {
      again = true;
      return;
    }
    polling = claimAndSend()
      .catch((error: unknown) => log.warn({ err: error }, 'webhook claim failed; retrying at the next poll'))
      .finally(() => {
        polling = null;
        if (again) {
          again = false;
          poll();
        }
      });
  }

  return {
    start(logger) {
      if (running) return;
      log = logger;
      running = true;
      pollDetached = AsyncResource.bind(poll);
      timer = setInterval(poll, settings.pollMs);
      timer.unref();
      poll();
    },
    nudge() {
      if (running) setImmediate(pollDetached);
    },
    async stop() {
      running = false;
      if (timer) clearInterval(timer);
      await polling;
      await Promise.allSettled([...inFlight]);
    },
  };
}
