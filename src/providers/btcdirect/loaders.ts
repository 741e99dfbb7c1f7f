import type { IdentityRecord } from '../../domain/identity';
import { fanOut } from '../../loaders/loader-factory';
import { throughCache } from '../../loaders/provider-caches';
import type { ProviderLoaderDeps } from '../provider-module';
import type { BtcDirectClient } from './client';
import type { BtcDirectGlobalId } from './id';
import { toIdentityRecord } from './mapper';

/** BTC Direct reads one user per call (named by its linked identifier): the batch fans out. */
export function createBtcDirectLoaders({ client, call, loader, cache }: ProviderLoaderDeps<BtcDirectClient>) {
  const users = loader<string, IdentityRecord | null>('btcdirect', 'btcdirectUser', (keys) =>
    throughCache(cache?.btcdirectUser, keys, (identifiers) =>
      fanOut(identifiers, async (identifier) => {
        const info = await client.getUserInfo(call, identifier);
        return info ? toIdentityRecord(identifier, info) : null;
      }),
    ),
  );

  return {
    identity: (id: BtcDirectGlobalId) => users.load(id.nativeId),
    forget(ids: readonly BtcDirectGlobalId[]) {
      for (const id of ids) users.clear(id.nativeId);
    },
  };
}
