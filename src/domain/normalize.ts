import type { ProviderName } from './provider-name';
import type { IdentityRecord, IdentityStatus } from './identity';

/** Helpers every mapper shares to build a provider-neutral record. */

export function emptyIdentity(provider: ProviderName, id: string, nativeId: string): IdentityRecord {
  return {
    id,
    provider,
    nativeId,
    displayName: null,
    givenName: null,
    familyName: null,
    email: null,
    emailVerified: null,
    phone: null,
    birthDate: null,
    address: null,
    country: null,
    status: 'UNKNOWN',
    providerStatus: null,
    tags: [],
    createdAt: null,
    updatedAt: null,
    ssnLast4: null,
    documentNumber: null,
    documentType: null,
    accounts: [],
  };
}

/** The last four digits of an SSN (or any number); the rest is dropped here, never stored. */
export function lastFour(value: string | null | undefined): string | null {
  const digits = value?.replace(/\D/g, '') ?? '';
  return digits.length >= 4 ? digits.slice(-4) : null;
}

const STATUS_WORDS: Record<string, IdentityStatus> = {
  active: 'ACTIVE',
  approved: 'VERIFIED',
  verified: 'VERIFIED',
  validated: 'VERIFIED',
  pending: 'PENDING',
  created: 'PENDING',
  needs_review: 'PENDING',
  under_review: 'PENDING',
  failed: 'REJECTED',
  rejected: 'REJECTED',
  blocked: 'BLOCKED',
  disabled: 'BLOCKED',
  merged: 'MERGED',
  redacted: 'REDACTED',
  archived: 'ARCHIVED',
};

/** Providers' open status strings onto the schema's status enum; unknown words are UNKNOWN. */
export function normalizeStatus(value: string | null | undefined): IdentityStatus {
  return (value && STATUS_WORDS[value.toLowerCase()]) || 'UNKNOWN';
}

/** An ISO-8601 date-time, or null for values that are not one (providers send dates in several forms). */
export function isoDateTime(value: string | null | undefined): string | null {
  if (!value) return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}
