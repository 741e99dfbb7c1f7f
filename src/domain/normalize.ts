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
  if (Number.isNaN(time)) return null;
  // Most providers already send the canonical form: keep the string rather than rebuild it.
  // Days 29-31 and hour 24 are left to Date, which rolls them over (2026-02-30 is 2026-03-02).
  return CANONICAL_ISO.test(value) && value.slice(8, 10) <= '28' && value.slice(11, 13) <= '23' ? value : new Date(time).toISOString();
}

const CANONICAL_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
