import { linkIdentities, unlinkIdentities } from '../../mutations/link';
import { mutationContext, statusError } from '../../../test/support/mutation-context';

const PRIMARY = 'auth0:auth0|65a1a1a1a1a1a1a1a1a1a002';
const SECONDARY = 'auth0:google-oauth2|1150000000000000002';

describe('Auth0 routes', () => {
  it('links by connection and user id for an admin, and forgets both ids', async () => {
    const { ctx, clients, loaders, call } = mutationContext();
    const outcome = await linkIdentities(ctx, { primaryId: PRIMARY, secondaryId: SECONDARY });
    expect(clients.auth0.linkIdentity).toHaveBeenCalledWith(call, 'auth0|65a1a1a1a1a1a1a1a1a1a002', { provider: 'google-oauth2', user_id: '1150000000000000002' });
    expect(outcome).toEqual({ primaryId: PRIMARY, secondaryId: SECONDARY, linkId: null, userErrors: [] });
    expect(loaders.forget).toHaveBeenCalledWith([PRIMARY, SECONDARY]);
  });

  it('links by the secondary ID token when the caller proved it owns both', async () => {
    const { ctx, clients, call } = mutationContext({ admin: false, subject: 'auth0|65a1a1a1a1a1a1a1a1a1a002', auth0IdTokenSubject: 'google-oauth2|1150000000000000002' });
    const outcome = await linkIdentities(ctx, { primaryId: PRIMARY, secondaryId: SECONDARY, linkWith: 'id.token.jwt' });
    expect(clients.auth0.idTokens.subjectOf).toHaveBeenCalledWith('id.token.jwt');
    expect(clients.auth0.linkIdentity).toHaveBeenCalledWith(call, 'auth0|65a1a1a1a1a1a1a1a1a1a002', { link_with: 'id.token.jwt' });
    expect(outcome.userErrors).toEqual([]);
  });

  it('refuses a non-admin caller whose ID token names another account, without calling', async () => {
    const { ctx, clients } = mutationContext({ admin: false, subject: 'auth0|65a1a1a1a1a1a1a1a1a1a002', auth0IdTokenSubject: 'auth0|someone-else' });
    const outcome = await linkIdentities(ctx, { primaryId: PRIMARY, secondaryId: SECONDARY, linkWith: 'id.token.jwt' });
    expect(outcome.userErrors).toMatchObject([{ code: 'INVALID_LINK_TOKEN', field: 'linkWith', provider: 'auth0' }]);
    expect(clients.auth0.linkIdentity).not.toHaveBeenCalled();
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
