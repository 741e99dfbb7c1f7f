import {
  BrokenCircuitError,
  BulkheadPolicy,
  CircuitBreakerPolicy,
  CircuitState,
  SamplingBreaker,
  bulkhead,
  circuitBreaker,
  handleWhen,
  retry,
  type IBackoff,
  type IBackoffFactory,
  type IRetryBackoffContext,
} from 'cockatiel';
import type { ProviderName } from '../../domain/global-id';
import type { UpstreamCallBudget } from './budget';
import { UpstreamCircuitOpenError, UpstreamDeadlineExceededError, UpstreamError, type CallInfo } from './errors';
import type { ProviderPolicy } from './policy';

/** What one call needs to know about the GraphQL request it serves. */
export interface CallContext {
  requestId: string;
  /** Epoch milliseconds by which every upstream call of the request must be over. */
  deadline: number;
  /** The upstream calls the request may still make. */
  budget: UpstreamCallBudget;
}

export interface ResilienceEvents {
  onRetry?(provider: ProviderName, delayMs: number): void;
  onBreakerStateChange?(provider: ProviderName, state: 'closed' | 'open' | 'half_open'): void;
}

/** Never start an attempt with less time than this left; it could not finish anyway. */
const MIN_ATTEMPT_MS = 25;

/**
 * The per-provider resilience stack, built on cockatiel: retry (per call, because it depends on
 * the request's deadline) around a shared circuit breaker around a shared bulkhead.
 *
 * Only some failures count against the breaker: timeouts, connection errors, 5xx and 429.
 * A 4xx is the caller's or the data's problem, not the provider's health.
 */
export class ProviderResilience {
  readonly breaker: CircuitBreakerPolicy;
  private readonly bulkhead: BulkheadPolicy;

  constructor(
    private readonly provider: ProviderName,
    private readonly policy: ProviderPolicy,
    private readonly events: ResilienceEvents = {},
  ) {
    this.breaker = circuitBreaker(handleWhen(countsAgainstBreaker), {
      halfOpenAfter: policy.breakerHalfOpenAfterMs,
      breaker: new SamplingBreaker({
        threshold: policy.breakerThreshold,
        duration: policy.breakerWindowMs,
        minimumRps: policy.breakerMinimumRps,
      }),
    });
    this.breaker.onStateChange((state) => this.events.onBreakerStateChange?.(provider, breakerStateName(state)));
    this.bulkhead = bulkhead(policy.concurrency, Number.MAX_SAFE_INTEGER);
  }

  get breakerOpen(): boolean {
    return breakerStateName(this.breaker.state) === 'open';
  }

  /**
   * Runs `attempt` (given the attempt number and the time it may take) with retries when
   * `retryAllowed`, never past the request's deadline.
   */
  async execute<T>(
    ctx: CallContext,
    call: CallInfo,
    retryAllowed: boolean,
    attempt: (attemptNumber: number, timeoutMs: number) => Promise<T>,
  ): Promise<T> {
    const remaining = () => ctx.deadline - Date.now();
    const once = async (attemptNumber: number): Promise<T> => {
      const timeLeft = remaining();
      if (timeLeft < MIN_ATTEMPT_MS) throw new UpstreamDeadlineExceededError(call, 'no time left for an attempt');
      try {
        return await this.breaker.execute(() =>
          this.bulkhead.execute(() => attempt(attemptNumber, Math.min(this.policy.timeoutMs, timeLeft))),
        );
      } catch (error) {
        if (error instanceof BrokenCircuitError) throw new UpstreamCircuitOpenError(call);
        throw error;
      }
    };
    if (!retryAllowed || this.policy.retries === 0) return once(1);

    const retryPolicy = retry(
      handleWhen((error) => worthRetrying(error, remaining())),
      { maxAttempts: this.policy.retries, backoff: new DeadlineBackoff(this.policy, remaining) },
    );
    const subscription = retryPolicy.onRetry(({ delay }) => this.events.onRetry?.(this.provider, delay));
    try {
      return await retryPolicy.execute(({ attempt: retryNumber }) => once(retryNumber + 1));
    } finally {
      subscription.dispose();
    }
  }
}

function countsAgainstBreaker(error: Error): boolean {
  if (!(error instanceof UpstreamError)) return false;
  return ['timeout', 'connection', 'unavailable', 'rate_limited', 'protocol'].includes(error.kind);
}

function worthRetrying(error: Error, timeLeftMs: number): boolean {
  if (!(error instanceof UpstreamError) || !error.retryable) return false;
  if (error.kind === 'circuit_open' || error.kind === 'deadline_exceeded') return false;
  const askedWait = (error as { retryAfterMs?: number }).retryAfterMs;
  // A provider that asks us to wait longer than the request has left gets its error back at once.
  return askedWait === undefined || askedWait + MIN_ATTEMPT_MS < timeLeftMs;
}

/**
 * Full-jitter exponential backoff that waits exactly as long as the provider asked
 * (Retry-After / X-RateLimit-Reset) when it asked, and never past the deadline.
 */
class DeadlineBackoff implements IBackoffFactory<IRetryBackoffContext<unknown>> {
  constructor(
    private readonly policy: ProviderPolicy,
    private readonly remaining: () => number,
    private readonly retryNumber = 0,
  ) {}

  next(context: IRetryBackoffContext<unknown>): IBackoff<IRetryBackoffContext<unknown>> {
    const failure = 'error' in context.result ? context.result.error : undefined;
    const askedWait = (failure as { retryAfterMs?: number } | undefined)?.retryAfterMs;
    const ceiling = Math.min(this.policy.backoffCapMs, this.policy.backoffBaseMs * 2 ** this.retryNumber);
    const wanted = askedWait ?? Math.random() * ceiling;
    const duration = Math.max(0, Math.min(wanted, this.remaining() - MIN_ATTEMPT_MS));
    const following = new DeadlineBackoff(this.policy, this.remaining, this.retryNumber + 1);
    return { duration, next: (ctx) => following.next(ctx) };
  }
}

function breakerStateName(state: CircuitState): 'closed' | 'open' | 'half_open' {
  if (state === CircuitState.Open || state === CircuitState.Isolated) return 'open';
  if (state === CircuitState.HalfOpen) return 'half_open';
  return 'closed';
}
