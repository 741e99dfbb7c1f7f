import type { Context } from '../context';
import type { GlobalId } from '../domain/global-id';
import type { ProviderName } from '../domain/provider-name';
import type { RelationshipRecord } from '../domain/identity';
import { auth0Ownership } from '../providers/auth0/ownership';
import { auth0Routes } from '../providers/auth0/routes';
import { btcDirectRoutes } from '../providers/btcdirect/routes';
import { veratoRoutes } from '../providers/verato/routes';
import { verifaRoutes } from '../providers/verifa/routes';
import type { LinkInput, LinkOutcome, LinkResult, UnlinkInput, UnlinkOutcome } from './link';
import type { MergeInput, MergeOutcome, MergePreview, MergeResult, UnmergeInput, UnmergeOutcome, UnmergeResult } from './merge';
import type { OwnershipProof } from './ownership';
import type { CreateRelationshipInput, DeleteRelationshipOutcome, DeleteRelationshipRequest, RelationshipOutcome } from './relationships';
import type { IdOf, PairRequest, PairRoute, PairWrite, Route } from './route';
import { userError, type UserErrorRecord } from './user-errors';

/**
 * One verb, dispatched by the ids' providers (DESIGN "Mutations"): which provider route does
 * each two-identity mutation for two ids of one provider, and for ids of different providers.
 * A combination without a route is UNSUPPORTED_OPERATION, naming what is supported.
 */
export const PAIR_DISPATCH: { [M in PairMutation]: PairDispatch<M> } = {
  linkIdentities: {
    sameProvider: { verato: veratoRoutes.linkIdentities, verifa: verifaRoutes.linkIdentities, auth0: auth0Routes.linkIdentities },
    differentProviders: veratoRoutes.linkIdentities,
    supported:
      'two Verato records, two Auth0 users (the secondary becomes a linked identity of the primary), two Verifa identities ' +
      '(a user_linked relationship), or identities of different providers (their Verato source records are linked)',
  },
  unlinkIdentities: {
    sameProvider: { verato: veratoRoutes.unlinkIdentities, verifa: verifaRoutes.unlinkIdentities, auth0: auth0Routes.unlinkIdentities },
    differentProviders: veratoRoutes.unlinkIdentities,
    supported:
      'two Verato records, an Auth0 user and one of its linked identities, two Verifa identities joined by a user_linked ' +
      'relationship, or identities of different providers (their Verato source records are unlinked)',
  },
  mergeIdentities: {
    sameProvider: { verato: veratoRoutes.mergeIdentities, verifa: verifaRoutes.mergeIdentities },
    supported: 'two Verifa identities (POST /identities/merge) or two Verato source records (POST /mergeIdentities)',
  },
  unmergeIdentities: {
    sameProvider: { verato: veratoRoutes.unmergeIdentities },
    supported: 'two Verato source records, the secondary merged (retired) into the primary (POST /unmergeIdentities)',
  },
  createRelationship: {
    sameProvider: { verato: veratoRoutes.createRelationship, verifa: verifaRoutes.createRelationship },
    supported: 'two Verifa identities (POST /identities/{id}/relationships) or two Verato records, joined by their Link IDs (addRelationshipService)',
  },
};

/** deleteRelationship goes by the provider its relationship id names (Relationship.id is `<provider>:…`). */
const DELETE_RELATIONSHIP: { [P in ProviderName]?: DeleteRelationshipRoute } = {
  verifa: verifaRoutes.deleteRelationship,
  verato: veratoRoutes.deleteRelationship,
};

/** mergeIdentities with dryRun: computed from reads, for the providers that merge. */
const MERGE_PREVIEWS: { [P in ProviderName]?: MergePreviewRoute<IdOf<P>> } = {
  verato: veratoRoutes.previewMerge,
  verifa: verifaRoutes.previewMerge,
};

/** linkIdentifier has one id, always a BTC Direct identifier. */
export const LINK_IDENTIFIER_ROUTE = btcDirectRoutes.linkIdentifier;

