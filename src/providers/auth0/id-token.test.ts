import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startAuth0Emulator, type RunningAuth0Emulator } from '../../emulators/auth0/emulator';
import { STANDALONE_PASSWORD } from '../../emulators/auth0/store';
import { DEMO_CREDENTIALS, DEMO_STANDALONE_AUTH0_USERS } from '../../emulators/seed';
import { UpstreamConnectionError, UpstreamError, UpstreamUnavailableError } from '../http/errors';
import { Auth0IdTokenVerifier } from './id-token';

const [bobWork] = DEMO_STANDALONE_AUTH0_USERS;
const APP = DEMO_CREDENTIALS.auth0.frontendClientId;
const TIMEOUT_MS = 2000;

/** Against the Auth0 emulator as the tenant: its issuer, its JWKS over HTTP, the tokens it issues. */
describe('Auth0IdTokenVerifier: only an ID token of a configured application proves ownership', () => {
  let auth0: RunningAuth0Emulator;
  let verifier: Auth0IdTokenVerifier;
  beforeAll(async () => {
    auth0 = await startAuth0Emulator();
    verifier = new Auth0IdTokenVerifier(auth0.baseUrl, auth0.issuer, [APP, 'another-app'], TIMEOUT_MS);
  });
  afterAll(() => auth0.close());

  const idToken = (overrides?: Parameters<RunningAuth0Emulator['mintIdToken']>[1]) => auth0.mintIdToken(bobWork.userId, overrides);
  const now = () => Math.floor(Date.now() / 1000);

  /** What the tenant's password grant hands the user: an access token for the Management API, and an ID token. */
  async function passwordGrant(): Promise<{ access_token: string; id_token: string }> {
    const response = await fetch(`${auth0.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'password',
        client_id: APP,
        username: bobWork.email,
        password: STANDALONE_PASSWORD,
        audience: `${auth0.baseUrl}/api/v2/`,
        scope: 'openid profile email read:current_user',
      }),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as { access_token: string; id_token: string };
  }

  it('answers the subject of a current RS256 ID token of this tenant issued to a configured application', async () => {
    expect(await verifier.subjectOf(await idToken())).toBe(bobWork.userId);
    expect(await verifier.subjectOf(await idToken({ claims: { aud: 'another-app' } }))).toBe(bobWork.userId);
    expect(await verifier.subjectOf((await passwordGrant()).id_token)).toBe(bobWork.userId);
  });

  it.each<[string, () => Promise<string>]>([
    ['an access token for the Management API (aud = [https://TENANT/api/v2/, userinfo])', async () => (await passwordGrant()).access_token],
    ['an ID token whose aud is the Management API', () => idToken({ claims: { aud: `${auth0.baseUrl}/api/v2/` } })],
    ['an ID token whose aud array adds the Management API to the application', () => idToken({ claims: { aud: [APP, `${auth0.baseUrl}/api/v2/`] } })],
    ['an ID token for an application that is not configured', () => idToken({ claims: { aud: 'some-other-app' } })],
    ['an ID token without aud', () => idToken({ claims: { aud: undefined } })],
    ['an ID token without exp', () => idToken({ claims: { exp: undefined } })],
    ['an expired ID token', () => idToken({ claims: { iat: now() - 7200, exp: now() - 3600 } })],
    ['an ID token of another issuer', () => idToken({ claims: { iss: 'https://elsewhere.example/' } })],
    ['a token typed as an access token (typ at+jwt)', () => idToken({ typ: 'at+jwt' })],
    ['an ID token without sub', () => idToken({ claims: { sub: undefined } })],
    ['an HS256-signed token', () => idToken({ alg: 'HS256' })],
    ['a token signed with a key the tenant does not publish', () => idToken({ foreignKey: true })],
    ['something that is not a JWT', async () => 'not-a-jwt'],
  ])('refuses %s (null, not an error)', async (_label, token) => {
    expect(await verifier.subjectOf(await token())).toBeNull();
  });

  it('with no configured application proves nothing, and does not even fetch the keys', async () => {
    auth0.clearCalls();
    const unconfigured = new Auth0IdTokenVerifier(auth0.baseUrl, auth0.issuer, [], TIMEOUT_MS);
    expect(unconfigured.configured).toBe(false);
    expect(await unconfigured.subjectOf(await idToken())).toBeNull();
    expect(auth0.countCalls('GET', '/.well-known/jwks.json')).toBe(0);
  });

  it('a JWKS endpoint answering 503 is PROVIDER_UNAVAILABLE (an UpstreamError), not a refused token', async () => {
    const fresh = new Auth0IdTokenVerifier(auth0.baseUrl, auth0.issuer, [APP], TIMEOUT_MS);
    auth0.setFaults({ status: 503, pathPrefix: '/.well-known/' });
    try {
      const error = await fresh.subjectOf(await idToken()).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(UpstreamUnavailableError);
      expect(error).toMatchObject({ provider: 'auth0', pathTemplate: '/.well-known/jwks.json', retryable: true });
    } finally {
      auth0.setFaults(null);
    }
  });
});

describe('Auth0IdTokenVerifier: a tenant that cannot be reached', () => {
  let closed: Server;
  let url: string;
  beforeAll(async () => {
    // A port that was just listening and is now closed: connections are refused.
    closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
  });

  it('is a connection UpstreamError naming Auth0 and no token detail', async () => {
    const auth0 = await startAuth0Emulator();
    const token = await auth0.mintIdToken(bobWork.userId, { claims: { iss: `${url}/` } });
    await auth0.close();
    const error = await new Auth0IdTokenVerifier(url, `${url}/`, [APP], TIMEOUT_MS).subjectOf(token).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(UpstreamConnectionError);
    expect((error as UpstreamError).message).not.toContain(token);
  });
});
