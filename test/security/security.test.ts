import { SignJWT, UnsecuredJWT, generateKeyPair } from 'jose';
import { STANDALONE_PASSWORD } from '../../src/emulators/auth0/store';
import { credentialMarker } from '../../src/emulators/call-log';
import { DEMO_CREDENTIALS, DEMO_PEOPLE } from '../../src/emulators/seed';
import { OPERATION_LIMITS } from '../../src/security/operation-limits';
import { SCOPES } from '../../src/security/scopes';
import { startStack, type Stack } from '../support/stack';

const alice = DEMO_PEOPLE[0];
const ALICE = `verifa:${alice.verifaId}`;
const NO_TOKEN = { authorization: '' };

const upstreamCalls = (stack: Stack) => stack.emulators.all.reduce((sum, emulator) => sum + emulator.calls.length, 0);

async function post(stack: Stack, body: string | Buffer, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const response = await fetch(stack.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: response.status, text: await response.text() };
}

/** identity > linkedAccounts > identity > … > id: a query whose fields nest `depth` deep. */
function queryOfDepth(depth: number): string {
  let selection = 'id';
  for (let level = depth - 1; level >= 2; level--) selection = `${level % 2 === 0 ? 'linkedAccounts' : 'identity'} { ${selection} }`;
  return `{ identity(id: "${ALICE}") { ${selection} } }`;
}

