import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, InputType } from 'type-graphql';
import { VERIFA_USER_RELATIONSHIP_TYPES, type VerifaUserRelationshipType } from '../../providers/verifa/wire';
import { enumFromList } from '../enum-from-list';
import { USER_RELATIONSHIP_TYPE_DESCRIPTIONS } from '../identity/identity.type';

const IDEMPOTENCY_KEY_DOC =
  'Makes retries safe: the same key with the same input returns the first result without calling the provider again ' +
  '(kept 24 h; the same key with other input is refused). Up to 255 printable characters; a UUID is a good choice.';

@InputType({ description: 'Link two identities as the same person.' })
export class LinkIdentitiesInput {
  @Field(() => ID, { description: 'The identity that survives (its Verato Link ID is kept; the Auth0 user that receives the login).' })
  primaryId!: string;

  @Field(() => ID, { description: 'The identity linked into the primary.' })
  secondaryId!: string;

  @Field(() => String, {
    nullable: true,
    description:
      "Auth0 only: the secondary account's ID token, proving the caller owns it (self-service linking). Sent to Auth0 with the primary user's own Auth0 token, which the request must carry in the x-auth0-user-authorization header.",
  })
  linkWith?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Auth0 admin links only (without linkWith): the connection id (con_ + 16 letters or digits) of the secondary account, when the tenant has several database connections.',
  })
  connectionId?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Why they are linked: stored as the Verifa relationship note, and in Verato's auditLogMap (inferred). Auth0 has nowhere to record it, so a link of two Auth0 users does not send it.",
  })
  reason?: string | null;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DOC })
  idempotencyKey?: string | null;
}

@InputType({ description: 'Split two linked identities apart.' })
export class UnlinkIdentitiesInput {
  @Field(() => ID, { description: 'The identity that stays where it is.' })
  primaryId!: string;

  @Field(() => ID, { description: 'The identity split out of it.' })
  secondaryId!: string;

  @Field(() => String, {
    nullable: true,
    description: "Why they are unlinked: recorded in Verato's auditLogMap (inferred). Verifa's relationship DELETE and Auth0's unlink take no body, so for two Verifa identities or two Auth0 users it is not sent.",
  })
  reason?: string | null;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DOC })
  idempotencyKey?: string | null;
}

@InputType({ description: 'What a Verifa merge moves from the secondary to the primary (all true by default).' })
export class MergeTransferInput {
  @Field(() => Boolean, { nullable: true, description: 'Verification sessions (and their count).' })
  sessions?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Screening checks.' })
  screeningChecks?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Face embeddings.' })
  faceEmbeddings?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'IP address links.' })
  ipLinks?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Device links.' })
  deviceLinks?: boolean | null;
}

@InputType({ description: 'Fold one identity into another.' })
export class MergeIdentitiesInput {
  @Field(() => ID, { description: 'The identity that survives.' })
  primaryId!: string;

  @Field(() => ID, { description: 'The identity folded in (marked merged, or redacted).' })
  secondaryId!: string;

  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'Only compute what the merge would do; nothing changes.' })
  dryRun?: boolean | null;

  @Field(() => MergeTransferInput, { nullable: true, description: 'Verifa: what moves to the primary.' })
  transfer?: MergeTransferInput | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false, description: "Verifa: erase the secondary's personal data after the merge." })
  redactSecondary?: boolean | null;

  @Field(() => String, { nullable: true, description: "Why they are merged: Verifa's merge reason, or Verato's auditLogMap (inferred)." })
  reason?: string | null;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DOC })
  idempotencyKey?: string | null;
}

export const RelationshipType = enumFromList(VERIFA_USER_RELATIONSHIP_TYPES, {
  name: 'RelationshipType',
  description: 'Built-in relationship types (Verifa user types). Custom types go by name in `customType`.',
  descriptions: USER_RELATIONSHIP_TYPE_DESCRIPTIONS,
});
export type RelationshipType = VerifaUserRelationshipType;

@InputType({ description: 'Record a typed relationship between two identities.' })
export class CreateRelationshipInput {
  @Field(() => ID, { description: 'The identity the relationship starts from.' })
  sourceId!: string;

  @Field(() => ID, { description: 'The related identity.' })
  relatedId!: string;

  @Field(() => RelationshipType, { nullable: true, description: 'A built-in type (Verifa; default USER_LINKED when customType is not given).' })
  type?: RelationshipType | null;

  @Field(() => String, { nullable: true, description: 'A custom type by name: an active Verifa custom type, or the Verato verb (e.g. "is parent of").' })
  customType?: string | null;

  @Field(() => String, { nullable: true, description: 'A note explaining the relationship (Verifa).' })
  note?: string | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'Metadata stored with the relationship (Verifa).' })
  metadata?: Record<string, unknown> | null;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DOC })
  idempotencyKey?: string | null;
}

@InputType({ description: 'Split a Verato source record that was merged (retired) into another back out.' })
export class UnmergeIdentitiesInput {
  @Field(() => ID, { description: 'The active record the secondary was merged into; it keeps its Link ID.' })
  primaryId!: string;

  @Field(() => ID, { description: 'The merged (retired) record to split out; it becomes active again under a new Link ID.' })
  secondaryId!: string;

  @Field(() => String, { nullable: true, description: "Why they are unmerged: recorded in Verato's auditLogMap (inferred)." })
  reason?: string | null;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DOC })
  idempotencyKey?: string | null;
}

@InputType({ description: 'Remove one relationship, from both ends.' })
export class DeleteRelationshipInput {
  @Field(() => ID, { description: 'The relationship, as Relationship.id reads it from either end (Verifa `verifa:rel_…`, Verato `verato:<id>`).' })
  id!: string;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DOC })
  idempotencyKey?: string | null;
}

@InputType({ description: 'Link a partner identifier to the BTC Direct user of the forwarded user token.' })
export class LinkIdentifierInput {
  @Field(() => String, { description: 'The partner identifier: 36 to 255 letters or digits, exactly as received (e.g. from the checkout URL).' })
  identifier!: string;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DOC })
  idempotencyKey?: string | null;
}
