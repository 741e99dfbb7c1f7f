import type { IdentityRecord, RelationshipPage } from '../../domain/identity';
import { fanOut } from '../../loaders/loader-factory';
import { throughCache } from '../../loaders/provider-caches';
import type { ProviderLoaderDeps } from '../provider-module';
import type { VerifaClient } from './client';
import type { VerifaGlobalId } from './id';
import { toIdentityRecord, toRelationshipPage } from './mapper';

/** One page of the relationships an identity is the source of. */
export interface VerifaRelationshipsKey {
  identityId: string;
  limit: number;
  offset: number;
}

const pageKey = ({ identityId, limit, offset }: VerifaRelationshipsKey) => JSON.stringify([identityId, limit, offset]);

/** Verifa has no batch read: identities and relationship pages fan out, one GET each. */
export function createVerifaLoaders({ client, call, loader, cache }: ProviderLoaderDeps<VerifaClient>) {
  const identities = loader<string, IdentityRecord | null>('verifa', 'verifaIdentity', (keys) =>
    throughCache(cache?.verifaIdentity, keys, (ids) =>
      fanOut(ids, async (id) => {
        const identity = await client.getIdentity(call, id);
        return identity ? toIdentityRecord(identity) : null;
      }),
    ),
  );

  const relationshipPages = loader<VerifaRelationshipsKey, RelationshipPage | null, string>(
    'verifa',
    'verifaRelationships',
    (keys) =>
      throughCache(cache?.verifaRelationships, keys.map(pageKey), (misses) =>
        fanOut(misses, async (key) => {
          const [identityId, limit, offset] = JSON.parse(key) as [string, number, number];
          const list = await client.listRelationships(call, identityId, { limit, offset });
          return list ? toRelationshipPage(list) : null;
        }),
      ),
    { cacheKeyFn: pageKey },
  );

  return {
    identity: (id: VerifaGlobalId) => identities.load(id.nativeId),
    relationships: (id: VerifaGlobalId, page: { first: number; offset: number }) =>
      relationshipPages.load({ identityId: id.nativeId, limit: page.first, offset: page.offset }),
    forget(ids: readonly VerifaGlobalId[]) {
      for (const id of ids) identities.clear(id.nativeId);
      // A link, merge or new relationship anywhere can add or drop edges of any identity.
      relationshipPages.clearAll();
    },
  };
}
