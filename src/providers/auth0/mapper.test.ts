import { parseGlobalId } from '../../domain/global-id';
import { UpstreamStatusError } from '../http/errors';
import { ProviderRejection } from '../rejection';
import { identityUserId, readAuth0ErrorCode, toIdentityRecord, toRejection } from './mapper';
import type { Auth0User } from './wire';

const alice: Auth0User = {
  user_id: 'auth0|65a1a1a1a1a1a1a1a1a1a001',
  email: 'alice.martin@example.com',
  email_verified: true,
  phone_number: '+31612345601',
  name: 'Alice Martin',
  nickname: 'alice',
  given_name: 'Alice',
  family_name: 'Martin',
  created_at: '2024-02-01T09:00:00.000Z',
  updated_at: '2024-02-03T09:00:00.000Z',
  identities: [
    { connection: 'Username-Password-Authentication', provider: 'auth0', user_id: '65a1a1a1a1a1a1a1a1a1a001', isSocial: false },
    {
      connection: 'google-oauth2',
      provider: 'google-oauth2',
      user_id: '110000000000000000001',
      isSocial: true,
      profileData: { email: 'alice.g@example.com', name: 'Alice G', email_verified: true },
    },
    { connection: 'github', provider: 'github', user_id: 9100001, isSocial: true },
  ],
};

describe('toIdentityRecord', () => {
  it('maps the root profile', () => {
    expect(toIdentityRecord(alice)).toMatchObject({
      id: 'auth0:auth0|65a1a1a1a1a1a1a1a1a1a001',
      provider: 'auth0',
      nativeId: 'auth0|65a1a1a1a1a1a1a1a1a1a001',
      displayName: 'Alice Martin',
      givenName: 'Alice',
      familyName: 'Martin',
      email: 'alice.martin@example.com',
      emailVerified: true,
      phone: '+31612345601',
      status: 'ACTIVE',
      providerStatus: 'active',
      createdAt: '2024-02-01T09:00:00.000Z',
      updatedAt: '2024-02-03T09:00:00.000Z',
      ssnLast4: null,
    });
  });

  it('skips the primary identity and lists linked logins as accounts with auth0:<provider>|<user_id> ids', () => {
    const { accounts } = toIdentityRecord(alice);
    expect(accounts).toEqual([
      {
        id: 'auth0:google-oauth2|110000000000000000001',
        provider: 'auth0',
        nativeId: 'google-oauth2|110000000000000000001',
        via: 'PROVIDER_ACCOUNT',
        connection: 'google-oauth2',
        isSocial: true,
        displayName: 'Alice G',
        email: 'alice.g@example.com',
      },
      {
        id: 'auth0:github|9100001',
        provider: 'auth0',
        nativeId: 'github|9100001',
        via: 'PROVIDER_ACCOUNT',
        connection: 'github',
        isSocial: true,
        displayName: null,
        email: null,
      },
    ]);
    for (const account of accounts) expect(parseGlobalId(account.id)).toMatchObject({ provider: 'auth0', nativeId: account.nativeId });
  });

  it('recognises a primary identity whose user_id Auth0 sends as a number', () => {
    const user: Auth0User = { user_id: 'sms|12345', identities: [{ connection: 'sms', provider: 'sms', user_id: 12345 }] };
    expect(identityUserId(user.identities![0])).toBe('sms|12345');
    expect(toIdentityRecord(user).accounts).toEqual([]);
  });

  it('falls back to the nickname, reads blocked users and copes with no identities', () => {
    expect(toIdentityRecord({ user_id: 'auth0|x', nickname: 'nick', blocked: true })).toMatchObject({
      displayName: 'nick',
      status: 'BLOCKED',
      providerStatus: 'blocked',
      email: null,
      emailVerified: null,
      accounts: [],
    });
  });
});

