import { formatGlobalId } from '../../domain/global-id';
import type { AccountRecord, IdentityRecord } from '../../domain/identity';
import { emptyIdentity, isoDateTime } from '../../domain/normalize';
import { UpstreamStatusError } from '../http/errors';
import { ProviderRejection } from '../rejection';
import type { Auth0LinkMode } from './link-mode';
import type { Auth0Error, Auth0OAuthError, Auth0User, Auth0UserIdentity, LinkIdentityBody } from './wire';

/** Auth0 wire <-> domain. The only place Auth0 field names are read or written. */

export function toIdentityRecord(user: Auth0User): IdentityRecord {
  const record = emptyIdentity('auth0', formatGlobalId('auth0', user.user_id), user.user_id);
  record.displayName = user.name ?? user.nickname ?? null;
  record.givenName = user.given_name ?? null;
  record.familyName = user.family_name ?? null;
  record.email = user.email ?? null;
  record.emailVerified = user.email_verified ?? null;
  record.phone = user.phone_number ?? null;
  record.status = user.blocked ? 'BLOCKED' : 'ACTIVE';
  record.providerStatus = user.blocked ? 'blocked' : 'active';
  record.createdAt = isoDateTime(user.created_at);
  record.updatedAt = isoDateTime(user.updated_at);
  record.accounts = (user.identities ?? [])
    .filter((identity) => identityUserId(identity) !== user.user_id)
    .map(toAccount);
  return record;
}

/** The full Auth0 user_id an identity had as a standalone user: `{provider}|{user_id}`. */
export function identityUserId(identity: Auth0UserIdentity): string {
  return `${identity.provider}|${identity.user_id}`;
}

function toAccount(identity: Auth0UserIdentity): AccountRecord {
  const userId = identityUserId(identity);
  return {
    id: formatGlobalId('auth0', userId),
    provider: 'auth0',
    nativeId: userId,
    via: 'PROVIDER_ACCOUNT',
    connection: identity.connection,
    isSocial: identity.isSocial ?? null,
    displayName: identity.profileData?.name ?? null,
    email: identity.profileData?.email ?? null,
  };
}

/**
 * Auth0's known `errorCode` words (contract B2; all but `inexistent_user` and `invalid_body` are
 * inferred there, and `invalid_uri` / `identity_conflict` are inferred from the API's refusals).
 */
export const AUTH0_MANAGEMENT_ERROR_CODES: ReadonlySet<string> = new Set([
  'inexistent_user',
  'invalid_body',
  'invalid_query_string',
  'invalid_uri',
  'invalid_token',
  'insufficient_scope',
  'too_many_requests',
  'identity_conflict',
]);

/** `/oauth/token` errors: the OAuth 2.0 codes (RFC 6749 §5.2) and Auth0's `access_denied` / `too_many_requests`. */
export const AUTH0_OAUTH_ERROR_CODES: ReadonlySet<string> = new Set([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'access_denied',
  'too_many_requests',
]);

/**
 * The provider code of an Auth0 error body, only when it is one of Auth0's known words: any
 * other text there is dropped (it never reaches a client, a log line or a message).
 */
export function readAuth0ErrorCode(body: unknown): string | undefined {
  const management = body as Partial<Auth0Error> | undefined;
  if (management?.errorCode !== undefined) {
    return typeof management.errorCode === 'string' && AUTH0_MANAGEMENT_ERROR_CODES.has(management.errorCode) ? management.errorCode : undefined;
  }
  const oauth = body as Partial<Auth0OAuthError> | undefined;
  if (management?.statusCode !== undefined || typeof oauth?.error !== 'string') return undefined;
  return AUTH0_OAUTH_ERROR_CODES.has(oauth.error) ? oauth.error : undefined;
}

/**
 * Auth0's documented 4xx messages for the identities endpoints are fixed texts (no personal
 * data), so they pass through; each gets a stable code and a hint.
 */
