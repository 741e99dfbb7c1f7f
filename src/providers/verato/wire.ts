/**
 * Verato LINK web services (Person stack), exactly as the API sends them. Every operation is a
 * POST of `{trackingId, content}` answered by the ServiceResponse envelope.
 * Source: reference contract §1 and the Person OpenAPI (`ServiceRequest_*` / `ServiceResponse_*`).
 */

/** A source record key: source system code + native id ("S+N"). */
export interface VeratoSource {
  name: string;
  id: string;
  date?: string;
}

export interface VeratoRequest<C> {
  trackingId?: string;
  content: C;
}

export interface VeratoEnvelope<C> {
  success: boolean;
  message?: string;
  errors?: string[];
  warnings?: string[];
  /** Documented as "currently always false"; honoured when true. */
  retryableError?: boolean;
  auditId?: string | { auditId: string };
  trackingId?: string;
  content?: C;
}

export interface VeratoName {
  use?: string;
  prefix?: string;
  first?: string;
  middle?: string;
  last?: string;
  suffix?: string;
}

export interface VeratoAddress {
  type?: string;
  line1?: string;
  line2?: string;
  city?: string;
  district?: string;
  state?: string;
  postalCode?: string;
  country?: string;
}

export interface VeratoPhone {
  type?: string;
  countryCode?: string;
  areaCode?: string;
  number?: string;
  extension?: string;
}

/** Golden (DEFAULT) view of a Person identity: every attribute is an array. */
export interface VeratoIdentity {
  names?: VeratoName[];
  addresses?: VeratoAddress[];
  datesOfBirth?: { dateOfBirth?: string }[];
  ssns?: { ssn?: string }[];
  genders?: { gender?: string }[];
  phoneNumbers?: VeratoPhone[];
  emails?: { type?: string; email?: string }[];
}

/** One asserted attribute value inside IdentityPerSource (NamePerSource, EmailPerSource, …). */
export interface VeratoPerSourceValue {
  firstAsserted?: string;
  lastAsserted?: string;
}

export interface VeratoMergedSourceRecord extends VeratoSource {
  activeSource?: string;
  activeNativeId?: string;
  timestamp?: string;
}

export interface VeratoIdentityPerSource {
  source?: VeratoSource;
  names?: (VeratoPerSourceValue & { name?: VeratoName })[];
  addresses?: (VeratoPerSourceValue & { address?: VeratoAddress })[];
  datesOfBirth?: (VeratoPerSourceValue & { dateOfBirth?: { dateOfBirth?: string } | string })[];
  ssns?: (VeratoPerSourceValue & { ssn?: { ssn?: string } | string })[];
  genders?: (VeratoPerSourceValue & { gender?: { gender?: string } | string })[];
  phoneNumbers?: (VeratoPerSourceValue & { phoneNumber?: VeratoPhone })[];
  emails?: (VeratoPerSourceValue & { email?: { email?: string } | string })[];
  mergedSourceRecord?: VeratoMergedSourceRecord;
  deactivatedSourceRecord?: VeratoSource;
}

export type VeratoFormatName = 'DEFAULT' | 'GROUP_BY_SOURCE';

export interface NativeIdQueryContent {
  source: VeratoSource;
  responseIdentityFormatNames?: VeratoFormatName[];
}

export interface IdentityIdQueryContent {
  linkId: string;
  responseIdentityFormatNames?: VeratoFormatName[];
}

/** Reply content of nativeIdQuery and identityIdQuery ("not found" = no `identity`). */
export interface IdentityQueryReply {
  linkId?: string;
  requestedLinkId?: string;
  identity?: VeratoIdentity;
  identityGroupedBySource?: VeratoIdentityPerSource[];
}

export interface VeratoRelationship {
  id?: string;
  relationshipVerb?: string;
  inverseRelationshipVerb?: string;
  subjectVeratoId?: string;
  objectVeratoId?: string;
  domain?: string;
  status?: string;
  trustFactor?: string;
  startDate?: string;
  endDate?: string;
  details?: Record<string, unknown>;
}

export interface SearchRelationshipsContent {
  relationshipFilter: {
    filterBySubjectVeratoId?: string;
    filterBySubjectOrObjectVeratoId?: string;
    filterByObjectVeratoId?: string;
    filterByRelationshipVerb?: string;
  };
}

export interface SearchRelationshipsReply {
  relationships?: VeratoRelationship[];
}

export interface AddRelationshipContent {
  relationship: {
    relationshipVerb: string;
    subjectVeratoId: string;
    objectVeratoId: string;
    domain: 'Person';
    status: 'active' | 'inactive';
    startDate?: string;
    endDate?: string;
  };
}

export interface AddRelationshipReply {
  relationship?: VeratoRelationship;
}

export interface DeleteRelationshipContent {
  id: string;
}

export interface LinkIdentitiesContent {
  linkToSource: VeratoSource;
  source: VeratoSource;
}

export interface LinkIdentitiesReply {
  linkId?: string;
  linkToSource?: VeratoSource | null;
}

export interface UnlinkIdentitiesContent {
  unlinkFromSource: VeratoSource;
  source: VeratoSource;
}

export interface UnlinkIdentitiesReply {
  unlinkedId: string;
  unlinkedSource: VeratoSource;
  unlinkedFromId: string;
  unlinkedFromSource: VeratoSource;
}

export interface MergeIdentitiesContent {
  toSurviveSource: VeratoSource;
  toRetireSource: VeratoSource;
}

export interface MergeIdentitiesReply {
  linkId?: string;
  toSurviveSource?: VeratoSource | null;
}
