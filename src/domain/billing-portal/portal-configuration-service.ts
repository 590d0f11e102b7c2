import { newId, nowSeconds } from '../../lib/ids.js';
import type { Store, WriteRepositories } from '../../store/port.js';
import type { AuthContext } from '../accounts/account-service.js';
import { mergeMetadata } from '../customers/customer-rules.js';
import { parameterInvalid, portalLoginUnavailable, resourceMissing, urlInvalid } from '../errors.js';
import { pageThrough, type Page, type PageRequest } from '../paging.js';
import type { Scope } from '../scope.js';
import { ALLOWED_UPDATES, type AllowedUpdate, type PortalConfigurationBody, type PortalConfigurationRecord } from './portal.js';
import { newPortalToken, tokenValue } from './portal-tokens.js';

/** What create and update take: Stripe's parameters for the parts that apply. */
export interface PortalConfigurationInput {
  name?: string | null;
  business_profile?: { headline?: string | null; privacy_policy_url?: string | null; terms_of_service_url?: string | null };
  default_return_url?: string | null;
  features?: {
    customer_update?: { enabled?: boolean; allowed_updates?: string[] | null };
    payment_method_update?: { enabled?: boolean };
    invoice_history?: { enabled?: boolean };
  };
  login_page?: { enabled?: boolean };
  metadata?: Record<string, string | null> | null;
  active?: boolean;
}

/** What a configuration made on first use allows: everything that applies. */
export const DEFAULT_BODY: PortalConfigurationBody = {
  name: null,
  business_profile: { headline: null, privacy_policy_url: null, terms_of_service_url: null },
  default_return_url: null,
  features: {
    customer_update: { enabled: true, allowed_updates: [...ALLOWED_UPDATES] },
    payment_method_update: { enabled: true },
    invoice_history: { enabled: true },
  },
  login_page: { enabled: false },
  metadata: {},
};

const URL_MAX = 2048;

/** An absolute http(s) URL (a return link or a policy page); null clears it. */
export function checkPageUrl(value: string | null | undefined, param: string): string | null | undefined {
  if (value === undefined || value === null || value === '') return value === '' ? null : value;
  if (value.length > URL_MAX) throw urlInvalid(`Invalid ${param}: it may have at most ${URL_MAX} characters.`, param);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw urlInvalid(`Invalid ${param}: '${value.slice(0, 100)}' is not an absolute URL.`, param);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw urlInvalid(`Invalid ${param}: only http and https URLs are allowed.`, param);
  }
  return value;
}

function checkAllowedUpdates(values: string[] | null): AllowedUpdate[] {
  // An empty list arrives as `allowed_updates=` in a form body (null after the wire's normaliser).
  if (values === null) return [];
  values.forEach((v, i) => {
    if (!(ALLOWED_UPDATES as readonly string[]).includes(v)) {
      throw parameterInvalid(
        `Invalid features[customer_update][allowed_updates][${i}]: '${v.slice(0, 40)}' is not one of ${ALLOWED_UPDATES.join(', ')}.`,
        `features[customer_update][allowed_updates][${i}]`,
      );
    }
  });
  return [...new Set(values as AllowedUpdate[])];
}

/** The body after applying `input` over `current`: pure, every value checked. */
export function applyConfigurationInput(current: PortalConfigurationBody, input: PortalConfigurationInput, loginAvailable: boolean): PortalConfigurationBody {
  const bp = input.business_profile;
  const f = input.features;
  const returnUrl = checkPageUrl(input.default_return_url, 'default_return_url');
  const privacy = checkPageUrl(bp?.privacy_policy_url, 'business_profile[privacy_policy_url]');
  const terms = checkPageUrl(bp?.terms_of_service_url, 'business_profile[terms_of_service_url]');
  if (input.login_page?.enabled === true && !loginAvailable) throw portalLoginUnavailable();
  const cu = f?.customer_update;
  return {
    name: input.name !== undefined ? input.name || null : current.name,
    business_profile: {
      headline: bp?.headline !== undefined ? bp.headline || null : current.business_profile.headline,
      privacy_policy_url: privacy !== undefined ? privacy : current.business_profile.privacy_policy_url,
      terms_of_service_url: terms !== undefined ? terms : current.business_profile.terms_of_service_url,
    },
    default_return_url: returnUrl !== undefined ? returnUrl : current.default_return_url,
    features: {
      customer_update: {
        enabled: cu?.enabled ?? current.features.customer_update.enabled,
        allowed_updates: cu?.allowed_updates !== undefined ? checkAllowedUpdates(cu.allowed_updates) : current.features.customer_update.allowed_updates,
      },
      payment_method_update: { enabled: f?.payment_method_update?.enabled ?? current.features.payment_method_update.enabled },
      invoice_history: { enabled: f?.invoice_history?.enabled ?? current.features.invoice_history.enabled },
    },
    login_page: { enabled: input.login_page?.enabled ?? current.login_page.enabled },
    metadata: input.metadata !== undefined ? mergeMetadata(current.metadata, input.metadata) : current.metadata,
  };
}

