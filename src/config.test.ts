import { ConfigError, DEFAULT_CACHE_TTL_SECONDS, DEFAULT_PORT, DEFAULT_REDIS_KEY_PREFIX, DEFAULT_REQUEST_LIMITS, loadConfig, providerCacheTtlSeconds, providerRateLimit, readSharedStateConfig, type Config } from './config';
import { DEFAULT_VERIFA_VERSION } from './providers/verifa/config';
import { DEFAULT_SOURCE_MAP, parseSourceMap } from './providers/verato/source-map';
import { DEFAULT_RELATIONSHIP_VERBS } from './providers/verato/config';
import { DEFAULT_PROVIDER_POLICY, DEFAULT_REQUEST_DEADLINE_MS } from './providers/http/policy';
import { DEFAULT_REDIS_COMMAND_TIMEOUT_MS } from './shared-state/redis';

/** Runs loadConfig and returns the ConfigError it throws (fails the test if it does not throw). */
function configErrorOf(env: Record<string, string>): ConfigError {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)} (port ${config.port})`);
}

/** A ConfigError that names `variable` on a single line, starting with it. */
function expectConfigError(env: Record<string, string>, variable: string): ConfigError {
  const error = configErrorOf(env);
  expect(error.variable).toBe(variable);
  expect(error.name).toBe('ConfigError');
  expect(error.message.startsWith(`${variable}: `)).toBe(true);
  expect(error.message).not.toMatch(/[\r\n]/);
  return error;
}

const URL_OF = 'https://provider.example.test/base';
/** Caller token verification against a real issuer, required as soon as one provider is real. */
const CALLER_AUTH = { AUTH_JWKS_URL: 'https://issuer.example.test/.well-known/jwks.json', AUTH_ISSUER: 'https://issuer.example.test/', AUTH_AUDIENCE: 'identity-subgraph' };
/** Each provider pointed at a real API, with credentials. */
const REAL_PROVIDER: Record<'VERATO' | 'VERIFA' | 'AUTH0' | 'BTCDIRECT', Record<string, string>> = {
  VERATO: { VERATO_BASE_URL: URL_OF, VERATO_TOKEN: 'tok' },
  VERIFA: { VERIFA_BASE_URL: URL_OF, VERIFA_API_KEY: 'vk_live_x' },
  AUTH0: { AUTH0_BASE_URL: URL_OF, AUTH0_MGMT_TOKEN: 'mgmt' },
  BTCDIRECT: { BTCDIRECT_BASE_URL: URL_OF, BTCDIRECT_API_KEY: 'key' },
};
const EVERY_PROVIDER_REAL = Object.assign({}, ...Object.values(REAL_PROVIDER)) as Record<string, string>;

describe('loadConfig defaults (empty environment)', () => {
  const config = loadConfig({});

  it('listens on port 4001 on every interface, info logging, not production', () => {
    expect(config.port).toBe(DEFAULT_PORT);
    expect(DEFAULT_PORT).toBe(4001);
    expect(config.host).toBe('0.0.0.0');
    expect(config.logLevel).toBe('info');
    expect(config.production).toBe(false);
    expect(config.requestDeadlineMs).toBe(DEFAULT_REQUEST_DEADLINE_MS);
  });

  it('runs every provider on its embedded emulator, with no credentials and the default policy', () => {
    for (const provider of ['verato', 'verifa', 'auth0', 'btcdirect'] as const) {
      expect(config[provider].baseUrl).toBeNull();
      expect(config[provider].auth).toBeNull();
      expect(config[provider].policy).toEqual(DEFAULT_PROVIDER_POLICY);
    }
    expect(config.verifa.version).toBe(DEFAULT_VERIFA_VERSION);
  });

  it('uses the default Verato source map, the embedded dev issuer and no router secret', () => {
    expect(config.verato.sourceMap.sourceFor('auth0')).toBe('AUTH0');
    expect(config.verato.sourceMap.sourceFor('verifa')).toBe('VERIFA');
    expect(config.verato.sourceMap.sourceFor('btcdirect')).toBe('BTCDIRECT');
    expect(config.callerAuth).toEqual({ jwksUrl: null, issuer: null, audience: null });
    expect(config.routerSecret).toBeNull();
  });

  it('treats blank values as unset', () => {
    const blank = loadConfig({ PORT: '   ', VERATO_BASE_URL: '', LOG_LEVEL: ' ' });
    expect(blank.port).toBe(DEFAULT_PORT);
    expect(blank.verato.baseUrl).toBeNull();
    expect(blank.logLevel).toBe('info');
  });

  it('reads NODE_ENV=production, HOST, PORT and LOG_LEVEL', () => {
    const auth = { AUTH_JWKS_URL: 'https://issuer.example/.well-known/jwks.json', AUTH_ISSUER: 'https://issuer.example/', AUTH_AUDIENCE: 'identity' };
    const custom = loadConfig({ NODE_ENV: 'production', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', REQUEST_DEADLINE_MS: '1500', EMBEDDED_PROVIDERS: 'all', ...auth });
    expect(custom).toMatchObject({ production: true, host: '127.0.0.1', port: 0, logLevel: 'silent', requestDeadlineMs: 1500 });
    expect(custom).toMatchObject({ introspection: false, playground: false, devAnonymousRead: false });
  });

  it('production refuses the embedded dev issuer: AUTH_* must be configured', () => {
    expectConfigError({ NODE_ENV: 'production' }, 'AUTH_JWKS_URL');
  });
});

describe('provider credentials', () => {
  it('Verato: a token is bearer auth, username+password is basic auth', () => {
    expect(loadConfig({ VERATO_BASE_URL: URL_OF, VERATO_TOKEN: 'tok', ...CALLER_AUTH }).verato).toMatchObject({ baseUrl: URL_OF, auth: { kind: 'bearer', token: 'tok' } });
    expect(loadConfig({ VERATO_BASE_URL: URL_OF, VERATO_USERNAME: 'u', VERATO_PASSWORD: 'p', ...CALLER_AUTH }).verato.auth).toEqual({ kind: 'basic', username: 'u', password: 'p' });
  });

  it('Verato: half a basic login names the missing variable; token plus login is refused', () => {
    expectConfigError({ VERATO_USERNAME: 'u' }, 'VERATO_PASSWORD');
    expectConfigError({ VERATO_PASSWORD: 'p' }, 'VERATO_USERNAME');
    expectConfigError({ VERATO_TOKEN: 't', VERATO_USERNAME: 'u', VERATO_PASSWORD: 'p' }, 'VERATO_TOKEN');
    expectConfigError({ VERATO_TOKEN: 't', VERATO_PASSWORD: 'p' }, 'VERATO_TOKEN');
  });

  it('Auth0: client id+secret is client credentials, AUTH0_MGMT_TOKEN a static token', () => {
    expect(loadConfig({ AUTH0_BASE_URL: URL_OF, AUTH0_CLIENT_ID: 'id', AUTH0_CLIENT_SECRET: 'secret', ...CALLER_AUTH }).auth0.auth).toEqual({ kind: 'client_credentials', clientId: 'id', clientSecret: 'secret' });
    expect(loadConfig({ AUTH0_BASE_URL: URL_OF, AUTH0_MGMT_TOKEN: 'mgmt', ...CALLER_AUTH }).auth0.auth).toEqual({ kind: 'static_token', token: 'mgmt' });
  });

  it('Auth0: half the client credentials names the missing variable; token plus client credentials is refused', () => {
    expectConfigError({ AUTH0_CLIENT_ID: 'id' }, 'AUTH0_CLIENT_SECRET');
    expectConfigError({ AUTH0_CLIENT_SECRET: 'secret' }, 'AUTH0_CLIENT_ID');
    expectConfigError({ AUTH0_MGMT_TOKEN: 'mgmt', AUTH0_CLIENT_ID: 'id', AUTH0_CLIENT_SECRET: 'secret' }, 'AUTH0_MGMT_TOKEN');
  });

  it('Auth0: AUTH0_ID_TOKEN_AUDIENCES is a comma-separated list of application client ids (unset = null)', () => {
    expect(loadConfig({}).auth0.idTokenAudiences).toBeNull();
    expect(loadConfig({ AUTH0_ID_TOKEN_AUDIENCES: 'spaClientId123' }).auth0.idTokenAudiences).toEqual(['spaClientId123']);
    expect(loadConfig({ AUTH0_ID_TOKEN_AUDIENCES: ' abc_1 , def-2,abc_1 ' }).auth0.idTokenAudiences).toEqual(['abc_1', 'def-2']);
  });

  it('Auth0: AUTH0_MGMT_AUDIENCE and AUTH0_ID_TOKEN_ISSUER are URLs (unset = null, derived from AUTH0_BASE_URL)', () => {
    expect(loadConfig({}).auth0).toMatchObject({ managementAudience: null, idTokenIssuer: null });
    expect(loadConfig({ AUTH0_MGMT_AUDIENCE: 'https://acme.eu.auth0.com/api/v2/' }).auth0.managementAudience).toBe('https://acme.eu.auth0.com/api/v2/');
    expectConfigError({ AUTH0_MGMT_AUDIENCE: 'acme.eu.auth0.com' }, 'AUTH0_MGMT_AUDIENCE');
    expectConfigError({ AUTH0_ID_TOKEN_ISSUER: 'ftp://login.acme.example/' }, 'AUTH0_ID_TOKEN_ISSUER');
  });

  it.each([
    ['an empty entry', 'abc,,def', 'empty entry'],
    ['a trailing comma', 'abc,', 'empty entry'],
    ['the Management API audience', 'https://tenant.example/api/v2/', 'not an application client id'],
    ['a client id with a space', 'abc def', 'not an application client id'],
  ])('Auth0: AUTH0_ID_TOKEN_AUDIENCES with %s is a ConfigError naming it', (_label, value, problem) => {
    const error = expectConfigError({ AUTH0_ID_TOKEN_AUDIENCES: value }, 'AUTH0_ID_TOKEN_AUDIENCES');
    expect(error.message).toContain(problem);
    expect(error.message).toContain('comma-separated client ids');
  });

  it('BTC Direct: an API key, or a partner login', () => {
    expect(loadConfig({ BTCDIRECT_BASE_URL: URL_OF, BTCDIRECT_API_KEY: 'key', ...CALLER_AUTH }).btcdirect.auth).toEqual({ kind: 'api_key', apiKey: 'key' });
    expect(loadConfig({ BTCDIRECT_BASE_URL: URL_OF, BTCDIRECT_USERNAME: 'u', BTCDIRECT_PASSWORD: 'p', ...CALLER_AUTH }).btcdirect.auth).toEqual({ kind: 'partner_login', username: 'u', password: 'p' });
  });

  it('BTC Direct: both client authentication methods at once is refused (ER803 upstream); half a login names the missing variable', () => {
    expectConfigError({ BTCDIRECT_API_KEY: 'key', BTCDIRECT_USERNAME: 'u', BTCDIRECT_PASSWORD: 'p' }, 'BTCDIRECT_API_KEY');
    expectConfigError({ BTCDIRECT_USERNAME: 'u' }, 'BTCDIRECT_PASSWORD');
    expectConfigError({ BTCDIRECT_PASSWORD: 'p' }, 'BTCDIRECT_USERNAME');
  });

  it('Verifa: an API key and a pinned date version', () => {
    const config = loadConfig({ VERIFA_BASE_URL: URL_OF, VERIFA_API_KEY: 'vk_sandbox_x', VERIFA_VERSION: '2026-02-01', ...CALLER_AUTH });
    expect(config.verifa).toMatchObject({ baseUrl: URL_OF, auth: { apiKey: 'vk_sandbox_x' }, version: '2026-02-01' });
    expectConfigError({ VERIFA_VERSION: '2026-1-1' }, 'VERIFA_VERSION');
  });

  it.each(['VERATO', 'VERIFA', 'AUTH0', 'BTCDIRECT'])('%s_BASE_URL without credentials is a ConfigError naming the variable', (prefix) => {
    const error = expectConfigError({ [`${prefix}_BASE_URL`]: URL_OF }, `${prefix}_BASE_URL`);
    expect(error.message).toContain('credentials');
  });

  it('drops trailing slashes from a base URL', () => {
    expect(loadConfig({ VERIFA_BASE_URL: `${URL_OF}///`, VERIFA_API_KEY: 'k', ...CALLER_AUTH }).verifa.baseUrl).toBe(URL_OF);
  });

  it('does not echo a secret in any credential error', () => {
    const envs: Record<string, string>[] = [
      { VERATO_TOKEN: 'SECRET-TOKEN-1', VERATO_USERNAME: 'u', VERATO_PASSWORD: 'SECRET-PW-1' },
      { AUTH0_MGMT_TOKEN: 'SECRET-TOKEN-2', AUTH0_CLIENT_ID: 'id', AUTH0_CLIENT_SECRET: 'SECRET-PW-2' },
      { BTCDIRECT_API_KEY: 'SECRET-KEY-3', BTCDIRECT_USERNAME: 'u', BTCDIRECT_PASSWORD: 'SECRET-PW-3' },
      { AUTH0_CLIENT_SECRET: 'SECRET-PW-4' },
      { ROUTER_SECRET: 'SECRET-short' },
    ];
    for (const env of envs) {
      expect(configErrorOf(env).message).not.toMatch(/SECRET-/);
    }
  });
});

