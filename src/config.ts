import { randomBytes } from 'node:crypto';
import { PROVIDERS, type ProviderName } from './domain/provider-name';
import { ConfigError, envReader, flag, httpUrl, integer, oneOf, quote, type EnvReader } from './env';
import type { RouterInvalidationConfig } from './cache/router-invalidation';
import { DEFAULT_IDEMPOTENCY_MAX_KEYS } from './mutations/idempotency';
import { mapProviders, type ProviderTypes } from './providers';
import { DEFAULT_REQUEST_DEADLINE_MS } from './providers/http/policy';
import { DEFAULT_REDIS_COMMAND_TIMEOUT_MS } from './shared-state/redis';

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
  /** Where mutations post the router's response-cache invalidations (null: nowhere). */
  routerInvalidation: RouterInvalidationConfig | null;
  /** Schema introspection (and field suggestions in errors). */
  introspection: boolean;
  /** The GraphiQL playground on GET /graphql. */
  playground: boolean;
  /** Idempotency keys the in-memory store keeps at most (least recently used evicted first). */
  idempotencyMaxKeys: number;
  /** Redis (or in-process) shared state: see `readSharedStateConfig`. */
  sharedState: SharedStateConfig;
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
  const sharedState = readSharedStateConfig(env);
  const providers = mapProviders<ProviderConfigs>((module) => {
    const prefix = module.name.toUpperCase();
    return {
      ...(module.readConfig(read) as object),
      cacheTtlSeconds: providerCacheTtlSeconds(env, prefix, sharedState.cacheTtlSeconds),
      rateLimit: providerRateLimit(env, prefix),
    } as ProviderConfigs[typeof module.name];
  });
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
    routerInvalidation: routerInvalidation(read),
    introspection: flag(read, 'INTROSPECTION', !production),
    playground: flag(read, 'PLAYGROUND', !production),
    idempotencyMaxKeys: integer(read, 'IDEMPOTENCY_MAX_KEYS', DEFAULT_IDEMPOTENCY_MAX_KEYS, 1, 10_000_000),
    sharedState,
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
/** ROUTER_INVALIDATION_URL and ROUTER_INVALIDATION_SECRET together (or neither); ROUTER_INVALIDATION_SUBGRAPH names this subgraph. */
function routerInvalidation(read: EnvReader): RouterInvalidationConfig | null {
  const url = read('ROUTER_INVALIDATION_URL');
  const secret = read('ROUTER_INVALIDATION_SECRET');
  if (url === undefined && secret === undefined) return null;
  if (url === undefined) throw new ConfigError('ROUTER_INVALIDATION_URL', 'is required with ROUTER_INVALIDATION_SECRET (the router\'s invalidation endpoint, e.g. http://router:4000/invalidation)');
  if (secret === undefined) throw new ConfigError('ROUTER_INVALIDATION_SECRET', "is required with ROUTER_INVALIDATION_URL (the router's response_cache invalidation shared_key)");
  httpUrl('ROUTER_INVALIDATION_URL', url);
  const subgraph = read('ROUTER_INVALIDATION_SUBGRAPH') ?? DEFAULT_ROUTER_SUBGRAPH_NAME;
  if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(subgraph)) throw new ConfigError('ROUTER_INVALIDATION_SUBGRAPH', "must be this subgraph's name in the supergraph (letters, digits, _ and -)");
  return { url, secret, subgraph };
}

export const DEFAULT_ROUTER_SUBGRAPH_NAME = 'identity';

// ---------------------------------------------------------------------------------------------
// Shared state (Redis, the provider-record cache, rate budgets). A block of its own: the global
// variables are read by `readSharedStateConfig`; the per-provider ones by `providerCacheTtlSeconds`
// and `providerRateLimit`, which take the provider's env prefix (VERATO, AUTH0…) so a provider
// module can call them for itself.
// ---------------------------------------------------------------------------------------------

export const DEFAULT_REDIS_KEY_PREFIX = 'identity:';
/** A Redis that answers slower than this is as good as down for a request's deadline. */
const MAX_REDIS_COMMAND_TIMEOUT_MS = 5_000;
export const DEFAULT_CACHE_TTL_SECONDS = 60;
const MAX_CACHE_TTL_SECONDS = 86_400;

export interface SharedStateConfig {
  /** null = every shared-state feature runs in process. The URL may hold a password: never log it. */
  redisUrl: string | null;
  /** Put before every key name, so deployments can share one Redis. */
  keyPrefix: string;
  /** How long a Redis command may take before it counts as failed (a cache miss, a skipped store). */
  redisCommandTimeoutMs: number;
  /** Default record-cache TTL of every provider (`CACHE_TTL_SECONDS`); 0 = off. */
  cacheTtlSeconds: number;
  /** AES-256-GCM key (32 bytes) values are sealed with, and record-id key names are derived from. */
  encryptionKey: Buffer;
  /** `configured` from CACHE_ENCRYPTION_KEY; `generated` = random for this process (development only): say so in a log line. */
  encryptionKeySource: 'configured' | 'generated';
  /** Older keys still accepted when opening values (CACHE_DECRYPTION_KEYS), newest first. */
  decryptionKeys: Buffer[];
}

