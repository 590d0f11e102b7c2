/**
 * SPEC U-3: who made a change. An actor (the Clientele-Actor header, a console user's name) and
 * a key's name are short human-readable labels: 1–100 printable characters.
 */
export const MAX_ACTOR_LENGTH = 100;

/** Control characters, line and paragraph separators, lone surrogates: nothing a label may hold. */
const UNPRINTABLE = /[\p{Cc}\p{Zl}\p{Zp}\p{Cs}\p{Cn}]/u;

/** Why `text` is not a usable label, or null when it is (callers trim first). */
export function labelProblem(text: string): string | null {
  if (text === '') return 'must not be empty';
  if (Array.from(text).length > MAX_ACTOR_LENGTH) return `must be at most ${MAX_ACTOR_LENGTH} characters`;
  if (!text.isWellFormed() || UNPRINTABLE.test(text)) return 'must contain printable characters only';
  return null;
}