describe('malformed values', () => {
  it.each([
    ['not a url', 'VERATO_BASE_URL'],
    ['ftp://provider.example.test', 'VERATO_BASE_URL'],
    ['https://user:hunter2@provider.example.test', 'VERATO_BASE_URL'],
  ])('VERATO_BASE_URL=%s is refused', (value, variable) => {
    const error = expectConfigError({ VERATO_BASE_URL: value, VERATO_TOKEN: 't' }, variable);
    expect(error.message).not.toContain('hunter2');
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '1.5'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['VERIFA_TIMEOUT_MS', '-1'],
    ['VERIFA_TIMEOUT_MS', '5'],
    ['AUTH0_RETRIES', '11'],
    ['VERATO_CONCURRENCY', '0'],
    ['REQUEST_DEADLINE_MS', '99'],
    ['BTCDIRECT_BREAKER_THRESHOLD', '0'],
    ['BTCDIRECT_BREAKER_THRESHOLD', '1.5'],
    ['VERIFA_BREAKER_MIN_CALLS', 'lots'],
    ['VERIFA_BREAKER_MIN_CALLS', '0'],
    ['LOG_LEVEL', 'verbose'],
  ])('%s=%s is a ConfigError naming the variable', (variable, value) => {
    const error = expectConfigError({ [variable]: value }, variable);
    expect(error.message).toContain(`"${value}"`);
  });

  it('refuses the retired <P>_BREAKER_MIN_RPS, naming its replacement', () => {
    const error = expectConfigError({ VERIFA_BREAKER_MIN_RPS: '0.5' }, 'VERIFA_BREAKER_MIN_RPS');
    expect(error.message).toContain('VERIFA_BREAKER_MIN_CALLS');
  });

  it('takes per-provider policy overrides and leaves the other providers on the defaults', () => {
    const config = loadConfig({ VERIFA_TIMEOUT_MS: '300', VERIFA_RETRIES: '0', VERIFA_BREAKER_THRESHOLD: '0.25' });
    expect(config.verifa.policy).toEqual({ ...DEFAULT_PROVIDER_POLICY, timeoutMs: 300, retries: 0, breakerThreshold: 0.25 });
    expect(config.auth0.policy).toEqual(DEFAULT_PROVIDER_POLICY);
  });
});

