/**
 * How the transport treats one provider: timeouts, retries, concurrency and circuit breaking.
 * The defaults live here, in one place; `config.ts` lets each be overridden per provider by env
 * (`<PROVIDER>_TIMEOUT_MS`, `<PROVIDER>_RETRIES`, …, see README "Configuration").
 */
export interface ProviderPolicy {
  /** Per-attempt timeout; an attempt also never outlives the GraphQL request's deadline. */
  timeoutMs: number;
  /** Retries after the first attempt (reads and idempotency-keyed writes only). */
  retries: number;
  /** Full-jitter backoff: the n-th retry waits random(0, min(cap, base * 2^n)). */
  backoffBaseMs: number;
  backoffCapMs: number;
  /** Calls in flight to this provider at once; further calls queue. */
  concurrency: number;
  /** Open the breaker when at least `threshold` of the calls in the last `windowMs` failed… */
  breakerThreshold: number;
  breakerWindowMs: number;
  /** …and the window saw at least this many calls (so a few blips at low traffic never open it). */
  breakerMinimumCalls: number;
  /** Let one trial call through this long after opening. */
  breakerHalfOpenAfterMs: number;
}

export const DEFAULT_PROVIDER_POLICY: Readonly<ProviderPolicy> = Object.freeze({
  timeoutMs: 2_000,
  retries: 2,
  backoffBaseMs: 100,
  backoffCapMs: 2_000,
  concurrency: 32,
  breakerThreshold: 0.5,
  breakerWindowMs: 10_000,
  // Hystrix's defaults: 20 calls in a 10 s window, half of them failing.
  breakerMinimumCalls: 20,
  breakerHalfOpenAfterMs: 5_000,
});

/** One deadline for everything a GraphQL request asks of the providers, retries included. */
export const DEFAULT_REQUEST_DEADLINE_MS = 5_000;
