import { newId, nowSeconds } from '../../lib/ids.js';
import type { Store } from '../../store/port.js';
import type { Scope } from '../scope.js';
import { mergeMetadata } from '../customers/customer-rules.js';
import { parameterInvalid, parameterInvalidEmpty, parameterInvalidStringTooLong, resourceMissing } from '../errors.js';
import { EVENT_TYPES } from '../owned-resources.js';
import { pageThrough, type Page, type PageRequest } from '../paging.js';
import { newWebhookSecret } from './signing.js';
import type { UrlGuard } from './url-guard.js';
import type { WebhookAttemptRecord, WebhookEndpointRecord } from './webhook-endpoint.js';

export interface CreateWebhookEndpointInput {
  url: string;
  enabled_events: string[];
  description?: string | null;
  metadata?: Record<string, string | null> | null;
}

export interface UpdateWebhookEndpointInput {
  url?: string;
  enabled_events?: string[];
  description?: string | null;
  metadata?: Record<string, string | null> | null;
  /** Stripe's way to set the status: true disables, false enables. */
  disabled?: boolean;
}

export const DESCRIPTION_MAX = 5000;
const KNOWN_EVENTS = new Set<string>([...EVENT_TYPES, '*']);

/** Every entry a known event type or `*`, at least one; duplicates dropped, order kept. */
export function checkEnabledEvents(events: string[]): string[] {
  if (events.length === 0) {
    throw parameterInvalidEmpty('enabled_events', 'Invalid enabled_events: list at least one event type, or * for all.');
  }
  events.forEach((type, i) => {
    if (!KNOWN_EVENTS.has(type)) {
      throw parameterInvalid(
        `Invalid enabled_events[${i}]: '${type.slice(0, 100)}' is not an event type. Use * or one of: ${EVENT_TYPES.join(', ')}.`,
        `enabled_events[${i}]`,
      );
    }
  });
  return [...new Set(events)];
}

function checkDescription(description: string | null | undefined): void {
  if (description && description.length > DESCRIPTION_MAX) {
    throw parameterInvalidStringTooLong(`Invalid description: it may have at most ${DESCRIPTION_MAX} characters.`, 'description');
  }
}

/** SPEC E-2: an account's webhook endpoints, per mode. URLs are checked (E-4) before any transaction. */
export function webhookEndpointService(deps: { store: Pick<Store, 'read' | 'write'>; guard: Pick<UrlGuard, 'checkEndpointUrl'> }) {
  const { store, guard } = deps;

  const requireEndpoint = (endpoint: WebhookEndpointRecord | undefined, id: string): WebhookEndpointRecord => {
    if (!endpoint) throw resourceMissing('webhook endpoint', id, 'id');
    return endpoint;
  };

  return {
    async create(scope: Scope, input: CreateWebhookEndpointInput): Promise<WebhookEndpointRecord> {
      const enabledEvents = checkEnabledEvents(input.enabled_events);
      checkDescription(input.description);
      const metadata = mergeMetadata({}, input.metadata ?? null);
      await guard.checkEndpointUrl(input.url);
      const now = nowSeconds();
      const endpoint: WebhookEndpointRecord = {
        id: newId('we'),
        livemode: scope.livemode,
        created: now,
        updated: now,
        version: 1,
        url: input.url,
        enabled_events: enabledEvents,
        description: input.description ?? null,
        metadata,
        status: 'enabled',
        secret: newWebhookSecret(),
        api_version: null,
      };
      // The write's result is what an idempotent request stores (see respond()).
      return store.write(async (repos) => {
        await repos.webhookEndpoints.insert(scope, endpoint);
        return endpoint;
      });
    },

    async retrieve(scope: Scope, id: string): Promise<WebhookEndpointRecord> {
      return requireEndpoint(await store.read((repos) => repos.webhookEndpoints.findById(scope, id)), id);
    },

    async update(scope: Scope, id: string, input: UpdateWebhookEndpointInput): Promise<WebhookEndpointRecord> {
      const enabledEvents = input.enabled_events === undefined ? undefined : checkEnabledEvents(input.enabled_events);
      checkDescription(input.description);
      if (input.url !== undefined) await guard.checkEndpointUrl(input.url);
      return store.write(async (repos) => {
        const current = requireEndpoint(await repos.webhookEndpoints.findById(scope, id, { forUpdate: true }), id);
        const next: WebhookEndpointRecord = {
          ...current,
          ...(input.url !== undefined && { url: input.url }),
          ...(enabledEvents !== undefined && { enabled_events: enabledEvents }),
          ...(input.description !== undefined && { description: input.description }),
          ...(input.metadata !== undefined && { metadata: mergeMetadata(current.metadata, input.metadata) }),
          ...(input.disabled !== undefined && { status: input.disabled ? 'disabled' : 'enabled' }),
        };
        if (JSON.stringify(next) === JSON.stringify(current)) return current;
        const updated = { ...next, version: current.version + 1, updated: nowSeconds() };
        await repos.webhookEndpoints.update(scope, updated);
        return updated;
      });
    },

    /** Deletes the endpoint; deliveries not yet made to it are dropped with it. */
    async remove(scope: Scope, id: string): Promise<WebhookEndpointRecord> {
      return store.write(async (repos) => {
        const endpoint = requireEndpoint(await repos.webhookEndpoints.findById(scope, id, { forUpdate: true }), id);
        await repos.webhookEndpoints.delete(scope, id);
        return endpoint;
      });
    },

    async list(scope: Scope, request: PageRequest): Promise<Page<WebhookEndpointRecord>> {
      return store.read((repos) =>
        pageThrough(
          'webhook endpoint',
          request,
          (id) => repos.webhookEndpoints.cursorOf(scope, id),
          (page) => repos.webhookEndpoints.list(scope, page),
        ),
      );
    },

    /** SPEC E-3: the delivery attempts to one endpoint, newest first. */
    async listAttempts(scope: Scope, id: string, filters: { eventId?: string }, request: PageRequest): Promise<Page<WebhookAttemptRecord>> {
      return store.read(async (repos) => {
        requireEndpoint(await repos.webhookEndpoints.findById(scope, id), id);
        return pageThrough(
          'webhook attempt',
          request,
          (attemptId) => repos.webhookDeliveries.attemptCursorOf(scope, id, attemptId),
          (page) => repos.webhookDeliveries.listAttempts(scope, id, filters, page),
        );
      });
    },
  };
}

export type WebhookEndpointService = ReturnType<typeof webhookEndpointService>;
