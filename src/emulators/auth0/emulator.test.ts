import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import {
  componentSchema,
  declaredOperations,
  loadSpec,
  responseSchema,
  undeclaredFields,
} from '../../../test/support/openapi-subset';
import { DEMO_CREDENTIALS, DEMO_PEOPLE, DEMO_STANDALONE_AUTH0_USERS } from '../seed';
import { startAuth0Emulator, type RunningAuth0Emulator } from './emulator';
import { MANAGEMENT_BASE_PATH, MANAGEMENT_ROUTES } from './handler';
import type { IdTokenOverrides } from './tokens';

const { clientId, clientSecret, frontendClientId } = DEMO_CREDENTIALS.auth0;
const [alice, bob, , dan] = DEMO_PEOPLE;
const [bobWork, danGoogle] = DEMO_STANDALONE_AUTH0_USERS;

interface Answer {
  status: number;
  headers: Headers;
  json: any;
}

let auth0: RunningAuth0Emulator;
let adminToken: string;

beforeAll(async () => {
  auth0 = await startAuth0Emulator();
  adminToken = await clientCredentialsToken(auth0);
});

afterAll(async () => {
  await auth0.close();
});

async function send(url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : undefined };
}

function postToken(params: Record<string, string>, emulator = auth0): Promise<Answer> {
  return send(`${emulator.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
}

async function clientCredentialsToken(emulator: RunningAuth0Emulator, scope?: string): Promise<string> {
  const answer = await postToken(
    {
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
      audience: `${emulator.url}/api/v2/`,
      ...(scope && { scope }),
    },
    emulator,
  );
  return answer.json.access_token;
}

function passwordGrant(username: string, password: string, extra: Record<string, string> = {}): Promise<Answer> {
  return postToken({ grant_type: 'password', client_id: clientId, client_secret: clientSecret, username, password, ...extra });
}

function management(method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  const token = options.token ?? adminToken;
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  return send(`${auth0.url}/api/v2${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
}

const userPath = (userId: string) => `/users/${encodeURIComponent(userId)}`;
const search = (q: string, extra = '') => management('GET', `/users?q=${encodeURIComponent(q)}&search_engine=v3${extra}`);

function expectError(answer: Answer, status: number, message: string, errorCode?: string): void {
  expect(answer.status).toBe(status);
  expect(answer.json).toMatchObject({ statusCode: status, message, ...(errorCode && { errorCode }) });
  expect(typeof answer.json.error).toBe('string');
}

describe('Authentication API', () => {
  it('issues an RS256 Management API token for the client credentials grant, verifiable with the JWKS', async () => {
    const answer = await postToken({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
      audience: `${auth0.url}/api/v2/`,
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ token_type: 'Bearer', expires_in: 86400, scope: 'read:users update:users' });

    const jwks = (await send(`${auth0.url}/.well-known/jwks.json`)).json;
    const { payload, protectedHeader } = await jwtVerify(answer.json.access_token, createLocalJWKSet(jwks), {
      issuer: auth0.issuer,
      audience: `${auth0.url}/api/v2/`,
    });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload).toMatchObject({ azp: clientId, scope: 'read:users update:users' });
    expect(auth0.issuer).toBe(`${auth0.baseUrl}/`);
  });

  it('accepts a form-encoded token request', async () => {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
      audience: `${auth0.url}/api/v2/`,
    });
    const answer = await send(`${auth0.url}/oauth/token`, { method: 'POST', body: form });
    expect(answer.status).toBe(200);
    expect(answer.json.access_token).toEqual(expect.any(String));
  });

  it('refuses a wrong client with the OAuth error shape', async () => {
    const answer = await postToken({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: 'wrong',
      audience: `${auth0.url}/api/v2/`,
    });
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({ error: 'access_denied', error_description: 'Unauthorized' });
  });

  it.each<[Record<string, string>, number, string]>([
    [{}, 400, 'invalid_request'],
    [{ grant_type: 'authorization_code' }, 400, 'unsupported_grant_type'],
    [{ grant_type: 'client_credentials' }, 400, 'invalid_request'],
    [{ grant_type: 'client_credentials', audience: 'https://elsewhere/api/' }, 403, 'access_denied'],
    [{ grant_type: 'client_credentials', audience: 'AUDIENCE', scope: 'delete:users' }, 403, 'access_denied'],
  ])('refuses the bad grant %j', async (params, status, error) => {
    const audience = params.audience === 'AUDIENCE' ? `${auth0.url}/api/v2/` : params.audience;
    const answer = await postToken({ client_id: clientId, client_secret: clientSecret, ...params, ...(audience && { audience }) });
    expect(answer.status).toBe(status);
    expect(answer.json).toEqual({ error, error_description: expect.any(String) });
  });

  it('issues an ID token for the password grant: iss = tenant, aud = client id, sub = user_id', async () => {
    const answer = await passwordGrant(alice.email, 'demo-password-alice', { scope: 'openid profile email' });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ token_type: 'Bearer', expires_in: 86400 });
    const jwks = createLocalJWKSet((await send(`${auth0.url}/.well-known/jwks.json`)).json);
    const { payload } = await jwtVerify(answer.json.id_token, jwks, { issuer: auth0.issuer, audience: clientId });
    expect(payload).toMatchObject({ sub: alice.auth0UserId, email: alice.email, name: 'Alice Martin' });
  });

  it('tells the two users sharing an e-mail apart by password, and issues no ID token without openid', async () => {
    const standalone = await passwordGrant(danGoogle.email, 'demo-password-standalone');
    expect(standalone.status).toBe(200);
    expect(standalone.json.id_token).toBeUndefined();
    expect(decodeJwt(standalone.json.access_token).sub).toBe(danGoogle.userId);

    const refused = await passwordGrant(dan.email, 'not-the-password', { scope: 'openid' });
    expect(refused.status).toBe(403);
    expect(refused.json).toEqual({ error: 'invalid_grant', error_description: 'Wrong email or password.' });
  });
});

