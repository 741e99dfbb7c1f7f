import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import { PROVIDERS, parseGlobalId, veratoGlobalId, type ProviderName } from '../domain/global-id';
import type { ClusterRecord, IdentityRecord, RelationshipPage, RelationshipRecord } from '../domain/identity';
import type { Metrics } from '../observability/metrics';
import { AUTH0_SEARCH_BATCH } from '../providers/auth0/client';
import * as auth0 from '../providers/auth0/mapper';
import * as btcdirect from '../providers/btcdirect/mapper';
import { UpstreamError } from '../providers/http/errors';
import type { CallContext } from '../providers/http/transport';
import { ProviderReadError } from '../providers/read-error';
import { ProviderRejection } from '../providers/rejection';
import type { IdentityQueryReply } from '../providers/verato/wire';
import type { ProviderClients } from '../providers/provider-clients';
import * as verato from '../providers/verato/mapper';
import * as verifa from '../providers/verifa/mapper';

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

export interface LoaderOptions {
  /** Off only for the benchmark baseline: every load becomes its own upstream call. */
  batch: boolean;
  cache: boolean;
}

/**
 * DataLoaders for one GraphQL request, one per provider x key. Never shared between requests
 * (each caller sees only what its own request loaded). Batch functions use a provider batch
 * endpoint where one exists (Auth0 user search) and otherwise fan out concurrently; the
 * transport's per-provider concurrency cap bounds the fan-out.
 */
