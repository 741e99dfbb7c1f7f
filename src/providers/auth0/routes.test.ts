import { linkIdentities, unlinkIdentities } from '../../mutations/link';
import { mutationContext, statusError } from '../../../test/support/mutation-context';

/** An unsigned JWT with this subject: the subgraph only reads `sub`, Auth0 verifies the token. */
function userToken(sub: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ sub, scope: 'update:current_user_identities' })}.sig`;
}

const PRIMARY = 'auth0:auth0|65a1a1a1a1a1a1a1a1a1a002';
const SECONDARY = 'auth0:google-oauth2|1150000000000000002';

describe('Auth0 routes', () => {
  it('links by connection and user id for an admin, and forgets both ids', async () => {
    const { ctx, clients, loaders, call } = mutationContext();
    const outcome = await linkIdentities(ctx, { primaryId: PRIMARY, secondaryId: SECONDARY });
    expect(clients.auth0.linkIdentity).toHaveBeenCalledWith(call, 'auth0|65a1a1a1a1a1a1a1a1a1a002', { provider: 'google-oauth2', user_id: '1150000000000000002' }, null);
    expect(outcome).toEqual({ primaryId: PRIMARY, secondaryId: SECONDARY, linkId: null, userErrors: [] });
    expect(loaders.forget).toHaveBeenCalledWith([PRIMARY, SECONDARY]);
  });

  it('links by the secondary ID token, sent with the forwarded user token, when the caller proved it owns both', async () => {
    const token = userToken('auth0|65a1a1a1a1a1a1a1a1a1a002');
    const { ctx, clients, call } = mutationContext({
      admin: false,
      subject: 'auth0|65a1a1a1a1a1a1a1a1a1a002',
      auth0IdTokenSubject: 'google-oauth2|1150000000000000002',
      auth0UserAuthorization: `Bearer ${token}`,
    });
    const outcome = await linkIdentities(ctx, { primaryId: PRIMARY, secondaryId: SECONDARY, linkWith: 'id.token.jwt' });
    expect(clients.auth0.idTokens.subjectOf).toHaveBeenCalledWith('id.token.jwt');
    expect(clients.auth0.linkIdentity).toHaveBeenCalledWith(call, 'auth0|65a1a1a1a1a1a1a1a1a1a002', { link_with: 'id.token.jwt' }, token);
    expect(outcome.userErrors).toEqual([]);
  });

  it('an admin link with linkWith is sent with the forwarded user token too', async () => {
    const token = userToken('auth0|65a1a1a1a1a1a1a1a1a1a002');
    const { ctx, clients, call } = mutationContext({ auth0UserAuthorization: token });
    expect((await linkIdentities(ctx, { primaryId: PRIMARY, secondaryId: SECONDARY, linkWith: 'id.token.jwt' })).userErrors).toEqual([]);
    expect(clients.auth0.linkIdentity).toHaveBeenCalledWith(call, 'auth0|65a1a1a1a1a1a1a1a1a1a002', { link_with: 'id.token.jwt' }, token);
  });

  it('refuses linkWith without the x-auth0-user-authorization header, or with the token of another user, before any call', async () => {
    for (const admin of [false, true]) {
      const missing = mutationContext({ admin, subject: 'auth0|65a1a1a1a1a1a1a1a1a1a002', auth0IdTokenSubject: 'google-oauth2|1150000000000000002' });
      const refused = await linkIdentities(missing.ctx, { primaryId: PRIMARY, secondaryId: SECONDARY, linkWith: 'id.token.jwt' });
      expect(refused.userErrors).toMatchObject([{ code: 'USER_TOKEN_INVALID', provider: 'auth0', message: expect.stringContaining('x-auth0-user-authorization') }]);

      const other = mutationContext({
        admin,
        subject: 'auth0|65a1a1a1a1a1a1a1a1a1a002',
        auth0IdTokenSubject: 'google-oauth2|1150000000000000002',
        auth0UserAuthorization: `Bearer ${userToken('auth0|65a1a1a1a1a1a1a1a1a1a001')}`,
      });
      const mismatch = await linkIdentities(other.ctx, { primaryId: PRIMARY, secondaryId: SECONDARY, linkWith: 'id.token.jwt' });
      expect(mismatch.userErrors).toMatchObject([{ code: 'FORBIDDEN', field: 'primaryId', provider: 'auth0' }]);

      const garbage = mutationContext({ admin, subject: 'auth0|65a1a1a1a1a1a1a1a1a1a002', auth0UserAuthorization: 'Bearer not-a-jwt' });
      const unreadable = await linkIdentities(garbage.ctx, { primaryId: PRIMARY, secondaryId: SECONDARY, linkWith: 'id.token.jwt' });
      expect(unreadable.userErrors).toMatchObject([{ code: 'USER_TOKEN_INVALID', provider: 'auth0' }]);

      for (const { clients } of [missing, other, garbage]) {
        expect(clients.auth0.idTokens.subjectOf).not.toHaveBeenCalled();
        expect(clients.auth0.linkIdentity).not.toHaveBeenCalled();
      }
    }
  });

  it('sends connection_id in an admin link; a malformed one, or one beside linkWith, is INVALID_INPUT without a call', async () => {
    const { ctx, clients, call } = mutationContext();
    const ok = await linkIdentities(ctx, { primaryId: PRIMARY, secondaryId: SECONDARY, connectionId: 'con_Db00000000000001' });
    expect(ok.userErrors).toEqual([]);
    expect(clients.auth0.linkIdentity).toHaveBeenCalledWith(
      call,
      'auth0|65a1a1a1a1a1a1a1a1a1a002',
      { provider: 'google-oauth2', user_id: '1150000000000000002', connection_id: 'con_Db00000000000001' },
      null,
    );
    clients.auth0.linkIdentity.mockClear();
    for (const connectionId of ['con_short', 'Db00000000000001', 'con_Db0000000000000!', 'con_Db000000000000011']) {
      const bad = await linkIdentities(ctx, { primaryId: PRIMARY, secondaryId: SECONDARY, connectionId });
      expect(bad.userErrors).toMatchObject([{ code: 'INVALID_INPUT', field: 'connectionId', provider: 'auth0' }]);
    }
    const both = await linkIdentities(ctx, { primaryId: PRIMARY, secondaryId: SECONDARY, connectionId: 'con_Db00000000000001', linkWith: 'id.token.jwt' });
    expect(both.userErrors).toMatchObject([{ code: 'INVALID_INPUT', field: 'connectionId' }]);
    expect(clients.auth0.linkIdentity).not.toHaveBeenCalled();
  });

  it('refuses a non-admin caller whose ID token names another account, without calling', async () => {
    const { ctx, clients } = mutationContext({
      admin: false,
      subject: 'auth0|65a1a1a1a1a1a1a1a1a1a002',
      auth0IdTokenSubject: 'auth0|someone-else',
      auth0UserAuthorization: userToken('auth0|65a1a1a1a1a1a1a1a1a1a002'),
    });
    const outcome = await linkIdentities(ctx, { primaryId: PRIMARY, secondaryId: SECONDARY, linkWith: 'id.token.jwt' });
    expect(outcome.userErrors).toMatchObject([{ code: 'INVALID_LINK_TOKEN', field: 'linkWith', provider: 'auth0' }]);
    expect(clients.auth0.linkIdentity).not.toHaveBeenCalled();
  });

  it.each<[string, number, string, Record<string, unknown>]>([
    ['an unknown database account without connectionId', 400, 'Linking to an inexistent identity requires a connection.', { code: 'NOT_FOUND', field: 'secondaryId', providerCode: 'inexistent_identity_needs_connection' }],
    ['an unknown account', 400, 'Linking to an inexistent identity is not allowed.', { code: 'NOT_FOUND', field: 'secondaryId', providerCode: 'inexistent_identity' }],
    ['an unknown connection', 400, 'The provider/connection is not configured.', { code: 'INVALID_INPUT', providerCode: 'connection_not_configured' }],
    ['a user token of another user', 403, 'User to be acted on does not match subject in bearer token.', { code: 'FORBIDDEN', field: 'primaryId', providerCode: 'subject_mismatch' }],
    ['a user token without the scope', 403, 'Insufficient scope; expected: update:users, update:current_user_identities.', { code: 'USER_TOKEN_INVALID', providerCode: 'user_token_scope' }],
  ])('maps Auth0 refusing %s to a user error', async (_case, status, message, expected) => {
    const { ctx, clients } = mutationContext();
    clients.auth0.linkIdentity.mockRejectedValue(statusError('auth0', status, { statusCode: status, error: 'Bad Request', message }));
    const outcome = await linkIdentities(ctx, { primaryId: PRIMARY, secondaryId: SECONDARY });
    expect(outcome.userErrors).toMatchObject([{ ...expected, provider: 'auth0', message }]);
  });

  it('maps Auth0 refusals by their fixed message to user error codes', async () => {
    const { ctx, clients } = mutationContext();
    clients.auth0.linkIdentity.mockRejectedValue(statusError('auth0', 409, { statusCode: 409, error: 'Conflict', message: 'Specified identity already exists.' }));
    const outcome = await linkIdentities(ctx, { primaryId: PRIMARY, secondaryId: SECONDARY });
    expect(outcome).toEqual({
      primaryId: null,
      secondaryId: null,
      linkId: null,
      userErrors: [
        {
          code: 'ALREADY_LINKED',
          message: 'Specified identity already exists.',
          field: null,
          provider: 'auth0',
          providerCode: 'identity_already_exists',
          hint: 'The secondary account is already linked to this user.',
          retryable: false,
        },
      ],
    });
  });

  it('unlinks by the secondary connection and user id; "not linked" is NOT_LINKED', async () => {
    const { ctx, clients, call } = mutationContext();
    expect((await unlinkIdentities(ctx, { primaryId: PRIMARY, secondaryId: SECONDARY })).userErrors).toEqual([]);
    expect(clients.auth0.unlinkIdentity).toHaveBeenCalledWith(call, 'auth0|65a1a1a1a1a1a1a1a1a1a002', 'google-oauth2', '1150000000000000002');

    clients.auth0.unlinkIdentity.mockRejectedValue(statusError('auth0', 400, { statusCode: 400, error: 'Bad Request', message: 'The identity is not linked to this user.' }));
    const outcome = await unlinkIdentities(ctx, { primaryId: PRIMARY, secondaryId: SECONDARY });
    expect(outcome.userErrors).toMatchObject([{ code: 'NOT_LINKED', providerCode: 'not_linked', field: 'secondaryId', provider: 'auth0' }]);
  });

  it('lets a 5xx through as a GraphQL error', async () => {
    const { ctx, clients } = mutationContext();
    const outage = statusError('auth0', 503, undefined);
    clients.auth0.linkIdentity.mockRejectedValue(outage);
    await expect(linkIdentities(ctx, { primaryId: PRIMARY, secondaryId: SECONDARY })).rejects.toBe(outage);
  });
});
