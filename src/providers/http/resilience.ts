import {
  BrokenCircuitError,
  CircuitBreakerPolicy,
  CircuitState,
  circuitBreaker,
  handleWhen,
  retry,
  type IBackoff,
  type IBackoffFactory,
  type IBreaker,
  type IRetryBackoffContext,
  type RetryPolicy,
} from 'cockatiel';
import type { ProviderName } from '../../domain/provider-name';
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
 * the request's deadline) around a shared circuit breaker around a shared concurrency limit.
 *
 * Only outages count against the breaker: timeouts, connection errors, 5xx and unreadable
 * answers. A 429 is the provider pacing us (the retry waits as asked), and any other 4xx is the
 * caller's or the data's problem; neither says anything about the provider's health.
 */
export class ProviderResilience {
  readonly breaker: CircuitBreakerPolicy;
  readonly slots: ConcurrencyLimit;
  /** The retry policy of every call that may be retried (none when the policy allows no retry). */
  private readonly retries?: RetryPolicy;

  constructor(
    private readonly provider: ProviderName,
    private readonly policy: ProviderPolicy,
    private readonly events: ResilienceEvents = {},
  ) {
    this.breaker = circuitBreaker(handleWhen(countsAgainstBreaker), {
      halfOpenAfter: policy.breakerHalfOpenAfterMs,
      breaker: new RollingWindowBreaker({
        threshold: policy.breakerThreshold,
        windowMs: policy.breakerWindowMs,
        minimumCalls: policy.breakerMinimumCalls,
      }),
    });
    this.breaker.onStateChange((state) => this.events.onBreakerStateChange?.(provider, breakerStateName(state)));
    this.slots = new ConcurrencyLimit(policy.concurrency);
    if (policy.retries > 0) {
      this.retries = retry(
        handleWhen((error) => error instanceof FailedAttempt && error.worthRetrying()),
        { maxAttempts: policy.retries, backoff: new DeadlineBackoff(policy) },
      );
      this.retries.onRetry(({ delay }) => this.events.onRetry?.(provider, delay));
    }
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
    if (!retryAllowed || !this.retries) return this.once(ctx, call, 1, attempt);
    try {
      return await this.retries.execute(({ attempt: retryNumber }) => this.once(ctx, call, retryNumber + 1, attempt, true));
    } catch (error) {
      throw error instanceof FailedAttempt ? error.failure : error;
    }
  }

  /**
   * One attempt through the breaker and a connection slot. `underRetry`: the attempt runs under
   * the retry policy, so a failure is thrown as a FailedAttempt carrying the request's deadline.
   */
  private async once<T>(
    ctx: CallContext,
    call: CallInfo,
    attemptNumber: number,
    attempt: (attemptNumber: number, timeoutMs: number) => Promise<T>,
    underRetry = false,
  ): Promise<T> {
    try {
      if (ctx.deadline - Date.now() < MIN_ATTEMPT_MS) throw new UpstreamDeadlineExceededError(call, 'no time left for an attempt');
      return await this.breaker.execute(() =>
        this.slots.run(
          ctx.deadline - MIN_ATTEMPT_MS,
          () => new UpstreamDeadlineExceededError(call, 'no free connection slot in time'),
          () => {
            const timeLeft = ctx.deadline - Date.now();
            if (timeLeft < MIN_ATTEMPT_MS) throw new UpstreamDeadlineExceededError(call, 'no time left for an attempt');
            return attempt(attemptNumber, Math.min(this.policy.timeoutMs, timeLeft));
          },
        ),
      );
    } catch (error) {
      const failure = error instanceof BrokenCircuitError ? new UpstreamCircuitOpenError(call) : error;
      throw underRetry ? new FailedAttempt(failure, ctx.deadline) : failure;
    }
  }
}

/**
 * A failed attempt under the retry policy, with the deadline of its request: the policy is one per
 * provider (built once, not per call), so what decides a retry and its wait travels with the failure.
 */
class FailedAttempt extends Error {
  constructor(
    readonly failure: unknown,
    readonly deadline: number,
  ) {
    super('attempt failed');
  }

  get timeLeftMs(): number {
    return this.deadline - Date.now();
  }

  worthRetrying(): boolean {
    return this.failure instanceof Error && worthRetrying(this.failure, this.timeLeftMs);
  }
}

const OUTAGE_KINDS: ReadonlySet<UpstreamError['kind']> = new Set(['timeout', 'connection', 'unavailable', 'protocol']);

/**
 * Waits for `work` (e.g. a credential the call needs before it may take a slot) no longer than
 * the request's deadline; past it, the call fails with a deadline error.
 */
