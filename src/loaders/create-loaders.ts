import { formatGlobalId, parseGlobalId, type GlobalId, type GlobalIdOf } from '../domain/global-id';
import type { IdentityRecord, RelationshipRecord } from '../domain/identity';
import { PROVIDERS, type ProviderName } from '../domain/provider-name';
import type { Metrics } from '../observability/metrics';
import type { CallContext } from '../providers/http/transport';
import { PROVIDER_MODULES, type ProviderTypes } from '../providers';
import type { ProviderClients } from '../providers/provider-clients';
import type { ProviderLoaders, ProviderModule } from '../providers/provider-module';
import type { VeratoRecord } from '../providers/verato/loaders';
import { veratoSourceFor } from '../providers/verato/source-map';
import { createLoaderFactory, type LoaderOptions } from './loader-factory';
import { searchPeople, type SearchCriteria, type SearchOutcome } from './search';
import type { ProviderCaches } from './provider-caches';

export type { LoaderOptions } from './loader-factory';

/** Verifa's largest page (its list limits, 1 to 100); a person's relationships are read whole. */
const VERIFA_RELATIONSHIP_PAGE_SIZE = 100;
/** Bounds the pages read per Verifa identity (so at most 1,000 relationships each). */
const MAX_VERIFA_RELATIONSHIP_PAGES = 10;

/** Verifa's before Verato's, each oldest first, then by id: the same order from every entry point. */
function relationshipOrder(a: RelationshipRecord, b: RelationshipRecord): number {
  const rank = (record: RelationshipRecord) => (record.provider === 'verifa' ? 0 : 1);
  return rank(a) - rank(b) || (a.createdAt ?? '').localeCompare(b.createdAt ?? '') || a.id.localeCompare(b.id);
}

type LoadersByProvider = { [P in ProviderName]: ReturnType<ProviderModule<P, ProviderTypes[P]>['createLoaders']> };

/**
 * DataLoaders for one GraphQL request: each provider's own (src/providers/<p>/loaders.ts), and
 * the reads that cross providers. Never shared between requests (each caller sees only what its
 * own request loaded). The transport's per-provider concurrency cap bounds every fan-out.
 */
