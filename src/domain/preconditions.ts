import { preconditionFailed as failed, type ApiError } from './errors.js';

/** Strong entity tag of one version of an object (SPEC W-9). */
export function etagFor(id: string, version: number): string {
  return `"${id}.v${version}"`;
}

/** If-Match as sent: `*` (any current version) or a list of entity tags. */
export type IfMatch = '*' | string[];

export function parseEtagList(header: string | undefined): IfMatch | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '*') return '*';
  return value
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
}

export function preconditionFailed(current: string): ApiError {
  return failed(
    `The object has changed since you read it: If-Match does not match its current ETag ${current}. Retrieve it again and retry.`,
  );
}

/** Throws 412 unless `ifMatch` admits the current version. */
export function checkIfMatch(ifMatch: IfMatch | undefined, current: string): void {
  if (ifMatch === undefined || ifMatch === '*') return;
  if (!ifMatch.includes(current)) throw preconditionFailed(current);
}