describe('IDEMPOTENCY_MAX_KEYS', () => {
  it('defaults to 10,000 keys and takes a whole number', () => {
    expect(loadConfig({}).idempotencyMaxKeys).toBe(10_000);
    expect(loadConfig({ IDEMPOTENCY_MAX_KEYS: '250' }).idempotencyMaxKeys).toBe(250);
  });

  it.each(['0', '-5', '1e4', 'many', '10000001'])('refuses %s in one line naming the variable', (raw) => {
    expect(expectConfigError({ IDEMPOTENCY_MAX_KEYS: raw }, 'IDEMPOTENCY_MAX_KEYS').message).toContain('between 1 and 10000000 (default 10000)');
  });
});

describe('request limits and metrics labels', () => {
  it('default to a 30 s request timeout, 64 KB operations, 200 upstream calls per request and 200 operation names', () => {
    const config = loadConfig({});
    expect(config.limits).toEqual({ requestTimeoutMs: 30_000, maxOperationBytes: 65_536, upstreamBudget: 200 });
    expect(config.limits).toEqual(DEFAULT_REQUEST_LIMITS);
    expect(config.metricsMaxOperationNames).toBe(200);
  });

  it('take REQUEST_TIMEOUT_MS, MAX_OPERATION_BYTES, REQUEST_UPSTREAM_BUDGET and METRICS_MAX_OPERATION_NAMES', () => {
    const config = loadConfig({ REQUEST_TIMEOUT_MS: '1500', MAX_OPERATION_BYTES: '4096', REQUEST_UPSTREAM_BUDGET: '50', METRICS_MAX_OPERATION_NAMES: '0' });
    expect(config.limits).toEqual({ requestTimeoutMs: 1_500, maxOperationBytes: 4_096, upstreamBudget: 50 });
    expect(config.metricsMaxOperationNames).toBe(0);
  });

  it.each([
    ['REQUEST_TIMEOUT_MS', '99'],
    ['REQUEST_TIMEOUT_MS', '30s'],
    ['MAX_OPERATION_BYTES', '100'],
    ['MAX_OPERATION_BYTES', '2000000'],
    ['REQUEST_UPSTREAM_BUDGET', '0'],
    ['METRICS_MAX_OPERATION_NAMES', '-1'],
  ])('%s=%s is a ConfigError naming the variable', (variable, value) => {
    const error = expectConfigError({ [variable]: value }, variable);
    expect(error.message).toContain(`"${value}"`);
  });
});

