import { loadConfig } from './config';
import { resolveProviderEndpoints } from './embedded';
import { DEMO_CREDENTIALS } from './emulators/seed';

const REAL_PROVIDERS = {
  VERATO_BASE_URL: 'https://verato.example.test/link-ws/svc',
  VERATO_TOKEN: 't',
  VERIFA_BASE_URL: 'https://verifa.example.test/api/v1',
  VERIFA_API_KEY: 'k',
  AUTH0_BASE_URL: 'https://tenant.example.test',
  AUTH0_MGMT_TOKEN: 'm',
  BTCDIRECT_BASE_URL: 'https://btcdirect.example.test',
  BTCDIRECT_API_KEY: 'b',
  // Real providers need a real caller-token issuer.
  AUTH_JWKS_URL: 'https://issuer.example.test/.well-known/jwks.json',
  AUTH_ISSUER: 'https://issuer.example.test/',
  AUTH_AUDIENCE: 'identity-subgraph',
};

describe('resolveProviderEndpoints: which Auth0 applications may prove ownership with their ID tokens', () => {
  it("embedded Auth0 defaults to the emulator's demo application, the one its ID tokens are issued to", async () => {
    const providers = await resolveProviderEndpoints(loadConfig({ ...REAL_PROVIDERS, AUTH0_BASE_URL: '', AUTH0_MGMT_TOKEN: '' }));
    try {
      expect(providers.embedded).toEqual(['auth0']);
      expect(providers.endpoints.auth0.idTokenAudiences).toEqual([DEMO_CREDENTIALS.auth0.frontendClientId]);
    } finally {
      await providers.close();
    }
  });

  it('a real Auth0 without AUTH0_ID_TOKEN_AUDIENCES has none (self-service linking is off); with it, exactly those', async () => {
    const unset = await resolveProviderEndpoints(loadConfig(REAL_PROVIDERS));
    expect(unset.embedded).toEqual([]);
    expect(unset.endpoints.auth0.idTokenAudiences).toEqual([]);
    await unset.close();

    const set = await resolveProviderEndpoints(loadConfig({ ...REAL_PROVIDERS, AUTH0_ID_TOKEN_AUDIENCES: 'spa-app,mobile-app' }));
    expect(set.endpoints.auth0.idTokenAudiences).toEqual(['spa-app', 'mobile-app']);
    await set.close();
  });

  it('the Management API audience and the ID token issuer derive from AUTH0_BASE_URL unless set (custom domains)', async () => {
    const derived = await resolveProviderEndpoints(loadConfig(REAL_PROVIDERS));
    const base = derived.endpoints.auth0.baseUrl;
    expect(derived.endpoints.auth0).toMatchObject({ managementAudience: `${base}/api/v2/`, idTokenIssuer: `${base}/` });
    await derived.close();

    const custom = await resolveProviderEndpoints(
      loadConfig({ ...REAL_PROVIDERS, AUTH0_MGMT_AUDIENCE: 'https://acme.eu.auth0.com/api/v2/', AUTH0_ID_TOKEN_ISSUER: 'https://login.acme.example' }),
    );
    expect(custom.endpoints.auth0).toMatchObject({ baseUrl: base, managementAudience: 'https://acme.eu.auth0.com/api/v2/', idTokenIssuer: 'https://login.acme.example/' });
    await custom.close();
  });
});
