import type { Store } from '../../store/port.js';
import type { ApiObject } from '../expansion/expansion.js';
import { OWNED_RESOURCES } from '../owned-resources.js';
import type { OwnedResource } from '../owned-resource.js';
import type { Scope } from '../scope.js';

export interface LoadedSection {
  object: string;
  title: string;
  objects: ApiObject[];
  hasMore: boolean;
}

export interface LoadedProfileSections {
  sections: LoadedSection[];
  stats: Array<readonly [string, string]>;
}

/**
 * The generic sections of the console's profile: every owned resource that declares a
 * `profileSection` (src/domain/owned-resource.ts), read through the registry so the console
 * names no resource. Charges, refunds and invoices appear here once their resources declare one.
 */
export function profileSectionService(deps: { store: Pick<Store, 'read'>; resources?: readonly OwnedResource[] }) {
  const resources = deps.resources ?? OWNED_RESOURCES;
  return {
    /** Objects of the resources that have a section, newest `limit` each. */
    async load(scope: Scope, customerId: string, limit: number): Promise<LoadedProfileSections> {
      const withSection = resources.filter((r) => r.profileSection !== undefined);
      if (withSection.length === 0) return { sections: [], stats: [] };
      return deps.store.read(async (repos) => {
        const ctx = { repos, scope };
        const sections = await Promise.all(
          withSection.map(async (r) => {
            const section = r.profileSection as NonNullable<OwnedResource['profileSection']>;
            const found = await section.recent(ctx, customerId, limit);
            return { object: r.object, title: section.title, objects: found.slice(0, limit), hasMore: found.length > limit };
          }),
        );
        const stats = (await Promise.all(withSection.map((r) => r.profileSection?.stats?.(ctx, customerId) ?? []))).flat();
        return { sections, stats };
      });
    },
  };
}

export type ProfileSectionService = ReturnType<typeof profileSectionService>;
