import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SPECS_DIR, declaredOperations, loadSpec, responseSchema, undeclaredFields } from '../../../test/support/openapi-subset';
import { DEMO_CREDENTIALS, DEMO_PEOPLE } from '../seed';
import { demoBtcDirectUserToken, startBtcDirectEmulator, type RunningBtcDirectEmulator } from './emulator';
import { ERROR_CATALOG, type ErCode } from './errors';
import { BTCDIRECT_ROUTES } from './handler';

const partnerCredentials = DEMO_CREDENTIALS.btcdirect;
const [alice, bob, carol, dan] = DEMO_PEOPLE;
const apiKeyHeader = { 'x-api-key': partnerCredentials.apiKey };

interface Answer {
  status: number;
  json: any;
}

let btc: RunningBtcDirectEmulator;

beforeAll(async () => {
  btc = await startBtcDirectEmulator();
});

afterAll(async () => {
  await btc.close();
});

async function call(
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: unknown; emulator?: RunningBtcDirectEmulator } = {},
): Promise<Answer> {
  const emulator = options.emulator ?? btc;
  const response = await fetch(`${emulator.url}${path}`, {
    method,
    headers: { ...(options.body !== undefined && { 'content-type': 'application/json' }), ...options.headers },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

function expectEr(answer: Answer, code: ErCode, status: number): void {
  expect(answer.json).toEqual({ errors: { [code]: { code, ...ERROR_CATALOG[code] } } });
  expect(answer.status).toBe(status);
}

async function partnerPair(emulator = btc): Promise<{ token: string; refreshToken: string }> {
  const answer = await call('POST', '/api/v1/authenticate', {
    body: { username: partnerCredentials.username, password: partnerCredentials.password },
    emulator,
  });
  return answer.json;
}

const userInfo = (headers: Record<string, string>) => call('GET', '/api/v1/user/info', { headers: { ...apiKeyHeader, ...headers } });

const userAuthorization = (token: string) => ({ 'user-authorization': `Bearer ${token}` });

function linkIdentifier(userToken: string, body: unknown): Promise<Answer> {
  return call('POST', '/api/v2/user/link-identifier', { headers: { ...apiKeyHeader, ...userAuthorization(userToken) }, body });
}

/** A fresh user with a token, so tests that change state do not disturb the seeded people. */
async function freshUser(tag: string): Promise<{ email: string; token: string }> {
  const email = `${tag}@example.com`;
  btc.store.addUser({ email, password: 'fresh-password', firstName: 'Fresh', lastName: tag });
  return { email, token: await btc.loginUser(email, 'fresh-password') };
}

describe('partner authentication', () => {
  it('issues a token pair for the partner credentials', async () => {
    const pair = await partnerPair();
    expect(pair).toEqual({ token: expect.any(String), refreshToken: expect.any(String) });
    const login = await call('POST', '/api/v1/user/login', {
      headers: { authorization: `Bearer ${pair.token}` },
      body: { email: alice.email, password: alice.btcPassword },
    });
    expect(login.status).toBe(200);
  });

  it('refuses wrong partner credentials with ER800', async () => {
    const answer = await call('POST', '/api/v1/authenticate', { body: { username: partnerCredentials.username, password: 'nope' } });
    expectEr(answer, 'ER800', 401);
  });

  it('refreshes: a new token, the same refresh token with its validity restarted', async () => {
    const pair = await partnerPair();
    const refreshed = await call('POST', '/api/v1/refresh', { body: { refreshToken: pair.refreshToken } });
    expect(refreshed.status).toBe(200);
    expect(refreshed.json).toEqual({ token: expect.any(String), refreshToken: pair.refreshToken });
    expect(refreshed.json.token).not.toBe(pair.token);
  });

  it('refuses an unknown refresh token with ER800', async () => {
    expectEr(await call('POST', '/api/v1/refresh', { body: { refreshToken: 'unknown' } }), 'ER800', 401);
    expectEr(await call('POST', '/api/v1/refresh', { body: {} }), 'ER800', 401);
  });
});

describe('client layer', () => {
  const loginBody = { email: alice.email, password: alice.btcPassword };
  const login = (headers: Record<string, string>, emulator = btc) =>
    call('POST', '/api/v1/user/login', { headers, body: loginBody, emulator });

  it('accepts the API key alone', async () => {
    expect((await login(apiKeyHeader)).status).toBe(200);
  });

  it('refuses both methods at once with ER803', async () => {
    const { token } = await partnerPair();
    expectEr(await login({ ...apiKeyHeader, authorization: `Bearer ${token}` }), 'ER803', 400);
  });

  it('refuses a request with no client method with ER802', async () => {
    expectEr(await login({}), 'ER802', 401);
  });

  it('refuses a wrong API key with ER805 and an empty one with ER806', async () => {
    expectEr(await login({ 'x-api-key': 'wrong-key' }), 'ER805', 401);
    expectEr(await login({ 'x-api-key': '' }), 'ER806', 401);
  });

  it('refuses an invalid partner token with ER800, a user token included', async () => {
    expectEr(await login({ authorization: 'Bearer not-a-jwt' }), 'ER800', 401);
    expectEr(await login({ authorization: 'Basic abc' }), 'ER800', 401);
    const userToken = await btc.loginUser(alice.email, alice.btcPassword);
    expectEr(await login({ authorization: `Bearer ${userToken}` }), 'ER800', 401);
  });

  it('refuses an expired partner token with ER801 and HTTP 400', async () => {
    const shortLived = await startBtcDirectEmulator({ partnerTokenTtlSeconds: 0 });
    try {
      const { token } = await partnerPair(shortLived);
      expectEr(await login({ authorization: `Bearer ${token}` }, shortLived), 'ER801', 400);
    } finally {
      await shortLived.close();
    }
  });
});

describe('POST /api/v1/user/login', () => {
  it('accepts email (docs) and emailAddress (SDK) and returns the linked identifier', async () => {
    for (const body of [
      { email: bob.email, password: bob.btcPassword },
      { emailAddress: bob.email, password: bob.btcPassword },
    ]) {
      const answer = await call('POST', '/api/v1/user/login', { headers: apiKeyHeader, body });
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual({ token: expect.any(String), refreshToken: expect.any(String), identifier: bob.btcIdentifier });
    }
  });

  it('gives a user without identifiers a new one that names them', async () => {
    btc.store.addUser({ email: 'new@example.com', password: 'new-password', firstName: 'New', lastName: 'User' });
    const login = await call('POST', '/api/v1/user/login', {
      headers: apiKeyHeader,
      body: { email: 'new@example.com', password: 'new-password' },
    });
    expect(login.json.identifier).toMatch(/^[0-9a-f]{64}$/);
    const info = await userInfo({ 'user-identifier': login.json.identifier });
    expect(info.json.emailAddress).toBe('new@example.com');
  });

  it('refuses wrong credentials and deleted users with ER005', async () => {
    const wrong = await call('POST', '/api/v1/user/login', { headers: apiKeyHeader, body: { email: bob.email, password: 'x' } });
    expectEr(wrong, 'ER005', 400);
    expectEr(await call('POST', '/api/v1/user/login', { headers: apiKeyHeader, body: {} }), 'ER005', 400);
    const { email } = await freshUser('deleted-login');
    btc.store.markDeleted(email);
    const deleted = await call('POST', '/api/v1/user/login', { headers: apiKeyHeader, body: { email, password: 'fresh-password' } });
    expectEr(deleted, 'ER005', 400);
  });

  it('refreshes a user token through /api/v1/refresh', async () => {
    const login = await call('POST', '/api/v1/user/login', { headers: apiKeyHeader, body: { email: bob.email, password: bob.btcPassword } });
    const refreshed = await call('POST', '/api/v1/refresh', { body: { refreshToken: login.json.refreshToken } });
    expect((await userInfo(userAuthorization(refreshed.json.token))).json.emailAddress).toBe(bob.email);
  });
});

describe('GET /api/v1/user/info', () => {
  it('accepts a demo user token minted without a login (npm run token -- --btcdirect-user), as the login would issue it', async () => {
    for (const [who, person] of [['bob', bob], [carol.email, carol]] as const) {
      const answer = await userInfo(userAuthorization(await demoBtcDirectUserToken(who)));
      expect({ status: answer.status, email: (answer.json as { emailAddress?: string }).emailAddress }).toEqual({ status: 200, email: person.email });
    }
    await expect(demoBtcDirectUserToken('nobody')).rejects.toThrow('one of: alice, bob, carol, dan');
    const expired = await userInfo(userAuthorization(await demoBtcDirectUserToken('bob', -10)));
    expectEr(expired, 'ER701', 400);
  });

  it('describes the user named by the user token', async () => {
    const token = await btc.loginUser(alice.email, alice.btcPassword);
    const answer = await userInfo(userAuthorization(token));
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      emailAddress: alice.email,
      firstName: 'Alice',
      lastName: 'Martin',
      region: 'NL',
      phoneNumber: alice.phone,
      registrationDate: alice.createdAt,
      isBusiness: false,
      enabledIbanAccounts: [],
      enabledWalletAddresses: [],
      status: { status: expect.any(String), details: expect.any(Object) },
    });
  });

  it('describes the user named by a linked User-Identifier, alone or matching the token', async () => {
    expect((await userInfo({ 'user-identifier': dan.btcIdentifier })).json.emailAddress).toBe(dan.email);
    const token = await btc.loginUser(dan.email, dan.btcPassword);
    const both = await userInfo({ ...userAuthorization(token), 'user-identifier': dan.btcIdentifier });
    expect(both.json.emailAddress).toBe(dan.email);
  });

  it('refuses an identifier that is not linked with ER705', async () => {
    expectEr(await userInfo({ 'user-identifier': 'f'.repeat(64) }), 'ER705', 400);
  });

  it("refuses a user token with someone else's identifier with ER703", async () => {
    const token = await btc.loginUser(alice.email, alice.btcPassword);
    expectEr(await userInfo({ ...userAuthorization(token), 'user-identifier': bob.btcIdentifier }), 'ER703', 400);
  });

  it('refuses a request naming no user with ER700, and a bad user token with ER702', async () => {
    expectEr(await userInfo({}), 'ER700', 401);
    expectEr(await userInfo({ 'user-authorization': 'Bearer garbage' }), 'ER702', 401);
    expectEr(await userInfo({ 'user-authorization': 'garbage' }), 'ER702', 401);
    const { token: partnerToken } = await partnerPair();
    expectEr(await userInfo(userAuthorization(partnerToken)), 'ER702', 401);
  });

  it('refuses an expired user token with ER701', async () => {
    const shortLived = await startBtcDirectEmulator({ userTokenTtlSeconds: 0 });
    try {
      const token = await shortLived.loginUser(carol.email, carol.btcPassword);
      const answer = await call('GET', '/api/v1/user/info', {
        headers: { ...apiKeyHeader, ...userAuthorization(token) },
        emulator: shortLived,
      });
      expectEr(answer, 'ER701', 400);
    } finally {
      await shortLived.close();
    }
  });

  it('refuses a deleted user with ER709 and HTTP 404, by token or identifier', async () => {
    const { email, token } = await freshUser('deleted-info');
    const identifier = 'd'.repeat(40);
    btc.store.addIdentifier(email, identifier);
    btc.store.markDeleted(email);
    expectEr(await userInfo(userAuthorization(token)), 'ER709', 404);
    expectEr(await userInfo({ 'user-identifier': identifier }), 'ER709', 404);
  });

  it('checks the client layer first', async () => {
    const answer = await call('GET', '/api/v1/user/info', { headers: { 'user-identifier': alice.btcIdentifier } });
    expectEr(answer, 'ER802', 401);
  });
});

describe('POST /api/v2/user/link-identifier', () => {
  it('links an identifier to the logged-in user, which then names them', async () => {
    const { email, token } = await freshUser('linker');
    const identifier = `${'a1'.repeat(20)}`;
    const answer = await linkIdentifier(token, { identifier });
    expect(answer).toEqual({ status: 200, json: undefined });
    expect((await userInfo({ 'user-identifier': identifier })).json.emailAddress).toBe(email);
    expect(await linkIdentifier(token, { identifier })).toEqual({ status: 200, json: undefined });
  });

  it('answers a success with an empty body, the documented sentence as text, or an empty JSON object, as set', async () => {
    const { token } = await freshUser('forms');
    const raw = async (identifier: string) => {
      const response = await fetch(`${btc.url}/api/v2/user/link-identifier`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...apiKeyHeader, ...userAuthorization(token) },
        body: JSON.stringify({ identifier }),
      });
      return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
    };
    try {
      expect(await raw('f1'.repeat(20))).toEqual({ status: 200, type: null, text: '' });
      btc.answers.linkIdentifierSuccess = 'text';
      expect(await raw('f2'.repeat(20))).toEqual({ status: 200, type: 'text/plain; charset=utf-8', text: 'User identifier linked successfully.' });
      btc.answers.linkIdentifierSuccess = 'json';
      expect(await raw('f3'.repeat(20))).toMatchObject({ status: 200, text: '{}' });
    } finally {
      btc.answers.linkIdentifierSuccess = 'empty';
    }
  });

  it('refuses a bad user token and a bad identifier in one body, user first, with the first code\'s status', async () => {
    const answer = await linkIdentifier('not-a-jwt', { identifier: 'short' });
    expect(answer.status).toBe(401);
    expect(Object.keys(answer.json.errors)).toEqual(['ER702', 'ER102']);
    expect(answer.json.errors.ER102).toEqual({ code: 'ER102', ...ERROR_CATALOG.ER102 });
    const noToken = await call('POST', '/api/v2/user/link-identifier', { headers: apiKeyHeader, body: {} });
    expect(Object.keys(noToken.json.errors)).toEqual(['ER700', 'ER053']);
  });

  it('refuses a wrong or missing API key alone, before looking at the user or the identifier', async () => {
    const token = await btc.loginUser(carol.email, carol.btcPassword);
    const withKey = (key: string) =>
      call('POST', '/api/v2/user/link-identifier', { headers: { 'x-api-key': key, ...userAuthorization(token) }, body: { identifier: 'short' } });
    expectEr(await withKey('wrong-key'), 'ER805', 401);
    expectEr(await withKey(''), 'ER806', 401);
  });

  it('keeps many identifiers per user and accepts 36 and 255 characters', async () => {
    const { email, token } = await freshUser('many');
    for (const identifier of ['7'.repeat(36), 'Ab9'.repeat(85)]) {
      expect((await linkIdentifier(token, { identifier })).status).toBe(200);
      expect((await userInfo({ 'user-identifier': identifier })).json.emailAddress).toBe(email);
    }
  });

  it.each<[string, unknown, ErCode]>([
    ['a missing identifier', {}, 'ER053'],
    ['a null identifier', { identifier: null }, 'ER053'],
    ['an empty identifier', { identifier: '' }, 'ER053'],
    ['35 characters', { identifier: 'a'.repeat(35) }, 'ER102'],
    ['256 characters', { identifier: 'a'.repeat(256) }, 'ER102'],
    ['a hyphenated UUID-like value', { identifier: '123e4567-e89b-12d3-a456-426614174000' }, 'ER707'],
    ['a number', { identifier: 1234567890 }, 'ER707'],
  ])('refuses %s', async (_case, body, code) => {
    const token = await btc.loginUser(carol.email, carol.btcPassword);
    expectEr(await linkIdentifier(token, body), code, 400);
  });

  it("refuses another user's identifier with ER706", async () => {
    const token = await btc.loginUser(bob.email, bob.btcPassword);
    expectEr(await linkIdentifier(token, { identifier: alice.btcIdentifier }), 'ER706', 400);
  });

  it('refuses while a document is pending with ER708', async () => {
    const { email, token } = await freshUser('pending');
    btc.store.setPendingDocument(email);
    expectEr(await linkIdentifier(token, { identifier: 'e'.repeat(50) }), 'ER708', 400);
    btc.store.setPendingDocument(email, false);
    expect((await linkIdentifier(token, { identifier: 'e'.repeat(50) })).status).toBe(200);
  });

  it('refuses a deleted user with ER709', async () => {
    const { email, token } = await freshUser('deleted-link');
    btc.store.markDeleted(email);
    expectEr(await linkIdentifier(token, { identifier: 'c'.repeat(50) }), 'ER709', 404);
  });

  it('needs the user token: a User-Identifier alone is ER700', async () => {
    const answer = await call('POST', '/api/v2/user/link-identifier', {
      headers: { ...apiKeyHeader, 'user-identifier': alice.btcIdentifier },
      body: { identifier: 'b'.repeat(50) },
    });
    expectEr(answer, 'ER700', 401);
  });

  it('answers ER999 with HTTP 500 when something inside fails', async () => {
    const token = await btc.loginUser(carol.email, carol.btcPassword);
    const failure = jest.spyOn(btc.store, 'ownerOf').mockImplementation(() => {
      throw new Error('storage down');
    });
    try {
      expectEr(await linkIdentifier(token, { identifier: '9'.repeat(40) }), 'ER999', 500);
    } finally {
      failure.mockRestore();
    }
  });
});

