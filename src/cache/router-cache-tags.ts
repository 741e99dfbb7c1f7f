/**
 * The router's cache tag of an identity: `Identity @cacheTag(format: "identity-{$key.id}")` in the
 * SDL, and the tag a mutation invalidates for each identity it touched. One definition, so the
 * two cannot drift apart.
 */
export const IDENTITY_CACHE_TAG_FORMAT = 'identity-{$key.id}';

export function identityCacheTag(globalId: string): string {
  return IDENTITY_CACHE_TAG_FORMAT.replace('{$key.id}', globalId);
}
