import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Relationship } from '../identity/identity.type';
import { UserError } from './user-error.type';

const REPLAYED_DOC =
  'True when this is the stored answer of an earlier request with the same idempotencyKey: nothing was sent again (also the `Idempotent-Replayed: true` response header). Verifa keeps its keys itself and marks no replay: false there.';

@ObjectType({ simpleResolvers: true, description: 'Result of linkIdentities.' })
export class LinkIdentitiesPayload {
  @Field(() => Boolean, { description: REPLAYED_DOC })
  replayed!: boolean;

  @Field(() => String, { nullable: true, description: 'The Verato Link ID both records now share, when Verato did the link.' })
  linkId!: string | null;

  @Field(() => [UserError], { description: 'Why nothing was linked; empty on success.' })
  userErrors!: UserError[];
}

@ObjectType({ simpleResolvers: true, description: 'Result of unlinkIdentities.' })
export class UnlinkIdentitiesPayload {
  @Field(() => Boolean, { description: REPLAYED_DOC })
  replayed!: boolean;

  @Field(() => [UserError], { description: 'Why nothing was unlinked; empty on success.' })
  userErrors!: UserError[];
}

export enum MergedStatus {
  MERGED = 'MERGED',
  REDACTED = 'REDACTED',
}
registerEnumType(MergedStatus, {
  name: 'MergedStatus',
  description: 'What became of the secondary identity of a merge.',
  valuesConfig: {
    MERGED: { description: 'Folded into the primary and retired.' },
    REDACTED: { description: 'Folded into the primary and its personal data erased.' },
  },
});

@ObjectType({ simpleResolvers: true, description: 'The secondary identity of a merge.' })
export class MergedSecondary {
  @Field(() => ID, { description: 'Global id of the secondary.' })
  id!: string;

  @Field(() => MergedStatus, { description: 'Its state after the merge.' })
  status!: MergedStatus;
}

@ObjectType({ simpleResolvers: true, description: 'What a Verifa merge moved to the primary.' })
export class TransferSummary {
  @Field(() => Boolean, { description: 'Verification sessions (and their count).' })
  sessions!: boolean;

  @Field(() => Boolean, { description: 'Screening checks.' })
  screeningChecks!: boolean;

  @Field(() => Boolean, { description: 'Face embeddings.' })
  faceEmbeddings!: boolean;

  @Field(() => Boolean, { description: 'IP address links.' })
  ipLinks!: boolean;

  @Field(() => Boolean, { description: 'Device links.' })
  deviceLinks!: boolean;
}

@ObjectType({ simpleResolvers: true, description: 'Result of mergeIdentities.' })
export class MergeIdentitiesPayload {
  @Field(() => Boolean, { description: REPLAYED_DOC })
  replayed!: boolean;

  @Field(() => Boolean, { description: 'True when nothing was changed and the payload shows what the merge would do.' })
  dryRun!: boolean;

  @Field(() => TransferSummary, { nullable: true, description: 'What moved (Verifa); null for Verato merges.' })
  transferSummary!: TransferSummary | null;

  @Field(() => String, { nullable: true, description: 'The surviving Verato Link ID (Verato merges).' })
  linkId!: string | null;

  @Field(() => [UserError], { description: 'Why nothing was merged; empty on success.' })
  userErrors!: UserError[];
}

@ObjectType({ simpleResolvers: true, description: 'Result of createRelationship.' })
export class CreateRelationshipPayload {
  @Field(() => Boolean, { description: REPLAYED_DOC })
  replayed!: boolean;

  @Field(() => Relationship, { nullable: true, description: 'The relationship as the provider recorded it.' })
  relationship!: Relationship | null;

  @Field(() => [UserError], { description: 'Why nothing was recorded; empty on success.' })
  userErrors!: UserError[];
}

@ObjectType({ simpleResolvers: true, description: 'Result of unmergeIdentities.' })
export class UnmergeIdentitiesPayload {
  @Field(() => Boolean, { description: REPLAYED_DOC })
  replayed!: boolean;

  @Field(() => String, { nullable: true, description: 'The new Verato Link ID of the record split out.' })
  unmergedLinkId!: string | null;

  @Field(() => String, { nullable: true, description: 'The Verato Link ID the primary stays in.' })
  unmergedFromLinkId!: string | null;

  @Field(() => [UserError], { description: 'Why nothing was unmerged; empty on success.' })
  userErrors!: UserError[];
}

@ObjectType({ simpleResolvers: true, description: 'Result of deleteRelationship.' })
export class DeleteRelationshipPayload {
  @Field(() => Boolean, { description: REPLAYED_DOC })
  replayed!: boolean;

  @Field(() => ID, { nullable: true, description: 'The id of the relationship removed.' })
  deletedId!: string | null;

  @Field(() => [UserError], { description: 'Why nothing was removed; empty on success.' })
  userErrors!: UserError[];
}

@ObjectType({ simpleResolvers: true, description: 'Result of linkIdentifier.' })
export class LinkIdentifierPayload {
  @Field(() => Boolean, { description: REPLAYED_DOC })
  replayed!: boolean;

  @Field(() => [UserError], { description: 'Why the identifier was not linked; empty on success.' })
  userErrors!: UserError[];
}
