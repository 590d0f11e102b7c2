/** SPEC E-2: where an account's events are sent. */
export interface WebhookEndpointRecord {
  id: string;
  livemode: boolean;
  created: number;
  updated: number;
  version: number;
  url: string;
  /** Event types, or `*` for all. */
  enabled_events: string[];
  description: string | null;
  metadata: Record<string, string>;
  status: WebhookEndpointStatus;
  /** `whsec_…`: kept to sign deliveries, shown to the account only in the create response. */
  secret: string;
  api_version: string | null;
}

export type WebhookEndpointStatus = 'enabled' | 'disabled';

/** One try at delivering one event to one endpoint (SPEC E-3), as the attempts list shows it. */
export interface WebhookAttemptRecord {
  id: string;
  livemode: boolean;
  endpoint_id: string;
  delivery_id: string;
  event_id: string;
  created: number;
  /** The endpoint's HTTP status, or null when none came (refused, unreachable, timed out). */
  status_code: number | null;
  latency_ms: number;
  error: string | null;
  /** Unix seconds of the next try, or null when there is none. */
  next_retry_at: number | null;
}

/** A delivery the worker holds a lease on; `lease` (ms) doubles as the claim's token. */
export interface ClaimedDelivery {
  accountId: string;
  livemode: boolean;
  id: string;
  endpointId: string;
  eventId: string;
  /** Attempts made before this one. */
  attempts: number;
  lease: number;
}

/** What an attempt leads to, written together with the attempt. */
export interface DeliveryOutcome {
  attempt: WebhookAttemptRecord;
  status: 'succeeded' | 'pending' | 'failed';
  /** Epoch ms of the next try when status is pending. */
  nextAttemptAt: number | null;
  /** 410 Gone: the endpoint asked not to be sent anything more. */
  disableEndpoint: boolean;
}
