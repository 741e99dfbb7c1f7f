import type { OwnershipProof } from '../../mutations/ownership';
import type { IdOf } from '../../mutations/route';
import { userError, type UserErrorRecord } from '../../mutations/user-errors';
import { isCallerAuth0User } from '../../security/authorization';
import { auth0LinkMode } from './link-mode';

/**
 * Self-service Auth0 linking: the caller's own token subject is the primary, and so is the
 * subject of the forwarded Auth0 user token (x-auth0-user-authorization) the link is sent with;
 * the secondary is proven by that account's ID token in `linkWith`: an ID token of this tenant
 * issued to one of the configured applications (see Auth0IdTokenVerifier) whose subject is the
 * secondary. Without configured applications nothing can be proven (fail closed). Everything but
 * the ID token's signature is checked before the tenant's keys are fetched. A tenant whose keys
 * cannot be read throws (PROVIDER_UNAVAILABLE) rather than blaming the caller's token.
 */
export const auth0Ownership: OwnershipProof<IdOf<'auth0'>> = {
  async link(ctx, primary, secondary, { linkWith, connectionId }) {
    const idTokens = ctx.clients.auth0.idTokens;
    if (!idTokens.configured) {
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
    const mode = auth0LinkMode(ctx, primary, { linkWith, connectionId });
    if ('code' in mode) return mode;
    if ((await idTokens.subjectOf(linkWith)) !== secondary.nativeId) {
      return userError('INVALID_LINK_TOKEN', 'linkWith is not a valid, current ID token of the secondary account.', { field: 'linkWith', provider: 'auth0' });
    }
    return null;
  },

  unlink(ctx, primary) {
    return isCallerAuth0User(ctx.caller, primary.nativeId) ? null : notYourAccount();
  },
};

function notYourAccount(): UserErrorRecord {
  return userError('FORBIDDEN', 'Without identities:admin, primaryId must be your own Auth0 user (your token subject).', { field: 'primaryId', provider: 'auth0' });
}
