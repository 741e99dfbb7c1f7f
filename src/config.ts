import { PROVIDERS, type ProviderName } from './domain/provider-name';
import { ConfigError, envReader, flag, httpUrl, integer, oneOf, quote, type EnvReader } from './env';
import { DEFAULT_IDEMPOTENCY_MAX_KEYS } from './mutations/idempotency';
import { mapProviders, type ProviderTypes } from './providers';
import { DEFAULT_REQUEST_DEADLINE_MS } from './providers/http/policy';

export { ConfigError } from './env';

/**
 * The only place environment variables are read (each provider's own through its module's
 * `readConfig`). `loadConfig` validates everything up front; a bad value throws a ConfigError
 * whose one-line message names the variable and the fix. A provider whose `<P>_BASE_URL` is unset runs on its embedded emulator (`baseUrl: null`); in
 * production only when `EMBEDDED_PROVIDERS` lists it. The embedded dev issuer is trusted only
 * while every provider is an emulator: one real provider makes AUTH_* required.
 */

/** Each provider's settings, as its module reads them (`<P>_BASE_URL` unset = `baseUrl: null`). */
export type ProviderConfigs = { [P in ProviderName]: ProviderTypes[P]['settings'] };

export interface Config extends ProviderConfigs {
  port: number;
  host: string;
  production: boolean;
  logLevel: string;
  requestDeadlineMs: number;
  limits: RequestLimits;
  /** Distinct operation names the operation metrics label by; the rest are counted as `other`. */
  metricsMaxOperationNames: number;
  /** Caller token verification; all null = embedded dev issuer. */
  callerAuth: { jwksUrl: string | null; issuer: string | null; audience: string | null };
  /** Dev issuer only: a request without a token reads as an anonymous caller with identities:read. */
  devAnonymousRead: boolean;
  routerSecret: string | null;
  /** Schema introspection (and field suggestions in errors). */
  introspection: boolean;
  /** The GraphiQL playground on GET /graphql. */
  playground: boolean;
  /** Idempotency keys the in-memory store keeps at most (least recently used evicted first). */
  idempotencyMaxKeys: number;
}

/** What one HTTP request may take of the subgraph (README "Security", query limits). */
export interface RequestLimits {
  /** A request (headers and body) must have fully arrived within this time, else 408. */
  requestTimeoutMs: number;
  /** Longest operation text accepted, in UTF-8 bytes; longer is HTTP 413. */
  maxOperationBytes: number;
  /** Upstream calls one GraphQL request may make. */
  upstreamBudget: number;
}

export const DEFAULT_PORT = 4001;
export const DEFAULT_REQUEST_LIMITS: Readonly<RequestLimits> = Object.freeze({
  requestTimeoutMs: 30_000,
  maxOperationBytes: 64 * 1024,
  upstreamBudget: 200,
});
export const DEFAULT_METRICS_MAX_OPERATION_NAMES = 200;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const read = envReader(env);
  const production = read('NODE_ENV') === 'production';
  const providers = mapProviders<ProviderConfigs>((module) => module.readConfig(read) as ProviderConfigs[typeof module.name]);
  const realProviders = PROVIDERS.filter((name) => providers[name].baseUrl !== null);
  const callerAuth = callerAuthOf(read, production, realProviders);
  checkEmbeddedProviders(read, production, realProviders);

  return {
    port: integer(read, 'PORT', DEFAULT_PORT, 0, 65535),
    host: read('HOST') ?? '0.0.0.0',
    production,
    logLevel: oneOf(read, 'LOG_LEVEL', 'info', LOG_LEVELS),
    requestDeadlineMs: integer(read, 'REQUEST_DEADLINE_MS', DEFAULT_REQUEST_DEADLINE_MS, 100, 120_000),
    limits: requestLimits(read),
    metricsMaxOperationNames: integer(read, 'METRICS_MAX_OPERATION_NAMES', DEFAULT_METRICS_MAX_OPERATION_NAMES, 0, 10_000),
    ...providers,
    callerAuth,
    // Only with the embedded dev issuer, which in turn only exists while every provider is an emulator.
    devAnonymousRead: !production && callerAuth.jwksUrl === null && flag(read, 'DEV_ANONYMOUS_READ', true),
    routerSecret: routerSecret(read('ROUTER_SECRET')),
    introspection: flag(read, 'INTROSPECTION', !production),
    playground: flag(read, 'PLAYGROUND', !production),
    idempotencyMaxKeys: integer(read, 'IDEMPOTENCY_MAX_KEYS', DEFAULT_IDEMPOTENCY_MAX_KEYS, 1, 10_000_000),
  };
}