export interface ProviderRateLimit {
  /** Calls per second the fleet may send the provider, sustained. */
  rps: number;
  /** Calls the fleet may send in a short burst (at least `rps`). */
  burst: number;
}

export function readSharedStateConfig(env: NodeJS.ProcessEnv = process.env): SharedStateConfig {
  const read = envReader(env);
  const production = read('NODE_ENV') === 'production';
  const redisUrl = redisUrlOf(read('REDIS_URL'));
  const keyPrefix = read('REDIS_KEY_PREFIX') ?? DEFAULT_REDIS_KEY_PREFIX;
  if (!/^[\x21-\x7e]{1,64}$/.test(keyPrefix)) {
    throw new ConfigError('REDIS_KEY_PREFIX', 'must be 1 to 64 printable characters without spaces, e.g. "identity:"');
  }
  const configuredKey = read('CACHE_ENCRYPTION_KEY');
  if (configuredKey === undefined && production && redisUrl !== null) {
    throw new ConfigError('CACHE_ENCRYPTION_KEY', 'is required when NODE_ENV=production and REDIS_URL is set; give 32 random bytes in base64 (e.g. `openssl rand -base64 32`)');
  }
  const decryptionKeys = (read('CACHE_DECRYPTION_KEYS') ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean)
    .map((k) => aesKey('CACHE_DECRYPTION_KEYS', k));
  return {
    redisUrl,
    keyPrefix,
    redisCommandTimeoutMs: integer(read, 'REDIS_COMMAND_TIMEOUT_MS', DEFAULT_REDIS_COMMAND_TIMEOUT_MS, 1, MAX_REDIS_COMMAND_TIMEOUT_MS),
    cacheTtlSeconds: integer(read, 'CACHE_TTL_SECONDS', DEFAULT_CACHE_TTL_SECONDS, 0, MAX_CACHE_TTL_SECONDS),
    encryptionKey: configuredKey === undefined ? randomBytes(32) : aesKey('CACHE_ENCRYPTION_KEY', configuredKey),
    encryptionKeySource: configuredKey === undefined ? 'generated' : 'configured',
    decryptionKeys,
  };
}

/** `<P>_CACHE_TTL_SECONDS` (0 = no caching for that provider), else the global default. */
export function providerCacheTtlSeconds(env: NodeJS.ProcessEnv, prefix: string, fallback: number): number {
  return integer(envReader(env), `${prefix}_CACHE_TTL_SECONDS`, fallback, 0, MAX_CACHE_TTL_SECONDS);
}

/** `<P>_RATE_LIMIT_RPS` and `<P>_RATE_LIMIT_BURST` (default: the RPS); null when RPS is unset (no budget). */
export function providerRateLimit(env: NodeJS.ProcessEnv, prefix: string): ProviderRateLimit | null {
  const read = envReader(env);
  const rpsName = `${prefix}_RATE_LIMIT_RPS`;
  const burstName = `${prefix}_RATE_LIMIT_BURST`;
  if (read(rpsName) === undefined) {
    if (read(burstName) !== undefined) throw new ConfigError(burstName, `needs ${rpsName} too (the sustained calls per second)`);
    return null;
  }
  const rps = integer(read, rpsName, 0, 1, 100_000);
  const burst = integer(read, burstName, rps, 1, 1_000_000);
  if (burst < rps) throw new ConfigError(burstName, `must be at least ${rpsName} (${rps}); it is the short-term allowance on top of the sustained rate`);
  return { rps, burst };
}

/** redis:// or rediss:// with a host; the message never repeats the value (it may hold a password). */
function redisUrlOf(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('REDIS_URL', 'is not a URL; use e.g. redis://127.0.0.1:6379/0 (rediss:// for TLS)');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new ConfigError('REDIS_URL', 'must start with redis:// or rediss:// (TLS), e.g. redis://127.0.0.1:6379/0');
  }
  if (!url.hostname) throw new ConfigError('REDIS_URL', 'has no host; use e.g. redis://127.0.0.1:6379/0');
  if (!/^(\/\d{0,2})?$/.test(url.pathname)) throw new ConfigError('REDIS_URL', 'the path must be a database number, e.g. redis://host:6379/0');
  return raw;
}

/** 32 bytes in base64 (standard or URL-safe, padding optional); the message never repeats the value. */
function aesKey(name: string, raw: string): Buffer {
  const normalized = raw.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  const key = /^[A-Za-z0-9+/]+$/.test(normalized) ? Buffer.from(normalized, 'base64') : Buffer.alloc(0);
  if (key.length !== 32 || key.toString('base64').replace(/=+$/, '') !== normalized) {
    throw new ConfigError(name, 'must be 32 bytes in base64 (e.g. `openssl rand -base64 32`)' + (name === 'CACHE_DECRYPTION_KEYS' ? ', comma-separated' : ''));
  }
  return key;
}