export interface PortalConfigurationDeps {
  store: Pick<Store, 'read' | 'write'>;
  /** Whether sign-in by email can be offered (SMTP_URL is set). */
  loginAvailable: boolean;
  /** PUBLIC_URL: where login pages are. */
  publicUrl: string;
}

/** The login page's path for a token value (`<account>.<t|l>.<token>`). */
export const loginPagePath = (value: string): string => `/portal/login/${value}`;

/**
 * What enabling the login page changes: its token is made the first time (and kept, so the page
 * keeps its URL across a disable and enable), and the key that enables it becomes the writer of
 * the sessions it makes.
 */
function withLogin(auth: AuthContext, input: PortalConfigurationInput, current: Pick<PortalConfigurationRecord, 'login_token' | 'login_key_id'>) {
  if (input.login_page?.enabled !== true) return { login_token: current.login_token, login_key_id: current.login_key_id };
  return { login_token: current.login_token ?? newPortalToken(), login_key_id: auth.keyId };
}

/** Billing-portal configurations (issue 19): Stripe's `billing_portal.configuration`, per account and mode. */
export function portalConfigurationService(deps: PortalConfigurationDeps) {
  const { store, loginAvailable, publicUrl } = deps;

  const required = (found: PortalConfigurationRecord | undefined, id: string) => {
    if (!found) throw resourceMissing('billing portal configuration', id, 'id');
    return found;
  };

  /** The scope's default configuration, made (with everything allowed) when there is none yet. */
  async function defaultIn(repos: WriteRepositories, scope: Scope): Promise<PortalConfigurationRecord> {
    const existing = await repos.portalConfigurations.findDefault(scope);
    if (existing) return existing;
    // Serialises first uses: two sessions asked for at once make one default, not a unique violation.
    await repos.lock(`portal-default:${scope.accountId}:${scope.livemode ? 'live' : 'test'}`);
    const again = await repos.portalConfigurations.findDefault(scope);
    if (again) return again;
    const now = nowSeconds();
    const made: PortalConfigurationRecord = {
      ...DEFAULT_BODY,
      id: newId('bpc'),
      livemode: scope.livemode,
      created: now,
      updated: now,
      version: 1,
      is_default: true,
      active: true,
      login_token: null,
      login_key_id: null,
    };
    await repos.portalConfigurations.insert(scope, made);
    return made;
  }

  return {
    defaultIn,

    /** Stripe's `login_page.url`: the page's URL while it is enabled, else null. */
    loginPageUrl(scope: Scope, c: PortalConfigurationRecord): string | null {
      if (!c.login_page.enabled || c.login_token === null) return null;
      return `${publicUrl}${loginPagePath(tokenValue(scope, c.login_token))}`;
    },

    async create(scope: AuthContext, input: PortalConfigurationInput): Promise<PortalConfigurationRecord> {
      const body = applyConfigurationInput(DEFAULT_BODY, input, loginAvailable);
      const now = nowSeconds();
      return store.write(async (repos) => {
        // The first configuration of an account and mode is its default (the one sessions use unless told).
        await repos.lock(`portal-default:${scope.accountId}:${scope.livemode ? 'live' : 'test'}`);
        const isDefault = (await repos.portalConfigurations.findDefault(scope)) === undefined;
        const made: PortalConfigurationRecord = {
          ...body,
          id: newId('bpc'),
          livemode: scope.livemode,
          created: now,
          updated: now,
          version: 1,
          is_default: isDefault,
          active: input.active ?? true,
          ...withLogin(scope, input, { login_token: null, login_key_id: null }),
        };
        await repos.portalConfigurations.insert(scope, made);
        return made;
      });
    },

    async retrieve(scope: Scope, id: string): Promise<PortalConfigurationRecord> {
      return required(await store.read((repos) => repos.portalConfigurations.findById(scope, id)), id);
    },

    async update(scope: AuthContext, id: string, input: PortalConfigurationInput): Promise<PortalConfigurationRecord> {
      return store.write(async (repos) => {
        const current = required(await repos.portalConfigurations.findById(scope, id, { forUpdate: true }), id);
        const body = applyConfigurationInput(current, input, loginAvailable);
        if (input.active === false && current.is_default) {
          throw parameterInvalid('Invalid active: the default configuration cannot be deactivated.', 'active');
        }
        const next: PortalConfigurationRecord = { ...current, ...body, active: input.active ?? current.active, ...withLogin(scope, input, current) };
        if (JSON.stringify(next) === JSON.stringify(current)) return current;
        const updated = { ...next, version: current.version + 1, updated: nowSeconds() };
        await repos.portalConfigurations.update(scope, updated);
        return updated;
      });
    },

    async list(scope: Scope, filters: { active?: boolean; isDefault?: boolean }, request: PageRequest): Promise<Page<PortalConfigurationRecord>> {
      return store.read((repos) =>
        pageThrough(
          'billing portal configuration',
          request,
          (id) => repos.portalConfigurations.cursorOf(scope, id),
          (page) => repos.portalConfigurations.list(scope, filters, page),
        ),
      );
    },
  };
}

export type PortalConfigurationService = ReturnType<typeof portalConfigurationService>;
