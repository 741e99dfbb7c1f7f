/**
 * Verato LINK web services (Person stack), exactly as the API sends them. Every operation is a
 * POST of `{trackingId, content}` answered by the ServiceResponse envelope.
 * Source: reference contract §1 and the Person OpenAPI (`ServiceRequest_*` / `ServiceResponse_*`).
 */

import { arrayOf, isBoolean, isRecord, isString, optional, optionalStrings } from '../http/shape';

/** A source record key: source system code + native id ("S+N"). */
export interface VeratoSource {
  name: string;
  id: string;
  date?: string;
}

export interface VeratoRequest<C> {
  trackingId?: string;
  content: C;
  /** (inferred) Portal-only envelope field (map<string,string>); this subgraph records the mutation's reason in it. */
  auditLogMap?: Record<string, string>;
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

/** demographicsSearch (Person, /v2): candidates for the demographic values of `identity`. */
export interface DemographicsSearchContent {
  identity: VeratoIdentity;
  maxSearchResults?: number;
  matchScoreThreshold?: number;
  responseIdentityFormatNames?: VeratoFormatName[];
}

export interface DemographicsSearchResult {
  /** 0..1, how well the cluster matches. */
  matchScore: number;
  sameIdentity: 'Y' | 'N' | 'U';
  linkId?: string;
  identity?: VeratoIdentity;
}

export interface DemographicsSearchReply {
  searchResults: DemographicsSearchResult[];
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

/** searchNotifications request `content`: one page of the change feed between two instants. */
export interface SearchNotificationsContent {
  pageNumber: number;
  pageSize: number;
  /** ISO date-time. */
  startDate: string;
  /** ISO date-time. */
  endDate: string;
}

/** `NotificationLowerCaseBody`: the records and Link IDs a change names. */
export interface VeratoNotificationBody {
  source?: string;
  nativeId?: string;
  survivingSource?: string;
  survivingNativeId?: string;
  retiredSource?: string;
  retiredNativeId?: string;
  previousLinkId?: string;
  newLinkId?: string;
}

export interface VeratoNotification {
  notificationType?: string;
  ts?: string;
  notificationLowerCaseBody?: VeratoNotificationBody;
}

export interface SearchNotificationsReply {
  hasNext?: boolean;
  totalElements?: number;
  notifications?: VeratoNotification[];
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

/** postIdentity: one source record and what it asserts ("exactly one PostIdentitySource"). */
export interface PostIdentityContent {
  identity: VeratoIdentity & { sources: [VeratoSource] };
  responseIdentityFormatNames?: VeratoFormatName[];
}

/** The Link ID the posted record is in (the rest of the reply is not read). */
export interface PostIdentityReply {
  linkId?: string;
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

export interface UnmergeIdentitiesContent {
  /** The active record the retired one was merged into. */
  unmergeFromSource: VeratoSource;
  /** The retired (merged) record to split out. */
  unmergeSource: VeratoSource;
}

export interface UnmergeIdentitiesReply {
  unmergedId: string;
  unmergedSource: VeratoSource;
  unmergedFromId: string;
  unmergedFromSource: VeratoSource;
}

export interface DeleteRelationshipContent {
  id: string;
}

export interface DeleteRelationshipReply {
  id?: string;
}

export interface MergeIdentitiesContent {
  toSurviveSource: VeratoSource;
  toRetireSource: VeratoSource;
}

export interface MergeIdentitiesReply {
  linkId?: string;
  toSurviveSource?: VeratoSource | null;
}

// Shape checks of the answers the client and mapper read (see ../http/shape.ts).

const ATTRIBUTE_LISTS = ['names', 'addresses', 'datesOfBirth', 'ssns', 'genders', 'phoneNumbers', 'emails'] as const;
const RELATIONSHIP_STRINGS = ['id', 'relationshipVerb', 'inverseRelationshipVerb', 'subjectVeratoId', 'objectVeratoId', 'status', 'startDate'] as const;

/** The ServiceResponse envelope, with `content` (when present) of the operation's shape. */
export function isEnvelope(content: (value: unknown) => boolean): (body: unknown) => boolean {
  return (body) => isRecord(body) && isBoolean(body.success) && optional(body.content, content);
}

function isSource(value: unknown): boolean {
  return isRecord(value) && isString(value.name) && isString(value.id);
}

/** Attribute lists are arrays of values (objects, or plain strings in some tenants). */
function hasAttributeLists(record: Record<string, unknown>): boolean {
  return ATTRIBUTE_LISTS.every((key) => optional(record[key], (list) => arrayOf(list, (item) => isRecord(item) || isString(item))));
}

function isIdentityPerSource(value: unknown): boolean {
  return (
    isRecord(value) &&
    optional(value.source, isSource) &&
    optional(value.mergedSourceRecord, isSource) &&
    optional(value.deactivatedSourceRecord, isSource) &&
    hasAttributeLists(value)
  );
}

export function isIdentityQueryReply(value: unknown): value is IdentityQueryReply {
  return (
    isRecord(value) &&
    optional(value.linkId, isString) &&
    optional(value.identity, (identity) => isRecord(identity) && hasAttributeLists(identity)) &&
    optional(value.identityGroupedBySource, (entries) => arrayOf(entries, isIdentityPerSource))
  );
}

export function isDemographicsSearchReply(value: unknown): value is DemographicsSearchReply {
  return (
    isRecord(value) &&
    arrayOf(
      value.searchResults,
      (result) =>
        isRecord(result) &&
        typeof result.matchScore === 'number' &&
        isString(result.sameIdentity) &&
        optional(result.linkId, isString) &&
        optional(result.identity, (identity) => isRecord(identity) && hasAttributeLists(identity)),
    )
  );
}

function isRelationship(value: unknown): boolean {
  return isRecord(value) && optionalStrings(value, RELATIONSHIP_STRINGS) && optional(value.details, isRecord);
}

export function isSearchRelationshipsReply(value: unknown): value is SearchRelationshipsReply {
  return isRecord(value) && optional(value.relationships, (list) => arrayOf(list, isRelationship));
}

export function isSearchNotificationsReply(value: unknown): value is SearchNotificationsReply {
  return (
    isRecord(value) &&
    optional(value.hasNext, isBoolean) &&
    optional(value.notifications, (list) =>
      arrayOf(list, (item) => isRecord(item) && optional(item.notificationType, isString) && optional(item.notificationLowerCaseBody, isRecord)),
    )
  );
}

export function isAddRelationshipReply(value: unknown): value is AddRelationshipReply {
  return isRecord(value) && optional(value.relationship, isRelationship);
}

/** linkIdentities and mergeIdentities answer the surviving Link ID, postIdentity the record's. */
export function isLinkIdReply(value: unknown): value is LinkIdentitiesReply & MergeIdentitiesReply & PostIdentityReply {
  return isRecord(value) && optional(value.linkId, isString);
}