describe('errors', () => {
  const statusError = (status: number, body: unknown) =>
    new UpstreamStatusError({ provider: 'auth0', method: 'POST', pathTemplate: '/api/v2/users/{id}/identities', status }, body, readAuth0ErrorCode(body));

  it('reads errorCode from Management API bodies and error from OAuth bodies', () => {
    expect(readAuth0ErrorCode({ statusCode: 404, error: 'Not Found', message: 'The user does not exist.', errorCode: 'inexistent_user' })).toBe('inexistent_user');
    expect(readAuth0ErrorCode({ error: 'access_denied', error_description: 'Unauthorized' })).toBe('access_denied');
    // A Management body without errorCode: its `error` is the reason phrase, not a code.
    expect(readAuth0ErrorCode({ statusCode: 400, error: 'Bad Request', message: 'x' })).toBeUndefined();
    expect(readAuth0ErrorCode('text')).toBeUndefined();
  });

  it('passes on only Auth0\'s known errorCode words; planted text there is dropped', () => {
    expect(readAuth0ErrorCode({ statusCode: 400, error: 'Bad Request', message: 'x', errorCode: 'invalid_body' })).toBe('invalid_body');
    expect(readAuth0ErrorCode({ statusCode: 400, error: 'Bad Request', message: 'x', errorCode: '078-05-1120' })).toBeUndefined();
    expect(readAuth0ErrorCode({ statusCode: 400, error: 'Bad Request', message: 'x', errorCode: 'some_new_code' })).toBeUndefined();
    expect(readAuth0ErrorCode({ error: 'invalid_client', error_description: 'x' })).toBe('invalid_client');
    expect(readAuth0ErrorCode({ error: 'alice.martin@example.com', error_description: 'x' })).toBeUndefined();
  });

  it.each([
    [409, 'Specified identity already exists.', 'identity_already_exists', null],
    [400, 'Main identity and the new one are the same.', 'same_identity', 'secondaryId'],
    [400, 'Provided secondary account not found.', 'secondary_not_found', 'secondaryId'],
    [400, 'Main identity cannot be removed.', 'main_identity', 'secondaryId'],
    [400, 'JWT (link_with) must have an alg of RS256.', 'invalid_link_with', 'linkWith'],
    [404, 'The user does not exist.', 'inexistent_user', 'primaryId'],
  ])('passes the known %i message "%s" through with its code, hint and field', (status, message, code, field) => {
    const rejection = toRejection(statusError(status, { statusCode: status, error: 'x', message }));
    expect(rejection).toBeInstanceOf(ProviderRejection);
    expect(rejection).toMatchObject({ provider: 'auth0', providerCode: code, message, field, status });
    expect(rejection!.hint).toEqual(expect.any(String));
  });

  it('replaces an unknown message with a fixed text (free text may hold personal data)', () => {
    const body = { statusCode: 400, error: 'Bad Request', message: 'User alice.martin@example.com is not allowed to link', errorCode: 'invalid_body' };
    const rejection = toRejection(statusError(400, body))!;
    expect(rejection).toMatchObject({ providerCode: 'invalid_body', message: 'Auth0 refused the request (HTTP 400).', hint: null, field: null });
    expect(JSON.stringify({ ...rejection, message: rejection.message })).not.toContain('alice.martin');
    // A known text with something appended is not a known text.
    expect(toRejection(statusError(409, { message: 'Specified identity already exists. alice.martin@example.com' }))!.message).toBe('Auth0 refused the request (HTTP 409).');
    expect(toRejection(statusError(403, undefined))).toMatchObject({ providerCode: 'http_403' });
  });

  it('leaves 5xx, other providers and other errors alone', () => {
    expect(toRejection(statusError(503, { message: 'Specified identity already exists.' }))).toBeNull();
    expect(toRejection(new UpstreamStatusError({ provider: 'verifa', method: 'GET', pathTemplate: '/x', status: 409 }, { message: 'Specified identity already exists.' }))).toBeNull();
    expect(toRejection(new Error('Specified identity already exists.'))).toBeNull();
  });
});
