import type { IdentityRecord, RelationshipPage, RelationshipRecord } from '../domain/identity';
import type { GlobalId } from '../domain/global-id';
import type { ProviderName } from '../domain/provider-name';
import type { ReadThrough, Loaded } from '../cache/read-through';
import type { Logger } from '../observability/logger';
import type { SharedState } from '../shared-state';
import type { VeratoClusterEntry, VeratoRecord } from '../providers/verato/loaders';

/**
 * The process-wide record caches below the per-request loaders, one ReadThrough per record kind,
 * built once at start-up from the SharedState (on Redis with REDIS_URL, else in process) with
 * each provider's `<P>_CACHE_TTL_SECONDS`. Only records read with the subgraph's own credentials
 * go through them (never a caller's token), only mapped domain records are stored (SSN already
 * cut to its last 4 digits), never errors.
 *
 * Cached: Auth0 users, BTC Direct users (partner credentials) and Verifa identities by id; Verato
 * source records with their cluster, Verato clusters and Verato relationships by Link ID; Verifa
 * relationship pages. Read-your-writes: a mutation removes the records of the identities it
 * names, and moves on the generation of every cluster and relationship kind it may have reshaped
 * (see `invalidate`).
 */
export interface ProviderCaches {
  /** Auth0 users by user_id. */
  auth0User: ReadThrough<IdentityRecord>;
  /** BTC Direct users by linked identifier (read with the partner credentials). */
  btcdirectUser: ReadThrough<IdentityRecord>;
  /** Verifa identities by id. */
  verifaIdentity: ReadThrough<IdentityRecord>;
  /** Verifa relationship pages, by `[identity id, limit, offset]` (generational). */
  verifaRelationships: ReadThrough<RelationshipPage>;
  /** Verato source records with their cluster, by `SOURCE:id` (generational). */
  veratoRecord: ReadThrough<VeratoRecord>;
  /** Verato clusters by Link ID, with their members' records (generational). */
  veratoCluster: ReadThrough<VeratoClusterEntry>;
  /** Verato relationships of a Link ID (generational). */
  veratoRelationships: ReadThrough<RelationshipRecord[]>;
  /**
   * Removes the cached records of identities a mutation touched (every replica). Never rejects:
   * a cache that cannot be reached is logged (warn) and the mutation still answers.
   */
  invalidate(ids: Iterable<GlobalId>): Promise<void>;
  /** Moves every Verato kind on to a new generation (every replica); rejects when the cache failed. */
  invalidateVerato(): Promise<void>;
}

export function createProviderCaches(shared: SharedState, ttlSeconds: Record<ProviderName, number>, logger?: Pick<Logger, 'warn'>): ProviderCaches {
  const caches = {
    auth0User: shared.recordCache<IdentityRecord>('auth0-user', ttlSeconds.auth0),
    btcdirectUser: shared.recordCache<IdentityRecord>('btcdirect-user', ttlSeconds.btcdirect),
    verifaIdentity: shared.recordCache<IdentityRecord>('verifa-identity', ttlSeconds.verifa),
    verifaRelationships: shared.recordCache<RelationshipPage>('verifa-relationships', ttlSeconds.verifa, { generational: true }),
    veratoRecord: shared.recordCache<VeratoRecord>('verato-record', ttlSeconds.verato, { generational: true }),
    veratoCluster: shared.recordCache<VeratoClusterEntry>('verato-cluster', ttlSeconds.verato, { generational: true }),
    veratoRelationships: shared.recordCache<RelationshipRecord[]>('verato-relationships', ttlSeconds.verato, { generational: true }),
  };
  const kindOf: Partial<Record<ProviderName, ReadThrough<IdentityRecord>>> = { auth0: caches.auth0User, btcdirect: caches.btcdirectUser, verifa: caches.verifaIdentity };
  const veratoKinds: ReadThrough<unknown>[] = [caches.veratoRecord, caches.veratoCluster, caches.veratoRelationships];
  const moveOn = (kinds: ReadThrough<unknown>[], onError: (error: unknown) => void = (error) => { throw error; }) =>
    Promise.all(kinds.filter((cache) => cache.ttlSeconds > 0).map((cache) => cache.invalidateAll().catch(onError))).then(() => undefined);
  return {
    ...caches,
    invalidateVerato: () => moveOn(veratoKinds),
    async invalidate(ids) {
      const byKind = new Map<ReadThrough<IdentityRecord>, string[]>();
      const touched = [...ids];
      for (const id of touched) {
        const cache = kindOf[id.provider];
        if (!cache) continue;
        byKind.set(cache, [...(byKind.get(cache) ?? []), id.nativeId]);
      }
      // A link, unlink or merge reshapes the clusters (and the relationships by Link ID) of
      // identities the mutation does not name: the other members, before and after. Rather than
      // find them (a read that could itself be stale), every write moves the whole Verato kinds
      // on to a new generation; writes are rare next to reads. Every identity has a Verato source
      // record, so every mutation does, also one that names no identity (a Verato relationship
      // deleted by its id). Verifa pages move on when a Verifa id is touched (a merge moves the
      // edges of the identities related to the secondary).
      const generational = [...veratoKinds, ...(touched.some((id) => id.provider === 'verifa') ? [caches.verifaRelationships] : [])];
      const warn = (error: unknown) => {
        logger?.warn({ cache: 'invalidate', err: error instanceof Error ? error.message : String(error) }, 'record cache invalidation failed; other replicas may read the old record until its TTL');
      };
      await Promise.all([
        ...[...byKind].map(([cache, keys]) => cache.invalidate(keys).catch(warn)),
        moveOn(generational, warn),
      ]);
    },
  };
}

/**
 * A DataLoader batch function through a record cache: every key read from the cache in one round
 * trip, only the misses asked of `load`, whose answers (in key order) are stored. Without a cache
 * or with TTL 0, `load` answers every key.
 */
export async function throughCache<V>(
  cache: ReadThrough<V> | undefined,
  keys: readonly string[],
  load: (keys: string[]) => Promise<ReadonlyArray<V | null | Error>>,
  /** Records the load learnt besides those asked for (the members of a Verato cluster reply), stored too. */
  alsoLoaded?: () => Iterable<readonly [string, V]>,
): Promise<Array<V | null | Error>> {
  // TTL 0 (`<P>_CACHE_TTL_SECONDS=0`): straight to the provider, as without a cache (no stampede guard either).
  if (!cache || cache.ttlSeconds <= 0) return [...(await load([...keys]))];
  const found = await cache.readThrough(keys, async (misses): Promise<Loaded<V>> => {
    const answers = await load(misses);
    const loaded: Loaded<V> = new Map(misses.map((key, i) => [key, answers[i] ?? null]));
    for (const [key, value] of alsoLoaded?.() ?? []) if (!loaded.has(key)) loaded.set(key, value);
    return loaded;
  });
  return keys.map((key) => (found.has(key) ? found.get(key)! : null));
}
