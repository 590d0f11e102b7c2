import type { EventType } from '../owned-resources.js';

/** SPEC E-1: an event, written in the transaction of the change it describes. */
export interface EventRecord {
  id: string;
  livemode: boolean;
  created: number;
  type: EventType;
  api_version: string;
  /** The customer the event concerns, so erasure can redact it and export can find it. */
  customer_id: string | null;
  /** `source`: only on customer.merged, the absorbed customer and what moved (docs/merging.md). */
  data: { object: unknown; previous_attributes?: Record<string, unknown>; source?: unknown };
  request_id: string | null;
  idempotency_key: string | null;
  /** SPEC U-3: who made the change (Clientele-Actor, or the console user's name). */
  actor: string | null;
  /** The key the writing request authenticated with (its name is shown when there is no actor). */
  key_id: string | null;
}

/** The version of the object shapes in event payloads. */
export const API_VERSION = '2026-10-28.clientele';
