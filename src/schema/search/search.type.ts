import { Field, Float, InputType, ObjectType } from 'type-graphql';
import type { ProviderName } from '../../domain/provider-name';
import { Identity, IdentityProvider } from '../identity/identity.type';
import { connectionTypes } from '../pagination';

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

@ObjectType({ simpleResolvers: true, description: 'One person found by searchIdentities.' })
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

/** IdentityMatchConnection and IdentityMatchEdge, with the schema's one PageInfo. */
export const { Connection: IdentityMatchConnection, Edge: IdentityMatchEdge } = connectionTypes(IdentityMatch, 'IdentityMatch', {
  plural: 'people found, best match first',
  cursor: 'Opaque cursor of this result; pass it as `after` to read the results after it.',
  totalCount: 'People found by the providers that answered (always given).',
});
export type IdentityMatchConnection = InstanceType<typeof IdentityMatchConnection>;
