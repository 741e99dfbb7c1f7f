import { formatGlobalId, tryParseGlobalId } from '../../domain/global-id';
import type { IdentityRecord, RelationshipPage, RelationshipRecord } from '../../domain/identity';
import { relationshipKindOf } from '../../domain/relationship-kind';
import type { TransferSummary } from '../../domain/merge';
import { emptyIdentity, isoDateTime, lastFour, normalizeStatus } from '../../domain/normalize';
import { UpstreamStatusError } from '../http/errors';
import { ProviderRejection } from '../rejection';
import { verifaRelationshipNativeId } from './id';
import {
  VERIFA_SYSTEM_RELATIONSHIP_TYPES,
  type CreateRelationshipBody,
  type MergeBody,
  type MergeReply,
  type MergeTransfer,
  type VerifaError,
  type VerifaIdentity,
  type VerifaList,
  type VerifaRelationship,
} from './wire';

/** Verifa wire <-> domain. The only place Verifa field names are read or written. */

export function toIdentityRecord(identity: VerifaIdentity): IdentityRecord {
  const data = identity.extracted_data ?? {};
  const record = emptyIdentity('verifa', formatGlobalId('verifa', identity.id), identity.id);
  record.givenName = data.first_name ?? null;
  record.familyName = data.last_name ?? null;
  record.displayName = [data.first_name, data.last_name].filter(Boolean).join(' ') || null;
  record.birthDate = data.date_of_birth ?? null;
  record.ssnLast4 = lastFour(data.ssn);
  record.documentNumber = data.document_number ?? null;
  record.documentType = data.document_type ?? null;
  record.address = data.address
    ? {
        line1: data.address.line1 ?? null,
        line2: data.address.line2 ?? null,
        city: data.address.city ?? null,
        region: data.address.state ?? null,
        postalCode: data.address.zip ?? null,
        country: identity.country ?? null,
      }
    : null;
  record.country = identity.country ?? data.nationality ?? null;
  record.status = identity.archived_at ? 'ARCHIVED' : normalizeStatus(identity.status);
  record.providerStatus = identity.status ?? null;
  record.tags = identity.tags ?? [];
  record.createdAt = isoDateTime(identity.created_at);
  record.updatedAt = isoDateTime(identity.updated_at);
  const referenced = identity.external_ref ? tryParseGlobalId(identity.external_ref) : null;
  if (referenced && referenced.provider !== 'verifa') {
    record.accounts.push({
      id: formatGlobalId(referenced.provider, referenced.nativeId),
      provider: referenced.provider,
      nativeId: referenced.nativeId,
      via: 'EXTERNAL_REFERENCE',
      connection: null,
      isSocial: null,
      displayName: null,
      email: null,
    });
  }
  return record;
}

export function toRelationshipRecord(relationship: VerifaRelationship): RelationshipRecord {
  return {
    id: verifaRelationshipId(relationship),
    provider: 'verifa',
    type: relationshipKindOf(relationship.relationship_type),
    label: relationship.relationship_type,
    inverseType: null,
    // A related id that is not a Verifa id (e.g. an external_ref) cannot be addressed in the graph.
    relatedId: addressableVerifaId(relationship.related_identity_id),
    relatedLinkId: null,
    note: relationship.note ?? null,
    metadata: relationship.metadata ?? null,
    status: null,
    createdAt: isoDateTime(relationship.created_at),
    system: isSystemRelationshipType(relationship.relationship_type),
  };
}

/** The relationship's one id from both ends (see verifaRelationshipNativeId). */
export function verifaRelationshipId(relationship: Pick<VerifaRelationship, 'source_identity_id' | 'related_identity_id' | 'relationship_type'>): string {
  return formatGlobalId('verifa', verifaRelationshipNativeId(relationship.source_identity_id, relationship.related_identity_id, relationship.relationship_type));
}

/** A type Verifa detects itself (same_ssn, merged…): shown, but never created or deleted by callers. */
export function isSystemRelationshipType(type: string): boolean {
  return (VERIFA_SYSTEM_RELATIONSHIP_TYPES as readonly string[]).includes(type);
}

function addressableVerifaId(identityId: string): string | null {
  const id = formatGlobalId('verifa', identityId);
  return tryParseGlobalId(id) ? id : null;
}

export function toRelationshipPage(list: VerifaList<VerifaRelationship>): RelationshipPage {
  const { limit, offset, total } = list.pagination;
  return {
    records: list.data.map(toRelationshipRecord),
    totalCount: total ?? null,
    offset,
    hasNextPage: total !== undefined ? offset + list.data.length < total : list.data.length === limit,
  };
}