describe('Management API authentication, scopes and rate-limit headers', () => {
  it('refuses a missing, malformed or foreign token with 401', async () => {
    const missing = await send(`${auth0.url}/api/v2${userPath(alice.auth0UserId)}`);
    expectError(missing, 401, 'Missing authentication', 'invalid_token');
    expectError(await management('GET', userPath(alice.auth0UserId), { token: 'not-a-jwt' }), 401, 'Invalid token.', 'invalid_token');

    const otherTenant = await startAuth0Emulator({ seed: false });
    try {
      const foreign = await clientCredentialsToken(otherTenant);
      const answer = await management('GET', userPath(alice.auth0UserId), { token: foreign });
      expectError(answer, 401, 'Invalid signature received for JSON Web Token validation.', 'invalid_token');
    } finally {
      await otherTenant.close();
    }
  });

  it('refuses an expired token with 401 "Invalid token."', async () => {
    const shortLived = await startAuth0Emulator({ tokenTtlSeconds: 0 });
    try {
      const token = await clientCredentialsToken(shortLived);
      const answer = await send(`${shortLived.url}/api/v2${userPath(alice.auth0UserId)}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expectError(answer, 401, 'Invalid token.', 'invalid_token');
    } finally {
      await shortLived.close();
    }
  });

  it('answers 403 with the exact insufficient-scope messages', async () => {
    const writeOnly = await clientCredentialsToken(auth0, 'update:users');
    const readOnly = await clientCredentialsToken(auth0, 'read:users');
    expectError(
      await management('GET', '/users', { token: writeOnly }),
      403,
      'Insufficient scope, expected any of: read:users.',
      'insufficient_scope',
    );
    expectError(
      await management('GET', userPath(alice.auth0UserId), { token: writeOnly }),
      403,
      'Insufficient scope; expected any of: read:users, read:user_idp_tokens, read:current_user.',
      'insufficient_scope',
    );
    const linkBody = { provider: 'auth0', user_id: '65a1a1a1a1a1a1a1a1a1b002' };
    const identityMessage = 'Insufficient scope; expected: update:users, update:current_user_identities.';
    const link = await management('POST', `${userPath(bob.auth0UserId)}/identities`, { token: readOnly, body: linkBody });
    expectError(link, 403, identityMessage, 'insufficient_scope');
    expectError(
      await management('DELETE', `${userPath(alice.auth0UserId)}/identities/github/9100001`, { token: readOnly }),
      403,
      identityMessage,
      'insufficient_scope',
    );
  });

  it('lets a user token with read:current_user read only its own user', async () => {
    const login = await passwordGrant(bob.email, 'demo-password-bob', {
      scope: 'openid read:current_user',
      audience: `${auth0.url}/api/v2/`,
    });
    const own = await management('GET', userPath(bob.auth0UserId), { token: login.json.access_token });
    expect(own.status).toBe(200);
    const other = await management('GET', userPath(alice.auth0UserId), { token: login.json.access_token });
    expectError(other, 403, 'User to be acted on does not match subject in bearer token.');
  });

  it('puts X-RateLimit-Limit/Remaining/Reset (epoch seconds) on every answer', async () => {
    for (const answer of [await management('GET', userPath(alice.auth0UserId)), await management('GET', userPath('auth0|nobody'))]) {
      expect(Number(answer.headers.get('x-ratelimit-limit'))).toBeGreaterThan(0);
      expect(Number(answer.headers.get('x-ratelimit-remaining'))).toBeGreaterThanOrEqual(0);
      const reset = Number(answer.headers.get('x-ratelimit-reset'));
      expect(Math.abs(reset - Date.now() / 1000)).toBeLessThan(60);
    }
  });

  it('answers 429 too_many_requests once the bucket is empty', async () => {
    const limited = await startAuth0Emulator({ seed: false, rateLimit: { burst: 1, perSecond: 0.01 } });
    try {
      const token = await clientCredentialsToken(limited);
      const get = () => send(`${limited.url}/api/v2/users`, { headers: { authorization: `Bearer ${token}` } });
      expect((await get()).status).toBe(200);
      const refused = await get();
      expectError(refused, 429, 'Global limit has been reached', 'too_many_requests');
      expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    } finally {
      await limited.close();
    }
  });
});

describe('GET /api/v2/users-by-email', () => {
  it('answers a bare array of the users with exactly that e-mail', async () => {
    const answer = await management('GET', `/users-by-email?email=${encodeURIComponent(alice.email)}`);
    expect(answer.status).toBe(200);
    expect(answer.json.map((user: any) => user.user_id)).toEqual([alice.auth0UserId]);
    // Case-sensitive, as the contract says (Auth0 keeps e-mails lower-cased).
    const upper = await management('GET', `/users-by-email?email=${encodeURIComponent(alice.email.toUpperCase())}`);
    expect(upper.json).toEqual([]);
  });

  it('refuses a lookup without email', async () => {
    expectError(await management('GET', '/users-by-email'), 400, 'Query validation error: missing required parameter email.', 'invalid_query_string');
  });
});

describe('GET /api/v2/users/{id}', () => {
  it('returns the seeded user with its linked identities and metadata', async () => {
    const answer = await management('GET', userPath(alice.auth0UserId));
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      user_id: alice.auth0UserId,
      email: alice.email,
      email_verified: true,
      name: 'Alice Martin',
      given_name: 'Alice',
      family_name: 'Martin',
      phone_number: alice.phone,
      created_at: alice.createdAt,
      blocked: false,
      app_metadata: expect.any(Object),
      user_metadata: expect.any(Object),
    });
    expect(answer.json.identities).toEqual([
      { connection: 'Username-Password-Authentication', provider: 'auth0', user_id: '65a1a1a1a1a1a1a1a1a1a001', isSocial: false },
      expect.objectContaining({
        provider: 'google-oauth2',
        user_id: '110000000000000000001',
        profileData: expect.objectContaining({ email: alice.email }),
      }),
      expect.objectContaining({ provider: 'github', user_id: '9100001', isSocial: true }),
    ]);
  });

  it('answers 400 invalid_uri for a path that cannot be decoded, 404 for an unknown route', async () => {
    expectError(await management('GET', '/users/auth0%E0%A4%A'), 400, 'Invalid request URI.', 'invalid_uri');
    expect((await management('GET', '/connections')).status).toBe(404);
  });

  it('answers 404 inexistent_user for an unknown id', async () => {
    const answer = await management('GET', userPath('auth0|does-not-exist'));
    expect(answer.status).toBe(404);
    expect(answer.json).toEqual({ statusCode: 404, error: 'Not Found', message: 'The user does not exist.', errorCode: 'inexistent_user' });
  });

  it('projects with fields/include_fields', async () => {
    const picked = await management('GET', `${userPath(alice.auth0UserId)}?fields=user_id,email`);
    expect(picked.json).toEqual({ user_id: alice.auth0UserId, email: alice.email });
    const dropped = await management('GET', `${userPath(alice.auth0UserId)}?fields=identities&include_fields=false`);
    expect(dropped.json.identities).toBeUndefined();
    expect(dropped.json.user_id).toBe(alice.auth0UserId);
  });
});

describe('GET /api/v2/users', () => {
  it('fetches a batch of users by id with one OR query', async () => {
    const q = `user_id:("${alice.auth0UserId}" OR "${bob.auth0UserId}" OR "auth0|missing")`;
    const answer = await search(q, '&per_page=100');
    expect(answer.status).toBe(200);
    expect(answer.json.map((user: { user_id: string }) => user.user_id).sort()).toEqual([alice.auth0UserId, bob.auth0UserId]);
  });

  it('finds a user by a single id, by e-mail, and by a linked identity', async () => {
    expect((await search(`user_id:"${bob.auth0UserId}"`)).json).toHaveLength(1);
    const byEmail = (await search(`email:"${dan.email.toUpperCase()}"`)).json;
    expect(byEmail.map((user: { user_id: string }) => user.user_id).sort()).toEqual([dan.auth0UserId, danGoogle.userId].sort());
    const owner = await search('identities.user_id:"9100001" AND identities.provider:"github"');
    expect(owner.json.map((user: { user_id: string }) => user.user_id)).toEqual([alice.auth0UserId]);
  });

  it('wraps the page in {start, limit, length, total, users} with include_totals', async () => {
    const answer = await management('GET', '/users?page=1&per_page=2&include_totals=true');
    expect(answer.status).toBe(200);
    const seededUsers = DEMO_PEOPLE.length + DEMO_STANDALONE_AUTH0_USERS.length;
    expect(answer.json).toMatchObject({ start: 2, limit: 2, length: 2, total: seededUsers });
    expect(answer.json.users).toHaveLength(2);
  });

  it('pages through bulk users and returns at most 50 without paging parameters', async () => {
    const bulk = await startAuth0Emulator({ seed: false });
    try {
      for (let index = 0; index < 120; index++) bulk.store.addUser({ userId: `auth0|bulk${index}`, email: `bulk${index}@example.com` });
      const token = await clientCredentialsToken(bulk);
      const get = (query: string) => send(`${bulk.url}/api/v2/users${query}`, { headers: { authorization: `Bearer ${token}` } });
      expect((await get('')).json).toHaveLength(50);
      const lastPage = await get('?page=1&per_page=100&include_totals=true');
      expect(lastPage.json).toMatchObject({ start: 100, length: 20, total: 120 });
      expect(lastPage.json.users[0].user_id).toBe('auth0|bulk100');
    } finally {
      await bulk.close();
    }
  });

  it.each([
    ['/users?per_page=101', 'per_page'],
    ['/users?page=-1', 'page'],
    ['/users?page=abc', 'page'],
    ['/users?include_totals=maybe', 'include_totals'],
  ])('refuses %s with 400 invalid_query_string', async (path, field) => {
    const answer = await management('GET', path);
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ errorCode: 'invalid_query_string', message: expect.stringContaining(field) });
  });

  it('refuses to page past the first 1000 records', async () => {
    const answer = await management('GET', '/users?page=10&per_page=100');
    expect(answer.status).toBe(400);
    expect(answer.json.errorCode).toBe('invalid_query_string');
    expect(answer.json.message).toMatch(/^You can only page through the first 1000 records\. /);
  });

  it.each([
    ['q without search_engine', `/users?q=${encodeURIComponent('email:"a@b.c"')}`],
    ['search_engine v2', `/users?q=${encodeURIComponent('email:"a@b.c"')}&search_engine=v2`],
    ['search_engine v1', '/users?search_engine=v1'],
    ['an unquoted value', `/users?q=${encodeURIComponent('email:a@b.c')}&search_engine=v3`],
    ['a lower-case operator', `/users?q=${encodeURIComponent('user_id:("a" or "b")')}&search_engine=v3`],
    ['a top-level OR', `/users?q=${encodeURIComponent('user_id:"a" OR user_id:"b"')}&search_engine=v3`],
    ['an unsupported field', `/users?q=${encodeURIComponent('logins_count:"3"')}&search_engine=v3`],
  ])('refuses %s with 400 invalid_query_string', async (_case, path) => {
    const answer = await management('GET', path);
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ statusCode: 400, error: 'Bad Request', errorCode: 'invalid_query_string' });
  });

  it('sorts by a root field', async () => {
    const answer = await management('GET', '/users?sort=email:-1&fields=email');
    const emails = answer.json.map((user: { email: string }) => user.email);
    expect(emails).toEqual([...emails].sort().reverse());
  });

  it('is eventually consistent: search sees a write only after searchLagMs', async () => {
    const lagging = await startAuth0Emulator({ seed: false, searchLagMs: 150 });
    try {
      const token = await clientCredentialsToken(lagging);
      lagging.store.addUser({ userId: 'auth0|fresh', email: 'fresh@example.com' });
      const find = () =>
        send(`${lagging.url}/api/v2/users?q=${encodeURIComponent('user_id:"auth0|fresh"')}&search_engine=v3`, {
          headers: { authorization: `Bearer ${token}` },
        });
      expect((await find()).json).toEqual([]);
      const byId = await send(`${lagging.url}/api/v2${userPath('auth0|fresh')}`, { headers: { authorization: `Bearer ${token}` } });
      expect(byId.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect((await find()).json).toHaveLength(1);
    } finally {
      await lagging.close();
    }
  });
});

describe('POST /api/v2/users/{id}/identities', () => {
  function addPair(tag: string): { primary: string; secondary: string } {
    auth0.store.addUser({
      userId: `auth0|primary${tag}`,
      email: `primary${tag}@example.com`,
      name: 'Primary',
      userMetadata: { keep: true },
    });
    auth0.store.addUser({
      userId: `google-oauth2|secondary${tag}`,
      email: `secondary${tag}@example.com`,
      name: 'Secondary',
      password: `pw-${tag}`,
      userMetadata: { lost: true },
    });
    return { primary: `auth0|primary${tag}`, secondary: `google-oauth2|secondary${tag}` };
  }

  it('links by provider + user_id: 201 with the identities, secondary gone, primary profile kept', async () => {
    const { primary, secondary } = addPair('b1');
    const answer = await management('POST', `${userPath(primary)}/identities`, {
      body: { provider: 'google-oauth2', user_id: 'secondaryb1' },
    });
    expect(answer.status).toBe(201);
    expect(answer.json).toEqual([
      expect.objectContaining({ provider: 'auth0', user_id: 'primaryb1' }),
      {
        connection: 'google-oauth2',
        provider: 'google-oauth2',
        user_id: 'secondaryb1',
        isSocial: true,
        profileData: { email: 'secondaryb1@example.com', email_verified: true, name: 'Secondary' },
      },
    ]);
    expect((await management('GET', userPath(secondary))).status).toBe(404);
    const kept = (await management('GET', userPath(primary))).json;
    expect(kept).toMatchObject({ name: 'Primary', email: 'primaryb1@example.com', user_metadata: { keep: true } });
  });

  it('links the seeded standalone work login, naming its connection_id', async () => {
    const answer = await management('POST', `${userPath(bob.auth0UserId)}/identities`, {
      body: { provider: 'auth0', user_id: bobWork.userId.split('|')[1], connection_id: 'con_Db00000000000001' },
    });
    expect(answer.status).toBe(201);
    expect(answer.json).toHaveLength(2);
  });

  it('accepts an integer user_id', async () => {
    auth0.store.addUser({ userId: 'github|424242', email: 'int@example.com' });
    const answer = await management('POST', `${userPath(dan.auth0UserId)}/identities`, { body: { provider: 'github', user_id: 424242 } });
    expect(answer.status).toBe(201);
    expect(answer.json.at(-1)).toMatchObject({ provider: 'github', user_id: '424242' });
  });

  it('answers 409 for an identity that is already linked', async () => {
    const answer = await management('POST', `${userPath(bob.auth0UserId)}/identities`, {
      body: { provider: 'github', user_id: '9100001' },
    });
    expectError(answer, 409, 'Specified identity already exists.');
  });

  it.each<[string, Record<string, string>, string]>([
    ['linking a user to itself', { provider: 'auth0', user_id: 'primaryb2' }, 'Main identity and the new one are the same.'],
    ['an unknown social secondary', { provider: 'google-oauth2', user_id: 'nobody' }, 'Linking to an inexistent identity is not allowed.'],
    ['an unknown database secondary without connection_id', { provider: 'auth0', user_id: 'nobody' }, 'Linking to an inexistent identity requires a connection.'],
    [
      'an unknown database secondary with connection_id',
      { provider: 'auth0', user_id: 'nobody', connection_id: 'con_Db00000000000001' },
      'Linking to an inexistent identity is not allowed.',
    ],
    ['a provider without a connection', { provider: 'facebook', user_id: '1' }, 'The provider/connection is not configured.'],
    [
      'an unknown connection_id',
      { provider: 'google-oauth2', user_id: 'secondaryb2', connection_id: 'con_Zz00000000000000' },
      'The provider/connection is not configured.',
    ],
    [
      'a connection_id of another connection',
      { provider: 'google-oauth2', user_id: 'secondaryb2', connection_id: 'con_Db00000000000001' },
      'The provider/connection is not configured.',
    ],
    [
      'a secondary with linked accounts of its own',
      { provider: 'auth0', user_id: '65a1a1a1a1a1a1a1a1a1a001' },
      'Unable to link with the secondary account.',
    ],
  ])('answers 400 for %s', async (_case, body, message) => {
    if (!auth0.store.getUser('auth0|primaryb2')) addPair('b2');
    expectError(await management('POST', `${userPath('auth0|primaryb2')}/identities`, { body }), 400, message);
  });

  it.each([
    ['link_with mixed with provider', { link_with: 'x.y.z', provider: 'auth0' }],
    ['a missing provider', { user_id: 'abc' }],
    ['a provider outside the enum', { provider: 'myspace', user_id: 'abc' }],
    ['a missing user_id', { provider: 'auth0' }],
    ['an empty user_id', { provider: 'auth0', user_id: '' }],
    ['a connection_id breaking the pattern', { provider: 'auth0', user_id: 'abc', connection_id: 'con_short' }],
    ['an unknown property', { provider: 'auth0', user_id: 'abc', extra: 1 }],
  ])('answers 400 invalid_body for %s', async (_case, body) => {
    const answer = await management('POST', `${userPath(alice.auth0UserId)}/identities`, { body });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ statusCode: 400, error: 'Bad Request', errorCode: 'invalid_body' });
  });

  it('accepts a form-encoded body', async () => {
    const { primary } = addPair('f1');
    const answer = await send(`${auth0.url}/api/v2${userPath(primary)}/identities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}` },
      body: new URLSearchParams({ provider: 'google-oauth2', user_id: 'secondaryf1' }),
    });
    expect(answer.status).toBe(201);
  });

  it('answers 400 invalid_body for a body that is not JSON', async () => {
    const answer = await send(`${auth0.url}/api/v2${userPath(alice.auth0UserId)}/identities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: '{"provider":',
    });
    expectError(answer, 400, 'Invalid request payload JSON format', 'invalid_body');
  });

  it('answers 404 inexistent_user for an unknown primary', async () => {
    const answer = await management('POST', `${userPath('auth0|ghost')}/identities`, { body: { provider: 'auth0', user_id: 'x' } });
    expectError(answer, 404, 'The user does not exist.', 'inexistent_user');
  });

  it('links with link_with: the secondary ID token from the password grant', async () => {
    const { primary, secondary } = addPair('a1');
    const login = await passwordGrant('secondarya1@example.com', 'pw-a1', { scope: 'openid' });
    const answer = await management('POST', `${userPath(primary)}/identities`, { body: { link_with: login.json.id_token } });
    expect(answer.status).toBe(201);
    expect(answer.json.at(-1)).toMatchObject({ provider: 'google-oauth2', user_id: 'secondarya1' });
    expect((await management('GET', userPath(secondary))).status).toBe(404);
  });

  it('links with link_with from a user token holding update:current_user_identities on its own user', async () => {
    const { primary } = addPair('a2');
    auth0.store.addUser({ userId: 'auth0|selfa2', email: 'selfa2@example.com', password: 'self-pw' });
    // The frontend's own login: its ID tokens and user tokens are both issued to it (aud = azp).
    const login = await postToken({
      grant_type: 'password',
      client_id: frontendClientId,
      username: 'selfa2@example.com',
      password: 'self-pw',
      scope: 'openid update:current_user_identities',
      audience: `${auth0.url}/api/v2/`,
    });
    expect(decodeJwt(login.json.access_token)).toMatchObject({ sub: 'auth0|selfa2', azp: frontendClientId });
    const idToken = await auth0.mintIdToken('google-oauth2|secondarya2');
    const own = await management('POST', `${userPath('auth0|selfa2')}/identities`, {
      token: login.json.access_token,
      body: { link_with: idToken },
    });
    expect(own.status).toBe(201);
    const someoneElse = await management('POST', `${userPath(primary)}/identities`, {
      token: login.json.access_token,
      body: { link_with: idToken },
    });
    expectError(someoneElse, 403, 'User to be acted on does not match subject in bearer token.');
    const byFields = await management('POST', `${userPath('auth0|selfa2')}/identities`, {
      token: login.json.access_token,
      body: { provider: 'google-oauth2', user_id: 'secondarya2' },
    });
    expectError(byFields, 403, 'Insufficient scope; expected: update:users, update:current_user_identities.', 'insufficient_scope');
  });

  it.each<[string, IdTokenOverrides, string]>([
    ['an HS256 token', { alg: 'HS256' }, 'JWT (link_with) must have an alg of RS256.'],
    ['a token signed by another key', { foreignKey: true }, 'Invalid token (link_with).'],
    ['an expired token', { claims: { exp: Math.floor(Date.now() / 1000) - 60 } }, 'Invalid token (link_with).'],
    ['another issuer', { claims: { iss: 'https://other-tenant.example/' } }, 'JWT (link_with) must have the same issuer as the calling user.'],
    ['no sub', { claims: { sub: undefined } }, 'JWT (link_with) must contains sub claim.'],
    ['a sub that is no user_id', { claims: { sub: 'plain' } }, 'JWT (link_with) contains an invalid sub claim.'],
    ['another audience', { claims: { aud: 'another-client' } }, "JWT (link_with) must have an aud claim that matches that of the calling token's azp."],
  ])('refuses link_with with %s', async (_case, overrides, message) => {
    if (!auth0.store.getUser('auth0|primarya3')) addPair('a3');
    const idToken = await auth0.mintIdToken('google-oauth2|secondarya3', overrides);
    const token = await auth0.mintUserToken('auth0|primarya3');
    const answer = await management('POST', `${userPath('auth0|primarya3')}/identities`, { token, body: { link_with: idToken } });
    expectError(answer, 400, message);
  });

  it("refuses the frontend's ID token sent with the machine token: its aud is not the machine client (azp)", async () => {
    const { primary } = addPair('a5');
    const idToken = await auth0.mintIdToken('google-oauth2|secondarya5');
    const answer = await management('POST', `${userPath(primary)}/identities`, { body: { link_with: idToken } });
    expectError(answer, 400, "JWT (link_with) must have an aud claim that matches that of the calling token's azp.", 'invalid_body');
    expect(auth0.store.getUser('google-oauth2|secondarya5')).toBeDefined();
  });

  it("refuses a user token without update:current_user_identities, or of another user than the primary", async () => {
    const { primary } = addPair('a6');
    const idToken = await auth0.mintIdToken('google-oauth2|secondarya6');
    const readOnly = await auth0.mintUserToken(primary, { scope: 'openid read:current_user' });
    const noScope = await management('POST', `${userPath(primary)}/identities`, { token: readOnly, body: { link_with: idToken } });
    expectError(noScope, 403, 'Insufficient scope; expected: update:users, update:current_user_identities.', 'insufficient_scope');
    const ofAlice = await auth0.mintUserToken(alice.auth0UserId);
    const otherUser = await management('POST', `${userPath(primary)}/identities`, { token: ofAlice, body: { link_with: idToken } });
    expectError(otherUser, 403, 'User to be acted on does not match subject in bearer token.');
    const own = await management('POST', `${userPath(primary)}/identities`, { token: await auth0.mintUserToken(primary), body: { link_with: idToken } });
    expect(own.status).toBe(201);
  });

  it('refuses a link_with that is not a JWT', async () => {
    const answer = await management('POST', `${userPath(alice.auth0UserId)}/identities`, { body: { link_with: 'garbage' } });
    expectError(answer, 400, 'Invalid token (link_with).');
  });

  it('answers 409 when the link_with account is already linked elsewhere', async () => {
    const { primary, secondary } = addPair('a4');
    const idToken = await auth0.mintIdToken(secondary);
    const linked = await management('POST', `${userPath(primary)}/identities`, { token: await auth0.mintUserToken(primary), body: { link_with: idToken } });
    expect(linked.status).toBe(201);
    auth0.store.addUser({ userId: 'auth0|othera4', email: 'othera4@example.com' });
    const token = await auth0.mintUserToken('auth0|othera4');
    const again = await management('POST', `${userPath('auth0|othera4')}/identities`, { token, body: { link_with: idToken } });
    expectError(again, 409, 'Specified identity already exists.');
  });
});

