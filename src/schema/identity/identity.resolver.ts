import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, Directive, FieldResolver, ID, Info, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { parseGlobalId } from '../../domain/global-id';
import { veratoGlobalId } from '../../providers/verato/id';
import type { AccountRecord, ClusterMemberRecord, ClusterRecord, IdentityRecord, RelationshipRecord } from '../../domain/identity';
import { reportPartialFailure } from '../../errors/partial-failures';
import { OPERATION_LIMITS } from '../../security/operation-limits';
import { QUERY_COST, cost, listSize } from '../../security/query-cost';
import { SCOPES, requiresScopes } from '../../security/scopes';
import { checkConnectionArgs, ConnectionArgs, connectionFromList, DEFAULT_PAGE_SIZE } from '../pagination';
import { Cluster, ClusterMember, Identity, LinkedAccount, Relationship, RelationshipConnection } from './identity.type';

/** Demand control: a field that makes a provider round trip (or reads one's answer). */
const PROVIDER_CALL = cost(QUERY_COST.providerCallWeight);
/** For the cost estimate: a person's accounts, one in each of the four providers. */
const LINKED_ACCOUNTS_ASSUMED = 4;

@Resolver(() => Identity)
export class IdentityResolver {
  @Authorized(SCOPES.read)
  @Directive(requiresScopes(SCOPES.read))
  @Directive(PROVIDER_CALL)
  @Query(() => Identity, { nullable: true, description: 'One identity by global id; null when the provider does not know it.' })
  identity(@Arg('id', () => ID, { description: 'Global id, e.g. "verifa:idn_abc123".' }) id: string, @Ctx() ctx: Context): Promise<IdentityRecord | null> {
    return ctx.loaders.identity(parseGlobalId(id, 'id'));
  }

  @Authorized(SCOPES.read)
  @Directive(requiresScopes(SCOPES.read))
  @Directive(PROVIDER_CALL)
  @Query(() => [Identity], {
    nullable: 'items',
    description: `Several identities at once, in the order asked, with null for ids no provider knows (at most ${OPERATION_LIMITS.maxListArgument}, checked before execution).`,
  })
  identities(@Arg('ids', () => [ID], { description: 'Global ids; duplicates are fetched once.' }) ids: string[], @Ctx() ctx: Context): Promise<IdentityRecord | null>[] {
    const parsed = ids.map((id, index) => parseGlobalId(id, `ids[${index}]`));
    return parsed.map((id) => ctx.loaders.identity(id));
  }

  @Authorized(SCOPES.pii)
  @Directive(requiresScopes(SCOPES.read, SCOPES.pii))
  @FieldResolver(() => String, { nullable: true, description: 'Date of birth (YYYY-MM-DD). Needs the identities:pii scope; null with a FORBIDDEN error otherwise.' })
  birthDate(@Root() identity: IdentityRecord): string | null {
    return identity.birthDate;
  }

  @Authorized(SCOPES.pii)
  @Directive(requiresScopes(SCOPES.read, SCOPES.pii))
  @FieldResolver(() => String, { nullable: true, description: 'Number of the verified identity document. Needs the identities:pii scope; null with a FORBIDDEN error otherwise.' })
  documentNumber(@Root() identity: IdentityRecord): string | null {
    return identity.documentNumber;
  }

  @Directive(listSize({ assumedSize: LINKED_ACCOUNTS_ASSUMED }))
  @FieldResolver(() => [LinkedAccount], {
    description:
      'The other accounts that are the same person: logins linked in the provider (Auth0 identities), the other members of ' +
      "the identity's Verato cluster, and accounts its external reference names. If one source is unreachable the others " +
      'are still listed and the response carries an error for the missing part.',
  })
  async linkedAccounts(@Root() identity: IdentityRecord, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo): Promise<AccountRecord[]> {
    const accounts = new Map<string, AccountRecord>();
    for (const account of identity.accounts) accounts.set(account.id, account);
    try {
      const record = await ctx.loaders.veratoRecordFor(identity.id);
      for (const member of record?.cluster?.members ?? []) {
        if (member.state !== 'ACTIVE' || isSelf(identity, member) || accounts.has(member.id)) continue;
        accounts.set(member.id, clusterAccount(member));
      }
    } catch (error) {
      reportPartialFailure(ctx, error, info);
    }
    return [...accounts.values()];
  }

