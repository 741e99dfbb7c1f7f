/**
 * Verifa REST API v1, exactly as it answers with `Key-Inflection: snake` (which the client always
 * sends). Source: reference contract §2 and the seed documents (create relationship, merge).
 */

import { arrayOf, isNonEmptyString, isNumber, isRecord, isString, optional, optionalStrings } from '../http/shape';

export interface VerifaError {
  error: string;
  detail: string;
  status_code: number;
}

export interface VerifaAddress {
  line1?: string | null;
  line2?: string | null;
  city?: string | null;
  state?: string | null;
  zip?: string | null;
}

export interface VerifaExtractedData {
  first_name?: string | null;
  last_name?: string | null;
  date_of_birth?: string | null;
  address?: VerifaAddress | null;
  document_number?: string | null;
  nationality?: string | null;
  gender?: string | null;
  ssn?: string | null;
  document_type?: string | null;
  document_expiration_date?: string | null;
  document_issuing_state?: string | null;
}

export interface VerifaIdentity {
  id: string;
  external_ref?: string | null;
  status?: string | null;
  session_count?: number;
  is_sandbox?: boolean;
  created_at?: string | null;
  updated_at?: string | null;
  first_verified_at?: string | null;
  last_verified_at?: string | null;
  archived_at?: string | null;
  country?: string | null;
  extracted_data?: VerifaExtractedData | null;
  tags?: string[] | null;
  custom_fields?: Record<string, unknown> | null;
}

export interface VerifaRelationship {
  id: string;
  source_identity_id: string;
  related_identity_id: string;
  relationship_type: string;
  note?: string | null;
  metadata?: Record<string, unknown> | null;
  created_at?: string | null;
}

export interface VerifaPagination {
  total?: number;
  limit: number;
  offset: number;
}

export interface VerifaList<T> {
  data: T[];
  pagination: VerifaPagination;
}

/**
 * `POST /identities/search` (path and body inferred from the docs' field list): every given field
 * must match; `first_name`, `last_name` and `date_of_birth` only together.
 */
export interface SearchIdentitiesBody {
  email?: string;
  first_name?: string;
  last_name?: string;
  date_of_birth?: string;
  limit?: number;
  offset?: number;
}

export interface CreateRelationshipBody {
  related_identity_id: string;
  relationship_type?: string;
  note?: string;
  metadata?: Record<string, unknown>;
}

export interface MergeTransfer {
  sessions?: boolean;
  screening_checks?: boolean;
  face_embeddings?: boolean;
  ip_links?: boolean;
  device_links?: boolean;
}

export interface MergeBody {
  primary_identity_id: string;
  secondary_identity_id: string;
  transfer?: MergeTransfer;
  redact_secondary?: boolean;
  reason?: string | null;
}

export interface MergeReply {
  primary: VerifaIdentity;
  secondary: { id: string; status: 'merged' | 'redacted' | string };
  transfer_summary?: Required<MergeTransfer>;
  redacted_secondary?: boolean;
  reason?: string | null;
}

export interface DeleteReply {
  deleted: boolean;
}

/**
 * Verifa's built-in user relationship types (callers may create these; custom types go by name).
 * The GraphQL enum RelationshipType is built from this list.
 */
export const VERIFA_USER_RELATIONSHIP_TYPES = [
  'user_linked',
  'same_household',
  'family_member',
  'business_associate',
  'authorized_representative',
  'power_of_attorney',
  'beneficial_owner',
  'related_account',
] as const;
export type VerifaUserRelationshipType = (typeof VERIFA_USER_RELATIONSHIP_TYPES)[number];

/** The user relationship type that records "the same person". */
export const USER_LINKED: VerifaUserRelationshipType = 'user_linked';

/** System relationship types Verifa detects itself; they cannot be created or deleted. */
export const VERIFA_SYSTEM_RELATIONSHIP_TYPES = [
  'same_document',
  'same_name_dob',
  'same_ssn',
  'same_device',
  'same_email',
  'same_phone',
  'same_address',
  'same_ip',
  'same_face',
  'same_document_face',
  'merged',
] as const;

// Shape checks of the answers the client and mapper read (see ../http/shape.ts).

const IDENTITY_STRINGS = ['external_ref', 'status', 'created_at', 'updated_at', 'archived_at', 'country'] as const;
const EXTRACTED_STRINGS = ['first_name', 'last_name', 'date_of_birth', 'document_number', 'nationality', 'ssn', 'document_type'] as const;
const ADDRESS_STRINGS = ['line1', 'line2', 'city', 'state', 'zip'] as const;

export function isVerifaIdentity(body: unknown): body is VerifaIdentity {
  if (!isRecord(body) || !isNonEmptyString(body.id) || !optionalStrings(body, IDENTITY_STRINGS)) return false;
  if (!optional(body.tags, (tags) => arrayOf(tags, isString))) return false;
  return optional(
    body.extracted_data,
    (data) => isRecord(data) && optionalStrings(data, EXTRACTED_STRINGS) && optional(data.address, (a) => isRecord(a) && optionalStrings(a, ADDRESS_STRINGS)),
  );
}

export function isVerifaRelationship(body: unknown): body is VerifaRelationship {
  return (
    isRecord(body) &&
    isNonEmptyString(body.id) &&
    isNonEmptyString(body.related_identity_id) &&
    isNonEmptyString(body.relationship_type) &&
    optionalStrings(body, ['note', 'created_at']) &&
    optional(body.metadata, isRecord)
  );
}

/** A Verifa list envelope (`data` + `pagination`) whose items pass `isItem`. */
function isVerifaList<T>(isItem: (item: unknown) => item is T): (body: unknown) => body is VerifaList<T> {
  return (body: unknown): body is VerifaList<T> => {
    if (!isRecord(body) || !arrayOf(body.data, isItem) || !isRecord(body.pagination)) return false;
    const { limit, offset, total } = body.pagination;
    return isNumber(limit) && isNumber(offset) && optional(total, isNumber);
  };
}

export const isVerifaRelationshipList = isVerifaList(isVerifaRelationship);

export const isVerifaIdentityList = isVerifaList(isVerifaIdentity);

export function isMergeReply(body: unknown): body is MergeReply {
  return (
    isRecord(body) &&
    isVerifaIdentity(body.primary) &&
    isRecord(body.secondary) &&
    isNonEmptyString(body.secondary.id) &&
    isString(body.secondary.status) &&
    optional(body.transfer_summary, isRecord)
  );
}
