/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** How the graph knows that a linked account is the same person. */
export type AccountSource =
  /** The identity's external reference names it (Verifa external_ref). */
  | 'EXTERNAL_REFERENCE'
  /** The provider links it itself (an Auth0 user's identities[]). */
  | 'PROVIDER_ACCOUNT'
  /** Verato clusters both source records under one Link ID. */
  | 'VERATO_CLUSTER';

/** A source record's state inside its Verato cluster. */
export type ClusterMemberState =
  /** Contributes to the golden record. */
  | 'ACTIVE'
  /** Hidden from the golden record until reactivated. */
  | 'DEACTIVATED'
  /** Retired into another record by a merge; still listed. */
  | 'MERGED';

/** Record a typed relationship between two identities. */
export type CreateRelationshipInput = {
  /** A custom type by name: an active Verifa custom type, or the Verato verb (e.g. "is parent of"). */
  customType?: string | null | undefined;
  /** Makes retries safe: the same key with the same input returns the first result without calling the provider again (kept 24 h; the same key with other input is refused). Up to 255 printable characters; a UUID is a good choice. */
  idempotencyKey?: string | null | undefined;
  /** Metadata stored with the relationship (Verifa). */
  metadata?: Record<string, unknown> | null | undefined;
  /** A note explaining the relationship (Verifa). */
  note?: string | null | undefined;
  /** The related identity. */
  relatedId: string | number;
  /** The identity the relationship starts from. */
  sourceId: string | number;
  /** A built-in type (Verifa; default USER_LINKED when customType is not given). */
  type?: RelationshipType | null | undefined;
};

/** Remove one relationship, from both ends. */
export type DeleteRelationshipInput = {
  /** The relationship, as Relationship.id reads it from either end (Verifa `verifa:rel_…`, Verato `verato:<id>`). */
  id: string | number;
  /** Makes retries safe: the same key with the same input returns the first result without calling the provider again (kept 24 h; the same key with other input is refused). Up to 255 printable characters; a UUID is a good choice. */
  idempotencyKey?: string | null | undefined;
};

/** The identity system that holds an identity. */
export type IdentityProvider =
  /** Auth0 user accounts. */
  | 'AUTH0'
  /** BTC Direct, through a partner identifier linked to a BTC Direct user. */
  | 'BTCDIRECT'
  /** Verato identity MDM: source records clustered under a Link ID. */
  | 'VERATO'
  /** Verifa identity verification. */
  | 'VERIFA';

/** An identity's state, normalised across providers (the provider's own word is in `providerStatus`). */
export type IdentityStatus =
  /** In use, with no verification outcome recorded. */
  | 'ACTIVE'
  /** Archived or deactivated. */
  | 'ARCHIVED'
  /** Blocked or disabled by the provider. */
  | 'BLOCKED'
  /** Folded into another identity (retired). */
  | 'MERGED'
  /** Verification started or awaiting review. */
  | 'PENDING'
  /** Personal data erased by the provider. */
  | 'REDACTED'
  /** Verification failed or was rejected. */
  | 'REJECTED'
  /** The provider reports a state this graph does not know. */
  | 'UNKNOWN'
  /** Verified / approved by the provider. */
  | 'VERIFIED';

/** Link a partner identifier to the BTC Direct user of the forwarded user token. */
export type LinkIdentifierInput = {
  /** Makes retries safe: the same key with the same input returns the first result without calling the provider again (kept 24 h; the same key with other input is refused). Up to 255 printable characters; a UUID is a good choice. */
  idempotencyKey?: string | null | undefined;
  /** The partner identifier: 36 to 255 letters or digits, exactly as received (e.g. from the checkout URL). */
  identifier: string;
};

/** Link two identities as the same person. */
export type LinkIdentitiesInput = {
  /** Auth0 admin links only (without linkWith): the connection id (con_ + 16 letters or digits) of the secondary account, when the tenant has several database connections. */
  connectionId?: string | null | undefined;
  /** Makes retries safe: the same key with the same input returns the first result without calling the provider again (kept 24 h; the same key with other input is refused). Up to 255 printable characters; a UUID is a good choice. */
  idempotencyKey?: string | null | undefined;
  /** Auth0 only: the secondary account's ID token, proving the caller owns it (self-service linking). Sent to Auth0 with the primary user's own Auth0 token, which the request must carry in the x-auth0-user-authorization header. */
  linkWith?: string | null | undefined;
  /** The identity that survives (its Verato Link ID is kept; the Auth0 user that receives the login). */
  primaryId: string | number;
  /** Why they are linked: stored as the Verifa relationship note, and in Verato's auditLogMap (inferred). Auth0 has nowhere to record it, so a link of two Auth0 users does not send it. */
  reason?: string | null | undefined;
  /** The identity linked into the primary. */
  secondaryId: string | number;
};

