import { formatGlobalId, parseGlobalId, type GlobalId, type GlobalIdOf } from '../domain/global-id';
import type { IdentityRecord, RelationshipPage } from '../domain/identity';
import { PROVIDERS, type ProviderName } from '../domain/provider-name';
import type { Metrics } from '../observability/metrics';
import type { CallContext } from '../providers/http/transport';
import { mapProviders, type ProviderTypes } from '../providers';
import type { ProviderClients } from '../providers/provider-clients';
import type { ProviderLoaders, ProviderModule } from '../providers/provider-module';
import type { VeratoRecord } from '../providers/verato/loaders';
import { veratoSourceFor } from '../providers/verato/source-map';
import { createLoaderFactory, type LoaderOptions } from './loader-factory';
import { searchPeople, type SearchCriteria, type SearchOutcome } from './search';
import type { ProviderCaches } from './provider-caches';

export type { LoaderOptions } from './loader-factory';

type LoadersByProvider = { [P in ProviderName]: ReturnType<ProviderModule<P, ProviderTypes[P]>['createLoaders']> };

/**
 * DataLoaders for one GraphQL request: each provider's own (src/providers/<p>/loaders.ts), and
 * the reads that cross providers. Never shared between requests (each caller sees only what its
 * own request loaded). The transport's per-provider concurrency cap bounds every fan-out.
 */
export function createLoaders(clients: ProviderClients, call: CallContext, metrics: Metrics, options: LoaderOptions = { batch: true, cache: true }, caches?: ProviderCaches) {
  const loader = createLoaderFactory(metrics, options);
  const byProvider = mapProviders<LoadersByProvider>(
    (module) => module.createLoaders({ client: clients[module.name], call, loader, sourceMap: clients.sourceMap, cache: caches }) as LoadersByProvider[typeof module.name],
  );
  const verato = byProvider.verato;
  /** Providers whose data this request asked for: the response's cache hints follow their record TTLs. */
  const providersRead = new Set<ProviderName>();
  /** Ids this request has parsed, so that an id read by several fields is parsed once. */
  const parsedIds = new Map<string, GlobalId>();

  function parsed(id: string | GlobalId): GlobalId {
    if (typeof id !== 'string') {
      parsedIds.set(formatGlobalId(id.provider, id.nativeId), id);
      return id;
    }
    let globalId = parsedIds.get(id);
    if (!globalId) parsedIds.set(id, (globalId = parseGlobalId(id)));
    return globalId;
  }

  function loadersOf<P extends ProviderName>(provider: P): ProviderLoaders<GlobalIdOf<P>> {
    return byProvider[provider] as ProviderLoaders<GlobalIdOf<P>>;
  }

  /** Any identity by global id, through its provider's loader. */
  function identity(id: string | GlobalId): Promise<IdentityRecord | null> {
    const globalId = parsed(id);
    providersRead.add(globalId.provider);
    return loadersOf(globalId.provider).identity(globalId);
  }

  /** The Verato record that stands for an identity: itself for Verato ids, else its source record under VERATO_SOURCE_MAP. */
  function veratoRecordFor(id: string | GlobalId): Promise<VeratoRecord | null> {
    providersRead.add('verato');
    return verato.record.load(veratoSourceFor(parsed(id), clients.sourceMap));
  }

  /**
   * A page of an identity's relationships: those its provider records itself where it does (Verifa),
   * else the Verato relationships of its cluster's Link ID, a page cut here (Verato's search does not paginate).
   */
  async function relationships(id: string | GlobalId, page: { first: number; offset: number }): Promise<RelationshipPage | null> {
    const globalId = parsed(id);
    const own = loadersOf(globalId.provider).relationships;
    if (own) {
      providersRead.add(globalId.provider);
      return own(globalId, page);
    }
    const linkId = (await veratoRecordFor(globalId))?.cluster?.linkId;
    if (!linkId) return null;
    const all = await verato.clusterRelationships.load(linkId);
    const { first, offset } = page;
    return { records: all.slice(offset, offset + first), totalCount: all.length, offset, hasNextPage: offset + first < all.length };
  }

  /**
   * Forget what this request loaded about identities a mutation just changed, and remove them from
   * the shared record cache (every replica) before the payload is read: read-your-writes. Resolves
   * once the cache is cleared; never rejects (a cache failure is logged and the mutation answers).
   */
  function forget(ids: Iterable<string | GlobalId>): Promise<void> {
    const touched = new Map<ProviderName, GlobalId[]>(PROVIDERS.map((provider) => [provider, []]));
    for (const id of ids) {
      const globalId = parsed(id);
      touched.get(globalId.provider)!.push(globalId);
    }
    for (const [provider, providerIds] of touched) loadersOf(provider).forget(providerIds as GlobalIdOf<typeof provider>[]);
    return caches ? caches.invalidate([...touched.values()].flat()) : Promise.resolve();
  }

  /** The cluster a Verato Link ID names. */
  const veratoCluster = {
    load(linkId: string) {
      providersRead.add('verato');
      return verato.cluster.load(linkId);
    },
  };

  /** People matching the criteria, one per Verato cluster, best first (src/loaders/search.ts). */
  function search(criteria: SearchCriteria): Promise<SearchOutcome> {
    for (const provider of ['auth0', 'verifa', 'verato'] as const) providersRead.add(provider);
    return searchPeople({ clients, call, veratoRecordFor, veratoCluster }, criteria);
  }

  return { identity, veratoRecordFor, relationships, veratoCluster, search, forget, providersRead: (): ReadonlySet<ProviderName> => providersRead };
}

export type Loaders = ReturnType<typeof createLoaders>;