describe('VERATO_SOURCE_MAP', () => {
  it('defaults to AUTH0/VERIFA/BTCDIRECT and maps source codes both ways', () => {
    const map = parseSourceMap(DEFAULT_SOURCE_MAP);
    expect(map.providerFor('AUTH0')).toBe('auth0');
    expect(map.providerFor('VERIFA')).toBe('verifa');
    expect(map.providerFor('BTCDIRECT')).toBe('btcdirect');
    expect(map.providerFor('CRM')).toBeUndefined();
    expect(map.providerFor('auth0')).toBeUndefined();
  });

  it('takes custom codes (spaces around pairs allowed) through loadConfig', () => {
    const map = loadConfig({ VERATO_SOURCE_MAP: ' A0=auth0 , VF = verifa,BTC=btcdirect,' }).verato.sourceMap;
    expect(map.sourceFor('auth0')).toBe('A0');
    expect(map.sourceFor('verifa')).toBe('VF');
    expect(map.sourceFor('btcdirect')).toBe('BTC');
    expect(map.providerFor('A0')).toBe('auth0');
    expect(map.providerFor('AUTH0')).toBeUndefined();
  });

  it.each([
    ['no "="', 'AUTH0,VERIFA=verifa,BTCDIRECT=btcdirect'],
    ['two "="', 'AUTH0=auth0=x,VERIFA=verifa,BTCDIRECT=btcdirect'],
    ['an unknown provider', 'AUTH0=okta,VERIFA=verifa,BTCDIRECT=btcdirect'],
    ['verato mapped to itself', 'AUTH0=auth0,VERIFA=verifa,BTCDIRECT=btcdirect,V=verato'],
    ['a space inside a source code', 'AU TH0=auth0,VERIFA=verifa,BTCDIRECT=btcdirect'],
    ['a colon in a source code', 'AUTH:0=auth0,VERIFA=verifa,BTCDIRECT=btcdirect'],
    ['an empty source code', '=auth0,VERIFA=verifa,BTCDIRECT=btcdirect'],
    ['a provider left out', 'AUTH0=auth0,VERIFA=verifa'],
  ])('refuses a map with %s', (_label, value) => {
    const error = expectConfigError({ VERATO_SOURCE_MAP: value }, 'VERATO_SOURCE_MAP');
    expect(error.message).toContain(DEFAULT_SOURCE_MAP);
  });

  it('names the provider that has no source code', () => {
    expect(expectConfigError({ VERATO_SOURCE_MAP: 'AUTH0=auth0,VERIFA=verifa' }, 'VERATO_SOURCE_MAP').message).toContain('btcdirect');
  });

  // Otherwise the two directions would disagree: an Auth0 record read back as a Verifa identity.
  it('refuses one source code mapped to two providers', () => {
    expectConfigError({ VERATO_SOURCE_MAP: 'X=auth0,X=verifa,BTCDIRECT=btcdirect' }, 'VERATO_SOURCE_MAP');
  });
});