  @Directive(PROVIDER_CALL)
  @Directive(listSize({ assumedSize: DEFAULT_PAGE_SIZE, slicingArguments: ['first', 'last'], sizedFields: ['nodes', 'edges'] }))
  @FieldResolver(() => RelationshipConnection, {
    nullable: true,
    description:
      "The person's typed edges to related identities, the same from each of their accounts: the Verifa relationships of " +
      "this identity (if a Verifa one) and of the Verifa identities in its Verato cluster, and the Verato relationships of " +
      'the cluster, each once. If one source is unreachable the others are still listed and the response carries an error ' +
      'for the missing part; null when none can be read.',
  })
  async relationships(@Root() identity: IdentityRecord, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo, @Args(() => ConnectionArgs) args: ConnectionArgs): Promise<RelationshipConnection> {
    checkConnectionArgs(args);
    const { records, failures } = await ctx.loaders.personRelationships(identity.id);
    for (const failure of failures) reportPartialFailure(ctx, failure, info);
    return connectionFromList(records, args) as unknown as RelationshipConnection;
  }

  @Directive(PROVIDER_CALL)
  @FieldResolver(() => Cluster, { nullable: true, description: 'The Verato golden record this identity belongs to; null when Verato does not know it.' })
  async cluster(@Root() identity: IdentityRecord, @Ctx() ctx: Context): Promise<ClusterRecord | null> {
    return (await ctx.loaders.veratoRecordFor(identity.id))?.cluster ?? null;
  }
}

@Resolver(() => LinkedAccount)
export class LinkedAccountResolver {
  @Directive(PROVIDER_CALL)
  @FieldResolver(() => Identity, { nullable: true, description: "The account's identity, read from its own provider; null when that provider holds it only inside another record (e.g. a login linked into an Auth0 user)." })
  identity(@Root() account: AccountRecord, @Ctx() ctx: Context): Promise<IdentityRecord | null> {
    return ctx.loaders.identity(account.id);
  }
}

@Resolver(() => Relationship)
export class RelationshipResolver {
  @Directive(PROVIDER_CALL)
  @FieldResolver(() => Identity, { nullable: true, description: 'The related identity (for Verato edges, the first active record of the related cluster).' })
  async related(@Root() relationship: RelationshipRecord, @Ctx() ctx: Context): Promise<IdentityRecord | null> {
    if (relationship.relatedId) return ctx.loaders.identity(relationship.relatedId);
    if (!relationship.relatedLinkId) return null;
    const lookup = await ctx.loaders.veratoCluster.load(relationship.relatedLinkId);
    return lookup?.representativeId ? ctx.loaders.identity(lookup.representativeId) : null;
  }
}

@Resolver(() => ClusterMember)
export class ClusterMemberResolver {
  @Directive(PROVIDER_CALL)
  @FieldResolver(() => Identity, { nullable: true, description: "The member's identity, read from its own provider." })
  identity(@Root() member: ClusterMemberRecord, @Ctx() ctx: Context): Promise<IdentityRecord | null> {
    return ctx.loaders.identity(member.id);
  }
}

/** The member is the identity itself: under its own id, or, for a Verato identity, as the same source record. */
function isSelf(identity: IdentityRecord, member: ClusterMemberRecord): boolean {
  return member.id === identity.id || veratoGlobalId(member.source, member.sourceId) === identity.id;
}

function clusterAccount(member: ClusterMemberRecord): AccountRecord {
  const id = parseGlobalId(member.id);
  return { id: member.id, provider: id.provider, nativeId: id.nativeId, via: 'VERATO_CLUSTER', connection: null, isSocial: null, displayName: null, email: null };
}
