import type { DuplicateReason } from '../../store/port.js';

/** How strongly each signal alone says "the same party" (docs/merging.md). */
export const SIGNAL_WEIGHTS: Readonly<Record<DuplicateReason, number>> = {
  tax_id: 0.95,
  email: 0.9,
  phone: 0.8,
  name_address: 0.7,
};

const ORDER: readonly DuplicateReason[] = ['email', 'phone', 'tax_id', 'name_address'];

/** Independent signals combined: 1 − Π(1 − weight), in 0–1, rounded to 4 places. */
export function duplicateScore(reasons: Iterable<DuplicateReason>): number {
  let miss = 1;
  for (const reason of new Set(reasons)) miss *= 1 - SIGNAL_WEIGHTS[reason];
  return Math.round((1 - miss) * 10_000) / 10_000;
}

/** Reasons in a fixed order, once each. */
export function sortedReasons(reasons: Iterable<DuplicateReason>): DuplicateReason[] {
  const set = new Set(reasons);
  return ORDER.filter((r) => set.has(r));
}
