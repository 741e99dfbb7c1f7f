import { decodeJwt } from 'jose';
import type { Context } from '../../context';
import type { LinkInput } from '../../mutations/link';
import { userError, type UserErrorRecord } from '../../mutations/user-errors';
import type { IdOf } from '../../mutations/route';

/** `connection_id` in LinkUserIdentityRequestContent (contract B3). */
export const CONNECTION_ID_PATTERN = /^con_[A-Za-z0-9]{16}$/;
export const AUTH0_USER_AUTHORIZATION_HEADER = 'x-auth0-user-authorization';

/**
 * The two ways Auth0 links an account (seed 004): `self-service` sends the secondary's ID token
 * with the primary user's own token (Auth0 accepts `link_with` only when the ID token's `aud` is
 * the calling token's `azp`, i.e. from the application the user logged in to); `admin` names the
 * secondary by provider and user id with the subgraph's machine token.
 */
export type Auth0LinkMode =
  | { kind: 'self-service'; linkWith: string; userAuthorization: string }
  | { kind: 'admin'; connectionId: string | null };

/** The mode these inputs ask for, or why they cannot be sent; decided without any call. */
export function auth0LinkMode(ctx: Context, primary: IdOf<'auth0'>, input: Pick<LinkInput, 'linkWith' | 'connectionId'>): Auth0LinkMode | UserErrorRecord {
  const { linkWith, connectionId } = input;
  if (connectionId != null) {
    if (linkWith) {
      return userError('INVALID_INPUT', 'connectionId names the secondary account in an admin link; it cannot be sent with linkWith.', { field: 'connectionId', provider: 'auth0' });
    }
    if (!CONNECTION_ID_PATTERN.test(connectionId)) {
      return userError('INVALID_INPUT', `connectionId must be an Auth0 connection id (${CONNECTION_ID_PATTERN.source}).`, { field: 'connectionId', provider: 'auth0' });
    }
  }
  if (!linkWith) return { kind: 'admin', connectionId: connectionId ?? null };

  const userAuthorization = bearerToken(ctx.forwarded.auth0UserAuthorization);
  if (!userAuthorization) {
    return userError(
      'USER_TOKEN_INVALID',
      `Linking with linkWith is sent with the primary user's own Auth0 token: forward it in the ${AUTH0_USER_AUTHORIZATION_HEADER} header ("Bearer <token>", a Management API token with update:current_user_identities).`,
      { provider: 'auth0' },
    );
  }
  const subject = subjectOf(userAuthorization);
  if (subject === undefined) {
    return userError('USER_TOKEN_INVALID', `The ${AUTH0_USER_AUTHORIZATION_HEADER} token is not an Auth0 access token (a JWT).`, { provider: 'auth0' });
  }
  if (subject !== primary.nativeId) {
    return userError('FORBIDDEN', `The ${AUTH0_USER_AUTHORIZATION_HEADER} token belongs to another Auth0 user than primaryId; Auth0 links only into the token's own user.`, {
      field: 'primaryId',
      provider: 'auth0',
    });
  }
  return { kind: 'self-service', linkWith, userAuthorization };
}

/** The token of a forwarded `Bearer <token>` value (the scheme may be left out). */
function bearerToken(value: string | null): string | null {
  const token = value?.trim().replace(/^Bearer(?:\s+|$)/i, '');
  return token || null;
}

/**
 * The token's `sub`, read without verifying it: Auth0 verifies the token; this only stops a call
 * that Auth0 would refuse for naming another user.
 */
function subjectOf(token: string): string | undefined {
  try {
    const { sub } = decodeJwt(token);
    return typeof sub === 'string' ? sub : undefined;
  } catch {
    return undefined;
  }
}
