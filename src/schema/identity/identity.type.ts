import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { GraphQLDateTimeISO, GraphQLJSONObject } from 'graphql-scalars';
import {
  ACCOUNT_SOURCES,
  CLUSTER_MEMBER_STATES,
  IDENTITY_STATUSES,
  type AccountSource as AccountSourceValue,
  type ClusterMemberState as ClusterMemberStateValue,
  type IdentityStatus as IdentityStatusValue,
} from '../../domain/identity';
import { PROVIDERS, type ProviderName } from '../../domain/provider-name';
import { RELATIONSHIP_KINDS, type RelationshipKind as RelationshipKindValue } from '../../domain/relationship-kind';
import { PROVIDER_MODULES } from '../../providers';
import { SCOPES, requiresScopes } from '../../security/scopes';
import { IDENTITY_CACHE_TAG_FORMAT } from '../../cache/router-cache-tags';
import { enumFromList } from '../enum-from-list';
import { connectionTypes } from '../pagination';

/**
 * The graph's entity and its parts. Fields map one-to-one onto the domain records of
 * `domain/identity.ts`; cross-provider fields (linkedAccounts, relationships, cluster, and the
 * `identity`/`related` links) are resolved in identity.resolver.ts through the loaders.
 */

/**
 * The GraphQL enums are built from the lists they stand for (the provider registry, the domain
 * lists of src/domain/identity.ts), so a value cannot be added to one and not the other; the
 * descriptions here must cover every value (a compile error otherwise).
 */

/** Enum names are the provider names in capitals (VERATO for verato), as are their env prefixes. */
export const IdentityProvider = enumFromList(PROVIDERS, {
  name: 'IdentityProvider',
  description: 'The identity system that holds an identity.',
  descriptions: Object.fromEntries(PROVIDERS.map((name) => [name, PROVIDER_MODULES[name].enumDescription])) as Record<ProviderName, string>,
});
export type IdentityProvider = ProviderName;

export const IdentityStatus = enumFromList(IDENTITY_STATUSES, {
  name: 'IdentityStatus',
  description: "An identity's state, normalised across providers (the provider's own word is in `providerStatus`).",
  descriptions: {
    ACTIVE: 'In use, with no verification outcome recorded.',
    PENDING: 'Verification started or awaiting review.',
    VERIFIED: 'Verified / approved by the provider.',
    REJECTED: 'Verification failed or was rejected.',
    BLOCKED: 'Blocked or disabled by the provider.',
    MERGED: 'Folded into another identity (retired).',
    REDACTED: 'Personal data erased by the provider.',
    ARCHIVED: 'Archived or deactivated.',
    UNKNOWN: 'The provider reports a state this graph does not know.',
  },
});
export type IdentityStatus = IdentityStatusValue;

export const AccountSource = enumFromList(ACCOUNT_SOURCES, {
  name: 'AccountSource',
  description: 'How the graph knows that a linked account is the same person.',
  descriptions: {
    PROVIDER_ACCOUNT: "The provider links it itself (an Auth0 user's identities[]).",
    VERATO_CLUSTER: "Verato clusters both source records under one Link ID.",
    EXTERNAL_REFERENCE: "The identity's external reference names it (Verifa external_ref).",
  },
});
export type AccountSource = AccountSourceValue;

export const ClusterMemberState = enumFromList(CLUSTER_MEMBER_STATES, {
  name: 'ClusterMemberState',
  description: "A source record's state inside its Verato cluster.",
  descriptions: {
    ACTIVE: 'Contributes to the golden record.',
    MERGED: 'Retired into another record by a merge; still listed.',
    DEACTIVATED: 'Hidden from the golden record until reactivated.',
  },
});
export type ClusterMemberState = ClusterMemberStateValue;

/** The user relationship types (Verifa's), described once for the output kind and the mutation input type. */
export const USER_RELATIONSHIP_TYPE_DESCRIPTIONS = {
  user_linked: 'The same person (user-asserted link).',
  same_household: 'Living in the same household.',
  family_member: 'Family members.',
  business_associate: 'Business associates.',
  authorized_representative: 'One acts for the other.',
  power_of_attorney: 'One holds power of attorney for the other.',
  beneficial_owner: 'Beneficial ownership.',
  related_account: 'Related accounts.',
} as const;

