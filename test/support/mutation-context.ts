import { DEFAULT_RELATIONSHIP_VERBS } from '../../src/providers/verato/config';
import type { SourceMap } from '../../src/providers/verato/source-map';
import type { Context } from '../../src/context';
import type { IdentityRecord } from '../../src/domain/identity';
import type { VeratoRecord } from '../../src/providers/verato/loaders';
import { InMemoryIdempotencyStore } from '../../src/mutations/idempotency';
import { UpstreamStatusError } from '../../src/providers/http/errors';
import type { ProviderName } from '../../src/domain/provider-name';
import { SCOPES } from '../../src/security/scopes';

/**
 * A Context for running mutations in-process: every client method is a jest mock (answering
 * what a test sets), loaders answer from the records given, and forget() is recorded.
 */
export function mutationContext(options: {
  admin?: boolean;
  subject?: string;
  identities?: Record<string, IdentityRecord>;
  veratoRecords?: Record<string, VeratoRecord>;
  btcDirectUserAuthorization?: string | null;
  auth0UserAuthorization?: string | null;
  auth0IdTokenSubject?: string | null;
} = {}) {
  const sourceMap: SourceMap = {
    sourceFor: (provider) => provider.toUpperCase(),
    providerFor: (source) => (['AUTH0', 'VERIFA', 'BTCDIRECT'].includes(source) ? (source.toLowerCase() as 'auth0') : undefined),
  };
  const clients = {
    verato: { linkIdentities: jest.fn(), unlinkIdentities: jest.fn(), mergeIdentities: jest.fn(), unmergeIdentities: jest.fn(), addRelationship: jest.fn(), deleteRelationship: jest.fn() },
    verifa: { createRelationship: jest.fn(), listRelationships: jest.fn(), deleteRelationship: jest.fn(), merge: jest.fn() },
    auth0: {
      linkIdentity: jest.fn().mockResolvedValue([]),
      unlinkIdentity: jest.fn().mockResolvedValue([]),
      idTokens: { configured: true, subjectOf: jest.fn().mockResolvedValue(options.auth0IdTokenSubject ?? null) },
    },
    btcdirect: { linkIdentifier: jest.fn().mockResolvedValue(undefined) },
    sourceMap,
    veratoRelationshipVerbs: DEFAULT_RELATIONSHIP_VERBS,
  };
  const loaders = {
    identity: jest.fn(async (id: string) => options.identities?.[id] ?? null),
    veratoRecordFor: jest.fn(async (id: string) => options.veratoRecords?.[id] ?? null),
    forget: jest.fn(),
  };
  const call = { requestId: 'req-1', deadline: Date.now() + 10_000, budget: undefined as never };
  const ctx = {
    requestId: 'req-1',
    caller: { subject: options.subject ?? 'auth0|caller', scopes: new Set<string>([SCOPES.link, ...(options.admin === false ? [] : [SCOPES.admin])]) },
    forwarded: { btcDirectUserAuthorization: options.btcDirectUserAuthorization ?? null, auth0UserAuthorization: options.auth0UserAuthorization ?? null },
    idempotency: new InMemoryIdempotencyStore(),
    call,
    loaders,
    routerCache: { invalidate: jest.fn(async () => undefined) },
    clients,
    partialFailures: [],
  } as unknown as Context;
  return { ctx, clients, loaders, call };
}

/** A non-2xx answer as the transport raises it. */
export function statusError(provider: ProviderName, status: number, body: unknown, providerCode?: string): UpstreamStatusError {
  return new UpstreamStatusError({ provider, method: 'POST', pathTemplate: '/x', status }, body, providerCode);
}