describe('caller auth and router secret', () => {
  const AUTH = { AUTH_JWKS_URL: 'https://issuer.example.test/.well-known/jwks.json', AUTH_ISSUER: 'https://issuer.example.test/', AUTH_AUDIENCE: 'identity-subgraph' };

  it('takes AUTH_JWKS_URL, AUTH_ISSUER and AUTH_AUDIENCE together', () => {
    expect(loadConfig(AUTH).callerAuth).toEqual({ jwksUrl: AUTH.AUTH_JWKS_URL, issuer: AUTH.AUTH_ISSUER, audience: AUTH.AUTH_AUDIENCE });
  });

  it.each([
    [{ AUTH_JWKS_URL: AUTH.AUTH_JWKS_URL }, 'AUTH_ISSUER'],
    [{ AUTH_ISSUER: AUTH.AUTH_ISSUER }, 'AUTH_JWKS_URL'],
    [{ AUTH_AUDIENCE: AUTH.AUTH_AUDIENCE }, 'AUTH_JWKS_URL'],
    [{ AUTH_JWKS_URL: AUTH.AUTH_JWKS_URL, AUTH_ISSUER: AUTH.AUTH_ISSUER }, 'AUTH_AUDIENCE'],
    [{ ...AUTH, AUTH_JWKS_URL: 'jwks.json' }, 'AUTH_JWKS_URL'],
  ])('refuses a partial or malformed set (%j) naming %s', (env, variable) => {
    const error = expectConfigError(env, variable);
    if (Object.keys(env).length < 3) expect(error.message).toContain('together');
  });

  it('ROUTER_SECRET must have at least 16 characters', () => {
    expectConfigError({ ROUTER_SECRET: 'x'.repeat(15) }, 'ROUTER_SECRET');
    expect(loadConfig({ ROUTER_SECRET: 'x'.repeat(16) }).routerSecret).toBe('x'.repeat(16));
  });
});

describe('every ConfigError message is one line', () => {
  // A value with a line break (e.g. from a multi-line secret store entry) must not break the one-line message.
  it.each([
    ['PORT', '1\n2'],
    ['LOG_LEVEL', 'info\nx'],
    ['VERATO_SOURCE_MAP', 'AUTH0=auth0\nx,VERIFA=verifa,BTCDIRECT=btcdirect'],
  ])('%s with a line break inside the value', (variable, value) => {
    expectConfigError({ [variable]: value }, variable);
  });
});

describe('real providers need a real caller-token issuer', () => {
  it.each(Object.keys(REAL_PROVIDER) as (keyof typeof REAL_PROVIDER)[])('%s_BASE_URL without AUTH_* stops start-up, naming AUTH_JWKS_URL and the real provider', (prefix) => {
    const error = expectConfigError(REAL_PROVIDER[prefix], 'AUTH_JWKS_URL');
    expect(error.message).toContain(`${prefix}_BASE_URL`);
    expect(error.message).toContain('AUTH_ISSUER and AUTH_AUDIENCE');
  });

  it('every provider real and no AUTH_* (the old "real providers" recipe) is refused', () => {
    expectConfigError(EVERY_PROVIDER_REAL, 'AUTH_JWKS_URL');
    expectConfigError({ ...EVERY_PROVIDER_REAL, DEV_ANONYMOUS_READ: 'true' }, 'AUTH_JWKS_URL');
  });

  it('with AUTH_* the real providers start, and no request reads anonymously', () => {
    const config = loadConfig({ ...EVERY_PROVIDER_REAL, ...CALLER_AUTH, DEV_ANONYMOUS_READ: 'true' });
    expect(config.callerAuth.jwksUrl).toBe(CALLER_AUTH.AUTH_JWKS_URL);
    expect(config.devAnonymousRead).toBe(false);
  });

  it('the dev issuer and anonymous reads remain while every provider is embedded', () => {
    const config = loadConfig({});
    expect(config.callerAuth.jwksUrl).toBeNull();
    expect(config.devAnonymousRead).toBe(true);
  });
});