export async function beforeDeadline<T>(ctx: CallContext, call: CallInfo, work: Promise<T>, waitingFor: string): Promise<T> {
  try {
    return await Promise.race([work, deadlinePassed(ctx)]);
  } catch (error) {
    if (error === DEADLINE_PASSED) throw new UpstreamDeadlineExceededError(call, `${waitingFor} not ready in time`);
    throw error;
  }
}

const DEADLINE_PASSED = Symbol('deadline passed');
const deadlinesPassed = new WeakMap<CallContext, Promise<never>>();

/** One promise per GraphQL request, rejected (with DEADLINE_PASSED) when its deadline signal fires: no timer of its own. */
function deadlinePassed(ctx: CallContext): Promise<never> {
  let passed = deadlinesPassed.get(ctx);
  if (!passed) {
    const signal = deadlineSignal(ctx);
    passed = new Promise<never>((_, reject) => {
      if (signal.aborted) reject(DEADLINE_PASSED);
      else signal.addEventListener('abort', () => reject(DEADLINE_PASSED), { once: true });
    });
    passed.catch(() => undefined);
    deadlinesPassed.set(ctx, passed);
  }
  return passed;
}

const deadlineSignals = new WeakMap<CallContext, AbortSignal>();

/**
 * One abort signal per GraphQL request, aborted at its deadline: every upstream call of the
 * request shares it (one timer per request rather than one per call). The timer is unref'd and
 * ends at the deadline, so at most rate × deadline of them exist at once.
 */
export function deadlineSignal(ctx: CallContext): AbortSignal {
  let signal = deadlineSignals.get(ctx);
  if (!signal) {
    const controller = new AbortController();
    signal = controller.signal;
    deadlineSignals.set(ctx, signal);
    setTimeout(() => controller.abort(TIMED_OUT), Math.max(0, ctx.deadline - Date.now())).unref();
  }
  return signal;
}

/**
 * What every shared signal aborts with. `abort()` without a reason builds a DOMException, stack
 * trace included, each time a timer fires, and most fire after every call on the signal has
 * ended. The transport tells a timeout by `signal.aborted`, never by the reason.
 */
const TIMED_OUT = new DOMException('the upstream call ran out of time', 'TimeoutError');


/** How long a shared attempt timeout collects the attempts that start (ms): the most an attempt may run past its own timeout. */
export const TIMEOUT_WINDOW_MS = 20;
/** Distinct timeouts kept at once (attempts of one provider use one or two). */
const TIMEOUT_KINDS_KEPT = 8;

/**
 * Abort signals for attempt timeouts, shared by the attempts that start within the same
 * TIMEOUT_WINDOW_MS with the same timeout: one controller and one timer per window, not one of
 * each per call (an AbortController and its timer cost more than the rest of a call's
 * bookkeeping). The signal fires once the last attempt of its window has had its whole timeout,
 * so an attempt gets at most TIMEOUT_WINDOW_MS more than its timeout, never less.
 */
export class SharedTimeouts {
  private readonly open = new Map<number, { window: number; signal: AbortSignal }>();

  signal(timeoutMs: number): AbortSignal {
    const now = Date.now();
    const window = Math.floor(now / TIMEOUT_WINDOW_MS);
    const held = this.open.get(timeoutMs);
    if (held && held.window === window) return held.signal;
    if (!held && this.open.size >= TIMEOUT_KINDS_KEPT) this.open.clear();
    const controller = new AbortController();
    setTimeout(() => controller.abort(TIMED_OUT), (window + 1) * TIMEOUT_WINDOW_MS + timeoutMs - now).unref();
    this.open.set(timeoutMs, { window, signal: controller.signal });
    return controller.signal;
  }
}

/**
 * At most `capacity` calls in flight; the others wait in order. A waiting call gives up when its
 * request's deadline comes (and leaves the queue), so a provider slowed down by others never
 * holds a request past its deadline.
 */
export class ConcurrencyLimit {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly capacity: number) {}

  /** Calls waiting for a slot now. */
  get queued(): number {
    return this.waiting.length;
  }

  get inFlight(): number {
    return this.active;
  }

  run<T>(giveUpAt: number, gaveUp: () => Error, task: () => Promise<T>): Promise<T> {
    // A free slot is taken at once: no promise to wait for (the usual case).
    if (this.active < this.capacity) {
      this.active++;
      return this.holding(task);
    }
    return this.acquire(giveUpAt, gaveUp).then(() => this.holding(task));
  }

  private async holding<T>(task: () => Promise<T>): Promise<T> {
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private acquire(giveUpAt: number, gaveUp: () => Error): Promise<void> {
    return new Promise((resolve, reject) => {
      const handOver = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(handOver), 1);
        reject(gaveUp());
      }, Math.max(0, giveUpAt - Date.now()));
      this.waiting.push(handOver);
    });
  }

  /** The slot goes straight to the next waiting call, if any. */
  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
}

