import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Authorized, Ctx, Directive, FieldResolver, Info, Int, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import type { IdentityRecord } from '../../domain/identity';
import { BadUserInputError } from '../../errors/domain-errors';
import { reportPartialFailure } from '../../errors/partial-failures';
import type { PersonMatch } from '../../loaders/search';
import { requireScopes } from '../../security/authorization';
import { SCOPES, requiresScopes } from '../../security/scopes';
import { listSize } from '../../security/query-cost';
import { checkConnectionArgs, connectionFromList } from '../pagination';
import { Identity } from '../identity/identity.type';
import { IdentityMatch, IdentityMatchConnection, SearchIdentitiesInput } from './search.type';

export const DEFAULT_SEARCH_PAGE_SIZE = 10;
export const MAX_SEARCH_PAGE_SIZE = 50;
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

@Resolver(() => IdentityMatch)
export class SearchResolver {
  @Authorized(SCOPES.read)
  @Directive(requiresScopes(SCOPES.read))
  @Directive(listSize({ assumedSize: DEFAULT_SEARCH_PAGE_SIZE, slicingArguments: ['first'], sizedFields: ['nodes', 'edges'] }))
  @Query(() => IdentityMatchConnection, {
    description:
      'People found by e-mail, name or birth date, one result per person (the accounts of one Verato cluster are one result), best match first. ' +
      'Asks Auth0 (users-by-email), Verifa (identity search) and Verato (demographicsSearch) at once; if one cannot be reached the others still answer and the response carries its error.',
  })
  async searchIdentities(
    @Arg('input', () => SearchIdentitiesInput, { description: 'At least one criterion; birthDate needs identities:pii.' }) input: SearchIdentitiesInput,
    @Arg('first', () => Int, { defaultValue: DEFAULT_SEARCH_PAGE_SIZE, description: `Page size, 1 to ${MAX_SEARCH_PAGE_SIZE}.` }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'Cursor of a result (e.g. `pageInfo.endCursor`); the page starts after it.' }) after: string | null,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<IdentityMatchConnection> {
    const criteria = { email: trimmed(input.email), name: trimmed(input.name), birthDate: trimmed(input.birthDate) };
    if (!criteria.email && !criteria.name && !criteria.birthDate) throw new BadUserInputError('Give at least one of input.email, input.name, input.birthDate.', 'input');
    if (criteria.email && !EMAIL.test(criteria.email)) throw new BadUserInputError('input.email is not an e-mail address.', 'input.email');
    if (criteria.birthDate && !DATE.test(criteria.birthDate)) throw new BadUserInputError('input.birthDate must be YYYY-MM-DD.', 'input.birthDate');
    if (criteria.birthDate) requireScopes(ctx.caller, [SCOPES.pii]);
    // Refused before any provider is asked, like the criteria.
    checkConnectionArgs({ first, after }, MAX_SEARCH_PAGE_SIZE);
    const { matches, failures } = await ctx.loaders.search(criteria);
    for (const failure of failures) reportPartialFailure(ctx, failure, info);
    return connectionFromList(matches, { first, after }, MAX_SEARCH_PAGE_SIZE) as unknown as IdentityMatchConnection;
  }

  @FieldResolver(() => Identity, { nullable: true })
  identity(@Root() match: PersonMatch, @Ctx() ctx: Context): Promise<IdentityRecord | null> {
    return ctx.loaders.identity(match.identityId);
  }
}

function trimmed(value: string | null | undefined): string | null {
  const text = value?.trim();
  return text ? text : null;
}