describe('requests the subgraph refuses before any upstream call', () => {
  let stack: Stack;
  let logLines: string[];
  beforeAll(async () => {
    logLines = [];
    stack = await startStack({ env: { DEV_ANONYMOUS_READ: 'false' }, logLines });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.clearCalls());

  it('malformed bodies: 400, no crash, no upstream call', async () => {
    const token = `Bearer ${await stack.token()}`;
    const bodies: (string | Buffer)[] = [
      '{',
      'null',
      '42',
      '"query"',
      '[]',
      JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]),
      JSON.stringify({}),
      JSON.stringify({ query: '' }),
      JSON.stringify({ query: 42 }),
      JSON.stringify({ query: '{ identity(id: ' }),
      JSON.stringify({ query: '{ identity(id: "verifa:idn_x") { nope } }' }),
      JSON.stringify({ query: 'query ($id: ID!) { identity(id: $id) { id } }', variables: { id: 7.5 } }),
      JSON.stringify({ query: 'query ($id: ID!) { identity(id: $id) { id } }', variables: [] }),
      JSON.stringify({ query: `{ ${'a'.repeat(200_000)} }` }),
      Buffer.alloc(2_000_000, 'x'),
      JSON.stringify({ query: '{ __typename }', operationName: 7 }),
      JSON.stringify({ query: 'query A { __typename } query B { __typename }' }),
    ];
    for (const body of bodies) {
      const response = await post(stack, body, { authorization: token });
      expect({ body: String(body).slice(0, 60), status: [400, 413].includes(response.status) ? "refused" : response.status }).toEqual({ body: String(body).slice(0, 60), status: "refused" });
    }
    expect(upstreamCalls(stack)).toBe(0);
    expect((await fetch(`http://127.0.0.1:${stack.subgraph.port}/health`)).status).toBe(200);
  });

  it(`depth: ${OPERATION_LIMITS.maxDepth} is accepted, deeper is refused`, async () => {
    const atLimit = await stack.gql(queryOfDepth(OPERATION_LIMITS.maxDepth));
    expect(atLimit.status).toBe(200);
    expect(atLimit.errors).toBeUndefined();
    stack.clearCalls();
    for (const depth of [OPERATION_LIMITS.maxDepth + 1, OPERATION_LIMITS.maxDepth + 5, OPERATION_LIMITS.maxDepth + 20]) {
      const refused = await stack.gql(queryOfDepth(depth));
      expect(refused.status).toBe(400);
      expect(refused.errors![0].extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED' });
    }
    expect(upstreamCalls(stack)).toBe(0);
  });

  it(`aliases: ${OPERATION_LIMITS.maxAliases} are accepted, one more is refused`, async () => {
    const aliased = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: identity(id: "${ALICE}") { id }`).join(' ')} }`;
    expect((await stack.gql(aliased(OPERATION_LIMITS.maxAliases))).errors).toBeUndefined();
    stack.clearCalls();
    const refused = await stack.gql(aliased(OPERATION_LIMITS.maxAliases + 1));
    expect(refused.status).toBe(400);
    expect(refused.errors![0].extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED' });
    expect(upstreamCalls(stack)).toBe(0);
  });

  it('at most 100 _entities representations and 100 identities(ids:)', async () => {
    const representations = (n: number) => Array.from({ length: n }, (_, i) => ({ __typename: 'Identity', id: `verifa:idn_x${i}` }));
    const entities = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Identity { id } } }`;
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `verifa:idn_x${i}`);
    const identities = `query ($ids: [ID!]!) { identities(ids: $ids) { id } }`;

    const tooManyEntities = await stack.gql(entities, { r: representations(101) });
    const tooManyIds = await stack.gql(identities, { ids: ids(101) });
    for (const refused of [tooManyEntities, tooManyIds]) {
      expect(refused.status).toBe(400);
      expect(refused.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    }
    expect(upstreamCalls(stack)).toBe(0);

    const hundred = await stack.gql(entities, { r: representations(100) });
    expect(hundred.errors).toBeUndefined();
    expect(stack.emulators.verifa!.countCalls('GET')).toBe(100);
  });

  it('caller tokens: missing, malformed, expired, wrong issuer or audience, alg none and foreign signatures are 401', async () => {
    const otherKey = (await generateKeyPair('ES256')).privateKey;
    const forged = await new SignJWT({ scope: SCOPES.read }).setProtectedHeader({ alg: 'ES256' }).setSubject('x').setIssuer('urn:identity-subgraph:dev-issuer').setAudience('identity-subgraph').setExpirationTime('1h').sign(otherKey);
    const unsigned = new UnsecuredJWT({ scope: SCOPES.read }).setSubject('x').setIssuer('urn:identity-subgraph:dev-issuer').setAudience('identity-subgraph').setExpirationTime('1h').encode();
    const cases: Record<string, string> = {
      missing: '',
      'not bearer': `Basic ${Buffer.from('a:b').toString('base64')}`,
      garbage: 'Bearer not-a-jwt',
      expired: `Bearer ${await stack.token({ expiresInSeconds: -120 })}`,
      'wrong issuer': `Bearer ${await stack.token({ issuer: 'https://evil.example/' })}`,
      'wrong audience': `Bearer ${await stack.token({ audience: 'another-api' })}`,
      'alg none': `Bearer ${unsigned}`,
      'signed by another key': `Bearer ${forged}`,
    };
    for (const [name, authorization] of Object.entries(cases)) {
      const result = await stack.gql(`{ identity(id: "${ALICE}") { id } }`, undefined, { authorization });
      expect({ name, status: result.status, code: result.errors?.[0]?.extensions?.code }).toEqual({ name, status: 401, code: 'UNAUTHENTICATED' });
    }
    expect(upstreamCalls(stack)).toBe(0);
    const tokens = Object.values(cases).map((value) => value.replace(/^\w+ /, '')).filter((value) => value.length > 20);
    for (const token of tokens) expect(logLines.join('\n')).not.toContain(token);
  });

  it('scopes: a query needs identities:read, a mutation its own scope, birth dates identities:pii', async () => {
    const linkOnly = { authorization: `Bearer ${await stack.token({ scopes: [SCOPES.link] })}` };
    const readOnly = { authorization: `Bearer ${await stack.token({ scopes: [SCOPES.read] })}` };

    const query = await stack.gql(`{ identity(id: "${ALICE}") { id } }`, undefined, linkOnly);
    expect(query.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect(query.errors![0].message).toContain(SCOPES.read);

    const mutation = await stack.gql(
      `mutation { mergeIdentities(input: { primaryId: "${ALICE}", secondaryId: "verifa:${DEMO_PEOPLE[1].verifaId}" }) { userErrors { code } } }`,
      undefined,
      readOnly,
    );
    expect(mutation.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect(upstreamCalls(stack)).toBe(0);

    const pii = await stack.gql(`{ identity(id: "${ALICE}") { displayName ssnLast4 birthDate documentNumber } }`, undefined, readOnly);
    expect(pii.data).toEqual({ identity: { displayName: 'Alice Martin', ssnLast4: alice.ssn.slice(-4), birthDate: null, documentNumber: null } });
    expect(pii.errors!.map((error) => [error.path?.join('.'), error.extensions?.code])).toEqual([
      ['identity.birthDate', 'FORBIDDEN'],
      ['identity.documentNumber', 'FORBIDDEN'],
    ]);
  });

  it('two concurrent callers asking for the same identity see only what each may see', async () => {
    const withPii = { authorization: `Bearer ${await stack.token({ scopes: [SCOPES.read, SCOPES.pii] })}` };
    const without = { authorization: `Bearer ${await stack.token({ scopes: [SCOPES.read] })}` };
    const query = `{ identity(id: "${ALICE}") { id birthDate } }`;
    const [a, b] = await Promise.all([stack.gql(query, undefined, withPii), stack.gql(query, undefined, without)]);
    expect(a.data).toEqual({ identity: { id: ALICE, birthDate: alice.birthDate } });
    expect(a.errors).toBeUndefined();
    expect(b.data).toEqual({ identity: { id: ALICE, birthDate: null } });
    expect(b.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('a provider 500 whose body holds an SSN and an email leaks neither into the response nor the logs', async () => {
    const ssn = '078-05-1120';
    const email = 'planted.victim@example.com';
    stack.emulators.verifa!.setFaults({ status: 500, body: { error: 'internal', detail: `lookup failed for ${email} ssn ${ssn}`, status_code: 500 } });
    logLines.length = 0;
    const result = await stack.gql(`{ identity(id: "${ALICE}") { id } }`);
    stack.emulators.verifa!.setFaults(null);

    expect(result.errors![0].extensions).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', provider: 'VERIFA' });
    const everything = JSON.stringify(result) + logLines.join('\n');
    expect(everything).not.toContain(ssn);
    expect(everything).not.toContain(email);
    expect(logLines.length).toBeGreaterThan(0);
  });

  it('never answers with a stack trace, and echoes the router request id', async () => {
    const result = await stack.gql(`{ identity(id: "bad") { id } }`, undefined, { 'x-request-id': 'trace-me-123' });
    expect(result.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', requestId: 'trace-me-123' });
    expect(JSON.stringify(result)).not.toMatch(/stacktrace|at .*\.ts:\d+/);
  });
});

describe('router secret', () => {
  let stack: Stack;
  const secret = 'router-secret-for-tests-0123456789';
  beforeAll(async () => {
    stack = await startStack({ env: { ROUTER_SECRET: secret } });
  });
  afterAll(() => stack.close());

  it('without the matching router-authorization header: 401 before parsing, no upstream call', async () => {
    stack.clearCalls();
    const attempts: Record<string, string>[] = [{}, { 'router-authorization': 'wrong' }, { 'router-authorization': `${secret}x` }];
    for (const headers of attempts) {
      const result = await stack.gql(`{ identity(id: "${ALICE}") { id } }`, undefined, headers);
      expect(result.status).toBe(401);
      expect(result.errors![0].extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
    }
    expect((await post(stack, '{ not json', {})).status).toBe(401);
    expect(upstreamCalls(stack)).toBe(0);
    const allowed = await stack.gql(`{ identity(id: "${ALICE}") { id } }`, undefined, { 'router-authorization': secret });
    expect(allowed.errors).toBeUndefined();
  });
});

describe('production', () => {
  let stack: Stack;
  const audience = 'identity-subgraph';
  beforeAll(async () => {
    // The Auth0 emulator doubles as the caller-token issuer: its JWKS is fetched over HTTP as a real one would be.
    stack = await startStack({
      env: (emulators) => ({
        NODE_ENV: 'production',
        AUTH_JWKS_URL: `${emulators.auth0!.baseUrl}/.well-known/jwks.json`,
        AUTH_ISSUER: emulators.auth0!.issuer,
        AUTH_AUDIENCE: audience,
      }),
    });
  });
  afterAll(() => stack.close());

  const bearer = async (claims: Record<string, unknown>) =>
    ({ authorization: `Bearer ${await stack.emulators.auth0!.mintIdToken(alice.auth0UserId, { claims: { aud: audience, ...claims } })}` });

  it('verifies caller tokens against the configured JWKS, issuer and audience', async () => {
    const ok = await stack.gql(`{ identity(id: "${ALICE}") { id } }`, undefined, await bearer({ scope: SCOPES.read }));
    expect(ok.errors).toBeUndefined();
    const wrongAudience = await stack.gql(`{ identity(id: "${ALICE}") { id } }`, undefined, await bearer({ aud: 'elsewhere', scope: SCOPES.read }));
    expect(wrongAudience.status).toBe(401);
    const missing = await stack.gql(`{ identity(id: "${ALICE}") { id } }`, undefined, NO_TOKEN);
    expect(missing.status).toBe(401);
  });

  it('turns off introspection and field suggestions', async () => {
    const headers = await bearer({ scope: SCOPES.read });
    const introspection = await stack.gql('{ __schema { types { name } } }', undefined, headers);
    expect(introspection.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const misspelt = await stack.gql(`{ identity(id: "${ALICE}") { displayNam } }`, undefined, headers);
    expect(misspelt.status).toBe(400);
    expect(JSON.stringify(misspelt.errors)).not.toContain('Did you mean');
  });
});

describe('ownership: no account takeover through linking', () => {
  let stack: Stack;
  const bob = DEMO_PEOPLE[1];
  const BOB = `auth0:${bob.auth0UserId}`;
  const BOB_WORK = 'auth0:auth0|65a1a1a1a1a1a1a1a1a1b002';
  const LINK = `mutation ($input: LinkIdentitiesInput!) { linkIdentities(input: $input) { primary { linkedAccounts { id } } userErrors { code field } } }`;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.clearCalls());

  /** The caller's subgraph token, and its Auth0 user token forwarded as the router would. */
  const as = async (sub: string, scopes: string[] = [SCOPES.read, SCOPES.link]) => ({
    authorization: `Bearer ${await stack.token({ sub, scopes })}`,
    'x-auth0-user-authorization': `Bearer ${await stack.emulators.auth0!.mintUserToken(sub)}`,
  });
  type LinkResult = { linkIdentities: { primary: { linkedAccounts: { id: string }[] } | null; userErrors: { code: string; field: string }[] } };
  const link = async (input: Record<string, unknown>, headers: Record<string, string>) => (await stack.gql<LinkResult>(LINK, { input }, headers)).data!.linkIdentities;

  it("refuses to link into somebody else's Auth0 user, with no upstream call", async () => {
    const secondaryToken = await stack.emulators.auth0!.mintIdToken(BOB_WORK.slice('auth0:'.length));
    const result = await link({ primaryId: `auth0:${alice.auth0UserId}`, secondaryId: BOB_WORK, linkWith: secondaryToken }, await as(bob.auth0UserId));
    expect(result.userErrors).toEqual([{ code: 'FORBIDDEN', field: 'primaryId' }]);
    expect(upstreamCalls(stack)).toBe(0);
  });

  it('refuses an account the caller does not prove it owns (no linkWith, or an ID token of someone else)', async () => {
    const headers = await as(bob.auth0UserId);
    expect((await link({ primaryId: BOB, secondaryId: BOB_WORK }, headers)).userErrors).toEqual([{ code: 'FORBIDDEN', field: 'linkWith' }]);
    const othersToken = await stack.emulators.auth0!.mintIdToken(alice.auth0UserId);
    expect((await link({ primaryId: BOB, secondaryId: BOB_WORK, linkWith: othersToken }, headers)).userErrors).toEqual([{ code: 'INVALID_LINK_TOKEN', field: 'linkWith' }]);
    const unsigned = new UnsecuredJWT({}).setSubject(BOB_WORK.slice('auth0:'.length)).encode();
    expect((await link({ primaryId: BOB, secondaryId: BOB_WORK, linkWith: unsigned }, headers)).userErrors).toEqual([{ code: 'INVALID_LINK_TOKEN', field: 'linkWith' }]);
    expect(stack.emulators.auth0!.countCalls('POST', /identities$/)).toBe(0);
  });

  it("refuses the secondary's access token and ID tokens that are not for a configured application, without exp, or expired", async () => {
    const headers = await as(bob.auth0UserId);
    const secondary = BOB_WORK.slice('auth0:'.length);
    const grant = await fetch(`${stack.emulators.auth0!.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'password',
        client_id: DEMO_CREDENTIALS.auth0.clientId,
        client_secret: DEMO_CREDENTIALS.auth0.clientSecret,
        username: 'bob.work@example.com',
        password: STANDALONE_PASSWORD,
        audience: `${stack.emulators.auth0!.baseUrl}/api/v2/`,
        scope: 'openid',
      }),
    });
    const { access_token: accessToken } = (await grant.json()) as { access_token: string };
    const now = Math.floor(Date.now() / 1000);
    const refused = [
      accessToken,
      await stack.emulators.auth0!.mintIdToken(secondary, { claims: { aud: `${stack.emulators.auth0!.baseUrl}/api/v2/` } }),
      await stack.emulators.auth0!.mintIdToken(secondary, { claims: { aud: [DEMO_CREDENTIALS.auth0.frontendClientId, `${stack.emulators.auth0!.baseUrl}/api/v2/`] } }),
      await stack.emulators.auth0!.mintIdToken(secondary, { claims: { aud: 'another-application' } }),
      await stack.emulators.auth0!.mintIdToken(secondary, { claims: { exp: undefined } }),
      await stack.emulators.auth0!.mintIdToken(secondary, { claims: { iat: now - 7200, exp: now - 3600 } }),
      await stack.emulators.auth0!.mintIdToken(secondary, { claims: { iss: 'https://elsewhere.example/' } }),
      await stack.emulators.auth0!.mintIdToken(secondary, { alg: 'HS256' }),
    ];
    for (const linkWith of refused) {
      expect((await link({ primaryId: BOB, secondaryId: BOB_WORK, linkWith }, headers)).userErrors).toEqual([{ code: 'INVALID_LINK_TOKEN', field: 'linkWith' }]);
    }
    expect(stack.emulators.auth0!.countCalls('POST', /identities$/)).toBe(0);
  });

  it('refuses links it cannot verify ownership of (other providers) without identities:admin', async () => {
    const result = await link({ primaryId: `verifa:${bob.verifaId}`, secondaryId: `verifa:${alice.verifaId}` }, await as(bob.auth0UserId));
    expect(result.userErrors).toEqual([{ code: 'FORBIDDEN', field: 'primaryId' }]);
    expect(upstreamCalls(stack)).toBe(0);
  });

  it('refuses, before any call, a link without the forwarded Auth0 user token or with the token of another user', async () => {
    const secondaryToken = await stack.emulators.auth0!.mintIdToken(BOB_WORK.slice('auth0:'.length));
    const { authorization } = await as(bob.auth0UserId);
    expect((await link({ primaryId: BOB, secondaryId: BOB_WORK, linkWith: secondaryToken }, { authorization })).userErrors).toEqual([{ code: 'USER_TOKEN_INVALID', field: null }]);
    const alicesToken = `Bearer ${await stack.emulators.auth0!.mintUserToken(alice.auth0UserId)}`;
    const asAlice = { authorization, 'x-auth0-user-authorization': alicesToken };
    expect((await link({ primaryId: BOB, secondaryId: BOB_WORK, linkWith: secondaryToken }, asAlice)).userErrors).toEqual([{ code: 'FORBIDDEN', field: 'primaryId' }]);
    expect(upstreamCalls(stack)).toBe(0);
  });

  it("links when the caller owns the primary and proves the secondary with its ID token (sent on as link_with, with the user's own token)", async () => {
    const secondaryToken = await stack.emulators.auth0!.mintIdToken(BOB_WORK.slice('auth0:'.length));
    const headers = await as(bob.auth0UserId);
    const result = await link({ primaryId: BOB, secondaryId: BOB_WORK, linkWith: secondaryToken }, headers);
    expect(result.userErrors).toEqual([]);
    expect(result.primary!.linkedAccounts.map((account) => account.id)).toContain(BOB_WORK);
    const [call] = stack.emulators.auth0!.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/identities'));
    expect(call.headers.authorization).toBe(credentialMarker(headers['x-auth0-user-authorization']));
    expect(call.body).toEqual({ link_with: credentialMarker(secondaryToken) });
  });
});