function countsAgainstBreaker(error: Error): boolean {
  if (!(error instanceof UpstreamError)) return false;
  return OUTAGE_KINDS.has(error.kind);
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
    private readonly retryNumber = 0,
  ) {}

  next(context: IRetryBackoffContext<unknown>): IBackoff<IRetryBackoffContext<unknown>> {
    const failed = 'error' in context.result ? context.result.error : undefined;
    const askedWait = failed instanceof FailedAttempt ? (failed.failure as { retryAfterMs?: number }).retryAfterMs : undefined;
    const timeLeftMs = failed instanceof FailedAttempt ? failed.timeLeftMs : 0;
    const ceiling = Math.min(this.policy.backoffCapMs, this.policy.backoffBaseMs * 2 ** this.retryNumber);
    const wanted = askedWait ?? Math.random() * ceiling;
    const duration = Math.max(0, Math.min(wanted, timeLeftMs - MIN_ATTEMPT_MS));
    const following = new DeadlineBackoff(this.policy, this.retryNumber + 1);
    return { duration, next: (ctx) => following.next(ctx) };
  }
}

function breakerStateName(state: CircuitState): 'closed' | 'open' | 'half_open' {
  if (state === CircuitState.Open || state === CircuitState.Isolated) return 'open';
  if (state === CircuitState.HalfOpen) return 'half_open';
  return 'closed';
}

/**
 * Hystrix's rule: open when the last `windowMs` saw at least `minimumCalls` counted calls and at
 * least `threshold` of them failed (defaults: 20 calls in 10 s, half of them failing), so a few
 * blips at low traffic never cut a provider off. Calls are counted in ten buckets, so the window
 * rolls a tenth at a time and the state stays ten counters whatever the traffic.
 */
export class RollingWindowBreaker implements IBreaker {
  private static readonly BUCKETS = 10;
  private readonly bucketMs: number;
  private buckets: { startedAt: number; successes: number; failures: number }[];

  constructor(
    private readonly options: { threshold: number; windowMs: number; minimumCalls: number },
    private readonly now: () => number = Date.now,
  ) {
    this.bucketMs = Math.max(1, Math.ceil(options.windowMs / RollingWindowBreaker.BUCKETS));
    this.buckets = emptyBuckets();
  }

  get state(): unknown {
    return { buckets: this.buckets };
  }

  set state(value: unknown) {
    const buckets = (value as { buckets?: unknown } | null)?.buckets;
    this.buckets = Array.isArray(buckets) && buckets.length === RollingWindowBreaker.BUCKETS ? buckets : emptyBuckets();
  }

  success(state: CircuitState): void {
    // A successful trial call closes the circuit with a clean window.
    if (state === CircuitState.HalfOpen) this.buckets = emptyBuckets();
    this.currentBucket().successes++;
  }

  failure(state: CircuitState): boolean {
    this.currentBucket().failures++;
    if (state !== CircuitState.Closed) return true;
    const { calls, failures } = this.totals();
    return calls >= this.options.minimumCalls && failures >= this.options.threshold * calls;
  }

  /** Calls and failures counted in the window now (for tests and diagnostics). */
  totals(): { calls: number; failures: number } {
    const oldest = this.bucketStart() - (RollingWindowBreaker.BUCKETS - 1) * this.bucketMs;
    let calls = 0;
    let failures = 0;
    for (const bucket of this.buckets) {
      if (bucket.startedAt < oldest) continue;
      calls += bucket.successes + bucket.failures;
      failures += bucket.failures;
    }
    return { calls, failures };
  }

  private bucketStart(): number {
    return Math.floor(this.now() / this.bucketMs) * this.bucketMs;
  }

  private currentBucket(): { startedAt: number; successes: number; failures: number } {
    const startedAt = this.bucketStart();
    const index = Math.floor(startedAt / this.bucketMs) % RollingWindowBreaker.BUCKETS;
    if (this.buckets[index].startedAt !== startedAt) this.buckets[index] = { startedAt, successes: 0, failures: 0 };
    return this.buckets[index];
  }
}

function emptyBuckets(): { startedAt: number; successes: number; failures: number }[] {
  return Array.from({ length: 10 }, () => ({ startedAt: -Infinity, successes: 0, failures: 0 }));
}