describe('POST /api/v1/user/logout', () => {
  it('invalidates the user token', async () => {
    const { token } = await freshUser('logout');
    const logout = await call('POST', '/api/v1/user/logout', { headers: { ...apiKeyHeader, ...userAuthorization(token) } });
    expect(logout.status).toBe(200);
    expectEr(await userInfo(userAuthorization(token)), 'ER702', 401);
  });
});

describe('contract: the derived BTC Direct OpenAPI subset and the published ER texts', () => {
  const spec = loadSpec('DERIVED-btcdirect-identity.subset.openapi.yaml');

  it('declares every route the emulator serves', () => {
    const declared = declaredOperations(spec);
    for (const route of BTCDIRECT_ROUTES) expect(declared).toContain(`${route.method} ${route.path}`);
  });

  it('declares every field of the token, login, user info and error answers', async () => {
    const pair = await partnerPair();
    expect(undeclaredFields(pair, responseSchema(spec, '/api/v1/authenticate', 'POST', '200'), spec)).toEqual([]);
    const refreshed = await call('POST', '/api/v1/refresh', { body: { refreshToken: pair.refreshToken } });
    expect(undeclaredFields(refreshed.json, responseSchema(spec, '/api/v1/refresh', 'POST', '200'), spec)).toEqual([]);

    const login = await call('POST', '/api/v1/user/login', { headers: apiKeyHeader, body: { email: dan.email, password: dan.btcPassword } });
    expect(undeclaredFields(login.json, responseSchema(spec, '/api/v1/user/login', 'POST', '200'), spec)).toEqual([]);

    const info = await userInfo(userAuthorization(login.json.token));
    expect(undeclaredFields(info.json, responseSchema(spec, '/api/v1/user/info', 'GET', '200'), spec)).toEqual([]);

    const error = await userInfo({ 'user-identifier': 'f'.repeat(64) });
    expect(undeclaredFields(error.json, responseSchema(spec, '/api/v1/user/info', 'GET', 'default'), spec)).toEqual([]);
  });

  it('uses exactly the ER messages and solutions BTC Direct publishes', () => {
    const published = publishedErTexts();
    for (const [code, texts] of Object.entries(ERROR_CATALOG)) expect({ code, ...texts }).toEqual(published.get(code));
  });
});

/** ER texts from the link-identifier error example (BTC Direct docs) and the flutter SDK's error list. */
function publishedErTexts(): Map<string, { code: string; message: string; solution: string }> {
  const linkIdentifierErrors = JSON.parse(readFileSync(path.join(SPECS_DIR, 'btcdirect-link-identifier-errors.json'), 'utf8')).errors;
  const sdkList = JSON.parse(readFileSync(path.join(SPECS_DIR, 'error_json_code.json'), 'utf8')).errorCodeList;

  const published = new Map<string, { code: string; message: string; solution: string }>();
  for (const entry of [...sdkList, ...Object.values(linkIdentifierErrors)] as Array<{ code: string; message: string; solution: string }>) {
    published.set(entry.code, { code: entry.code, message: entry.message, solution: entry.solution });
  }
  return published;
}