export function createLoaders(clients: ProviderClients, ctx: CallContext, metrics: Metrics, options: LoaderOptions = { batch: true, cache: true }) {
  const sourceMap = clients.sourceMap;
  /** Auth0 users written in this request: read them exactly (GET), the search lags behind writes. */
  const freshAuth0Users = new Set<string>();

  const loader = <K, V>(name: string, batch: (keys: readonly K[]) => Promise<(V | Error)[]>, extra: DataLoader.Options<K, V> = {}) =>
    new DataLoader<K, V>(
      (keys) => {
        metrics.loaderBatchSize.observe({ loader: name }, keys.length);
        const provider = providerOfLoader(name);
        return batch(keys).then(
          (results) => results.map((result) => (result instanceof Error ? namingProvider(provider, result) : result)),
          (error: unknown) => {
            throw namingProvider(provider, toError(error));
          },
        );
      },
      { batch: options.batch, cache: options.cache, ...extra },
    );

  const verifaIdentity = loader<string, IdentityRecord | null>('verifaIdentity', (ids) =>
    fanOut(ids, async (id) => {
      const identity = await clients.verifa.getIdentity(ctx, id);
      return identity ? verifa.toIdentityRecord(identity) : null;
    }),
  );

  const auth0User = loader<string, IdentityRecord | null>(
    'auth0User',
    async (userIds) => {
      const exact = userIds.length === 1 ? userIds : userIds.filter((id) => freshAuth0Users.has(id));
      const searched = userIds.filter((id) => !exact.includes(id));
      const found = new Map<string, IdentityRecord | Error>();
      const [exactResults] = await Promise.all([
        fanOut(exact, async (id) => {
          const user = await clients.auth0.getUser(ctx, id);
          return user ? auth0.toIdentityRecord(user) : null;
        }),
        searched.length > 0 &&
          clients.auth0.searchUsersByIds(ctx, searched).then(
            (users) => users.forEach((user) => found.set(user.user_id, auth0.toIdentityRecord(user))),
            (error: Error) => searched.forEach((id) => found.set(id, error)),
          ),
      ]);
      exact.forEach((id, i) => found.set(id, exactResults[i] as IdentityRecord | Error));
      return userIds.map((id) => found.get(id) ?? null);
    },
    { maxBatchSize: AUTH0_SEARCH_BATCH },
  );

  const btcdirectUser = loader<string, IdentityRecord | null>('btcdirectUser', (identifiers) =>
    fanOut(identifiers, async (identifier) => {
      const info = await clients.btcdirect.getUserInfo(ctx, identifier);
      return info ? btcdirect.toIdentityRecord(identifier, info) : null;
    }),
  );

  /**
   * Key: `SOURCE:nativeId`. A reply describes the whole cluster (GROUP_BY_SOURCE), so every other
   * member is primed from it and costs no call of its own later in the request.
   */
  const veratoRecord = loader<string, VeratoRecord | null>('veratoRecord', (keys) =>
    fanOut(keys, async (key) => {
      const separator = key.indexOf(':');
      const source = { name: key.slice(0, separator), id: key.slice(separator + 1) };
      const reply = await clients.verato.nativeIdQuery(ctx, source);
      if (!reply) return null;
      const cluster = verato.toCluster(reply, sourceMap);
      primeMembers(reply, cluster);
      return { identity: verato.toIdentityRecord(source, reply), cluster };
    }),
  );

  function primeMembers(reply: IdentityQueryReply, cluster: ClusterRecord | null): void {
    for (const member of cluster?.members ?? []) {
      const source = { name: member.source, id: member.sourceId };
      veratoRecord.prime(`${source.name}:${source.id}`, { identity: verato.toIdentityRecord(source, reply), cluster });
    }
  }

  /** Key: Link ID. Primes `veratoRecord` with every member, since the reply describes them all. */
  const veratoCluster = loader<string, VeratoClusterLookup | null>('veratoCluster', (linkIds) =>
    fanOut(linkIds, async (linkId) => {
      const reply = await clients.verato.identityIdQuery(ctx, linkId);
      const cluster = reply && verato.toCluster(reply, sourceMap);
      if (!reply || !cluster) return null;
      primeMembers(reply, cluster);
      const representative = verato.representativeSource(reply);
      return { cluster, representativeId: representative ? veratoGlobalId(representative.name, representative.id) : null };
    }),
  );

  /** Key: Link ID. */
  const veratoRelationships = loader<string, RelationshipRecord[]>('veratoRelationships', (linkIds) =>
    fanOut(linkIds, async (linkId) => verato.toRelationshipRecords(linkId, await clients.verato.searchRelationships(ctx, linkId))),
  );

  /** Key: `identityId|limit|offset`. */
  const verifaRelationships = loader<string, RelationshipPage | null>('verifaRelationships', (keys) =>
    fanOut(keys, async (key) => {
      const [id, limit, offset] = key.split('|');
      const list = await clients.verifa.listRelationships(ctx, id, { limit: Number(limit), offset: Number(offset) });
      return list ? verifa.toRelationshipPage(list) : null;
    }),
  );

  /** Any identity by global id, through its provider's loader. */
  async function identity(globalId: string): Promise<IdentityRecord | null> {
    const id = parseGlobalId(globalId);
    switch (id.provider) {
      case 'verifa':
        return verifaIdentity.load(id.nativeId);
      case 'auth0':
        return auth0User.load(id.nativeId);
      case 'btcdirect':
        return btcdirectUser.load(id.nativeId);
      case 'verato':
        return (await veratoRecord.load(`${id.source}:${id.sourceId}`))?.identity ?? null;
    }
  }

  /** The Verato record that stands for an identity: itself for Verato ids, else its source record under VERATO_SOURCE_MAP. */
  function veratoRecordFor(globalId: string): Promise<VeratoRecord | null> {
    const id = parseGlobalId(globalId);
    const key = id.provider === 'verato' ? `${id.source}:${id.sourceId}` : `${sourceMap.sourceFor(id.provider)}:${id.nativeId}`;
    return veratoRecord.load(key);
  }

  /** Forget what this request loaded about identities a mutation just changed. */
  function forget(globalIds: Iterable<string>): void {
    for (const globalId of globalIds) {
      const id = parseGlobalId(globalId);
      if (id.provider === 'verifa') verifaIdentity.clear(id.nativeId);
      if (id.provider === 'auth0') {
        auth0User.clear(id.nativeId);
        freshAuth0Users.add(id.nativeId);
      }
      if (id.provider === 'btcdirect') btcdirectUser.clear(id.nativeId);
    }
    // Links, merges and relationships reshape clusters and edges of other identities too.
    veratoRecord.clearAll();
    veratoCluster.clearAll();
    veratoRelationships.clearAll();
    verifaRelationships.clearAll();
  }

  return { identity, veratoRecordFor, veratoCluster, veratoRelationships, verifaRelationships, forget };
}

export type Loaders = ReturnType<typeof createLoaders>;

/** Runs `load` for every key at once; a failing key gets its Error without failing the others. */
async function fanOut<K, V>(keys: readonly K[], load: (key: K) => Promise<V>): Promise<(V | Error)[]> {
  const settled = await Promise.allSettled(keys.map(load));
  return settled.map((result) => (result.status === 'fulfilled' ? result.value : toError(result.reason)));
}

/** Loaders are named after their provider: `verifaIdentity`, `auth0User`, … */
function providerOfLoader(name: string): ProviderName {
  const provider = PROVIDERS.find((candidate) => name.startsWith(candidate));
  if (!provider) throw new Error(`loader ${name} does not name its provider`);
  return provider;
}

/** Typed failures pass as they are; anything else (a bug reading an answer) gets its provider named for the log. */
function namingProvider(provider: ProviderName, error: Error): Error {
  if (error instanceof UpstreamError || error instanceof ProviderRejection || error instanceof GraphQLError || error instanceof ProviderReadError) return error;
  return new ProviderReadError(provider, error);
}

function toError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}
