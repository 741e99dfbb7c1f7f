import { Auth0Tenant } from './tokens';

const BASE_URL = 'http://auth0.test';
const request = { sub: 'client@clients', audience: `${BASE_URL}/api/v2/`, azp: 'client', scope: 'read:users' };

describe('Auth0Tenant access tokens', () => {
  let tenant: Auth0Tenant;

  beforeAll(async () => {
    tenant = await Auth0Tenant.create(60);
  });

  beforeEach(() => tenant.setBaseUrl(BASE_URL));
  afterEach(() => jest.useRealTimers());

  it('accepts a token again, from memory, with the same claims', async () => {
    const token = await tenant.signAccessToken(request);
    const first = await tenant.verifyAccessToken(token);
    const second = await tenant.verifyAccessToken(token);
    expect(first).toEqual({ ok: true, claims: { sub: request.sub, iss: `${BASE_URL}/`, azp: 'client', scopes: new Set(['read:users']) } });
    expect(second).toEqual(first);
    // The very claims of the first verification: not verified and built again.
    const claimsOf = (check: typeof first) => (check.ok ? check.claims : undefined);
    expect(claimsOf(second)).toBe(claimsOf(first));
  });

  it('refuses a remembered token once it has expired, as a fresh verification would', async () => {
    jest.useFakeTimers({ now: Date.now(), doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const token = await tenant.signAccessToken(request);
    expect((await tenant.verifyAccessToken(token)).ok).toBe(true);
    jest.setSystemTime(Date.now() + 59_000);
    expect((await tenant.verifyAccessToken(token)).ok).toBe(true);
    jest.setSystemTime(Date.now() + 2_000);
    expect(await tenant.verifyAccessToken(token)).toEqual({ ok: false, problem: 'invalid' });
  });

  it('forgets what it verified when its issuer changes', async () => {
    const token = await tenant.signAccessToken(request);
    expect((await tenant.verifyAccessToken(token)).ok).toBe(true);
    tenant.setBaseUrl(BASE_URL, { issuer: 'https://other-tenant.example/' });
    expect(await tenant.verifyAccessToken(token)).toEqual({ ok: false, problem: 'invalid' });
  });

  it('refuses a token that differs from a remembered one only in its signature', async () => {
    const token = await tenant.signAccessToken(request);
    expect((await tenant.verifyAccessToken(token)).ok).toBe(true);
    const [header, payload, signature] = token.split('.');
    const forged = `${header}.${payload}.${signature.slice(0, -4)}AAAA`;
    expect(await tenant.verifyAccessToken(forged)).toEqual({ ok: false, problem: 'bad-signature' });
  });
});
