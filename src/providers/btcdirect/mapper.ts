import { formatGlobalId } from '../../domain/global-id';
import type { IdentityRecord } from '../../domain/identity';
import { emptyIdentity, isoDateTime, normalizeStatus } from '../../domain/normalize';
import { UpstreamStatusError, UpstreamUnavailableError } from '../http/errors';
import { ProviderRejection } from '../rejection';
import type { BtcDirectErrorBody, UserInfo } from './wire';

/** BTC Direct wire -> domain. The only place BTC Direct field names and ER codes are read. */

export function toIdentityRecord(identifier: string, info: UserInfo): IdentityRecord {
  const record = emptyIdentity('btcdirect', formatGlobalId('btcdirect', identifier), identifier);
  record.givenName = info.firstName ?? null;
  record.familyName = info.lastName ?? null;
  record.displayName = [info.firstName, info.lastName].filter(Boolean).join(' ') || null;
  record.email = info.emailAddress ?? null;
  record.emailVerified = info.status?.details?.emailAddressVerificationStatus
    ? ['verified', 'validated'].includes(info.status.details.emailAddressVerificationStatus)
    : null;
  record.phone = info.phoneNumber ?? null;
  record.country = info.region ?? null;
  record.status = normalizeStatus(info.status?.status);
  record.providerStatus = info.status?.status ?? null;
  record.createdAt = isoDateTime(info.registrationDate);
  if (info.isBusiness) record.tags = ['business'];
  return record;
}

/** BTC Direct's documented code form (contract A2/A3, the SDK error list): `ER` and three digits. */
const ER_CODE = /^ER\d{3}$/;

/**
 * Every key of a BTC Direct error body that has the documented ER form, in body order; any other
 * key is dropped (it never reaches a client, a log line or a message). Which one decides is
 * refusals.ts's `decidingErrorCode`.
 */
export function readBtcDirectErrorCodes(body: unknown): string[] {
  const errors = (body as Partial<BtcDirectErrorBody> | undefined)?.errors;
  if (!errors || typeof errors !== 'object') return [];
  return Object.keys(errors).filter((key) => ER_CODE.test(key));
}

/** Codes meaning the partner's own credentials (API key or partner JWT) were refused. */
export const PARTNER_CREDENTIAL_CODES: ReadonlySet<string> = new Set(['ER800', 'ER801', 'ER802', 'ER803', 'ER805', 'ER806']);

/** Codes meaning no (living) user stands behind an identifier. */
export const USER_NOT_FOUND_CODES: ReadonlySet<string> = new Set(['ER705', 'ER709']);

/**
 * The ER codes of `POST /api/v2/user/link-identifier`, with BTC Direct's own message and
 * solution texts (fixed catalogue texts, so they may be shown to users) and the input field each
 * concerns. Texts are taken from this table, never from the response body.
 */
export const LINK_IDENTIFIER_ERRORS: Readonly<Record<string, { message: string; solution: string; field: string | null; retryable: boolean }>> = {
  ER053: { message: 'Missing identifier.', solution: 'Provide a valid identifier.', field: 'identifier', retryable: false },
  ER102: { message: 'User identifier length out of bounds.', solution: 'Provide a user identifier with a minimum of 36 characters and a maximum of 255.', field: 'identifier', retryable: false },
  ER700: { message: 'User authorization token not found.', solution: 'Provide a user authorization token.', field: null, retryable: false },
  ER701: { message: 'User authorization token has expired.', solution: 'Request a new authorization token, or refresh the token.', field: null, retryable: false },
  ER702: { message: 'User authorization token is invalid.', solution: 'Provide a valid user authorization token.', field: null, retryable: false },
  ER703: { message: 'User identifier does not belong to the user in the user authorization token.', solution: 'Provide a valid user identifier, or remove the user identifier header.', field: 'identifier', retryable: false },
  ER704: { message: 'No user identifier found in headers.', solution: 'Provide a valid user identifier, or use the user/password authentication mechanism to request a user token and send that.', field: null, retryable: false },
  ER705: { message: 'User identifier is not linked to a user.', solution: 'Provide a valid user identifier, link this user identifier to a user account, or use the user/password authentication mechanism.', field: 'identifier', retryable: false },
  ER706: { message: 'User identifier is invalid.', solution: 'Provide a valid user identifier, a unique identifier string for the user account that is not already in use.', field: 'identifier', retryable: false },
  ER707: { message: 'User identifier is invalid.', solution: 'Please provide an identifier, consisting of 36 - 255 characters, numeric or alphanumeric only.', field: 'identifier', retryable: false },
  ER708: { message: 'There is a pending document for this side.', solution: 'Wait for the pending document to be reviewed.', field: null, retryable: true },
  ER709: { message: 'User not found, or user has been deleted.', solution: 'Provide a valid user identifier.', field: null, retryable: false },
  ER800: { message: 'Authorization token is invalid.', solution: 'Provide a valid authorization token.', field: null, retryable: false },
  ER801: { message: 'Authorization token has expired.', solution: 'Request a new authorization token.', field: null, retryable: true },
  ER802: { message: 'Authorization token not found.', solution: 'Provide an authorization token.', field: null, retryable: false },
  ER803: { message: 'Multiple authorization methods used.', solution: 'Use exactly one authorization method.', field: null, retryable: false },
  ER805: { message: 'API key is invalid.', solution: 'Provide a valid API key.', field: null, retryable: false },
  ER806: { message: 'API key not found.', solution: 'Provide an API key.', field: null, retryable: false },
  ER999: { message: 'A general error has occurred. Please contact our support team.', solution: 'Contact our support team.', field: null, retryable: true },
};

/**
 * An ER answer (ER999 "general error" that comes with a 500 included) as a business rejection with
 * BTC Direct's solution as hint. A refusal of the subgraph's own credentials is not one: it stays
 * an UpstreamAuthError (a PROVIDER_ERROR for operators), never a user error naming the API key.
 */
export function toRejection(error: unknown): ProviderRejection | null {
  const generalError = error instanceof UpstreamUnavailableError && error.providerCode === 'ER999';
  const isBtc = (error instanceof UpstreamStatusError || generalError) && error.provider === 'btcdirect';
  if (!isBtc) return null;
  const code = error.providerCode;
  if (code && PARTNER_CREDENTIAL_CODES.has(code)) return null;
  const known = code ? LINK_IDENTIFIER_ERRORS[code] : undefined;
  if (!code || !known) {
    if (error.status! >= 500) return null;
    return new ProviderRejection({ provider: 'btcdirect', providerCode: code ?? `http_${error.status}`, message: 'BTC Direct refused the request.', status: error.status });
  }
  return new ProviderRejection({
    provider: 'btcdirect',
    providerCode: code,
    message: known.message,
    hint: known.solution,
    field: known.field,
    status: error.status,
  });
}
