export const KEY_INFLECTIONS = ['snake', 'camel', 'kebab'] as const;
export type KeyInflection = (typeof KEY_INFLECTIONS)[number];

export function isKeyInflection(value: string): value is KeyInflection {
  return (KEY_INFLECTIONS as readonly string[]).includes(value);
}

/**
 * Rewrites every object key of a snake_case response body into the requested casing.
 * (inferred) Like a generic inflection layer, it also rewrites keys inside free-form maps
 * such as `metadata` and `custom_fields`.
 */
export function inflectKeys(value: unknown, inflection: KeyInflection): unknown {
  if (inflection === 'snake') return value;
  if (Array.isArray(value)) return value.map((item) => inflectKeys(item, inflection));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => [inflectKey(key, inflection), inflectKeys(child, inflection)]),
  );
}

function inflectKey(key: string, inflection: Exclude<KeyInflection, 'snake'>): string {
  return inflection === 'camel' ? key.replace(/_([a-z0-9])/g, (_match, next: string) => next.toUpperCase()) : key.replace(/_/g, '-');
}
