import { expandInvalid } from '../../domain/errors.js';

/** For resources with nothing to expand: any expand[] given is refused. */
export const NO_EXPANSIONS: readonly string[] = [];

/**
 * Validates expand[] against what a resource can expand. List endpoints take the same paths
 * behind `data.`. Returns the set of requested paths (without the prefix).
 */
export function expandPaths(requested: string[] | undefined, allowed: readonly string[], list = false): Set<string> {
  const out = new Set<string>();
  for (const raw of requested ?? []) {
    const path = list ? (raw.startsWith('data.') ? raw.slice(5) : null) : raw;
    if (path === null || !allowed.includes(path)) {
      throw expandInvalid(raw);
    }
    out.add(path);
  }
  return out;
}