/** Fold one identity into another. */
export type MergeIdentitiesInput = {
  /** Only compute what the merge would do; nothing changes. */
  dryRun?: boolean | null | undefined;
  /** Makes retries safe: the same key with the same input returns the first result without calling the provider again (kept 24 h; the same key with other input is refused). Up to 255 printable characters; a UUID is a good choice. */
  idempotencyKey?: string | null | undefined;
  /** The identity that survives. */
  primaryId: string | number;
  /** Why they are merged: Verifa's merge reason, or Verato's auditLogMap (inferred). */
  reason?: string | null | undefined;
  /** Verifa: erase the secondary's personal data after the merge. */
  redactSecondary?: boolean | null | undefined;
  /** The identity folded in (marked merged, or redacted). */
  secondaryId: string | number;
  /** Verifa: what moves to the primary. */
  transfer?: MergeTransferInput | null | undefined;
};

/** What a Verifa merge moves from the secondary to the primary (all true by default). */
export type MergeTransferInput = {
  /** Device links. */
  deviceLinks?: boolean | null | undefined;
  /** Face embeddings. */
  faceEmbeddings?: boolean | null | undefined;
  /** IP address links. */
  ipLinks?: boolean | null | undefined;
  /** Screening checks. */
  screeningChecks?: boolean | null | undefined;
  /** Verification sessions (and their count). */
  sessions?: boolean | null | undefined;
};

/** What became of the secondary identity of a merge. */
export type MergedStatus =
  /** Folded into the primary and retired. */
  | 'MERGED'
  /** Folded into the primary and its personal data erased. */
  | 'REDACTED';

/** What a relationship is, across providers: the built-in kinds (Verifa's user and system types), CUSTOM for any other (its word is in `label`). */
export type RelationshipKind =
  /** One acts for the other. */
  | 'AUTHORIZED_REPRESENTATIVE'
  /** Beneficial ownership. */
  | 'BENEFICIAL_OWNER'
  /** Business associates. */
  | 'BUSINESS_ASSOCIATE'
  /** Any other kind: a Verifa custom type or a Verato verb (see `label`). */
  | 'CUSTOM'
  /** Family members. */
  | 'FAMILY_MEMBER'
  /** Recorded by Verifa when one identity was merged into the other. */
  | 'MERGED'
  /** One holds power of attorney for the other. */
  | 'POWER_OF_ATTORNEY'
  /** Related accounts. */
  | 'RELATED_ACCOUNT'
  /** Detected by Verifa: the same address. */
  | 'SAME_ADDRESS'
  /** Detected by Verifa: the same device. */
  | 'SAME_DEVICE'
  /** Detected by Verifa: the same identity document. */
  | 'SAME_DOCUMENT'
  /** Detected by Verifa: the same face on the identity document. */
  | 'SAME_DOCUMENT_FACE'
  /** Detected by Verifa: the same e-mail address. */
  | 'SAME_EMAIL'
  /** Detected by Verifa: the same face. */
  | 'SAME_FACE'
  /** Living in the same household. */
  | 'SAME_HOUSEHOLD'
  /** Detected by Verifa: the same IP address. */
  | 'SAME_IP'
  /** Detected by Verifa: the same name and date of birth. */
  | 'SAME_NAME_DOB'
  /** Detected by Verifa: the same phone number. */
  | 'SAME_PHONE'
  /** Detected by Verifa: the same SSN. */
  | 'SAME_SSN'
  /** The same person (user-asserted link). */
  | 'USER_LINKED';

