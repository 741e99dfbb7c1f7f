import type { IdentityRecord } from '../../domain/identity';
import { fanOut } from '../../loaders/loader-factory';
import { throughCache } from '../../loaders/provider-caches';
import type { ProviderLoaderDeps } from '../provider-module';
import { AUTH0_SEARCH_BATCH, type Auth0Client } from './client';
import type { Auth0GlobalId } from './id';
import { toIdentityRecord } from './mapper';

/**
 * Users are read in batches through the user search (at most AUTH0_SEARCH_BATCH ids a call), a
 * lone id exactly (GET), both coalesced with other requests' reads while the rate budget makes
 * them wait (Auth0Client.readUsers); a user written in this request is always read exactly and on
 * its own, since the search lags behind writes.
 */
export function createAuth0Loaders({ client, call, loader, cache }: ProviderLoaderDeps<Auth0Client>) {
  const writtenInThisRequest = new Set<string>();

  const users = loader<string, IdentityRecord | null>(
    'auth0',
    'auth0User',
    (keys) => throughCache(cache?.auth0User, keys, async (userIds) => {
      const exact = userIds.filter((id) => writtenInThisRequest.has(id));
      const read = userIds.filter((id) => !writtenInThisRequest.has(id));
      const found = new Map<string, IdentityRecord | null | Error>();
      const [exactResults] = await Promise.all([
        fanOut(exact, async (id) => {
          const user = await client.getUser(call, id);
          return user ? toIdentityRecord(user) : null;
        }),
        read.length > 0 &&
          client.readUsers(call, read).then(
            (users) => users.forEach((user, id) => found.set(id, user && toIdentityRecord(user))),
            (error: Error) => read.forEach((id) => found.set(id, error)),
          ),
      ]);
      exact.forEach((id, i) => found.set(id, exactResults[i] as IdentityRecord | Error));
      return userIds.map((id) => found.get(id) ?? null);
    }),
    { maxBatchSize: AUTH0_SEARCH_BATCH },
  );

  return {
    identity: (id: Auth0GlobalId) => users.load(id.nativeId),
    forget(ids: readonly Auth0GlobalId[]) {
      for (const id of ids) {
        users.clear(id.nativeId);
        writtenInThisRequest.add(id.nativeId);
      }
    },
  };
}