export const RelationshipKind = enumFromList(RELATIONSHIP_KINDS, {
  name: 'RelationshipKind',
  description: "What a relationship is, across providers: the built-in kinds (Verifa's user and system types), CUSTOM for any other (its word is in `label`).",
  descriptions: {
    ...USER_RELATIONSHIP_TYPE_DESCRIPTIONS,
    same_document: 'Detected by Verifa: the same identity document.',
    same_name_dob: 'Detected by Verifa: the same name and date of birth.',
    same_ssn: 'Detected by Verifa: the same SSN.',
    same_device: 'Detected by Verifa: the same device.',
    same_email: 'Detected by Verifa: the same e-mail address.',
    same_phone: 'Detected by Verifa: the same phone number.',
    same_address: 'Detected by Verifa: the same address.',
    same_ip: 'Detected by Verifa: the same IP address.',
    same_face: 'Detected by Verifa: the same face.',
    same_document_face: 'Detected by Verifa: the same face on the identity document.',
    merged: 'Recorded by Verifa when one identity was merged into the other.',
    custom: 'Any other kind: a Verifa custom type or a Verato verb (see `label`).',
  },
});
export type RelationshipKind = RelationshipKindValue;

@ObjectType({ simpleResolvers: true, description: 'A postal address as the provider holds it.' })
export class Address {
  @Field(() => String, { nullable: true, description: 'First address line.' })
  line1!: string | null;

  @Field(() => String, { nullable: true, description: 'Second address line.' })
  line2!: string | null;

  @Field(() => String, { nullable: true, description: 'City or locality.' })
  city!: string | null;

  @Field(() => String, { nullable: true, description: 'State, province or region.' })
  region!: string | null;

  @Field(() => String, { nullable: true, description: 'Postal or ZIP code.' })
  postalCode!: string | null;

  @Field(() => String, { nullable: true, description: 'Country (ISO 3166-1 alpha-2 where the provider uses it).' })
  country!: string | null;
}

export { PageInfo } from '../pagination';

@ObjectType({
  simpleResolvers: true,
  description:
    'One account of a person, in one provider. `id` is the global id `<provider>:<nativeId>` ' +
    '(verato:<SOURCE>:<id>, verifa:idn_…, auth0:<connection>|<id>, btcdirect:<identifier>).',
})
@Directive('@key(fields: "id")')
@Directive(requiresScopes(SCOPES.read))
@Directive(`@cacheTag(format: "${IDENTITY_CACHE_TAG_FORMAT}")`)
export class Identity {
  @Field(() => ID, { description: 'Global id: `<provider>:<nativeId>`.' })
  id!: string;

  @Field(() => IdentityProvider, { description: 'The provider that holds this identity.' })
  provider!: IdentityProvider;

  @Field(() => String, { description: "The provider's own id (for Verato `<SOURCE>:<native id>`)." })
  nativeId!: string;

  @Field(() => String, { nullable: true, description: 'Name to show, as the provider composes it.' })
  displayName!: string | null;

  @Field(() => String, { nullable: true, description: 'Given (first) name.' })
  givenName!: string | null;

  @Field(() => String, { nullable: true, description: 'Family (last) name.' })
  familyName!: string | null;

  @Field(() => String, { nullable: true, description: 'Primary e-mail address.' })
  email!: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether the provider verified the e-mail address; null when it does not say.' })
  emailVerified!: boolean | null;

  @Field(() => String, { nullable: true, description: 'Primary phone number.' })
  phone!: string | null;

  @Field(() => Address, { nullable: true, description: 'Postal address.' })
  address!: Address | null;

  @Field(() => String, { nullable: true, description: 'Country (ISO 3166-1 alpha-2 where known).' })
  country!: string | null;

  @Field(() => IdentityStatus, { description: 'State, normalised across providers.' })
  status!: IdentityStatus;

  @Field(() => String, { nullable: true, description: "The provider's own status word (e.g. Verifa `approved`)." })
  providerStatus!: string | null;

  @Field(() => [String], { description: 'Tags the provider attaches (empty when none).' })
  tags!: string[];

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'When the provider created the identity.' })
  createdAt!: string | null;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'When the provider last changed the identity.' })
  updatedAt!: string | null;

  @Field(() => String, { nullable: true, description: 'Last four digits of the SSN, when the provider holds one. The full number is never exposed.' })
  ssnLast4!: string | null;

  @Field(() => String, { nullable: true, description: 'Kind of identity document verified (e.g. drivers_license).' })
  documentType!: string | null;
}

