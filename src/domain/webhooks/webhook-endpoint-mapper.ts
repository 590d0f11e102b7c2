import type { WebhookAttemptRecord, WebhookEndpointRecord } from './webhook-endpoint.js';

/** The API object (SPEC E-2); the secret only in the create response. */
export function toApiWebhookEndpoint(e: WebhookEndpointRecord, options: { withSecret?: boolean } = {}) {
  return {
    id: e.id,
    object: 'webhook_endpoint' as const,
    api_version: e.api_version,
    application: null,
    created: e.created,
    description: e.description,
    enabled_events: e.enabled_events,
    livemode: e.livemode,
    metadata: e.metadata,
    ...(options.withSecret && { secret: e.secret }),
    status: e.status,
    url: e.url,
  };
}

export function toDeletedWebhookEndpoint(e: Pick<WebhookEndpointRecord, 'id'>) {
  return { id: e.id, object: 'webhook_endpoint' as const, deleted: true as const };
}

export function toApiWebhookAttempt(a: WebhookAttemptRecord) {
  return {
    id: a.id,
    object: 'webhook_attempt' as const,
    created: a.created,
    delivery: a.delivery_id,
    endpoint: a.endpoint_id,
    error: a.error,
    event: a.event_id,
    latency_ms: a.latency_ms,
    livemode: a.livemode,
    next_retry_at: a.next_retry_at,
    status_code: a.status_code,
  };
}
