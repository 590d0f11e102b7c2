import { sql, type SqlBool, type Selectable } from 'kysely';
import type { PortalConfigurationBody, PortalConfigurationRecord, PortalSessionRecord } from '../../domain/billing-portal/portal.js';
import type { PortalConfigurationsRepository, PortalLoginLimitsRepository, PortalSessionsRepository } from '../port.js';
import type { PortalConfigurationsTable, PortalSessionsTable } from '../schema.js';
import { flag, fromJson, toJson } from './codec.js';
import { applyPage, positionOf } from './keyset.js';
import type { TenantDb } from './tenant.js';

function toConfiguration(row: Selectable<PortalConfigurationsTable>): PortalConfigurationRecord {
  const body = fromJson<PortalConfigurationBody>(row.body, {} as PortalConfigurationBody);
  return {
    ...body,
    id: row.id,
    livemode: row.livemode === 1,
    created: Number(row.created),
    updated: Number(row.updated),
    version: row.version,
    is_default: row.is_default === 1,
    active: row.active === 1,
    login_token: row.login_token,
    login_key_id: row.login_key_id,
  };
}

function bodyOf(c: PortalConfigurationRecord): string {
  const body: PortalConfigurationBody = {
    name: c.name,
    business_profile: c.business_profile,
    default_return_url: c.default_return_url,
    features: c.features,
    login_page: c.login_page,
    metadata: c.metadata,
  };
  return toJson(body) ?? '{}';
}

/** Billing-portal configurations (issue 19), one account and mode per row. */
export function portalConfigurationsRepository(tenant: TenantDb): PortalConfigurationsRepository {
  const rows = (scope: Parameters<TenantDb>[0]) => tenant(scope).selectFrom('portal_configurations').selectAll();
  return {
    async insert(scope, c) {
      await tenant(scope)
        .insertInto('portal_configurations', {
          id: c.id,
          created: c.created,
          updated: c.updated,
          version: c.version,
          is_default: flag(c.is_default),
          active: flag(c.active),
          body: bodyOf(c),
          login_token: c.login_token,
          login_key_id: c.login_key_id,
        })
        .execute();
    },
    async findById(scope, id, options) {
      const row = await tenant(scope).lock(rows(scope).where('id', '=', id), options?.forUpdate).executeTakeFirst();
      return row && toConfiguration(row);
    },
    async findDefault(scope) {
      const row = await rows(scope).where('is_default', '=', 1).executeTakeFirst();
      return row && toConfiguration(row);
    },
    async update(scope, c) {
      await tenant(scope)
        .updateTable('portal_configurations')
        .set({ updated: c.updated, version: c.version, active: flag(c.active), body: bodyOf(c), login_token: c.login_token, login_key_id: c.login_key_id })
        .where('id', '=', c.id)
        .execute();
    },
    cursorOf: (scope, id) => positionOf(tenant(scope), 'portal_configurations', id),
    async list(scope, filters, page) {
      let query = rows(scope);
      if (filters.active !== undefined) query = query.where(sql<SqlBool>`active = ${flag(filters.active)}`);
      if (filters.isDefault !== undefined) query = query.where(sql<SqlBool>`is_default = ${flag(filters.isDefault)}`);
      const found = await applyPage(query, page).execute();
      return found.map(toConfiguration);
    },
    async findByLoginToken(scope, token) {
      const row = await rows(scope).where('login_token', '=', token).executeTakeFirst();
      return row && toConfiguration(row);
    },
  };
}

/** The login pages' request counters (migration 0021): one upsert per bucket, in the caller's transaction. */
export function portalLoginLimitsRepository(tenant: TenantDb): PortalLoginLimitsRepository {
  return {
    async hit(scope, buckets, at, windowSeconds) {
      const ended = at - windowSeconds;
      await tenant(scope).deleteFrom('portal_login_limits').where('window_start', '<=', ended).execute();
      const counts: Array<{ attempts: number; windowStart: number }> = [];
      for (const bucket of buckets) {
        // The row is deleted above once its window ended, so a conflict is always within the window.
        const row = await tenant(scope)
          .insertInto('portal_login_limits', { bucket, window_start: at, attempts: 1 })
          .onConflict((oc) => oc.columns(['account_id', 'livemode', 'bucket']).doUpdateSet({ attempts: sql<number>`portal_login_limits.attempts + 1` }))
          .returning(['attempts', 'window_start'])
          .executeTakeFirst();
        counts.push({ attempts: Number(row?.attempts ?? 1), windowStart: Number(row?.window_start ?? at) });
      }
      return counts;
    },
  };
}

function toSession(row: Selectable<PortalSessionsTable>): PortalSessionRecord {
  return {
    id: row.id,
    livemode: row.livemode === 1,
    created: Number(row.created),
    customerId: row.customer_id,
    configurationId: row.configuration_id,
    keyId: row.key_id,
    returnUrl: row.return_url,
    locale: row.locale,
    linkDigest: row.link_digest,
    openedAt: row.opened_at === null ? null : Number(row.opened_at),
    cookieDigest: row.cookie_digest,
    lastSeen: row.last_seen === null ? null : Number(row.last_seen),
  };
}

/** Billing-portal sessions (issue 19); only digests of their tokens. */
export function portalSessionsRepository(tenant: TenantDb): PortalSessionsRepository {
  const rows = (scope: Parameters<TenantDb>[0]) => tenant(scope).selectFrom('portal_sessions').selectAll();
  return {
    async insert(scope, s) {
      await tenant(scope)
        .insertInto('portal_sessions', {
          id: s.id,
          created: s.created,
          customer_id: s.customerId,
          configuration_id: s.configurationId,
          key_id: s.keyId,
          return_url: s.returnUrl,
          locale: s.locale,
          link_digest: s.linkDigest,
          opened_at: s.openedAt,
          cookie_digest: s.cookieDigest,
          last_seen: s.lastSeen,
        })
        .execute();
    },
    async findByLink(scope, linkDigest, options) {
      const row = await tenant(scope).lock(rows(scope).where('link_digest', '=', linkDigest), options?.forUpdate).executeTakeFirst();
      return row && toSession(row);
    },
    async findByCookie(scope, cookieDigest) {
      const row = await rows(scope).where('cookie_digest', '=', cookieDigest).executeTakeFirst();
      return row && toSession(row);
    },
    async open(scope, id, cookieDigest, at) {
      // `opened_at IS NULL` makes the link single-use even when two requests race for it.
      const result = await tenant(scope)
        .updateTable('portal_sessions')
        .set({ opened_at: at, cookie_digest: cookieDigest, last_seen: at })
        .where('id', '=', id)
        .where('opened_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async touch(scope, id, at) {
      await tenant(scope).updateTable('portal_sessions').set({ last_seen: at }).where('id', '=', id).execute();
    },
    async delete(scope, id) {
      await tenant(scope).deleteFrom('portal_sessions').where('id', '=', id).execute();
    },
    async deleteCreatedBefore(scope, before) {
      const result = await tenant(scope).deleteFrom('portal_sessions').where('created', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    async deleteForCustomer(scope, customerId) {
      await tenant(scope).deleteFrom('portal_sessions').where('customer_id', '=', customerId).execute();
    },
  };
}