describe('ownership: linkWith proofs when the tenant cannot be asked, or no application is configured', () => {
  const bob = DEMO_PEOPLE[1];
  const BOB = `auth0:${bob.auth0UserId}`;
  const BOB_WORK = 'auth0:auth0|65a1a1a1a1a1a1a1a1a1b002';
  const LINK = `mutation ($input: LinkIdentitiesInput!) { linkIdentities(input: $input) { userErrors { code field message } } }`;
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  const linkAsBob = async (current: Stack) => {
    const headers = {
      authorization: `Bearer ${await current.token({ sub: bob.auth0UserId, scopes: [SCOPES.read, SCOPES.link] })}`,
      'x-auth0-user-authorization': `Bearer ${await current.emulators.auth0!.mintUserToken(bob.auth0UserId)}`,
    };
    const linkWith = await current.emulators.auth0!.mintIdToken(BOB_WORK.slice('auth0:'.length));
    return current.gql<{ linkIdentities: { userErrors: { code: string; field: string; message: string }[] } }>(LINK, { input: { primaryId: BOB, secondaryId: BOB_WORK, linkWith } }, headers);
  };

  it("a JWKS endpoint that is down is a PROVIDER_UNAVAILABLE GraphQL error, not a user error blaming the caller's token", async () => {
    stack = await startStack();
    stack.emulators.auth0!.setFaults({ status: 503, pathPrefix: '/.well-known/' });
    const result = await linkAsBob(stack);
    expect(result.data).toBeNull();
    expect(result.errors!.map((error) => [error.path?.join('.'), error.extensions?.code, error.extensions?.provider])).toEqual([['linkIdentities', 'PROVIDER_UNAVAILABLE', 'AUTH0']]);
    expect(stack.emulators.auth0!.countCalls('POST', /identities$/)).toBe(0);
  });

  it('a real Auth0 without AUTH0_ID_TOKEN_AUDIENCES fails closed: FORBIDDEN, self-service linking is not configured', async () => {
    stack = await startStack({ env: { AUTH0_ID_TOKEN_AUDIENCES: '' } });
    const result = await linkAsBob(stack);
    expect(result.errors).toBeUndefined();
    const [refusal] = result.data!.linkIdentities.userErrors;
    expect(refusal).toMatchObject({ code: 'FORBIDDEN', field: 'linkWith' });
    expect(refusal.message).toContain('Self-service linking is not configured');
    expect(stack.emulators.auth0!.countCalls('GET', '/.well-known/jwks.json')).toBe(0);
    expect(stack.emulators.auth0!.countCalls('POST', /identities$/)).toBe(0);
  });
});
