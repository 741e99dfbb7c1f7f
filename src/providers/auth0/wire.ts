/**
 * Auth0 Management API v2 (users and identities) and the Authentication API token endpoint,
 * exactly as they answer. Source: reference contract Part B and the derived OAS subset.
 */

import { arrayOf, isBoolean, isNonEmptyString, isNumber, isRecord, isString, optional, optionalStrings } from '../http/shape';

/** Management API error body. `errorCode` is not in the spec but real answers carry it. */
export interface Auth0Error {
  statusCode: number;
  error: string;
  message: string;
  errorCode?: string;
}

/** Authentication API (`/oauth/token`) error body: the OAuth shape. */
export interface Auth0OAuthError {
  error: string;
  error_description?: string;
}

export interface ClientCredentialsRequest {
  grant_type: 'client_credentials';
  client_id: string;
  client_secret: string;
  audience: string;
}

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope?: string;
}

export interface Auth0ProfileData {
  email?: string;
  email_verified?: boolean;
  name?: string;
  username?: string;
  given_name?: string;
  family_name?: string;
  phone_number?: string;
  phone_verified?: boolean;
  [extra: string]: unknown;
}

export interface Auth0UserIdentity {
  connection: string;
  /** Only the part after `|`; some providers use numbers. */
  user_id: string | number;
  provider: string;
  isSocial?: boolean;
  profileData?: Auth0ProfileData;
}

export interface Auth0User {
  user_id: string;
  email?: string;
  email_verified?: boolean;
  username?: string;
  phone_number?: string;
  phone_verified?: boolean;
  created_at?: string;
  updated_at?: string;
  identities?: Auth0UserIdentity[];
  app_metadata?: Record<string, unknown>;
  user_metadata?: Record<string, unknown>;
  picture?: string;
  name?: string;
  nickname?: string;
  given_name?: string;
  family_name?: string;
  blocked?: boolean;
  last_login?: string;
  logins_count?: number;
}

/** GET /users answers a bare array, or a wrapper with include_totals=true. */
export type ListUsersResponse = Auth0User[] | { start: number; limit: number; length: number; total: number; users: Auth0User[] };

/** POST /users/{id}/identities body: admin mode (b) or ID-token mode (a), never both. */
export type LinkIdentityBody =
  | { provider: string; user_id: string | number; connection_id?: string }
  | { link_with: string };

// Shape checks of the answers the client and mapper read (see ../http/shape.ts).

const USER_STRINGS = ['email', 'name', 'nickname', 'given_name', 'family_name', 'phone_number', 'created_at', 'updated_at'] as const;

export function isAuth0UserIdentity(body: unknown): body is Auth0UserIdentity {
  return (
    isRecord(body) &&
    isNonEmptyString(body.provider) &&
    isString(body.connection) &&
    (isNonEmptyString(body.user_id) || isNumber(body.user_id)) &&
    optional(body.isSocial, isBoolean) &&
    optional(body.profileData, (profile) => isRecord(profile) && optionalStrings(profile, ['name', 'email']))
  );
}

export function isAuth0User(body: unknown): body is Auth0User {
  return (
    isRecord(body) &&
    isNonEmptyString(body.user_id) &&
    optionalStrings(body, USER_STRINGS) &&
    optional(body.email_verified, isBoolean) &&
    optional(body.blocked, isBoolean) &&
    optional(body.identities, (identities) => arrayOf(identities, isAuth0UserIdentity))
  );
}

export function isListUsersResponse(body: unknown): body is ListUsersResponse {
  return arrayOf(body, isAuth0User) || (isRecord(body) && arrayOf(body.users, isAuth0User));
}

/** `GET /api/v2/users-by-email`: a bare array of users. */
export function isUserArray(body: unknown): body is Auth0User[] {
  return arrayOf(body, isAuth0User);
}

/** The identities a link or unlink answers; an empty answer is read as none. */
export function isIdentityList(body: unknown): body is Auth0UserIdentity[] | undefined {
  return body === undefined || arrayOf(body, isAuth0UserIdentity);
}

export function isTokenResponse(body: unknown): body is TokenResponse {
  return isRecord(body) && isNonEmptyString(body.access_token) && isNumber(body.expires_in);
}
