import type { IncomingHttpHeaders } from 'node:http';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { ProviderRateLimit } from '../config';
import type { ProviderName } from '../domain/provider-name';
import type { Metrics } from '../observability/metrics';
import type { Keyring } from '../shared-state/keyring';
import type { RedisConnection } from '../shared-state/redis';

/**
 * A provider's fleet-wide rate budget (`<P>_RATE_LIMIT_RPS`, `<P>_RATE_LIMIT_BURST`): every
 * replica draws from one budget in Redis (rate-limiter-flexible's RateLimiterRedis on the shared
 * connection), or from its own without Redis, and falls back to its own (RateLimiterMemory, the
 * insurance limiter) while Redis is down: during an outage each replica keeps the whole budget.
 *
 * **The rule.** rate-limiter-flexible counts fixed one-second windows, and two full windows back to
 * back can meet within a moment; so a window holds at most `min(RPS, max(1, floor(BURST / 2)))`
 * calls. The fleet then never sends more than BURST + RPS·T calls in any T seconds, which keeps it
 * inside a provider's token bucket of BURST refilled at RPS per second (Auth0's Management API:
 * give BURST ≥ 2 × RPS, e.g. 15 and 50, to use the full sustained rate).
 *
 * **acquire(deadline)** resolves when a call may go out: at once, or after waiting for the next
 * window when that wait ends before the request's deadline (counted in
 * `identity_rate_budget_waits_total`); otherwise it rejects at once with RateBudgetExceededError
 * (carrying `retryAfterMs`; the transport will turn it into PROVIDER_RATE_LIMITED) and the call is
 * never sent (`identity_rate_budget_refusals_total`).
 *
 * **observe(headers)** follows what a provider reports (Verifa, Auth0: X-RateLimit-Limit,
 * -Remaining, -Reset in epoch seconds): `identity_rate_budget_remaining` shows the reported
 * remaining; when it reaches 0 with a reset ahead (at most 60 s), the budget is empty until that
 * reset, fleet-wide when the budget is configured (the Redis window is blocked), on this replica
 * otherwise. A provider without a configured budget is then paced by its own headers only.
 */

export const MAX_OBSERVED_PAUSE_MS = 60_000;

/** The budget had no call left before the request's deadline; the call was not sent. */
export class RateBudgetExceededError extends Error {
  readonly kind = 'rate_budget_exceeded';
  readonly retryable = true;
  constructor(
    readonly provider: ProviderName,
    /** When the budget has a call again (from now). */
    readonly retryAfterMs: number,
  ) {
    super(`${provider}: rate budget exhausted, retry after ${retryAfterMs} ms; not called`);
    this.name = 'RateBudgetExceededError';
  }
}

export interface RateBudget {
  readonly provider: ProviderName;
  /** A budget is configured (`<P>_RATE_LIMIT_RPS`): calls may wait for it, not only for a pause the provider asked for. */
  readonly limited: boolean;
  /** No budget configured and no pause asked for: `acquire` would answer at once, so it need not be asked. */
  readonly idle: boolean;
  /** Resolves when a call may be sent before `deadlineEpochMs`; rejects at once with RateBudgetExceededError otherwise. */
  acquire(deadlineEpochMs: number): Promise<void>;
  /** Follows the X-RateLimit-* headers of a provider answer. */
  observe(headers: IncomingHttpHeaders): void;
}

export interface RateBudgetOptions {
  provider: ProviderName;
  /** null = no configured budget (only the provider's own headers pace the calls). */
  limit: ProviderRateLimit | null;
  /** With it, the budget is fleet-wide. */
  redis?: { connection: RedisConnection; keys: Keyring } | null;
  metrics?: Pick<Metrics, 'budgetRemaining' | 'budgetWaits' | 'budgetRefusals'>;
  now?: () => number;
}

/** Calls per one-second window (see "The rule" above). */
export function callsPerWindow(limit: ProviderRateLimit): number {
  return Math.min(limit.rps, Math.max(1, Math.floor(limit.burst / 2)));
}

export function createRateBudget(options: RateBudgetOptions): RateBudget {
  return new FleetRateBudget(options);
}

class FleetRateBudget implements RateBudget {
  readonly provider: ProviderName;
  private readonly limiter: RateLimiterAbstract | null;
  private readonly now: () => number;
  /** A pause the provider asked for (X-RateLimit-Remaining: 0), as seen on this replica. */
  private pausedUntil = 0;

  constructor(private readonly options: RateBudgetOptions) {
    this.provider = options.provider;
    this.now = options.now ?? Date.now;
    this.limiter = options.limit ? limiterFor(options) : null;
  }

  get limited(): boolean {
    return this.limiter !== null;
  }

  get idle(): boolean {
    return this.limiter === null && this.pausedUntil <= this.now();
  }

  async acquire(deadlineEpochMs: number): Promise<void> {
    let waited = false;
    for (;;) {
      const now = this.now();
      let waitMs = this.pausedUntil - now;
      if (waitMs <= 0 && this.limiter) {
        const outcome = await consume(this.limiter, this.provider);
        if (outcome.allowed) {
          this.options.metrics?.budgetRemaining.set({ provider: this.provider }, outcome.remaining);
          return;
        }
        this.options.metrics?.budgetRemaining.set({ provider: this.provider }, 0);
        waitMs = Math.max(1, outcome.retryAfterMs);
      }
      if (waitMs <= 0) return;
      if (this.now() + waitMs >= deadlineEpochMs) {
        this.options.metrics?.budgetRefusals.inc({ provider: this.provider });
        throw new RateBudgetExceededError(this.provider, Math.ceil(waitMs));
      }
      if (!waited) this.options.metrics?.budgetWaits.inc({ provider: this.provider });
      waited = true;
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }

  observe(headers: IncomingHttpHeaders): void {
    const remaining = numberHeader(headers['x-ratelimit-remaining']);
    if (remaining === undefined) return;
    this.options.metrics?.budgetRemaining.set({ provider: this.provider }, remaining);
    const reset = numberHeader(headers['x-ratelimit-reset']);
    if (remaining > 0 || reset === undefined) return;
    const pauseMs = Math.min(MAX_OBSERVED_PAUSE_MS, reset * 1000 - this.now());
    if (pauseMs <= 0) return;
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + pauseMs);
    // Fleet-wide: the shared window is blocked until the reset (best effort; the local pause holds anyway).
    this.limiter?.block(this.provider, Math.ceil(pauseMs / 1000)).catch(() => undefined);
  }
}

function limiterFor(options: RateBudgetOptions): RateLimiterAbstract {
  const points = callsPerWindow(options.limit!);
  const memory = new RateLimiterMemory({ points, duration: 1, keyPrefix: 'budget' });
  if (!options.redis) return memory;
  return new RateLimiterRedis({
    storeClient: options.redis.connection.client,
    keyPrefix: options.redis.keys.plainName('budget'),
    points,
    duration: 1,
    // Straight to the in-process limiter while the connection is down: no wait on a dead Redis.
    rejectIfRedisNotReady: true,
    insuranceLimiter: memory,
  });
}

async function consume(limiter: RateLimiterAbstract, key: string): Promise<{ allowed: true; remaining: number } | { allowed: false; retryAfterMs: number }> {
  try {
    const res = await limiter.consume(key, 1);
    return { allowed: true, remaining: res.remainingPoints };
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return { allowed: false, retryAfterMs: rejection.msBeforeNext };
    // Both the store and its insurance failed (not expected: the insurance is in memory): do not block calls on it.
    return { allowed: true, remaining: 0 };
  }
}

function numberHeader(value: string | string[] | undefined): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? n : undefined;
}
