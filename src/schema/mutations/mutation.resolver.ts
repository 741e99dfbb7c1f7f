import { Arg, Authorized, Ctx, Directive, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import type { ClusterRecord, IdentityRecord } from '../../domain/identity';
import { linkIdentifier, type LinkIdentifierOutcome } from '../../mutations/link-identifier';
import { linkIdentities, unlinkIdentities, type LinkOutcome, type UnlinkOutcome } from '../../mutations/link';
import { mergeIdentities, unmergeIdentities, type MergeOutcome, type UnmergeOutcome } from '../../mutations/merge';
import { createRelationship, deleteRelationship, type DeleteRelationshipOutcome, type RelationshipOutcome } from '../../mutations/relationships';
import type { Outcome } from '../../mutations/route';
import { SCOPES, requiresScopes } from '../../security/scopes';
import { Cluster, Identity } from '../identity/identity.type';
import {
  CreateRelationshipInput,
  DeleteRelationshipInput,
  LinkIdentifierInput,
  LinkIdentitiesInput,
  MergeIdentitiesInput,
  UnlinkIdentitiesInput,
  UnmergeIdentitiesInput,
} from './inputs';
import {
  CreateRelationshipPayload,
  DeleteRelationshipPayload,
  LinkIdentifierPayload,
  LinkIdentitiesPayload,
  MergedSecondary,
  MergeIdentitiesPayload,
  UnlinkIdentitiesPayload,
  UnmergeIdentitiesPayload,
} from './payloads';

/**
 * The write side. Each mutation sends exactly the provider request the dispatch table names
 * (src/mutations/), answers business failures as `userErrors`, and reads the identities it
 * touched fresh for the payload.
 */
@Resolver()
export class MutationResolver {
  @Authorized(SCOPES.link)
  @Directive('@authenticated')
  @Directive(requiresScopes(SCOPES.link))
  @Mutation(() => LinkIdentitiesPayload, { description: 'Link two identities as the same person (Verato link, Auth0 account link, or Verifa user_linked relationship, by the ids\' providers).' })
  linkIdentities(@Arg('input', () => LinkIdentitiesInput, { description: 'Which identities to link.' }) input: LinkIdentitiesInput, @Ctx() ctx: Context): Promise<LinkOutcome> {
    return withReplayed(linkIdentities(ctx, input));
  }

  @Authorized(SCOPES.link)
  @Directive('@authenticated')
  @Directive(requiresScopes(SCOPES.link))
  @Mutation(() => UnlinkIdentitiesPayload, { description: 'Split two linked identities apart (Verato unlink, Auth0 unlink, or removal of the Verifa user_linked relationship).' })
  unlinkIdentities(@Arg('input', () => UnlinkIdentitiesInput, { description: 'Which identities to unlink.' }) input: UnlinkIdentitiesInput, @Ctx() ctx: Context): Promise<UnlinkOutcome> {
    return withReplayed(unlinkIdentities(ctx, input));
  }

  @Authorized(SCOPES.merge)
  @Directive('@authenticated')
  @Directive(requiresScopes(SCOPES.merge))
  @Mutation(() => MergeIdentitiesPayload, { description: 'Fold the secondary identity into the primary (two Verifa identities or two Verato records); `dryRun` previews it.' })
  mergeIdentities(@Arg('input', () => MergeIdentitiesInput, { description: 'Which identities to merge, and how.' }) input: MergeIdentitiesInput, @Ctx() ctx: Context): Promise<MergeOutcome> {
    return withReplayed(mergeIdentities(ctx, input));
  }

  @Authorized(SCOPES.merge)
  @Directive('@authenticated')
  @Directive(requiresScopes(SCOPES.merge))
  @Mutation(() => UnmergeIdentitiesPayload, { description: 'Split a Verato source record that was merged (retired) into another back out, active under a new Link ID.' })
  unmergeIdentities(@Arg('input', () => UnmergeIdentitiesInput, { description: 'Which records to unmerge.' }) input: UnmergeIdentitiesInput, @Ctx() ctx: Context): Promise<UnmergeOutcome> {
    return withReplayed(unmergeIdentities(ctx, input));
  }

  @Authorized(SCOPES.relationshipsWrite)
  @Directive('@authenticated')
  @Directive(requiresScopes(SCOPES.relationshipsWrite))
  @Mutation(() => DeleteRelationshipPayload, { description: 'Remove a relationship of a Verifa identity (system relationships cannot be removed) or of a Verato record\'s Link ID.' })
  deleteRelationship(@Arg('input', () => DeleteRelationshipInput, { description: 'The relationship to remove.' }) input: DeleteRelationshipInput, @Ctx() ctx: Context): Promise<DeleteRelationshipOutcome> {
    return withReplayed(deleteRelationship(ctx, input));
  }

  @Authorized(SCOPES.relationshipsWrite)
  @Directive('@authenticated')
  @Directive(requiresScopes(SCOPES.relationshipsWrite))
  @Mutation(() => CreateRelationshipPayload, { description: 'Record a typed relationship between two Verifa identities, or between the Link IDs of two Verato records.' })
  createRelationship(@Arg('input', () => CreateRelationshipInput, { description: 'The relationship to record.' }) input: CreateRelationshipInput, @Ctx() ctx: Context): Promise<RelationshipOutcome> {
    return withReplayed(createRelationship(ctx, input));
  }

  @Authorized(SCOPES.link)
  @Directive('@authenticated')
  @Directive(requiresScopes(SCOPES.link))
  @Mutation(() => LinkIdentifierPayload, { description: 'Link a partner identifier to the BTC Direct user named by the forwarded x-btcdirect-user-authorization token.' })
  linkIdentifier(@Arg('input', () => LinkIdentifierInput, { description: 'The identifier to link.' }) input: LinkIdentifierInput, @Ctx() ctx: Context): Promise<LinkIdentifierOutcome> {
    return withReplayed(linkIdentifier(ctx, input));
  }
}

/** Outcomes not answered from the idempotency store say so too (`replayed` is non-null). */
const withReplayed = async <O extends Outcome>(outcome: Promise<O>): Promise<O> => {
  const answered = await outcome;
  return { ...answered, replayed: answered.replayed ?? false };
};

const load = (ctx: Context, id: string | null) => (id ? ctx.loaders.identity(id) : Promise.resolve(null));
const clusterOf = async (ctx: Context, id: string | null) => (id ? ((await ctx.loaders.veratoRecordFor(id))?.cluster ?? null) : null);

@Resolver(() => LinkIdentitiesPayload)
export class LinkIdentitiesPayloadResolver {
  @FieldResolver(() => Identity, { nullable: true, description: 'The primary identity, read after the link.' })
  primary(@Root() outcome: LinkOutcome, @Ctx() ctx: Context): Promise<IdentityRecord | null> {
    return load(ctx, outcome.primaryId);
  }

  @FieldResolver(() => Identity, { nullable: true, description: 'The secondary identity, read after the link (null when the provider folded it into the primary, as Auth0 does).' })
  secondary(@Root() outcome: LinkOutcome, @Ctx() ctx: Context): Promise<IdentityRecord | null> {
    return load(ctx, outcome.secondaryId);
  }

  @FieldResolver(() => Cluster, { nullable: true, description: "The primary's Verato cluster after the link." })
  cluster(@Root() outcome: LinkOutcome, @Ctx() ctx: Context): Promise<ClusterRecord | null> {
    return clusterOf(ctx, outcome.primaryId);
  }
}

@Resolver(() => UnlinkIdentitiesPayload)
export class UnlinkIdentitiesPayloadResolver {
  @FieldResolver(() => Identity, { nullable: true, description: 'The primary identity, read after the unlink.' })
  primary(@Root() outcome: UnlinkOutcome, @Ctx() ctx: Context): Promise<IdentityRecord | null> {
    return load(ctx, outcome.primaryId);
  }

  @FieldResolver(() => Identity, { nullable: true, description: 'The secondary identity, read after the unlink (for Auth0, the new standalone user).' })
  secondary(@Root() outcome: UnlinkOutcome, @Ctx() ctx: Context): Promise<IdentityRecord | null> {
    return load(ctx, outcome.secondaryId);
  }
}

@Resolver(() => MergeIdentitiesPayload)
export class MergeIdentitiesPayloadResolver {
  @FieldResolver(() => Identity, { nullable: true, description: 'The surviving identity after the merge (for a dry run, as it would be).' })
  primary(@Root() outcome: MergeOutcome, @Ctx() ctx: Context): Promise<IdentityRecord | null> {
    return outcome.primaryRecord ? Promise.resolve(outcome.primaryRecord) : load(ctx, outcome.primaryId);
  }

  @FieldResolver(() => MergedSecondary, { nullable: true, description: 'The secondary and what became of it.' })
  secondary(@Root() outcome: MergeOutcome): MergedSecondary | null {
    return outcome.secondaryId && outcome.secondaryStatus ? { id: outcome.secondaryId, status: outcome.secondaryStatus as MergedSecondary['status'] } : null;
  }
}

@Resolver(() => UnmergeIdentitiesPayload)
export class UnmergeIdentitiesPayloadResolver {
  @FieldResolver(() => Identity, { nullable: true, description: 'The primary identity, read after the unmerge.' })
  primary(@Root() outcome: UnmergeOutcome, @Ctx() ctx: Context): Promise<IdentityRecord | null> {
    return load(ctx, outcome.primaryId);
  }

  @FieldResolver(() => Identity, { nullable: true, description: 'The identity split out, read after the unmerge.' })
  secondary(@Root() outcome: UnmergeOutcome, @Ctx() ctx: Context): Promise<IdentityRecord | null> {
    return load(ctx, outcome.secondaryId);
  }
}

@Resolver(() => DeleteRelationshipPayload)
export class DeleteRelationshipPayloadResolver {
  @FieldResolver(() => [Identity], {
    description: 'The identities at its ends, read after the write: both for a Verifa relationship; none for a Verato one, whose id names only Link IDs.',
  })
  async identities(@Root() outcome: DeleteRelationshipOutcome, @Ctx() ctx: Context): Promise<IdentityRecord[]> {
    const records = await Promise.all(outcome.identityIds.map((id) => load(ctx, id)));
    return records.filter((record): record is IdentityRecord => record !== null);
  }
}

@Resolver(() => CreateRelationshipPayload)
export class CreateRelationshipPayloadResolver {
  @FieldResolver(() => Identity, { nullable: true, description: 'The source identity, read after the write.' })
  source(@Root() outcome: RelationshipOutcome, @Ctx() ctx: Context): Promise<IdentityRecord | null> {
    return load(ctx, outcome.sourceId);
  }
}

@Resolver(() => LinkIdentifierPayload)
export class LinkIdentifierPayloadResolver {
  @FieldResolver(() => Identity, { nullable: true, description: 'The BTC Direct identity the identifier now names, read after the link.' })
  identity(@Root() outcome: LinkIdentifierOutcome, @Ctx() ctx: Context): Promise<IdentityRecord | null> {
    return load(ctx, outcome.identityId);
  }
}