@ObjectType({ simpleResolvers: true, description: 'Another account that is the same person, with how the graph knows it.' })
export class LinkedAccount {
  @Field(() => ID, { description: "Global id of the account's identity." })
  id!: string;

  @Field(() => IdentityProvider, { description: 'Provider holding the account.' })
  provider!: IdentityProvider;

  @Field(() => String, { description: "The provider's own id of the account." })
  nativeId!: string;

  @Field(() => AccountSource, { description: 'How the link is known.' })
  via!: AccountSource;

  @Field(() => String, { nullable: true, description: 'Auth0 connection of a linked login (e.g. google-oauth2).' })
  connection!: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether a linked Auth0 login is a social login.' })
  isSocial!: boolean | null;

  @Field(() => String, { nullable: true, description: 'Name the provider stores with the linked account itself.' })
  displayName!: string | null;

  @Field(() => String, { nullable: true, description: 'E-mail the provider stores with the linked account itself.' })
  email!: string | null;
}

@ObjectType({ simpleResolvers: true, description: 'A typed edge from an identity to a related one.' })
export class Relationship {
  @Field(() => ID, {
    description:
      'The same from both ends: `verato:<relationship id>` for a Verato relationship; for a Verifa one (stored by Verifa as ' +
      'one idrel_ record per direction) `verifa:rel_…`, derived from the pair of identities and the type.',
  })
  id!: string;

  @Field(() => IdentityProvider, { description: 'Provider that records the relationship.' })
  provider!: IdentityProvider;

  @Field(() => RelationshipKind, { description: 'What the relationship is: a built-in kind, or CUSTOM (the provider\'s word is in `label`).' })
  type!: RelationshipKind;

  @Field(() => String, { description: 'The provider\'s own word for it, as read from this person\'s side (Verifa type such as family_member; Verato verb such as "is parent of").' })
  label!: string;

  @Field(() => String, { nullable: true, description: 'The type read from the other side, where the provider says it (Verato inverse verb).' })
  inverseType!: string | null;

  @Field(() => String, { nullable: true, description: 'Verato relationships join clusters: the related Link ID.' })
  relatedLinkId!: string | null;

  @Field(() => String, { nullable: true, description: 'Free-text note stored with the relationship.' })
  note!: string | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'Metadata stored with the relationship.' })
  metadata!: Record<string, unknown> | null;

  @Field(() => String, { nullable: true, description: 'Status the provider reports (Verato: active/inactive).' })
  status!: string | null;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'When the relationship was created or started.' })
  createdAt!: string | null;

  @Field(() => Boolean, { description: 'Whether the provider detected it itself (Verifa system types such as same_address); such edges cannot be deleted.' })
  system!: boolean;
}

/** RelationshipConnection and RelationshipEdge. */
export const { Connection: RelationshipConnection, Edge: RelationshipEdge } = connectionTypes(Relationship, 'Relationship', { plural: 'relationships' });
export type RelationshipConnection = InstanceType<typeof RelationshipConnection>;

@ObjectType({ simpleResolvers: true, description: 'A source record in a Verato cluster.' })
export class ClusterMember {
  @Field(() => ID, { description: 'Global id of the identity the record stands for (through VERATO_SOURCE_MAP; other sources as verato:<SOURCE>:<id>).' })
  id!: string;

  @Field(() => String, { description: 'Verato source system code.' })
  source!: string;

  @Field(() => String, { description: 'Native id of the record in its source.' })
  sourceId!: string;

  @Field(() => ClusterMemberState, { description: 'State of the record in the cluster.' })
  state!: ClusterMemberState;
}

@ObjectType({ simpleResolvers: true, description: 'The Verato golden record (cluster) an identity belongs to.' })
export class Cluster {
  @Field(() => ID, { description: 'Verato Link ID of the cluster (it can change when clusters are linked or merged).' })
  linkId!: string;

  @Field(() => [ClusterMember], { description: 'Every source record in the cluster, including retired ones.' })
  members!: ClusterMember[];
}
