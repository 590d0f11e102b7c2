import { newId, nowSeconds } from '../../lib/ids.js';
import { UniqueViolation, type Repositories, type Store, type WriteRepositories } from '../../store/port.js';
import type { AuthContext } from '../accounts/account-service.js';
import type { Scope } from '../scope.js';
import { mergeMetadata } from '../customers/customer-rules.js';
import { resourceAlreadyExists, resourceMissing } from '../errors.js';
import { pageThrough, type Page, type PageRequest } from '../paging.js';
import { validateProviderName } from '../payment-methods/payment-method-service.js';
import type { IntegrationRecord } from './integration.js';
import { recordEvent } from '../events/event-writer.js';
import { toApiIntegration } from './integration-mapper.js';
import type { ApiObject } from '../expansion/expansion.js';
import { planFor, present, showOne, type Shown } from '../expansion/expansion-table.js';
import { refuseMerged } from '../customers/merged.js';

export interface IntegrationInput {
  provider: string;
  provider_id: string;
  metadata?: Record<string, string | null> | null;
}

async function requireLiveCustomer(repos: Repositories, scope: Scope, customerId: string, forUpdate = false) {
  const customer = await repos.customers.findById(scope, customerId, { forUpdate });
  refuseMerged(customer, 'customer');
  if (!customer || customer.deleted) throw resourceMissing('customer', customerId, 'customer');
  return customer;
}

export const integrationLock = (scope: Scope, provider: string, providerId: string) =>
  `integration:${scope.accountId}:${scope.livemode}:${provider}:${providerId}`;

function taken(provider: string, providerId: string, holder: string, param = 'provider_id'): never {
  throw resourceAlreadyExists(`The ${provider} id '${providerId}' is already mapped to customer ${holder}.`, param);
}

/**
 * Maps a live customer (locked by the caller) to its id in another system, inside the caller's
 * transaction: the API's create, a customer write that sends its mappings along (SPEC D-1) and
 * a bulk import's rows. `param` names the provider in errors (`provider`,
 * `integrations[0][provider]`). A provider id held by another customer is refused (409); with
 * `keepOwn`, one this customer already holds is left as it is (`created: false`). `base` keeps
 * an exported mapping's id and time.
 */
export async function addIntegrationIn(
  repos: WriteRepositories,
  scope: Scope,
  customerId: string,
  input: IntegrationInput,
  options: { param?: string; keepOwn?: boolean; base?: { id?: string; created?: number } } = {},
): Promise<{ integration: IntegrationRecord; created: boolean }> {
  const param = options.param ?? 'provider';
  validateProviderName(input.provider, param);
  await repos.lock(integrationLock(scope, input.provider, input.provider_id));
  const holder = await repos.integrations.findByProvider(scope, input.provider, input.provider_id);
  if (holder && options.keepOwn && holder.customer_id === customerId) return { integration: holder, created: false };
  // `integrations[0][provider]` names its provider id `integrations[0][provider_id]`.
  if (holder) taken(input.provider, input.provider_id, holder.customer_id, param.replace(/provider(\]?)$/, 'provider_id$1'));
  const integration: IntegrationRecord = {
    id: options.base?.id ?? newId('int'),
    livemode: scope.livemode,
    created: options.base?.created ?? nowSeconds(),
    customer_id: customerId,
    provider: input.provider,
    provider_id: input.provider_id,
    metadata: mergeMetadata({}, input.metadata ?? null),
  };
  await repos.integrations.insert(scope, integration);
  await recordEvent(repos, scope, 'customer.integration.created', toApiIntegration(integration), { customerId });
  return { integration, created: true };
}

/** SPEC I-1, I-2: a customer's ids in other systems, unique per account, mode and provider. */
export function integrationService(deps: { store: Store }) {
  const { store } = deps;

  return {
    async create(auth: AuthContext, customerId: string, input: IntegrationInput, expand?: readonly string[]): Promise<Shown<IntegrationRecord>> {
      const scope = auth;
      const plan = planFor('integration', expand);
      validateProviderName(input.provider, 'provider');
      try {
        return await store.write(async (repos) => {
          await requireLiveCustomer(repos, scope, customerId, true);
          const { integration } = await addIntegrationIn(repos, scope, customerId, input);
          return showOne({ repos, scope }, plan, integration, toApiIntegration);
        });
      } catch (error) {
        if (error instanceof UniqueViolation && error.target === 'integration') {
          const holder = await store.read((r) => r.integrations.findByProvider(scope, input.provider, input.provider_id));
          taken(input.provider, input.provider_id, holder?.customer_id ?? 'another customer');
        }
        throw error;
      }
    },

    async remove(auth: AuthContext, customerId: string, id: string, expand?: readonly string[]): Promise<IntegrationRecord> {
      const scope = auth;
      planFor('integration', expand);
      return store.write(async (repos) => {
        await requireLiveCustomer(repos, scope, customerId, true);
        const integration = await repos.integrations.find(scope, customerId, id);
        if (!integration) throw resourceMissing('integration', id, 'id');
        await repos.integrations.delete(scope, id);
        await recordEvent(repos, scope, 'customer.integration.deleted', toApiIntegration(integration), { customerId });
        return integration;
      });
    },

    async list(scope: Scope, customerId: string, request: PageRequest, expand?: readonly string[]): Promise<Page<ApiObject>> {
      const plan = planFor('integration', expand, true);
      return store.read(async (repos) => {
        await requireLiveCustomer(repos, scope, customerId);
        const page = await pageThrough(
          'integration',
          request,
          (id) => repos.integrations.cursorOf(scope, customerId, id),
          (p) => repos.integrations.list(scope, customerId, p),
        );
        return { data: await present({ repos, scope }, plan, page.data, toApiIntegration), hasMore: page.hasMore };
      });
    },
  };
}

export type IntegrationService = ReturnType<typeof integrationService>;
