import type { ProviderName } from '../domain/provider-name';
import type { ProviderRejection } from '../providers/rejection';

/**
 * Business failures of a mutation, returned in its payload's `userErrors` (never thrown): what a
 * UI can show and act on. Transport failures stay GraphQL errors (PROVIDER_* codes).
 */

/** Every code a user error may carry; the GraphQL enum UserErrorCode is built from this list. */
export const USER_ERROR_CODES = [
  'INVALID_INPUT',
  'NOT_FOUND',
  'SAME_IDENTITY',
  'ALREADY_LINKED',
  'NOT_LINKED',
  'MERGE_NOT_ALLOWED',
  'NOT_MERGED',
  'IDENTIFIER_IN_USE',
  'INVALID_LINK_TOKEN',
  'USER_TOKEN_INVALID',
  'PENDING_REVIEW',
  'UNSUPPORTED_OPERATION',
  'IDEMPOTENCY_KEY_REUSED',
  'IN_PROGRESS',
  'IDEMPOTENCY_UNAVAILABLE',
  'FORBIDDEN',
  'PROVIDER_REJECTED',
] as const;
export type UserErrorCode = (typeof USER_ERROR_CODES)[number];

export interface UserErrorRecord {
  code: UserErrorCode;
  message: string;
  /** Input field the error is about (e.g. "secondaryId"). */
  field: string | null;
  provider: ProviderName | null;
  /** The provider's own code (ER706, identity_already_exists, not_found…). */
  providerCode: string | null;
  /** What to do about it, in the provider's words where it gives them (BTC Direct `solution`). */
  hint: string | null;
  /** Whether the same request may succeed later. */
  retryable: boolean;
}

export function userError(code: UserErrorCode, message: string, extra: Partial<Omit<UserErrorRecord, 'code' | 'message'>> = {}): UserErrorRecord {
  return { code, message, field: null, provider: null, providerCode: null, hint: null, retryable: false, ...extra };
}

/** Tells a user error from what a step returns when it succeeds (a parsed id, a route). */
export function isUserError<T extends object>(value: T | UserErrorRecord): value is UserErrorRecord {
  return 'code' in value && 'message' in value;
}

/**
 * How one provider's refusals read as user errors (each provider's `refusals.ts`). The mutation
 * runner is the one place that applies it, to whatever a route's write threw.
 */
export interface RefusalMapping {
  /** The business refusal in a failed call of this provider, or null when it is none (it stays a GraphQL error). */
  rejectionOf(error: unknown): ProviderRejection | null;
  /** The user error code of each provider code; any other is PROVIDER_REJECTED. */
  userErrorCodes: Readonly<Record<string, UserErrorCode>>;
  /** Whether the same request may pass later (a pending review, a passing provider failure). */
  isRetryable(providerCode: string): boolean;
}

/**
 * A route's own words for a provider code whose generic reading is too vague for its case (by
 * provider code). Built by the provider's `refusals.ts`; applied on top of the mapped user error.
 */
export type RefusalWording = Readonly<Record<string, Partial<Omit<UserErrorRecord, 'provider' | 'providerCode'>>>>;
