import type { Context } from '../context';
import type { GlobalId } from '../domain/global-id';
import { isAdmin, isCallerAuth0User } from '../security/authorization';
import { userError, type UserErrorRecord } from './user-errors';

/**
 * Account-takeover protection: without `identities:admin`, a caller may link only accounts it
 * proves it owns. For Auth0 that means its own token subject is the primary, and the secondary is
 * proven by that account's ID token in `linkWith`: an ID token of this tenant issued to one of the
 * configured applications (see Auth0IdTokenVerifier) whose subject is the secondary. Without
 * configured applications nothing can be proven (fail closed). No other combination can be
 * proven, so it needs admin. A tenant whose keys cannot be read throws (PROVIDER_UNAVAILABLE)
 * rather than blaming the caller's token. (BTC Direct linking is proven by the forwarded
 * user token itself; see link-identifier.ts.)
 */
export async function linkOwnershipProblem(ctx: Context, primary: GlobalId, secondary: GlobalId, linkWith: string | null | undefined): Promise<UserErrorRecord | null> {
  if (isAdmin(ctx.caller)) return null;
  if (primary.provider !== 'auth0' || secondary.provider !== 'auth0') return needsAdmin('linking');
  if (!ctx.clients.auth0.idTokens.configured) {
    return userError(
      'FORBIDDEN',
      'Self-service linking is not configured (AUTH0_ID_TOKEN_AUDIENCES names no Auth0 application); linking needs the identities:admin scope.',
      { field: 'linkWith', provider: 'auth0' },
    );
  }
  if (!isCallerAuth0User(ctx.caller, primary.nativeId)) return notYourAccount();
  if (!linkWith) {
    return userError('FORBIDDEN', "Prove you own the secondary account: send its ID token (from a fresh login) in linkWith.", { field: 'linkWith', provider: 'auth0' });
  }
  if ((await ctx.clients.auth0.idTokens.subjectOf(linkWith)) !== secondary.nativeId) {
    return userError('INVALID_LINK_TOKEN', 'linkWith is not a valid, current ID token of the secondary account.', { field: 'linkWith', provider: 'auth0' });
  }
  return null;
}

/** Unlinking splits an account off its owner: the caller must be that owner (or admin). */
export function unlinkOwnershipProblem(ctx: Context, primary: GlobalId, secondary: GlobalId): UserErrorRecord | null {
  if (isAdmin(ctx.caller)) return null;
  if (primary.provider !== 'auth0' || secondary.provider !== 'auth0') return needsAdmin('unlinking');
  return isCallerAuth0User(ctx.caller, primary.nativeId) ? null : notYourAccount();
}

function notYourAccount(): UserErrorRecord {
  return userError('FORBIDDEN', 'Without identities:admin, primaryId must be your own Auth0 user (your token subject).', { field: 'primaryId', provider: 'auth0' });
}

function needsAdmin(what: string): UserErrorRecord {
  return userError('FORBIDDEN', `${what[0].toUpperCase()}${what.slice(1)} these identities needs the identities:admin scope; without it only Auth0 accounts you prove you own can be linked.`, {
    field: 'primaryId',
  });
}
