import type { Store } from '../../store/port.js';
import type { ApiObject } from '../expansion/expansion.js';
import { OWNED_RESOURCES } from '../owned-resources.js';
import type { OwnedResource, ProfileColumn } from '../owned-resource.js';
import type { Scope } from '../scope.js';

export interface LoadedSection {
  object: string;
  title: string;
  columns: readonly ProfileColumn[];
  objects: ApiObject[];
  hasMore: boolean;
}

export interface LoadedProfileSections {
  sections: LoadedSection[];
  stats: Array<readonly [string, string]>;
}

/** A section that names no columns: its objects' id, status and creation time. */
const DEFAULT_COLUMNS: readonly ProfileColumn[] = [
  { label: 'Id', kind: 'id', value: (o) => (typeof o.id === 'string' ? o.id : null) },
  { label: 'Status', value: (o) => (typeof o.status === 'string' ? o.status : null) },
  { label: 'Created', kind: 'time', value: (o) => (typeof o.created === 'number' ? o.created : null) },
];

/**
 * The generic sections of the console's profile: every owned resource that declares a
 * `profileSection` (src/domain/owned-resource.ts), read through the registry so the console
 * names no resource. Charges, refunds, invoices and the stats declare one.
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
        const listing = withSection.flatMap((r) => {
          const section = r.profileSection;
          return section?.recent ? [{ object: r.object, section, recent: section.recent.bind(section) }] : [];
        });
        const sections = await Promise.all(
          listing.map(async ({ object, section, recent }) => {
            const found = await recent(ctx, customerId, limit);
            return { object, title: section.title, columns: section.columns ?? DEFAULT_COLUMNS, objects: found.slice(0, limit), hasMore: found.length > limit };
          }),
        );
        const stats = (await Promise.all(withSection.map((r) => r.profileSection?.stats?.(ctx, customerId) ?? []))).flat();
        return { sections, stats };
      });
    },
  };
}

export type ProfileSectionService = ReturnType<typeof profileSectionService>;