const KNOWN_MESSAGES: Record<string, { code: string; hint: string; field?: string }> = {
  'Specified identity already exists.': { code: 'identity_already_exists', hint: 'The secondary account is already linked to this user.' },
  'Main identity and the new one are the same.': { code: 'same_identity', hint: 'Choose two different accounts.', field: 'secondaryId' },
  'Provided secondary account not found.': { code: 'secondary_not_found', hint: 'The secondary account does not exist (or was already linked elsewhere).', field: 'secondaryId' },
  'Main identity cannot be removed.': { code: 'main_identity', hint: "An account's own login cannot be unlinked from it.", field: 'secondaryId' },
  'Invalid token (link_with).': { code: 'invalid_link_with', hint: "Send the secondary account's current ID token.", field: 'linkWith' },
  'JWT (link_with) must have an alg of RS256.': { code: 'invalid_link_with', hint: 'The ID token must be signed with RS256.', field: 'linkWith' },
  'JWT (link_with) must have the same issuer as the calling user.': { code: 'invalid_link_with', hint: 'The ID token must come from the same Auth0 tenant.', field: 'linkWith' },
  'JWT (link_with) must contains sub claim.': { code: 'invalid_link_with', hint: 'The ID token has no subject.', field: 'linkWith' },
  'JWT (link_with) contains an invalid sub claim.': { code: 'invalid_link_with', hint: 'The ID token subject is not a user of this tenant.', field: 'linkWith' },
  'JWT (link_with) contains an invalid aud claim.': { code: 'invalid_link_with', hint: 'The ID token was issued for another application.', field: 'linkWith' },
  "JWT (link_with) must have an aud claim that matches that of the calling token's azp.": { code: 'invalid_link_with', hint: 'The ID token was issued for another application.', field: 'linkWith' },
  'The provider/connection is not configured.': { code: 'connection_not_configured', hint: 'The secondary account’s connection (or the connectionId given) is not enabled in this tenant.' },
  'Unable to link with the secondary account.': { code: 'unable_to_link', hint: 'Auth0 could not link these accounts.' },
  'Linking to an inexistent identity requires a connection.': {
    code: 'inexistent_identity_needs_connection',
    hint: 'The secondary account does not exist; an admin link may name its database connection in connectionId.',
    field: 'secondaryId',
  },
  'Linking to an inexistent identity is not allowed.': { code: 'inexistent_identity', hint: 'The secondary account does not exist in this tenant.', field: 'secondaryId' },
  // Refusals of the forwarded user token (x-auth0-user-authorization); the machine token's are UpstreamAuthErrors.
  'User to be acted on does not match subject in bearer token.': { code: 'subject_mismatch', hint: "Forward the primary user's own Auth0 token.", field: 'primaryId' },
  'Insufficient scope; expected: update:users, update:current_user_identities.': {
    code: 'user_token_scope',
    hint: 'The forwarded Auth0 user token needs the update:current_user_identities scope.',
  },
  'Invalid token.': { code: 'user_token_invalid', hint: 'Forward a current Auth0 Management API token of the primary user.' },
  'The user does not exist.': { code: 'inexistent_user', hint: 'The primary account does not exist.', field: 'primaryId' },
  // (inferred) Auth0 does not document unlinking an identity that is not linked; this is the emulator's text.
  'The identity is not linked to this user.': { code: 'not_linked', hint: 'The secondary account is not linked to this user.', field: 'secondaryId' },
};

export function toRejection(error: unknown): ProviderRejection | null {
  if (!(error instanceof UpstreamStatusError) || error.provider !== 'auth0' || error.status! >= 500) return null;
  const message = (error.body as Partial<Auth0Error> | undefined)?.message;
  const known = message ? KNOWN_MESSAGES[message] : undefined;
  return new ProviderRejection({
    provider: 'auth0',
    providerCode: known?.code ?? error.providerCode ?? `http_${error.status}`,
    message: known ? message! : `Auth0 refused the request (HTTP ${error.status}).`,
    hint: known?.hint ?? null,
    field: known?.field ?? null,
    status: error.status,
  });
}

/**
 * The body linking a secondary account to a primary user: only the secondary's ID token in
 * self-service mode, else its provider and user id (and connection_id when given) in admin mode.
 */
export function toLinkIdentityBody(secondary: { connection: string; userId: string }, mode: Auth0LinkMode): LinkIdentityBody {
  if (mode.kind === 'self-service') return { link_with: mode.linkWith };
  return { provider: secondary.connection, user_id: secondary.userId, ...(mode.connectionId !== null && { connection_id: mode.connectionId }) };
}
