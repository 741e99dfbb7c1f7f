import type { ClusterRecord, IdentityRecord, RelationshipRecord } from '../../domain/identity';
import { fanOut } from '../../loaders/loader-factory';
import type { ProviderLoaderDeps } from '../provider-module';
import type { VeratoClient } from './client';
import { veratoGlobalId, veratoNativeId, type VeratoGlobalId } from './id';
import { representativeSource, toCluster, toIdentityRecord, toRelationshipRecords } from './mapper';
import type { IdentityQueryReply, VeratoSource } from './wire';

/** A Verato source record looked up by Source + Native id: the record as an identity, and its cluster. */
export interface VeratoRecord {
  identity: IdentityRecord;
  cluster: ClusterRecord | null;
}

export interface VeratoClusterLookup {
  cluster: ClusterRecord;
  /** Global id (verato:SOURCE:id) of the first active record: the identity that stands for the Link ID. */
  representativeId: string | null;
}

/**
 * Verato has no batch read: every lookup fans out. A query reply describes the whole cluster
 * (GROUP_BY_SOURCE), so every member's record is primed from it and costs no call of its own
 * later in the request.
 */
export function createVeratoLoaders({ client, call, loader, sourceMap }: ProviderLoaderDeps<VeratoClient>) {
  const records = loader<VeratoSource, VeratoRecord | null, string>(
    'verato',
    'veratoRecord',
    (sources) =>
      fanOut(sources, async (source) => {
        const reply = await client.nativeIdQuery(call, source);
        if (!reply) return null;
        const cluster = toCluster(reply, sourceMap);
        primeMembers(reply, cluster);
        return { identity: toIdentityRecord(source, reply), cluster };
      }),
    { cacheKeyFn: (source) => veratoNativeId(source.name, source.id) },
  );

  function primeMembers(reply: IdentityQueryReply, cluster: ClusterRecord | null): void {
    for (const member of cluster?.members ?? []) {
      const source = { name: member.source, id: member.sourceId };
      records.prime(source, { identity: toIdentityRecord(source, reply), cluster });
    }
  }

  /** Key: Link ID. */
  const clusters = loader<string, VeratoClusterLookup | null>('verato', 'veratoCluster', (linkIds) =>
    fanOut(linkIds, async (linkId) => {
      const reply = await client.identityIdQuery(call, linkId);
      const cluster = reply && toCluster(reply, sourceMap);
      if (!reply || !cluster) return null;
      primeMembers(reply, cluster);
      const representative = representativeSource(reply);
      return { cluster, representativeId: representative ? veratoGlobalId(representative.name, representative.id) : null };
    }),
  );

  /** Key: Link ID. */
  const relationships = loader<string, RelationshipRecord[]>('verato', 'veratoRelationships', (linkIds) =>
    fanOut(linkIds, async (linkId) => toRelationshipRecords(linkId, await client.searchRelationships(call, linkId))),
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