/** Built-in relationship types (Verifa user types). Custom types go by name in `customType`. */
export type RelationshipType =
  /** One acts for the other. */
  | 'AUTHORIZED_REPRESENTATIVE'
  /** Beneficial ownership. */
  | 'BENEFICIAL_OWNER'
  /** Business associates. */
  | 'BUSINESS_ASSOCIATE'
  /** Family members. */
  | 'FAMILY_MEMBER'
  /** One holds power of attorney for the other. */
  | 'POWER_OF_ATTORNEY'
  /** Related accounts. */
  | 'RELATED_ACCOUNT'
  /** Living in the same household. */
  | 'SAME_HOUSEHOLD'
  /** The same person (user-asserted link). */
  | 'USER_LINKED';

/** What to find a person by; at least one field. Each provider is asked for what it can search. */
export type SearchIdentitiesInput = {
  /** Date of birth, YYYY-MM-DD (Verato; Verifa together with name). Needs the identities:pii scope. */
  birthDate?: string | null | undefined;
  /** E-mail address, matched exactly and case-insensitively (Auth0, Verifa, Verato). */
  email?: string | null | undefined;
  /** Full name, "Given Family" (one word is a family name); Verato matches it alone, Verifa only together with birthDate. */
  name?: string | null | undefined;
};

/** Split two linked identities apart. */
export type UnlinkIdentitiesInput = {
  /** Makes retries safe: the same key with the same input returns the first result without calling the provider again (kept 24 h; the same key with other input is refused). Up to 255 printable characters; a UUID is a good choice. */
  idempotencyKey?: string | null | undefined;
  /** The identity that stays where it is. */
  primaryId: string | number;
  /** Why they are unlinked: recorded in Verato's auditLogMap (inferred). Verifa's relationship DELETE and Auth0's unlink take no body, so for two Verifa identities or two Auth0 users it is not sent. */
  reason?: string | null | undefined;
  /** The identity split out of it. */
  secondaryId: string | number;
};

/** Split a Verato source record that was merged (retired) into another back out. */
export type UnmergeIdentitiesInput = {
  /** Makes retries safe: the same key with the same input returns the first result without calling the provider again (kept 24 h; the same key with other input is refused). Up to 255 printable characters; a UUID is a good choice. */
  idempotencyKey?: string | null | undefined;
  /** The active record the secondary was merged into; it keeps its Link ID. */
  primaryId: string | number;
  /** Why they are unmerged: recorded in Verato's auditLogMap (inferred). */
  reason?: string | null | undefined;
  /** The merged (retired) record to split out; it becomes active again under a new Link ID. */
  secondaryId: string | number;
};

/** Why a mutation did not do what was asked. */
export type UserErrorCode =
  /** The accounts are already linked. */
  | 'ALREADY_LINKED'
  /** The caller may not do this to these identities. */
  | 'FORBIDDEN'
  /** The idempotency key was used before with different input. */
  | 'IDEMPOTENCY_KEY_REUSED'
  /** The store that deduplicates idempotency keys cannot be reached, so nothing was sent; retry the same request (same key) shortly. */
  | 'IDEMPOTENCY_UNAVAILABLE'
  /** The BTC Direct identifier is already linked to another user. */
  | 'IDENTIFIER_IN_USE'
  /** An input value breaks a rule (see `field` and `hint`). */
  | 'INVALID_INPUT'
  /** The secondary account's ID token (`linkWith`) was refused. */
  | 'INVALID_LINK_TOKEN'
  /** A request with the same idempotency key is still running. */
  | 'IN_PROGRESS'
  /** The provider does not allow this merge (e.g. the secondary is already merged or redacted). */
  | 'MERGE_NOT_ALLOWED'
  /** An identity, user or relationship does not exist. */
  | 'NOT_FOUND'
  /** The accounts are not linked, so they cannot be unlinked. */
  | 'NOT_LINKED'
  /** The record to unmerge is not merged (retired), so there is nothing to split out. */
  | 'NOT_MERGED'
  /** The provider is still reviewing a document; retry later. */
  | 'PENDING_REVIEW'
  /** The provider refused for another reason (see `providerCode`). */
  | 'PROVIDER_REJECTED'
  /** Both ids name the same identity. */
  | 'SAME_IDENTITY'
  /** The providers cannot do this combination; the message names what is supported. */
  | 'UNSUPPORTED_OPERATION'
  /** A forwarded user token (x-btcdirect-user-authorization, x-auth0-user-authorization) is missing, expired or invalid. */
  | 'USER_TOKEN_INVALID';