/** The ids of the relationships of this type to that identity on a page of relationships. */
export function relationshipIdsTo(page: VerifaList<VerifaRelationship>, relatedIdentityId: string, type: string): string[] {
  return page.data.filter((r) => r.related_identity_id === relatedIdentityId && r.relationship_type === type).map((r) => r.id);
}

// Domain -> wire: the bodies of the writes.

export function toCreateRelationshipBody(relationship: {
  relatedIdentityId: string;
  type: string;
  note?: string | null;
  metadata?: Record<string, unknown> | null;
}): CreateRelationshipBody {
  return {
    related_identity_id: relationship.relatedIdentityId,
    relationship_type: relationship.type,
    ...(relationship.note ? { note: relationship.note } : {}),
    ...(relationship.metadata ? { metadata: relationship.metadata } : {}),
  };
}

export function toMergeBody(merge: {
  primaryIdentityId: string;
  secondaryIdentityId: string;
  transfer: TransferSummary;
  redactSecondary: boolean;
  reason?: string | null;
}): MergeBody {
  const { transfer } = merge;
  return {
    primary_identity_id: merge.primaryIdentityId,
    secondary_identity_id: merge.secondaryIdentityId,
    transfer: {
      sessions: transfer.sessions,
      screening_checks: transfer.screeningChecks,
      face_embeddings: transfer.faceEmbeddings,
      ip_links: transfer.ipLinks,
      device_links: transfer.deviceLinks,
    },
    redact_secondary: merge.redactSecondary,
    ...(merge.reason ? { reason: merge.reason } : {}),
  };
}

/** What a merge answered: the primary after it, what became of the secondary, and what moved. */
export function toMergeResult(reply: MergeReply): { primaryRecord: IdentityRecord; secondaryStatus: 'MERGED' | 'REDACTED'; transferSummary: TransferSummary | null } {
  return {
    secondaryStatus: reply.secondary.status === 'redacted' ? 'REDACTED' : 'MERGED',
    transferSummary: reply.transfer_summary ? toTransferSummary(reply.transfer_summary) : null,
    primaryRecord: toIdentityRecord(reply.primary),
  };
}

function toTransferSummary(summary: MergeTransfer): TransferSummary {
  return {
    sessions: summary.sessions ?? true,
    screeningChecks: summary.screening_checks ?? true,
    faceEmbeddings: summary.face_embeddings ?? true,
    ipLinks: summary.ip_links ?? true,
    deviceLinks: summary.device_links ?? true,
  };
}

/**
 * Verifa's error codes (contract §2.2: `not_found`, `rate_limited`, `idempotency_mismatch`; the
 * others are the ones its docs name by status but never spell out (inferred)). Only these may be
 * passed on as a `providerCode`: any other text in `error` is dropped, since it may carry data.
 */
export const VERIFA_ERROR_CODES: ReadonlySet<string> = new Set([
  'not_found',
  'rate_limited',
  'idempotency_mismatch',
  'validation_error',
  'conflict',
  'unauthorized',
]);

/** The provider code of a Verifa error body, when it is one of Verifa's documented codes. */
export function readVerifaErrorCode(body: unknown): string | undefined {
  const code = (body as Partial<VerifaError> | undefined)?.error;
  return typeof code === 'string' && VERIFA_ERROR_CODES.has(code) ? code : undefined;
}

const REJECTION_MESSAGES: Record<string, string> = {
  not_found: 'Verifa has no identity or relationship with that id.',
  idempotency_mismatch: 'Idempotency key has already been used with different parameters.',
  validation_error: 'Verifa rejected the request as invalid.',
  conflict: 'Verifa reports a conflict with the current state.',
};

/**
 * A 4xx from Verifa as a business rejection. Verifa's `detail` is free text and is not passed on;
 * the message comes from the error code.
 */
export function toRejection(error: unknown): ProviderRejection | null {
  if (!(error instanceof UpstreamStatusError) || error.provider !== 'verifa' || error.status! >= 500) return null;
  const code = error.providerCode ?? `http_${error.status}`;
  return new ProviderRejection({
    provider: 'verifa',
    providerCode: code,
    message: REJECTION_MESSAGES[code] ?? `Verifa refused the request (${code}).`,
    // The Idempotency-Key header is derived from the mutation's idempotencyKey argument.
    field: code === 'idempotency_mismatch' ? 'idempotencyKey' : null,
    status: error.status,
  });
}
