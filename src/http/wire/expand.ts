import { planFor } from '../../domain/expansion/expansion-table.js';

/**
 * For endpoints whose objects have nothing to expand (events, webhook endpoints): `expand` is
 * accepted and validated like everywhere else, so any path is refused with expand_invalid.
 * List endpoints take paths behind `data.`.
 */
export function validateExpand(type: string, requested: readonly string[] | undefined, list = false): void {
  planFor(type, requested, list);
}