function requestLimits(read: EnvReader): RequestLimits {
  const d = DEFAULT_REQUEST_LIMITS;
  return {
    requestTimeoutMs: integer(read, 'REQUEST_TIMEOUT_MS', d.requestTimeoutMs, 100, 600_000),
    // Below 1 KB not even the README's example operations fit; above 1 MB they could not arrive in a request body.
    maxOperationBytes: integer(read, 'MAX_OPERATION_BYTES', d.maxOperationBytes, 1_024, 1_000_000),
    upstreamBudget: integer(read, 'REQUEST_UPSTREAM_BUDGET', d.upstreamBudget, 1, 100_000),
  };
}

function callerAuthOf(read: EnvReader, production: boolean, realProviders: ProviderName[]): Config['callerAuth'] {
  const jwksUrl = read('AUTH_JWKS_URL') ?? null;
  const issuer = read('AUTH_ISSUER') ?? null;
  const audience = read('AUTH_AUDIENCE') ?? null;
  const set = [jwksUrl, issuer, audience].filter((v) => v !== null).length;
  if (set !== 0 && set !== 3) {
    const missing = !jwksUrl ? 'AUTH_JWKS_URL' : !issuer ? 'AUTH_ISSUER' : 'AUTH_AUDIENCE';
    throw new ConfigError(missing, 'set AUTH_JWKS_URL, AUTH_ISSUER and AUTH_AUDIENCE together (or none, for the embedded dev issuer)');
  }
  if (jwksUrl) httpUrl('AUTH_JWKS_URL', jwksUrl);
  if (production && !jwksUrl) {
    throw new ConfigError('AUTH_JWKS_URL', 'is required when NODE_ENV=production (with AUTH_ISSUER and AUTH_AUDIENCE); the embedded dev issuer is for development only');
  }
  if (realProviders.length > 0 && !jwksUrl) {
    // The dev issuer's tokens (the playground hands one with every scope to any visitor) must never reach real data.
    throw new ConfigError('AUTH_JWKS_URL', `is required (with AUTH_ISSUER and AUTH_AUDIENCE) because ${envPrefix(realProviders[0])}_BASE_URL points at a real provider; the embedded dev issuer only serves an all-emulator setup`);
  }
  return { jwksUrl, issuer, audience };
}

/**
 * EMBEDDED_PROVIDERS (`verato,btcdirect` or `all`) names the providers that run on their demo
 * emulator on purpose. Production requires every other provider to have its `<P>_BASE_URL`, so a
 * forgotten variable cannot turn into a subgraph serving demo data.
 */
function checkEmbeddedProviders(read: EnvReader, production: boolean, realProviders: ProviderName[]): void {
  const raw = read('EMBEDDED_PROVIDERS');
  const listed = raw === undefined ? [] : parseProviderList(raw);
  const both = listed.find((name) => realProviders.includes(name));
  if (both) {
    throw new ConfigError('EMBEDDED_PROVIDERS', `lists ${both}, but ${envPrefix(both)}_BASE_URL is set too; unset one of them`);
  }
  if (!production) return;
  const unset = PROVIDERS.find((name) => !realProviders.includes(name) && !listed.includes(name));
  if (unset) {
    throw new ConfigError(
      `${envPrefix(unset)}_BASE_URL`,
      `is required when NODE_ENV=production; set it (and the ${unset} credentials), or list ${unset} in EMBEDDED_PROVIDERS to run it on its demo emulator (demos, staging)`,
    );
  }
}

function parseProviderList(raw: string): ProviderName[] {
  const names = raw.split(',').map((name) => name.trim().toLowerCase()).filter(Boolean);
  if (names.includes('all')) return [...PROVIDERS];
  for (const name of names) {
    if (!(PROVIDERS as readonly string[]).includes(name)) {
      throw new ConfigError('EMBEDDED_PROVIDERS', `${quote(name)} is not a provider; list some of ${PROVIDERS.join(', ')} (comma-separated), or all`);
    }
  }
  return names as ProviderName[];
}

/** The prefix of a provider's variables, e.g. BTCDIRECT_BASE_URL. */
function envPrefix(provider: ProviderName): string {
  return provider.toUpperCase();
}

function routerSecret(value: string | undefined): string | null {
  if (value === undefined) return null;
  if (value.length < 16) throw new ConfigError('ROUTER_SECRET', 'must be at least 16 characters (use a long random value)');
  return value;
}