describe('production and EMBEDDED_PROVIDERS', () => {
  const PRODUCTION = { NODE_ENV: 'production', ...CALLER_AUTH };

  it('an unset <P>_BASE_URL stops start-up in production, naming that variable', () => {
    const error = expectConfigError(PRODUCTION, 'VERATO_BASE_URL');
    expect(error.message).toContain('EMBEDDED_PROVIDERS');
    for (const missing of Object.keys(REAL_PROVIDER) as (keyof typeof REAL_PROVIDER)[]) {
      const others = Object.entries(REAL_PROVIDER).filter(([prefix]) => prefix !== missing).map(([, env]) => env);
      expectConfigError(Object.assign({ ...PRODUCTION }, ...others), `${missing}_BASE_URL`);
    }
  });

  it('production with every provider real starts', () => {
    const config = loadConfig({ ...PRODUCTION, ...EVERY_PROVIDER_REAL });
    expect(config.production).toBe(true);
    expect(['verato', 'verifa', 'auth0', 'btcdirect'].map((p) => config[p as 'verato'].baseUrl)).toEqual([URL_OF, URL_OF, URL_OF, URL_OF]);
  });

  it('EMBEDDED_PROVIDERS lets listed providers run on their emulators in production (demos, staging)', () => {
    const some = loadConfig({ ...PRODUCTION, ...REAL_PROVIDER.VERIFA, ...REAL_PROVIDER.AUTH0, EMBEDDED_PROVIDERS: 'verato, btcdirect' });
    expect([some.verato.baseUrl, some.verifa.baseUrl, some.auth0.baseUrl, some.btcdirect.baseUrl]).toEqual([null, URL_OF, URL_OF, null]);
    const all = loadConfig({ ...PRODUCTION, EMBEDDED_PROVIDERS: 'all' });
    expect([all.verato.baseUrl, all.verifa.baseUrl, all.auth0.baseUrl, all.btcdirect.baseUrl]).toEqual([null, null, null, null]);
    expectConfigError({ ...PRODUCTION, ...REAL_PROVIDER.VERIFA, ...REAL_PROVIDER.AUTH0, EMBEDDED_PROVIDERS: 'verato' }, 'BTCDIRECT_BASE_URL');
  });

  it('refuses an unknown name in EMBEDDED_PROVIDERS, in any environment', () => {
    const error = expectConfigError({ ...PRODUCTION, EMBEDDED_PROVIDERS: 'verato,okta' }, 'EMBEDDED_PROVIDERS');
    expect(error.message).toContain('"okta"');
    expect(error.message).toContain('verato, verifa, auth0, btcdirect');
    expectConfigError({ EMBEDDED_PROVIDERS: 'everything' }, 'EMBEDDED_PROVIDERS');
  });

  it('refuses a provider listed in EMBEDDED_PROVIDERS that also has a <P>_BASE_URL', () => {
    const error = expectConfigError({ ...PRODUCTION, ...EVERY_PROVIDER_REAL, EMBEDDED_PROVIDERS: 'btcdirect' }, 'EMBEDDED_PROVIDERS');
    expect(error.message).toContain('BTCDIRECT_BASE_URL');
    expectConfigError({ ...REAL_PROVIDER.VERIFA, ...CALLER_AUTH, EMBEDDED_PROVIDERS: 'all' }, 'EMBEDDED_PROVIDERS');
  });
});

