/**
 * Small hand-written checks that a provider's answer has the shape its contract documents,
 * before a client or mapper reads it (`TransportRequest.shape`). They look only at what the
 * mappers rely on (types of the fields read, never their values), so they stay cheap on the hot
 * path. A failed check is an UpstreamProtocolError, never a half-read identity.
 */
export type ShapeCheck = (body: unknown) => boolean;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** Absent (undefined or null), or passing `check`. */
export function optional(value: unknown, check: (value: unknown) => boolean): boolean {
  return value === undefined || value === null || check(value);
}

export function isString(value: unknown): value is string {
  return typeof value === 'string';
}

export function isBoolean(value: unknown): value is boolean {
  return typeof value === 'boolean';
}

export function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Every listed field of `record` is absent or a string. */
export function optionalStrings(record: Record<string, unknown>, keys: readonly string[]): boolean {
  return keys.every((key) => optional(record[key], isString));
}

export function arrayOf(value: unknown, item: (value: unknown) => boolean): boolean {
  return Array.isArray(value) && value.every(item);
}
