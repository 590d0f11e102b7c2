import { newId } from '../../lib/ids.js';
import type { SendResult } from './http-sender.js';
import type { ClaimedDelivery, DeliveryOutcome } from './webhook-endpoint.js';

/** SPEC E-3: only a 2xx answer delivers; 3xx and everything else is a failure; 410 Gone disables. */
export function isDelivered(statusCode: number | null): boolean {
  return statusCode !== null && statusCode >= 200 && statusCode < 300;
}

export const GONE = 410;

/**
 * What an attempt leads to (pure). Attempt n (1-based) that fails is retried after
 * `schedule[n - 1]`; when the schedule is used up the delivery is failed for good.
 */
export function outcomeOf(
  delivery: ClaimedDelivery,
  result: SendResult,
  schedule: readonly number[],
  nowMs: number,
): DeliveryOutcome {
  const attemptNumber = delivery.attempts + 1;
  const base = {
    id: newId('wha'),
    livemode: delivery.livemode,
    endpoint_id: delivery.endpointId,
    delivery_id: delivery.id,
    event_id: delivery.eventId,
    created: Math.floor(nowMs / 1000),
    status_code: result.statusCode,
    latency_ms: result.latencyMs,
  };
  if (isDelivered(result.statusCode)) {
    return { attempt: { ...base, error: null, next_retry_at: null }, status: 'succeeded', nextAttemptAt: null, disableEndpoint: false };
  }
  if (result.statusCode === GONE) {
    const error = '410 Gone: the endpoint was disabled and will receive nothing more until it is enabled again.';
    return { attempt: { ...base, error, next_retry_at: null }, status: 'failed', nextAttemptAt: null, disableEndpoint: true };
  }
  const delay = schedule[attemptNumber - 1];
  if (delay === undefined) {
    const error = [result.error, `Failed for good after ${attemptNumber} attempts.`].filter(Boolean).join(' ');
    return { attempt: { ...base, error, next_retry_at: null }, status: 'failed', nextAttemptAt: null, disableEndpoint: false };
  }
  const next = nowMs + delay;
  return {
    attempt: { ...base, error: result.error, next_retry_at: Math.ceil(next / 1000) },
    status: 'pending',
    nextAttemptAt: next,
    disableEndpoint: false,
  };
}
