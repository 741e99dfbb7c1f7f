import type { ProviderName } from '../domain/provider-name';
import { ProviderRejection } from '../providers/rejection';
import * as auth0 from '../providers/auth0/mapper';
import * as btcdirect from '../providers/btcdirect/mapper';
import * as verifa from '../providers/verifa/mapper';

/**
 * Business failures of a mutation, returned in its payload's `userErrors` (never thrown): what a
 * UI can show and act on. Transport failures stay GraphQL errors (PROVIDER_* codes).
 */

export const USER_ERROR_CODES = [
  'INVALID_INPUT',
  'NOT_FOUND',
  'SAME_IDENTITY',
  'ALREADY_LINKED',
  'NOT_LINKED',
  'MERGE_NOT_ALLOWED',
  'IDENTIFIER_IN_USE',
  'INVALID_LINK_TOKEN',
  'USER_TOKEN_INVALID',
  'PENDING_REVIEW',
  'UNSUPPORTED_OPERATION',
  'IDEMPOTENCY_KEY_REUSED',
  'IN_PROGRESS',
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

const AUTH0_CODES: Record<string, UserErrorCode> = {
  identity_already_exists: 'ALREADY_LINKED',
  same_identity: 'SAME_IDENTITY',
  secondary_not_found: 'NOT_FOUND',
  inexistent_user: 'NOT_FOUND',
  not_linked: 'NOT_LINKED',
  main_identity: 'INVALID_INPUT',
  invalid_link_with: 'INVALID_LINK_TOKEN',
};

const VERIFA_CODES: Record<string, UserErrorCode> = {
  not_found: 'NOT_FOUND',
  idempotency_mismatch: 'IDEMPOTENCY_KEY_REUSED',
  validation_error: 'INVALID_INPUT',
  conflict: 'ALREADY_LINKED',
};

const BTCDIRECT_CODES: Record<string, UserErrorCode> = {
  ER053: 'INVALID_INPUT',
  ER102: 'INVALID_INPUT',
  ER707: 'INVALID_INPUT',
  ER706: 'IDENTIFIER_IN_USE',
  ER700: 'USER_TOKEN_INVALID',
  ER701: 'USER_TOKEN_INVALID',
  ER702: 'USER_TOKEN_INVALID',
  ER703: 'USER_TOKEN_INVALID',
  ER704: 'USER_TOKEN_INVALID',
  ER705: 'NOT_FOUND',
  ER709: 'NOT_FOUND',
  ER708: 'PENDING_REVIEW',
};

/**
 * A provider's refusal as a user error, or null when `error` is not a business refusal (then it
 * stays a GraphQL error). `context` lets a mutation word a generic provider code for its case.
 */
export function toUserError(error: unknown, context: { onValidationError?: Partial<UserErrorRecord> } = {}): UserErrorRecord | null {
  const rejection = error instanceof ProviderRejection ? error : (auth0.toRejection(error) ?? verifa.toRejection(error) ?? btcdirect.toRejection(error));
  if (!rejection) return null;
  const codeTable = rejection.provider === 'auth0' ? AUTH0_CODES : rejection.provider === 'verifa' ? VERIFA_CODES : rejection.provider === 'btcdirect' ? BTCDIRECT_CODES : {};
  const base = userError(codeTable[rejection.providerCode] ?? 'PROVIDER_REJECTED', rejection.message, {
    field: rejection.field,
    provider: rejection.provider,
    providerCode: rejection.providerCode,
    hint: rejection.hint,
    retryable: rejection.provider === 'btcdirect' ? (btcdirect.LINK_IDENTIFIER_ERRORS[rejection.providerCode]?.retryable ?? false) : false,
  });
  return rejection.providerCode === 'validation_error' && context.onValidationError ? { ...base, ...context.onValidationError } : base;
}
