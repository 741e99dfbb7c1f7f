import { DEFAULT_PROVIDER_POLICY, type ProviderPolicy } from './providers/http/policy';

/**
 * Reading and validating environment variables: the helpers src/config.ts and each provider's
 * config reader share. A bad value throws a ConfigError whose one-line message names the
 * variable and the fix.
 */

/** A variable's trimmed value; undefined when unset or blank. */
export type EnvReader = (name: string) => string | undefined;

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    fix: string,
  ) {
    super(`${variable}: ${fix}`);
    this.name = 'ConfigError';
  }
}

export function envReader(env: NodeJS.ProcessEnv): EnvReader {
  return (name) => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
}

export interface ProviderSettings<A> {
  /** null = run on the embedded emulator. */
  baseUrl: string | null;
  /** null = use the emulator's demo credentials (only when baseUrl is null). */
  auth: A | null;
  policy: ProviderPolicy;
  /** `<P>_CACHE_TTL_SECONDS` (else CACHE_TTL_SECONDS, 60): how long its records stay in the record cache; 0 = off. Set by loadConfig. */
  cacheTtlSeconds?: number;
  /** `<P>_RATE_LIMIT_RPS` / `_BURST`: its fleet-wide rate budget; null = none. Set by loadConfig. */
  rateLimit?: { rps: number; burst: number } | null;
}

/** `<P>_BASE_URL` (credentials required with it) and the `<P>_*` call policy of one provider. */
export function providerSettings<A>(read: EnvReader, prefix: string, auth: A | null): ProviderSettings<A> {
  const baseUrl = read(`${prefix}_BASE_URL`);
  if (baseUrl !== undefined) httpUrl(`${prefix}_BASE_URL`, baseUrl);
  if (baseUrl && auth === null) {
    throw new ConfigError(`${prefix}_BASE_URL`, `is set, so the ${prefix.toLowerCase()} credentials are required too (see README "Configuration")`);
  }
  return { baseUrl: baseUrl?.replace(/\/+$/, '') ?? null, auth, policy: policy(read, prefix) };
}

/**
 * A credential given either as one secret (a token, an API key) or as a pair (user name and
 * password, client id and secret), never both; null when neither is set.
 */
export function secretOrPair(
  read: EnvReader,
  names: { secret: string; pair: readonly [string, string]; /** e.g. "Basic auth needs" */ pairNeeds: string },
): { secret: string } | { pair: [string, string] } | null {
  const [firstName, secondName] = names.pair;
  const secret = read(names.secret);
  const first = read(firstName);
  const second = read(secondName);
  if (secret && (first || second)) {
    throw new ConfigError(names.secret, `set either ${names.secret} or ${firstName}+${secondName}, not both`);
  }
  if (secret) return { secret };
  if (first || second) {
    if (!first || !second) throw new ConfigError(first ? secondName : firstName, `${names.pairNeeds} both ${firstName} and ${secondName}`);
    return { pair: [first, second] };
  }
  return null;
}

function policy(read: EnvReader, prefix: string): ProviderPolicy {
  const d = DEFAULT_PROVIDER_POLICY;
  return {
    timeoutMs: integer(read, `${prefix}_TIMEOUT_MS`, d.timeoutMs, 10, 120_000),
    retries: integer(read, `${prefix}_RETRIES`, d.retries, 0, 10),
    backoffBaseMs: integer(read, `${prefix}_BACKOFF_BASE_MS`, d.backoffBaseMs, 0, 60_000),
    backoffCapMs: integer(read, `${prefix}_BACKOFF_CAP_MS`, d.backoffCapMs, 0, 120_000),
    concurrency: integer(read, `${prefix}_CONCURRENCY`, d.concurrency, 1, 1024),
    breakerThreshold: fraction(read, `${prefix}_BREAKER_THRESHOLD`, d.breakerThreshold),
    breakerWindowMs: integer(read, `${prefix}_BREAKER_WINDOW_MS`, d.breakerWindowMs, 100, 600_000),
    breakerMinimumCalls: breakerMinimumCalls(read, prefix),
    breakerHalfOpenAfterMs: integer(read, `${prefix}_BREAKER_HALF_OPEN_MS`, d.breakerHalfOpenAfterMs, 10, 600_000),
  };
}

function breakerMinimumCalls(read: EnvReader, prefix: string): number {
  if (read(`${prefix}_BREAKER_MIN_RPS`) !== undefined) {
    throw new ConfigError(`${prefix}_BREAKER_MIN_RPS`, `is no longer read; set ${prefix}_BREAKER_MIN_CALLS (calls in the window, default ${DEFAULT_PROVIDER_POLICY.breakerMinimumCalls}) instead`);
  }
  return integer(read, `${prefix}_BREAKER_MIN_CALLS`, DEFAULT_PROVIDER_POLICY.breakerMinimumCalls, 1, 100_000);
}

export function httpUrl(name: string, value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(name, `${quote(value)} is not a URL; use e.g. https://host/path`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError(name, 'must be an http(s) URL');
  if (url.username || url.password) throw new ConfigError(name, 'must not carry credentials; use the provider credential variables');
}

export function integer(read: EnvReader, name: string, fallback: number, min: number, max: number): number {
  const raw = read(name);
  if (raw === undefined) return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `${quote(raw)} is not a whole number between ${min} and ${max} (default ${fallback})`);
  }
  return value;
}

export function fraction(read: EnvReader, name: string, fallback: number, max = 1): number {
  const raw = read(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || value > max) {
    throw new ConfigError(name, `${quote(raw)} must be a number above 0 and at most ${max} (default ${fallback})`);
  }
  return value;
}

export function flag(read: EnvReader, name: string, fallback: boolean): boolean {
  const raw = read(name);
  if (raw === undefined) return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(name, `${quote(raw)} must be true or false (default ${fallback})`);
}

export function oneOf(read: EnvReader, name: string, fallback: string, allowed: string[]): string {
  const raw = read(name);
  if (raw === undefined) return fallback;
  if (!allowed.includes(raw)) throw new ConfigError(name, `${quote(raw)} must be one of ${allowed.join(', ')}`);
  return raw;
}

/** A value quoted for a one-line message (control characters escaped). */
export function quote(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}
