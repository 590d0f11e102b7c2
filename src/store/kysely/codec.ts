/** Row value conversions shared by the repositories (flags as 0/1, JSON as text or jsonb). */
export function flag(value: boolean): number {
  return value ? 1 : 0;
}

export function fromJson<T>(value: unknown, fallback: T): T {
  if (value === null || value === undefined) return fallback;
  if (typeof value === 'string') return JSON.parse(value) as T;
  return value as T;
}

export function toJson(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}
