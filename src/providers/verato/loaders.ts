import type { ClusterRecord, IdentityRecord, RelationshipRecord } from '../../domain/identity';
import { fanOut } from '../../loaders/loader-factory';
import { throughCache } from '../../loaders/provider-caches';
import type { ProviderLoaderDeps } from '../provider-module';
import type { VeratoClient } from './client';
import { veratoNativeId, type VeratoGlobalId } from './id';
import { memberGlobalId, representativeSource, toCluster, toIdentityRecord, toRelationshipRecords } from './mapper';
import type { IdentityQueryReply, VeratoSource } from './wire';

/** A Verato source record looked up by Source + Native id: the record as an identity, and its cluster. */
export interface VeratoRecord {
  identity: IdentityRecord;
  cluster: ClusterRecord | null;
}

export interface VeratoClusterLookup {
  cluster: ClusterRecord;
  /** Canonical global id (through VERATO_SOURCE_MAP, as cluster members) of the first active record: the identity that stands for the Link ID. */
  representativeId: string | null;
}

/** A cluster as cached: the lookup, and the record of each member (in `cluster.members` order). */
export interface VeratoClusterEntry {
  lookup: VeratoClusterLookup;
  members: IdentityRecord[];
}

/**
 * Verato has no batch read: every lookup fans out. A query reply describes the whole cluster
 * (GROUP_BY_SOURCE), so every member's record is primed from it and costs no call of its own
 * later in the request. Records, clusters and relationships go through the record cache (the
 * generational Verato kinds: any write moves them all on, see provider-caches.ts).
 */
export function createVeratoLoaders({ client, call, loader, sourceMap, cache }: ProviderLoaderDeps<VeratoClient>) {
  const sourceKey = (source: VeratoSource) => veratoNativeId(source.name, source.id);
  const records = loader<VeratoSource, VeratoRecord | null, string>(
    'verato',
    'veratoRecord',
    (sources) => {
      const byKey = new Map(sources.map((source) => [sourceKey(source), source]));
      // The other members a reply describes are cached too: a later request reads them from the
      // cache, where this one had them primed.
      const members = new Map<string, VeratoRecord>();
      return throughCache(
        cache?.veratoRecord,
        [...byKey.keys()],
        (keys) =>
          fanOut(keys, async (key) => {
            const source = byKey.get(key)!;
            const reply = await client.nativeIdQuery(call, source);
            if (!reply) return null;
            const cluster = toCluster(reply, sourceMap);
            for (const [memberKey, record] of primeMembers(reply, cluster)) members.set(memberKey, record);
            return { identity: toIdentityRecord(source, reply), cluster };
          }),
        () => members,
      ).then((answers) => {
        const byAnswer = new Map([...byKey.keys()].map((key, i) => [key, answers[i]]));
        return sources.map((source) => byAnswer.get(sourceKey(source)) ?? null);
      });
    },
    { cacheKeyFn: sourceKey },
  );

  /** Primes every member's record from a reply; answers them by source key. */
  function primeMembers(reply: IdentityQueryReply, cluster: ClusterRecord | null): Map<string, VeratoRecord> {
    const primed = new Map<string, VeratoRecord>();
    for (const member of cluster?.members ?? []) {
      const source = { name: member.source, id: member.sourceId };
      const record = { identity: toIdentityRecord(source, reply), cluster };
      records.prime(source, record);
      primed.set(sourceKey(source), record);
    }
    return primed;
  }

  /** Key: Link ID. Cached with every member's record, primed on a hit as on a call. */
  const clusters = loader<string, VeratoClusterLookup | null>('verato', 'veratoCluster', async (linkIds) =>
    (
      await throughCache(cache?.veratoCluster, linkIds, (misses) =>
        fanOut(misses, async (linkId): Promise<VeratoClusterEntry | null> => {
          const reply = await client.identityIdQuery(call, linkId);
          const cluster = reply && toCluster(reply, sourceMap);
          if (!reply || !cluster) return null;
          const representative = representativeSource(reply);
          return {
            lookup: { cluster, representativeId: representative ? memberGlobalId(representative, sourceMap) : null },
            members: [...primeMembers(reply, cluster).values()].map((record) => record.identity),
          };
        }),
      )
    ).map((entry) => {
      if (!entry || entry instanceof Error) return entry;
      entry.lookup.cluster.members.forEach((member, i) => {
        const identity = entry.members[i];
        if (identity) records.prime({ name: member.source, id: member.sourceId }, { identity, cluster: entry.lookup.cluster });
      });
      return entry.lookup;
    }),
  );

  /** Key: Link ID. */
  const relationships = loader<string, RelationshipRecord[]>('verato', 'veratoRelationships', async (linkIds) =>
    // Every Link ID is answered (an empty list at least), so a null here is not a provider answer.
    (
      await throughCache(cache?.veratoRelationships, linkIds, (misses) =>
        fanOut(misses, async (linkId) => toRelationshipRecords(linkId, await client.searchRelationships(call, linkId))),
      )
    ).map((answer) => answer ?? []),
  );

  return {
    identity: async (id: VeratoGlobalId) => (await records.load({ name: id.source, id: id.sourceId }))?.identity ?? null,
    /** A source record with its cluster (any provider's identity has one, see `veratoSourceFor`). */
    record: records,
    cluster: clusters,
    /** The relationships of a Link ID (the service does not paginate). */
    clusterRelationships: relationships,
    forget(_ids: readonly VeratoGlobalId[]) {
      // Links, merges and relationships reshape clusters and edges of other identities too.
      records.clearAll();
      clusters.clearAll();
      relationships.clearAll();
    },
  };
}