describe('shared state: REDIS_URL, cache TTLs, encryption keys, rate budgets', () => {
  const KEY_A = Buffer.alloc(32, 7).toString('base64');
  const KEY_B = Buffer.alloc(32, 9).toString('base64url');

  /** A ConfigError from readSharedStateConfig (or one of the per-provider readers) on one line, naming `variable`. */
  function sharedError(run: () => unknown, variable: string): ConfigError {
    let caught: unknown;
    try {
      run();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const error = caught as ConfigError;
    expect(error.variable).toBe(variable);
    expect(error.message.startsWith(`${variable}: `)).toBe(true);
    expect(error.message).not.toMatch(/[\r\n]/);
    return error;
  }

  it('defaults to in-process state, the identity: prefix, a 60 s TTL and a generated key', () => {
    const shared = loadConfig({}).sharedState;
    expect(shared).toMatchObject({ redisUrl: null, keyPrefix: DEFAULT_REDIS_KEY_PREFIX, cacheTtlSeconds: DEFAULT_CACHE_TTL_SECONDS, encryptionKeySource: 'generated', decryptionKeys: [] });
    expect(DEFAULT_REDIS_KEY_PREFIX).toBe('identity:');
    expect(DEFAULT_CACHE_TTL_SECONDS).toBe(60);
    expect(shared.encryptionKey).toHaveLength(32);
    // A generated key is per process: two reads give two keys.
    expect(readSharedStateConfig({}).encryptionKey.equals(shared.encryptionKey)).toBe(false);
  });

  it('reads REDIS_URL (redis:// and rediss://), REDIS_KEY_PREFIX, CACHE_TTL_SECONDS and the keys', () => {
    const shared = readSharedStateConfig({
      REDIS_URL: 'rediss://:pw@cache.example.test:6380/2',
      REDIS_KEY_PREFIX: 'staging:identity:',
      CACHE_TTL_SECONDS: '0',
      CACHE_ENCRYPTION_KEY: KEY_A,
      CACHE_DECRYPTION_KEYS: ` ${KEY_B} ,${KEY_A}`,
    });
    expect(shared).toMatchObject({ redisUrl: 'rediss://:pw@cache.example.test:6380/2', keyPrefix: 'staging:identity:', cacheTtlSeconds: 0, encryptionKeySource: 'configured' });
    expect(shared.encryptionKey.equals(Buffer.alloc(32, 7))).toBe(true);
    expect(shared.decryptionKeys.map((k) => k[0])).toEqual([9, 7]);
    expect(readSharedStateConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).redisUrl).toBe('redis://127.0.0.1:6379');
  });

  it('reads REDIS_COMMAND_TIMEOUT_MS (100 ms by default), and refuses one outside 1 to 5000 ms', () => {
    expect(readSharedStateConfig({}).redisCommandTimeoutMs).toBe(DEFAULT_REDIS_COMMAND_TIMEOUT_MS);
    expect(DEFAULT_REDIS_COMMAND_TIMEOUT_MS).toBe(100);
    expect(readSharedStateConfig({ REDIS_COMMAND_TIMEOUT_MS: '250' }).redisCommandTimeoutMs).toBe(250);
    for (const value of ['0', '5001', 'soon']) sharedError(() => readSharedStateConfig({ REDIS_COMMAND_TIMEOUT_MS: value }), 'REDIS_COMMAND_TIMEOUT_MS');
  });

  it.each(['not a url', 'http://cache.example.test:6379', 'redis://cache.example.test/db', 'redis://:secret-pw@cache.example.test:6379/zero'])(
    'refuses REDIS_URL=%s in one line that does not repeat it',
    (value) => {
      const error = sharedError(() => loadConfig({ REDIS_URL: value }), 'REDIS_URL');
      expect(error.message).not.toContain('secret-pw');
      expect(error.message).not.toContain(value);
    },
  );

  it('requires CACHE_ENCRYPTION_KEY in production with REDIS_URL, not without Redis', () => {
    sharedError(() => readSharedStateConfig({ NODE_ENV: 'production', REDIS_URL: 'redis://127.0.0.1:6379/0' }), 'CACHE_ENCRYPTION_KEY');
    expect(readSharedStateConfig({ NODE_ENV: 'production' }).encryptionKeySource).toBe('generated');
    expect(readSharedStateConfig({ NODE_ENV: 'production', REDIS_URL: 'redis://127.0.0.1:6379/0', CACHE_ENCRYPTION_KEY: KEY_A }).encryptionKeySource).toBe('configured');
  });

  it.each([
    ['CACHE_ENCRYPTION_KEY', 'c2hvcnQ='],
    ['CACHE_ENCRYPTION_KEY', 'not base64 at all, not at all, not at all!!'],
    ['CACHE_DECRYPTION_KEYS', `${Buffer.alloc(32, 1).toString('base64')},c2hvcnQ=`],
    ['REDIS_KEY_PREFIX', 'has spaces'],
    ['CACHE_TTL_SECONDS', '-1'],
    ['CACHE_TTL_SECONDS', '1m'],
  ])('refuses %s=%s in one line that does not repeat a key', (variable, value) => {
    const error = sharedError(() => readSharedStateConfig({ [variable]: value }), variable);
    // Key material (even a wrong one) never appears in the message.
    if (variable.endsWith('_KEY') || variable.endsWith('_KEYS')) for (const part of value.split(',')) expect(error.message).not.toContain(part);
  });

  it('reads <P>_CACHE_TTL_SECONDS for one provider, falling back to the default given', () => {
    const env = { AUTH0_CACHE_TTL_SECONDS: '0', VERIFA_CACHE_TTL_SECONDS: '300' };
    expect(providerCacheTtlSeconds(env, 'AUTH0', 60)).toBe(0);
    expect(providerCacheTtlSeconds(env, 'VERIFA', 60)).toBe(300);
    expect(providerCacheTtlSeconds(env, 'VERATO', 45)).toBe(45);
    expect(sharedError(() => providerCacheTtlSeconds({ BTCDIRECT_CACHE_TTL_SECONDS: 'soon' }, 'BTCDIRECT', 60), 'BTCDIRECT_CACHE_TTL_SECONDS').message).toContain('"soon"');
  });

  it('reads <P>_RATE_LIMIT_RPS and <P>_RATE_LIMIT_BURST; unset is no budget, burst defaults to the rps', () => {
    expect(providerRateLimit({}, 'AUTH0')).toBeNull();
    expect(providerRateLimit({ AUTH0_RATE_LIMIT_RPS: '15', AUTH0_RATE_LIMIT_BURST: '50' }, 'AUTH0')).toEqual({ rps: 15, burst: 50 });
    expect(providerRateLimit({ AUTH0_RATE_LIMIT_RPS: '5' }, 'AUTH0')).toEqual({ rps: 5, burst: 5 });
    expect(providerRateLimit({ AUTH0_RATE_LIMIT_RPS: '5' }, 'VERIFA')).toBeNull();
  });

  it.each([
    [{ AUTH0_RATE_LIMIT_RPS: '0' }, 'AUTH0_RATE_LIMIT_RPS'],
    [{ AUTH0_RATE_LIMIT_RPS: '2.5' }, 'AUTH0_RATE_LIMIT_RPS'],
    [{ AUTH0_RATE_LIMIT_RPS: '10', AUTH0_RATE_LIMIT_BURST: '5' }, 'AUTH0_RATE_LIMIT_BURST'],
    [{ AUTH0_RATE_LIMIT_BURST: '5' }, 'AUTH0_RATE_LIMIT_BURST'],
  ])('refuses %j naming %s', (env, variable) => {
    sharedError(() => providerRateLimit(env, 'AUTH0'), variable);
  });
});

