import type { ProviderName } from './provider-name';
import type { RelationshipKind } from './relationship-kind';

/**
 * The provider-neutral identity model. Mappers build these from wire shapes; resolvers and the
 * schema only ever see these.
 */

export interface Address {
  line1: string | null;
  line2: string | null;
  city: string | null;
  region: string | null;
  postalCode: string | null;
  country: string | null;
}

export const IDENTITY_STATUSES = ['ACTIVE', 'PENDING', 'VERIFIED', 'REJECTED', 'BLOCKED', 'MERGED', 'REDACTED', 'ARCHIVED', 'UNKNOWN'] as const;
export type IdentityStatus = (typeof IDENTITY_STATUSES)[number];

export interface IdentityRecord {
  id: string;
  provider: ProviderName;
  nativeId: string;
  displayName: string | null;
  givenName: string | null;
  familyName: string | null;
  email: string | null;
  emailVerified: boolean | null;
  phone: string | null;
  birthDate: string | null;
  address: Address | null;
  country: string | null;
  status: IdentityStatus;
  providerStatus: string | null;
  tags: string[];
  createdAt: string | null;
  updatedAt: string | null;
  /** Last four digits only; a full SSN never leaves the mapper. */
  ssnLast4: string | null;
  documentNumber: string | null;
  documentType: string | null;
  /** Accounts the provider itself records as the same person (Auth0 identities[], Verifa external_ref). */
  accounts: AccountRecord[];
}

export const ACCOUNT_SOURCES = ['PROVIDER_ACCOUNT', 'VERATO_CLUSTER', 'EXTERNAL_REFERENCE'] as const;
export type AccountSource = (typeof ACCOUNT_SOURCES)[number];

export interface AccountRecord {
  /** Global id of the account's own identity. */
  id: string;
  provider: ProviderName;
  nativeId: string;
  via: AccountSource;
  connection: string | null;
  isSocial: boolean | null;
  displayName: string | null;
  email: string | null;
}

export const CLUSTER_MEMBER_STATES = ['ACTIVE', 'MERGED', 'DEACTIVATED'] as const;
export type ClusterMemberState = (typeof CLUSTER_MEMBER_STATES)[number];

export interface ClusterMemberRecord {
  /** Global id of the identity this source record stands for (auth0:…, verifa:…, or verato:SOURCE:id). */
  id: string;
  source: string;
  sourceId: string;
  state: ClusterMemberState;
}

export interface ClusterRecord {
  linkId: string;
  members: ClusterMemberRecord[];
}

export interface RelationshipRecord {
  /** One id from both ends: `<provider>:<id>` (see each provider's mapper). */
  id: string;
  /** The provider that records it (Verifa, or Verato between clusters). */
  provider: ProviderName;
  type: RelationshipKind;
  /** The provider's own word for it, as read from this side (Verifa type, Verato verb). */
  label: string;
  /** The verb read from the other side, where the provider says it (Verato). */
  inverseType: string | null;
  /** Global id of the related identity; null when it cannot be named. */
  relatedId: string | null;
  /** Verato relationships join clusters: the related Link ID. */
  relatedLinkId: string | null;
  note: string | null;
  metadata: Record<string, unknown> | null;
  status: string | null;
  createdAt: string | null;
  system: boolean;
}

export interface RelationshipPage {
  records: RelationshipRecord[];
  totalCount: number | null;
  offset: number;
  hasNextPage: boolean;
}