export type GetIdentityQueryVariables = Exact<{
  id: string | number;
}>;


export type GetIdentityQuery = { identity: { id: string, provider: IdentityProvider, nativeId: string, displayName: string | null, givenName: string | null, familyName: string | null, email: string | null, emailVerified: boolean | null, phone: string | null, country: string | null, status: IdentityStatus, providerStatus: string | null, tags: Array<string>, createdAt: string | null, ssnLast4: string | null, linkedAccounts: Array<{ id: string, provider: IdentityProvider, via: AccountSource, connection: string | null, isSocial: boolean | null, identity: { id: string, displayName: string | null, status: IdentityStatus } | null }>, cluster: { linkId: string, members: Array<{ id: string, source: string, sourceId: string, state: ClusterMemberState }> } | null, relationships: { totalCount: number | null, pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ id: string, provider: IdentityProvider, type: RelationshipKind, label: string, note: string | null, system: boolean, related: { id: string, displayName: string | null } | null }> } | null, address: { line1: string | null, city: string | null, postalCode: string | null, country: string | null } | null } | null };

export type GetIdentitiesQueryVariables = Exact<{
  ids: Array<string | number> | string | number;
}>;


export type GetIdentitiesQuery = { identities: Array<{ id: string, provider: IdentityProvider, displayName: string | null, status: IdentityStatus } | null> };

export type GetIdentitiesWithLinkedIdentitiesQueryVariables = Exact<{
  ids: Array<string | number> | string | number;
}>;


export type GetIdentitiesWithLinkedIdentitiesQuery = { identities: Array<{ id: string, linkedAccounts: Array<{ id: string, identity: { id: string, displayName: string | null } | null }> } | null> };

export type GetRelationshipsPageQueryVariables = Exact<{
  id: string | number;
  first?: number | null | undefined;
  after?: string | null | undefined;
  last?: number | null | undefined;
  before?: string | null | undefined;
}>;


export type GetRelationshipsPageQuery = { identity: { id: string, relationships: { totalCount: number | null, pageInfo: { hasNextPage: boolean, hasPreviousPage: boolean, startCursor: string | null, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, type: RelationshipKind, label: string } }> } | null } | null };

export type GetIdentityNeighboursQueryVariables = Exact<{
  id: string | number;
}>;


export type GetIdentityNeighboursQuery = { identity: { id: string, linkedAccounts: Array<{ id: string, identity: { id: string } | null }>, cluster: { members: Array<{ id: string, identity: { id: string } | null }> } | null, relationships: { nodes: Array<{ id: string, provider: IdentityProvider, label: string, related: { id: string } | null }> } | null } | null };

export type IdentityProfileFragment = { id: string, provider: IdentityProvider, nativeId: string, displayName: string | null, givenName: string | null, familyName: string | null, email: string | null, emailVerified: boolean | null, phone: string | null, country: string | null, status: IdentityStatus, providerStatus: string | null, tags: Array<string>, createdAt: string | null, ssnLast4: string | null, address: { line1: string | null, city: string | null, postalCode: string | null, country: string | null } | null };