describe('DELETE /api/v2/users/{id}/identities/{provider}/{user_id}', () => {
  it('unlinks into a standalone user without metadata and returns the remaining identities', async () => {
    const answer = await management('DELETE', `${userPath(alice.auth0UserId)}/identities/github/9100001`);
    expect(answer.status).toBe(200);
    expect(answer.json.map((identity: { provider: string }) => identity.provider)).toEqual(['auth0', 'google-oauth2']);

    const standalone = await management('GET', userPath('github|9100001'));
    expect(standalone.status).toBe(200);
    expect(standalone.json).toMatchObject({ user_id: 'github|9100001', email: alice.email, name: 'alicem' });
    expect(standalone.json.user_metadata).toBeUndefined();
    expect(standalone.json.app_metadata).toBeUndefined();
    expect(standalone.json.identities).toEqual([{ connection: 'github', provider: 'github', user_id: '9100001', isSocial: true }]);
  });

  it('refuses to remove the main identity', async () => {
    const answer = await management('DELETE', `${userPath(alice.auth0UserId)}/identities/auth0/65a1a1a1a1a1a1a1a1a1a001`);
    expectError(answer, 400, 'Main identity cannot be removed.');
  });

  it('answers 400 for an identity that is not linked and for a provider outside the enum', async () => {
    expect((await management('DELETE', `${userPath(alice.auth0UserId)}/identities/github/777`)).status).toBe(400);
    expect((await management('DELETE', `${userPath(alice.auth0UserId)}/identities/myspace/777`)).status).toBe(400);
  });

  it('answers 404 inexistent_user for an unknown primary', async () => {
    const answer = await management('DELETE', `${userPath('auth0|ghost')}/identities/github/1`);
    expectError(answer, 404, 'The user does not exist.', 'inexistent_user');
  });
});

