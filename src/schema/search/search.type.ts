import { Field, Float, InputType, Int, ObjectType } from 'type-graphql';
import type { ProviderName } from '../../domain/provider-name';
import { Identity, IdentityProvider } from '../identity/identity.type';

// The search's connection types are its own until the lists share one Relay connection helper.

@InputType({ description: 'What to find a person by; at least one field. Each provider is asked for what it can search.' })
export class SearchIdentitiesInput {
  @Field(() => String, { nullable: true, description: 'E-mail address, matched exactly and case-insensitively (Auth0, Verifa, Verato).' })
  email?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Full name, "Given Family" (one word is a family name); Verato matches it alone, Verifa only together with birthDate.',
  })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'Date of birth, YYYY-MM-DD (Verato; Verifa together with name). Needs the identities:pii scope.' })
  birthDate?: string | null;
}

@ObjectType({ description: 'One person found by searchIdentities.' })
export class IdentityMatch {
  @Field(() => Identity, {
    nullable: true,
    description:
      "The account that stands for the person (their Auth0 user when they have one, else Verifa, BTC Direct, Verato); the person's other accounts are its linkedAccounts.",
  })
  identity!: Identity | null;

  @Field(() => [IdentityProvider], { description: 'The providers whose search found this person.' })
  matchedBy!: ProviderName[];

  @Field(() => Float, {
    description:
      "0..1: the highest score the matching providers gave, Verato's matchScore for its candidates and 1 for an exact Auth0 or Verifa match. Results come best first; ties go to the person more providers found.",
  })
  score!: number;
}

@ObjectType({ description: 'One search result and its cursor.' })
export class IdentityMatchEdge {
  @Field(() => String, { description: 'Opaque cursor of this result; pass it as `after` to read the results after it.' })
  cursor!: string;

  @Field(() => IdentityMatch, { description: 'The person found.' })
  node!: IdentityMatch;
}

@ObjectType({ description: 'Pagination state of a page of search results, Relay style.' })
export class SearchPageInfo {
  @Field(() => Boolean, { description: 'Whether more results follow the last one returned.' })
  hasNextPage!: boolean;

  @Field(() => Boolean, { description: 'Whether results come before the first one returned.' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first result returned.' })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last result returned; pass it as `after` for the next page.' })
  endCursor!: string | null;
}

@ObjectType({ description: 'A page of people found by searchIdentities, best match first.' })
export class IdentityMatchConnection {
  @Field(() => [IdentityMatchEdge], { description: 'The results on this page with their cursors.' })
  edges!: IdentityMatchEdge[];

  @Field(() => [IdentityMatch], { description: 'The results on this page.' })
  nodes!: IdentityMatch[];

  @Field(() => SearchPageInfo, { description: 'Where this page starts and ends and whether more follow.' })
  pageInfo!: SearchPageInfo;

  @Field(() => Int, { description: 'People found by the providers that answered.' })
  totalCount!: number;
}