/** The providers whose accounts a caller may link or unlink without identities:admin, by proving it owns them. */
const SELF_SERVICE_OWNERSHIP: { [P in ProviderName]?: OwnershipProof<IdOf<P>> } = { auth0: auth0Ownership };

/** What each two-identity mutation takes, gets from its provider, and answers. */
export interface PairMutations {
  linkIdentities: { input: LinkInput; result: LinkResult; outcome: LinkOutcome };
  unlinkIdentities: { input: UnlinkInput; result: void; outcome: UnlinkOutcome };
  mergeIdentities: { input: MergeInput; result: MergeResult; outcome: MergeOutcome };
  unmergeIdentities: { input: UnmergeInput; result: UnmergeResult; outcome: UnmergeOutcome };
  createRelationship: { input: CreateRelationshipInput; result: RelationshipRecord; outcome: RelationshipOutcome };
}
export type PairMutation = keyof PairMutations;

export type PairRouteOf<M extends PairMutation, Id extends GlobalId = GlobalId> = PairRoute<PairMutations[M]['input'], PairMutations[M]['result'], PairMutations[M]['outcome'], Id>;
export type PairRequestOf<M extends PairMutation, Id extends GlobalId = GlobalId> = PairRequest<PairMutations[M]['input'], PairMutations[M]['result'], PairMutations[M]['outcome'], Id>;
/** The route of one provider for deleteRelationship; it parses the id's native part, and a user error refuses before any call. */
export type DeleteRelationshipRoute = (ctx: Context, request: DeleteRelationshipRequest) => Route<DeleteRelationshipOutcome> | UserErrorRecord;
export type MergePreviewRoute<Id extends GlobalId = GlobalId> = (ctx: Context, request: PairRequestOf<'mergeIdentities', Id>) => Promise<MergePreview>;

interface PairDispatch<M extends PairMutation> {
  sameProvider: { [P in ProviderName]?: PairRouteOf<M, IdOf<P>> };
  differentProviders?: PairRouteOf<M>;
  supported: string;
}

/** The route for these two ids, or UNSUPPORTED_OPERATION. */
export function pairRouteFor<M extends PairMutation>(mutation: M, primary: GlobalId, secondary: GlobalId): PairRouteOf<M> | UserErrorRecord {
  const dispatch: PairDispatch<M> = PAIR_DISPATCH[mutation];
  return sameProviderEntry(dispatch.sameProvider, primary, secondary, dispatch.differentProviders) ?? unsupported(mutation, dispatch.supported);
}

export function mergePreviewFor(primary: GlobalId, secondary: GlobalId): MergePreviewRoute | UserErrorRecord {
  return sameProviderEntry(MERGE_PREVIEWS, primary, secondary) ?? unsupported('mergeIdentities', PAIR_DISPATCH.mergeIdentities.supported);
}

/** The route for a relationship id's provider prefix; undefined when no provider's relationships have ids of that form. */
export function deleteRelationshipRouteFor(provider: string): DeleteRelationshipRoute | undefined {
  return Object.hasOwn(DELETE_RELATIONSHIP, provider) ? DELETE_RELATIONSHIP[provider as ProviderName] : undefined;
}

/** How the caller proves it owns these two accounts, when their provider allows self-service. */
export function ownershipProofFor(primary: GlobalId, secondary: GlobalId): OwnershipProof<GlobalId> | undefined {
  return sameProviderEntry(SELF_SERVICE_OWNERSHIP, primary, secondary);
}

/**
 * The entry of the ids' provider when both are of one provider (the entry takes ids of that
 * provider, which both are), else the one for different providers.
 */
function sameProviderEntry<T>(byProvider: { [P in ProviderName]?: unknown }, primary: GlobalId, secondary: GlobalId, differentProviders?: T): T | undefined {
  return primary.provider === secondary.provider ? (byProvider[primary.provider] as T | undefined) : differentProviders;
}

function unsupported(mutation: string, supported: string): UserErrorRecord {
  return userError('UNSUPPORTED_OPERATION', `${mutation} cannot do this combination of providers. Supported: ${supported}.`);
}
