import type { IdentityRecord } from '../domain/identity';
import type { GlobalId } from '../domain/global-id';
import type { ProviderName } from '../domain/provider-name';
import type { ReadThrough, Loaded } from '../cache/read-through';
import type { Logger } from '../observability/logger';
import type { SharedState } from '../shared-state';

/**
 * The process-wide record caches below the per-request loaders, one ReadThrough per record kind,
 * built once at start-up from the SharedState (on Redis with REDIS_URL, else in process) with
 * each provider's `<P>_CACHE_TTL_SECONDS`. Only records read with the subgraph's own credentials
 * go through them (never a caller's token), only mapped domain records are stored (SSN already
 * cut to its last 4 digits), never errors.
 *
 * Verato records are not cached (a link or merge reshapes the clusters of other identities).
 */
export interface ProviderCaches {
  /** Auth0 users by user_id. */
  auth0User: ReadThrough<IdentityRecord>;
  /** BTC Direct users by linked identifier (read with the partner credentials). */
  btcdirectUser: ReadThrough<IdentityRecord>;
  /** Verifa identities by id. */
  verifaIdentity: ReadThrough<IdentityRecord>;
  /**
   * Removes the cached records of identities a mutation touched (every replica). Never rejects:
   * a cache that cannot be reached is logged (warn) and the mutation still answers.
   */
  invalidate(ids: Iterable<GlobalId>): Promise<void>;
}

export function createProviderCaches(shared: SharedState, ttlSeconds: Record<ProviderName, number>, logger?: Pick<Logger, 'warn'>): ProviderCaches {
  const caches = {
    auth0User: shared.recordCache<IdentityRecord>('auth0-user', ttlSeconds.auth0),
    btcdirectUser: shared.recordCache<IdentityRecord>('btcdirect-user', ttlSeconds.btcdirect),
    verifaIdentity: shared.recordCache<IdentityRecord>('verifa-identity', ttlSeconds.verifa),
  };
  const kindOf: Partial<Record<ProviderName, ReadThrough<IdentityRecord>>> = { auth0: caches.auth0User, btcdirect: caches.btcdirectUser, verifa: caches.verifaIdentity };
  return {
    ...caches,
    async invalidate(ids) {
      const byKind = new Map<ReadThrough<IdentityRecord>, string[]>();
      for (const id of ids) {
        const cache = kindOf[id.provider];
        if (!cache) continue;
        byKind.set(cache, [...(byKind.get(cache) ?? []), id.nativeId]);
      }
      await Promise.all(
        [...byKind].map(([cache, keys]) =>
          cache.invalidate(keys).catch((error: unknown) => {
            logger?.warn({ cache: 'invalidate', err: error instanceof Error ? error.message : String(error) }, 'record cache invalidation failed; other replicas may read the old record until its TTL');
          }),
        ),
      );
    },
  };
}

/**
 * A DataLoader batch function through a record cache: every key read from the cache in one round
 * trip, only the misses asked of `load`, whose answers (in key order) are stored. Without a cache
 * or with TTL 0, `load` answers every key.
 */
export async function throughCache<V>(cache: ReadThrough<V> | undefined, keys: readonly string[], load: (keys: string[]) => Promise<ReadonlyArray<V | null | Error>>): Promise<Array<V | null | Error>> {
  // TTL 0 (`<P>_CACHE_TTL_SECONDS=0`): straight to the provider, as without a cache (no stampede guard either).
  if (!cache || cache.ttlSeconds <= 0) return [...(await load([...keys]))];
  const found = await cache.readThrough(keys, async (misses): Promise<Loaded<V>> => {
    const answers = await load(misses);
    return new Map(misses.map((key, i) => [key, answers[i] ?? null]));
  });
  return keys.map((key) => (found.has(key) ? found.get(key)! : null));
}