describe('loadConfig: each provider\'s record-cache TTL and rate budget in its settings', () => {
  it('reads <P>_CACHE_TTL_SECONDS (else CACHE_TTL_SECONDS) and <P>_RATE_LIMIT_RPS/_BURST per provider', () => {
    const config = loadConfig({ CACHE_TTL_SECONDS: '30', AUTH0_CACHE_TTL_SECONDS: '0', AUTH0_RATE_LIMIT_RPS: '5', AUTH0_RATE_LIMIT_BURST: '10' });
    expect(config.auth0).toMatchObject({ cacheTtlSeconds: 0, rateLimit: { rps: 5, burst: 10 } });
    expect(config.verifa).toMatchObject({ cacheTtlSeconds: 30, rateLimit: null });
    const defaults = loadConfig({});
    expect([defaults.auth0, defaults.btcdirect, defaults.verato, defaults.verifa].map((s) => [s.cacheTtlSeconds, s.rateLimit])).toEqual(Array(4).fill([60, null]));
  });
});

describe('VERATO_RELATIONSHIP_VERBS', () => {
  it("defaults to the verbs of Verato's published catalogue, both directions", () => {
    expect(loadConfig({}).verato.relationshipVerbs).toBe(DEFAULT_RELATIONSHIP_VERBS);
    expect(DEFAULT_RELATIONSHIP_VERBS).toEqual(expect.arrayContaining(['is parent of', 'is child of', 'employs', 'is employed by']));
  });

  it('takes comma-separated verbs, trimmed, once each', () => {
    expect(loadConfig({ VERATO_RELATIONSHIP_VERBS: ' is mentor of , is mentee of,is mentor of,' }).verato.relationshipVerbs).toEqual(['is mentor of', 'is mentee of']);
  });

  it('refuses a list without a verb', () => {
    expectConfigError({ VERATO_RELATIONSHIP_VERBS: ' , ' }, 'VERATO_RELATIONSHIP_VERBS');
  });
});

describe('router cache invalidation', () => {
  it('is off by default; ROUTER_INVALIDATION_URL and ROUTER_INVALIDATION_SECRET turn it on (subgraph name "identity" unless set)', () => {
    expect(loadConfig({}).routerInvalidation).toBeNull();
    const secret = 'shared-key-of-the-router';
    expect(loadConfig({ ROUTER_INVALIDATION_URL: 'http://router:4000/invalidation', ROUTER_INVALIDATION_SECRET: secret }).routerInvalidation).toEqual({
      url: 'http://router:4000/invalidation',
      secret,
      subgraph: 'identity',
    });
    expect(
      loadConfig({ ROUTER_INVALIDATION_URL: 'http://router:4000/invalidation', ROUTER_INVALIDATION_SECRET: secret, ROUTER_INVALIDATION_SUBGRAPH: 'people' }).routerInvalidation?.subgraph,
    ).toBe('people');
  });

  it.each([
    [{ ROUTER_INVALIDATION_URL: 'http://router:4000/invalidation' }, 'ROUTER_INVALIDATION_SECRET'],
    [{ ROUTER_INVALIDATION_SECRET: 'shared-key' }, 'ROUTER_INVALIDATION_URL'],
    [{ ROUTER_INVALIDATION_URL: 'router:4000', ROUTER_INVALIDATION_SECRET: 'shared-key' }, 'ROUTER_INVALIDATION_URL'],
    [{ ROUTER_INVALIDATION_URL: 'http://router/invalidation', ROUTER_INVALIDATION_SECRET: 'k', ROUTER_INVALIDATION_SUBGRAPH: 'a b' }, 'ROUTER_INVALIDATION_SUBGRAPH'],
  ])('refuses %j naming %s, without repeating the secret', (env, variable) => {
    expect(expectConfigError(env, variable).message).not.toContain('shared-key');
  });
});