describe('contract: the derived Auth0 OpenAPI subset', () => {
  const spec = loadSpec('DERIVED-auth0-management-users-identities.subset.openapi.yaml');

  it('declares every Management API route the emulator serves', () => {
    const declared = declaredOperations(spec);
    for (const route of MANAGEMENT_ROUTES) expect(declared).toContain(`${route.method} ${route.path}`);
    expect(spec.paths['/users']).toBeDefined();
    expect(MANAGEMENT_BASE_PATH).toBe('/api/v2');
  });

  it('declares every field of the user, list, identities and error answers', async () => {
    const user = await management('GET', userPath(dan.auth0UserId));
    expect(undeclaredFields(user.json, responseSchema(spec, '/users/{id}', 'GET', '200'), spec)).toEqual([]);

    for (const query of ['/users?per_page=100', '/users?include_totals=true']) {
      const list = await management('GET', query);
      expect(undeclaredFields(list.json, responseSchema(spec, '/users', 'GET', '200'), spec)).toEqual([]);
    }

    auth0.store.addUser({ userId: 'auth0|contract', email: 'contract@example.com', phoneNumber: '+31600000000' });
    auth0.store.addUser({ userId: 'google-oauth2|contract', email: 'c2@example.com', givenName: 'C', familyName: 'Two' });
    const linked = await management('POST', `${userPath('auth0|contract')}/identities`, {
      body: { provider: 'google-oauth2', user_id: 'contract' },
    });
    expect(undeclaredFields(linked.json, responseSchema(spec, '/users/{id}/identities', 'POST', '201'), spec)).toEqual([]);
    const unlinked = await management('DELETE', `${userPath('auth0|contract')}/identities/google-oauth2/contract`);
    const unlinkSchema = responseSchema(spec, '/users/{id}/identities/{provider}/{user_id}', 'DELETE', '200');
    expect(undeclaredFields(unlinked.json, unlinkSchema, spec)).toEqual([]);

    const error = await management('GET', userPath('auth0|nobody'));
    expect(undeclaredFields(error.json, componentSchema(spec, 'Error'), spec)).toEqual([]);
  });
});