export type SearchIdentitiesQueryVariables = Exact<{
  input: SearchIdentitiesInput;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type SearchIdentitiesQuery = { searchIdentities: { totalCount: number | null, edges: Array<{ cursor: string, node: { matchedBy: Array<IdentityProvider>, score: number, identity: { id: string, displayName: string | null, linkedAccounts: Array<{ id: string, provider: IdentityProvider }> } | null } }>, pageInfo: { hasNextPage: boolean, hasPreviousPage: boolean, startCursor: string | null, endCursor: string | null } } };

export type UserErrorFieldsFragment = { code: UserErrorCode, message: string, field: string | null, provider: IdentityProvider | null, providerCode: string | null, hint: string | null, retryable: boolean };

export type LinkIdentitiesMutationVariables = Exact<{
  input: LinkIdentitiesInput;
}>;


export type LinkIdentitiesMutation = { linkIdentities: { linkId: string | null, primary: { id: string, linkedAccounts: Array<{ id: string, via: AccountSource }> } | null, secondary: { id: string } | null, cluster: { linkId: string, members: Array<{ id: string, state: ClusterMemberState }> } | null, userErrors: Array<{ code: UserErrorCode, message: string, field: string | null, provider: IdentityProvider | null, providerCode: string | null, hint: string | null, retryable: boolean }> } };

export type UnlinkIdentitiesMutationVariables = Exact<{
  input: UnlinkIdentitiesInput;
}>;


export type UnlinkIdentitiesMutation = { unlinkIdentities: { primary: { id: string, linkedAccounts: Array<{ id: string }>, cluster: { linkId: string } | null } | null, secondary: { id: string, cluster: { linkId: string } | null } | null, userErrors: Array<{ code: UserErrorCode, message: string, field: string | null, provider: IdentityProvider | null, providerCode: string | null, hint: string | null, retryable: boolean }> } };

export type MergeIdentitiesMutationVariables = Exact<{
  input: MergeIdentitiesInput;
}>;


export type MergeIdentitiesMutation = { mergeIdentities: { dryRun: boolean, linkId: string | null, primary: { id: string, tags: Array<string>, status: IdentityStatus } | null, secondary: { id: string, status: MergedStatus } | null, transferSummary: { sessions: boolean, screeningChecks: boolean, faceEmbeddings: boolean, ipLinks: boolean, deviceLinks: boolean } | null, userErrors: Array<{ code: UserErrorCode, message: string, field: string | null, provider: IdentityProvider | null, providerCode: string | null, hint: string | null, retryable: boolean }> } };

export type CreateRelationshipMutationVariables = Exact<{
  input: CreateRelationshipInput;
}>;


export type CreateRelationshipMutation = { createRelationship: { relationship: { id: string, provider: IdentityProvider, type: RelationshipKind, label: string, note: string | null, metadata: Record<string, unknown> | null, related: { id: string } | null } | null, source: { id: string } | null, userErrors: Array<{ code: UserErrorCode, message: string, field: string | null, provider: IdentityProvider | null, providerCode: string | null, hint: string | null, retryable: boolean }> } };

export type LinkIdentifierMutationVariables = Exact<{
  input: LinkIdentifierInput;
}>;


export type LinkIdentifierMutation = { linkIdentifier: { replayed: boolean, identity: { id: string, displayName: string | null } | null, userErrors: Array<{ code: UserErrorCode, message: string, field: string | null, provider: IdentityProvider | null, providerCode: string | null, hint: string | null, retryable: boolean }> } };

export type UnmergeIdentitiesMutationVariables = Exact<{
  input: UnmergeIdentitiesInput;
}>;


export type UnmergeIdentitiesMutation = { unmergeIdentities: { unmergedLinkId: string | null, unmergedFromLinkId: string | null, primary: { id: string, status: IdentityStatus, cluster: { linkId: string, members: Array<{ id: string, state: ClusterMemberState }> } | null } | null, secondary: { id: string, status: IdentityStatus, cluster: { linkId: string } | null } | null, userErrors: Array<{ code: UserErrorCode, message: string, field: string | null, provider: IdentityProvider | null, providerCode: string | null, hint: string | null, retryable: boolean }> } };

export type DeleteRelationshipMutationVariables = Exact<{
  input: DeleteRelationshipInput;
}>;


export type DeleteRelationshipMutation = { deleteRelationship: { deletedId: string | null, replayed: boolean, identities: Array<{ id: string, relationships: { nodes: Array<{ id: string, type: RelationshipKind }> } | null }>, userErrors: Array<{ code: UserErrorCode, message: string, field: string | null, provider: IdentityProvider | null, providerCode: string | null, hint: string | null, retryable: boolean }> } };

export const IdentityProfileFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"IdentityProfile"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Identity"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"nativeId"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"givenName"}},{"kind":"Field","name":{"kind":"Name","value":"familyName"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"emailVerified"}},{"kind":"Field","name":{"kind":"Name","value":"phone"}},{"kind":"Field","name":{"kind":"Name","value":"country"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"providerStatus"}},{"kind":"Field","name":{"kind":"Name","value":"tags"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"ssnLast4"}},{"kind":"Field","name":{"kind":"Name","value":"address"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"line1"}},{"kind":"Field","name":{"kind":"Name","value":"city"}},{"kind":"Field","name":{"kind":"Name","value":"postalCode"}},{"kind":"Field","name":{"kind":"Name","value":"country"}}]}}]}}]} as unknown as DocumentNode<IdentityProfileFragment, unknown>;
export const UserErrorFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserErrorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"UserError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"providerCode"}},{"kind":"Field","name":{"kind":"Name","value":"hint"}},{"kind":"Field","name":{"kind":"Name","value":"retryable"}}]}}]} as unknown as DocumentNode<UserErrorFieldsFragment, unknown>;
export const GetIdentityDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"GetIdentity"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"identity"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"IdentityProfile"}},{"kind":"Field","name":{"kind":"Name","value":"linkedAccounts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"via"}},{"kind":"Field","name":{"kind":"Name","value":"connection"}},{"kind":"Field","name":{"kind":"Name","value":"isSocial"}},{"kind":"Field","name":{"kind":"Name","value":"identity"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"cluster"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"linkId"}},{"kind":"Field","name":{"kind":"Name","value":"members"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"sourceId"}},{"kind":"Field","name":{"kind":"Name","value":"state"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"relationships"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"10"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"note"}},{"kind":"Field","name":{"kind":"Name","value":"system"}},{"kind":"Field","name":{"kind":"Name","value":"related"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"IdentityProfile"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Identity"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"nativeId"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"givenName"}},{"kind":"Field","name":{"kind":"Name","value":"familyName"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"emailVerified"}},{"kind":"Field","name":{"kind":"Name","value":"phone"}},{"kind":"Field","name":{"kind":"Name","value":"country"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"providerStatus"}},{"kind":"Field","name":{"kind":"Name","value":"tags"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"ssnLast4"}},{"kind":"Field","name":{"kind":"Name","value":"address"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"line1"}},{"kind":"Field","name":{"kind":"Name","value":"city"}},{"kind":"Field","name":{"kind":"Name","value":"postalCode"}},{"kind":"Field","name":{"kind":"Name","value":"country"}}]}}]}}]} as unknown as DocumentNode<GetIdentityQuery, GetIdentityQueryVariables>;
export const GetIdentitiesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"GetIdentities"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"ids"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"identities"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"ids"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ids"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]} as unknown as DocumentNode<GetIdentitiesQuery, GetIdentitiesQueryVariables>;
export const GetIdentitiesWithLinkedIdentitiesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"GetIdentitiesWithLinkedIdentities"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"ids"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"identities"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"ids"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ids"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"linkedAccounts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"identity"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}}]}}]}}]}}]} as unknown as DocumentNode<GetIdentitiesWithLinkedIdentitiesQuery, GetIdentitiesWithLinkedIdentitiesQueryVariables>;
export const GetRelationshipsPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"GetRelationshipsPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"last"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"before"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"identity"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"relationships"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"last"},"value":{"kind":"Variable","name":{"kind":"Name","value":"last"}}},{"kind":"Argument","name":{"kind":"Name","value":"before"},"value":{"kind":"Variable","name":{"kind":"Name","value":"before"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"hasPreviousPage"}},{"kind":"Field","name":{"kind":"Name","value":"startCursor"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"label"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<GetRelationshipsPageQuery, GetRelationshipsPageQueryVariables>;
export const GetIdentityNeighboursDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"GetIdentityNeighbours"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"identity"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"linkedAccounts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"identity"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"cluster"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"members"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"identity"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"relationships"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"related"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<GetIdentityNeighboursQuery, GetIdentityNeighboursQueryVariables>;
export const SearchIdentitiesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"SearchIdentities"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SearchIdentitiesInput"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"searchIdentities"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"matchedBy"}},{"kind":"Field","name":{"kind":"Name","value":"score"}},{"kind":"Field","name":{"kind":"Name","value":"identity"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"linkedAccounts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}}]}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"hasPreviousPage"}},{"kind":"Field","name":{"kind":"Name","value":"startCursor"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]} as unknown as DocumentNode<SearchIdentitiesQuery, SearchIdentitiesQueryVariables>;
export const LinkIdentitiesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"LinkIdentities"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"LinkIdentitiesInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"linkIdentities"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"linkId"}},{"kind":"Field","name":{"kind":"Name","value":"primary"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"linkedAccounts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"via"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"secondary"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"cluster"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"linkId"}},{"kind":"Field","name":{"kind":"Name","value":"members"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"state"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"UserErrorFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserErrorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"UserError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"providerCode"}},{"kind":"Field","name":{"kind":"Name","value":"hint"}},{"kind":"Field","name":{"kind":"Name","value":"retryable"}}]}}]} as unknown as DocumentNode<LinkIdentitiesMutation, LinkIdentitiesMutationVariables>;
export const UnlinkIdentitiesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UnlinkIdentities"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UnlinkIdentitiesInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"unlinkIdentities"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"primary"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"linkedAccounts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"cluster"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"linkId"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"secondary"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"cluster"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"linkId"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"UserErrorFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserErrorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"UserError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"providerCode"}},{"kind":"Field","name":{"kind":"Name","value":"hint"}},{"kind":"Field","name":{"kind":"Name","value":"retryable"}}]}}]} as unknown as DocumentNode<UnlinkIdentitiesMutation, UnlinkIdentitiesMutationVariables>;
export const MergeIdentitiesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"MergeIdentities"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"MergeIdentitiesInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"mergeIdentities"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"dryRun"}},{"kind":"Field","name":{"kind":"Name","value":"linkId"}},{"kind":"Field","name":{"kind":"Name","value":"primary"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"tags"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"Field","name":{"kind":"Name","value":"secondary"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"Field","name":{"kind":"Name","value":"transferSummary"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sessions"}},{"kind":"Field","name":{"kind":"Name","value":"screeningChecks"}},{"kind":"Field","name":{"kind":"Name","value":"faceEmbeddings"}},{"kind":"Field","name":{"kind":"Name","value":"ipLinks"}},{"kind":"Field","name":{"kind":"Name","value":"deviceLinks"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"UserErrorFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserErrorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"UserError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"providerCode"}},{"kind":"Field","name":{"kind":"Name","value":"hint"}},{"kind":"Field","name":{"kind":"Name","value":"retryable"}}]}}]} as unknown as DocumentNode<MergeIdentitiesMutation, MergeIdentitiesMutationVariables>;
export const CreateRelationshipDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateRelationship"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateRelationshipInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createRelationship"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"relationship"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"note"}},{"kind":"Field","name":{"kind":"Name","value":"metadata"}},{"kind":"Field","name":{"kind":"Name","value":"related"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"source"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"UserErrorFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserErrorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"UserError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"providerCode"}},{"kind":"Field","name":{"kind":"Name","value":"hint"}},{"kind":"Field","name":{"kind":"Name","value":"retryable"}}]}}]} as unknown as DocumentNode<CreateRelationshipMutation, CreateRelationshipMutationVariables>;
export const LinkIdentifierDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"LinkIdentifier"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"LinkIdentifierInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"linkIdentifier"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"replayed"}},{"kind":"Field","name":{"kind":"Name","value":"identity"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"UserErrorFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserErrorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"UserError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"providerCode"}},{"kind":"Field","name":{"kind":"Name","value":"hint"}},{"kind":"Field","name":{"kind":"Name","value":"retryable"}}]}}]} as unknown as DocumentNode<LinkIdentifierMutation, LinkIdentifierMutationVariables>;
export const UnmergeIdentitiesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UnmergeIdentities"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UnmergeIdentitiesInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"unmergeIdentities"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"unmergedLinkId"}},{"kind":"Field","name":{"kind":"Name","value":"unmergedFromLinkId"}},{"kind":"Field","name":{"kind":"Name","value":"primary"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"cluster"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"linkId"}},{"kind":"Field","name":{"kind":"Name","value":"members"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"state"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"secondary"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"cluster"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"linkId"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"UserErrorFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserErrorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"UserError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"providerCode"}},{"kind":"Field","name":{"kind":"Name","value":"hint"}},{"kind":"Field","name":{"kind":"Name","value":"retryable"}}]}}]} as unknown as DocumentNode<UnmergeIdentitiesMutation, UnmergeIdentitiesMutationVariables>;
export const DeleteRelationshipDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DeleteRelationship"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DeleteRelationshipInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteRelationship"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deletedId"}},{"kind":"Field","name":{"kind":"Name","value":"replayed"}},{"kind":"Field","name":{"kind":"Name","value":"identities"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"relationships"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"type"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"UserErrorFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserErrorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"UserError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"providerCode"}},{"kind":"Field","name":{"kind":"Name","value":"hint"}},{"kind":"Field","name":{"kind":"Name","value":"retryable"}}]}}]} as unknown as DocumentNode<DeleteRelationshipMutation, DeleteRelationshipMutationVariables>;