export function createLoaders(clients: ProviderClients, call: CallContext, metrics: Metrics, options: LoaderOptions = { batch: true, cache: true }, caches?: ProviderCaches) {
  const loader = createLoaderFactory(metrics, options);
  // A provider's loaders are made when the request first needs them: most requests read only some providers.
  const made: Partial<LoadersByProvider> = {};
  function loadersFor<P extends ProviderName>(provider: P): LoadersByProvider[P] {
    return (made[provider] ??= PROVIDER_MODULES[provider].createLoaders({ client: clients[provider], call, loader, sourceMap: clients.sourceMap, cache: caches }) as LoadersByProvider[P]);
  }
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
    return loadersFor(provider) as ProviderLoaders<GlobalIdOf<P>>;
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
    return loadersFor('verato').record.load(veratoSourceFor(parsed(id), clients.sourceMap));
  }

  /**
   * The relationships of the person an identity belongs to, whole: the Verifa relationships of
   * the identity (when it is a Verifa one) and of the active Verifa members of its Verato cluster,
   * and the Verato relationships of that cluster, each once (their ids are the same from both
   * ends), in one order whichever account asks. A part that cannot be read is left out and its
   * error returned beside the others; when no part can be read, the first error is thrown.
   */
  async function personRelationships(id: string | GlobalId): Promise<{ records: RelationshipRecord[]; failures: unknown[] }> {
    const globalId = parsed(id);
    const failures: unknown[] = [];
    const verifaIds = new Map<string, GlobalIdOf<'verifa'>>();
    if (globalId.provider === 'verifa') verifaIds.set(globalId.nativeId, globalId);
    let linkId: string | undefined;
    try {
      const cluster = (await veratoRecordFor(globalId))?.cluster;
      linkId = cluster?.linkId;
      for (const member of cluster?.members ?? []) {
        const memberId = member.state === 'ACTIVE' ? parsed(member.id) : null;
        if (memberId?.provider === 'verifa') verifaIds.set(memberId.nativeId, memberId);
      }
    } catch (error) {
      if (globalId.provider !== 'verifa') throw error;
      failures.push(error);
    }
    const reads = [...verifaIds.values()].map((verifaId) => allVerifaRelationships(verifaId));
    if (verifaIds.size > 0) providersRead.add('verifa');
    if (linkId) {
      providersRead.add('verato');
      reads.push(loadersFor('verato').clusterRelationships.load(linkId));
    }
    const parts = await Promise.allSettled(reads);
    if (parts.length > 0 && parts.every((part) => part.status === 'rejected')) throw (parts[0] as PromiseRejectedResult).reason;
    const byId = new Map<string, RelationshipRecord>();
    for (const part of parts) {
      if (part.status === 'rejected') failures.push(part.reason);
      else for (const record of part.value) if (!byId.has(record.id)) byId.set(record.id, record);
    }
    return { records: [...byId.values()].sort(relationshipOrder), failures };
  }

  /** Every Verifa relationship of one identity, page by page (at most MAX_VERIFA_RELATIONSHIP_PAGES). */
  async function allVerifaRelationships(id: GlobalIdOf<'verifa'>): Promise<RelationshipRecord[]> {
    const own = loadersOf('verifa').relationships!;
    const records: RelationshipRecord[] = [];
    for (let pageNumber = 0; pageNumber < MAX_VERIFA_RELATIONSHIP_PAGES; pageNumber++) {
      const page = await own(id, { first: VERIFA_RELATIONSHIP_PAGE_SIZE, offset: records.length });
      records.push(...(page?.records ?? []));
      if (!page?.hasNextPage || page.records.length === 0) break;
    }
    return records;
  }

  /**
   * Forget what this request loaded about identities a mutation just changed, and remove them from
   * the shared record cache (every replica) before the payload is read: read-your-writes. Resolves
   * once the cache is cleared; never rejects (a cache failure is logged and the mutation answers).
   * `{ shared: false }` forgets only this request's copies: for a write that sent nothing (a
   * refusal before writing, an idempotent replay), whose shared records are still true.
   */
  function forget(ids: Iterable<string | GlobalId>, options: { shared?: boolean } = {}): Promise<void> {
    const touched = new Map<ProviderName, GlobalId[]>(PROVIDERS.map((provider) => [provider, []]));
    for (const id of ids) {
      const globalId = parsed(id);
      touched.get(globalId.provider)!.push(globalId);
    }
    // Loaders not made yet hold nothing to forget, but must learn of ids written (Auth0 then reads them exactly).
    for (const [provider, providerIds] of touched) if (made[provider] || providerIds.length > 0) loadersOf(provider).forget(providerIds as GlobalIdOf<typeof provider>[]);
    return caches && options.shared !== false ? caches.invalidate([...touched.values()].flat()) : Promise.resolve();
  }

  /** The cluster a Verato Link ID names. */
  const veratoCluster = {
    load(linkId: string) {
      providersRead.add('verato');
      return loadersFor('verato').cluster.load(linkId);
    },
  };

  /** People matching the criteria, one per Verato cluster, best first (src/loaders/search.ts). */
  function search(criteria: SearchCriteria): Promise<SearchOutcome> {
    for (const provider of ['auth0', 'verifa', 'verato'] as const) providersRead.add(provider);
    return searchPeople({ clients, call, veratoRecordFor, veratoCluster }, criteria);
  }

  return { identity, veratoRecordFor, personRelationships, veratoCluster, search, forget, providersRead: (): ReadonlySet<ProviderName> => providersRead };
}

export type Loaders = ReturnType<typeof createLoaders>;
