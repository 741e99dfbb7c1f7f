import { CircuitState } from 'cockatiel';
import {
  UpstreamDeadlineExceededError,
  UpstreamRateLimitedError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
  UpstreamCircuitOpenError,
  type CallInfo,
} from './errors';
import { UpstreamCallBudget } from './budget';
import { DEFAULT_PROVIDER_POLICY, type ProviderPolicy } from './policy';
import { ConcurrencyLimit, ProviderResilience, RollingWindowBreaker, SharedTimeouts, TIMEOUT_WINDOW_MS, beforeDeadline, deadlineSignal, type CallContext } from './resilience';

const call: CallInfo = { provider: 'verifa', method: 'GET', pathTemplate: '/identities/{id}' };
const answered = (status: number) => ({ ...call, status });
const ctx = (deadlineInMs = 5_000): CallContext => ({ requestId: 'req-1', deadline: Date.now() + deadlineInMs, budget: new UpstreamCallBudget(1_000) });
const NO_WAIT: ProviderPolicy = { ...DEFAULT_PROVIDER_POLICY, backoffBaseMs: 0, backoffCapMs: 0 };

/** Runs one call whose attempts answer, in turn, with the given outcomes (an error is thrown). */
async function runCall(resilience: ProviderResilience, outcomes: (Error | 'ok')[], retryAllowed = true): Promise<string> {
  const queue = [...outcomes];
  return resilience.execute(ctx(), call, retryAllowed, async () => {
    const next = queue.shift() ?? 'ok';
    if (next !== 'ok') throw next;
    return 'ok';
  });
}

const unavailable = () => new UpstreamUnavailableError(answered(503));
const rateLimited = (retryAfterMs?: number) => new UpstreamRateLimitedError(answered(429), retryAfterMs);

describe('RollingWindowBreaker', () => {
  let now = 1_000_000;
  const clock = () => now;
  const breaker = () => new RollingWindowBreaker({ threshold: 0.5, windowMs: 10_000, minimumCalls: 20 }, clock);

  it('does not open below the minimum number of calls, however many of them failed', () => {
    const b = breaker();
    for (let i = 0; i < 19; i++) expect(b.failure(CircuitState.Closed)).toBe(false);
    expect(b.totals()).toEqual({ calls: 19, failures: 19 });
  });

  it('opens at the 20th call in the window when at least half of them failed', () => {
    const b = breaker();
    for (let i = 0; i < 10; i++) b.success(CircuitState.Closed);
    for (let i = 0; i < 9; i++) expect(b.failure(CircuitState.Closed)).toBe(false);
    expect(b.failure(CircuitState.Closed)).toBe(true);
  });

  it('stays closed when fewer than half of the calls failed', () => {
    const b = breaker();
    for (let i = 0; i < 11; i++) b.success(CircuitState.Closed);
    for (let i = 0; i < 9; i++) expect(b.failure(CircuitState.Closed)).toBe(false);
    expect(b.totals()).toEqual({ calls: 20, failures: 9 });
  });

  it('forgets calls older than the window, keeping ten counters whatever the traffic', () => {
    const b = breaker();
    for (let i = 0; i < 15; i++) b.failure(CircuitState.Closed);
    now += 10_000;
    for (let i = 0; i < 5; i++) expect(b.failure(CircuitState.Closed)).toBe(false);
    expect(b.totals()).toEqual({ calls: 5, failures: 5 });
    for (let i = 0; i < 1_000; i++) {
      now += 7;
      b.success(CircuitState.Closed);
    }
    expect((b.state as { buckets: unknown[] }).buckets).toHaveLength(10);
  });

  it('a failed trial call reopens; a successful one starts a clean window', () => {
    const b = breaker();
    for (let i = 0; i < 19; i++) b.failure(CircuitState.Closed);
    expect(b.failure(CircuitState.HalfOpen)).toBe(true);
    b.success(CircuitState.HalfOpen);
    expect(b.totals()).toEqual({ calls: 1, failures: 0 });
  });
});

describe('ProviderResilience: what opens the breaker', () => {
  it('429s are rate limiting, never a breaker failure: 40 of them leave the circuit closed', async () => {
    const resilience = new ProviderResilience('verifa', { ...NO_WAIT, retries: 0 });
    for (let i = 0; i < 40; i++) await expect(runCall(resilience, [rateLimited()], false)).rejects.toBeInstanceOf(UpstreamRateLimitedError);
    expect(resilience.breakerOpen).toBe(false);
    await expect(runCall(resilience, ['ok'])).resolves.toBe('ok');
  });

  it('503, 503, 200, then 429 (Retry-After) and its retry: the retry is sent and the circuit stays closed', async () => {
    const resilience = new ProviderResilience('verifa', NO_WAIT);
    const attempts: number[] = [];
    const first = await resilience.execute(ctx(), call, true, async (attempt) => {
      attempts.push(attempt);
      if (attempt < 3) throw unavailable();
      return 'ok';
    });
    expect(first).toBe('ok');
    await expect(runCall(resilience, [rateLimited(1), 'ok'])).resolves.toBe('ok');
    expect(attempts).toEqual([1, 2, 3]);
    expect(resilience.breakerOpen).toBe(false);
  });

  it('calls in flight together each retry by their own deadline and wait, through the one retry policy of the provider', async () => {
    const retries: number[] = [];
    const resilience = new ProviderResilience('verifa', NO_WAIT, { onRetry: (_, delay) => retries.push(delay) });
    const attemptsOf = { roomy: [] as number[], tight: [] as number[] };
    const answering = (who: keyof typeof attemptsOf) => async (attempt: number) => {
      attemptsOf[who].push(attempt);
      // The provider asks for 70 ms: the roomy call has the time; the tight one (150 ms left) has it once, not twice.
      if (attempt === 1 || who === 'tight') throw rateLimited(70);
      return who;
    };
    const [roomy, tight] = await Promise.allSettled([
      resilience.execute(ctx(5_000), call, true, answering('roomy')),
      resilience.execute(ctx(150), call, true, answering('tight')),
    ]);
    expect(roomy).toEqual({ status: 'fulfilled', value: 'roomy' });
    expect(tight).toMatchObject({ status: 'rejected', reason: expect.any(UpstreamRateLimitedError) });
    expect(attemptsOf).toEqual({ roomy: [1, 2], tight: [1, 2] });
    expect(retries).toEqual([70, 70]);
  });

  it('a real outage opens it: 20 failed calls in the window, then calls fail at once without an attempt', async () => {
    const resilience = new ProviderResilience('verifa', { ...NO_WAIT, retries: 0 });
    for (let i = 0; i < 19; i++) await expect(runCall(resilience, [unavailable()])).rejects.toBeInstanceOf(UpstreamUnavailableError);
    expect(resilience.breakerOpen).toBe(false);
    await expect(runCall(resilience, [new UpstreamTimeoutError(call, 2_000)])).rejects.toBeInstanceOf(UpstreamTimeoutError);
    expect(resilience.breakerOpen).toBe(true);

    let attempted = false;
    const refused = resilience.execute(ctx(), call, false, async () => {
      attempted = true;
      return 'ok';
    });
    await expect(refused).rejects.toBeInstanceOf(UpstreamCircuitOpenError);
    expect(attempted).toBe(false);
  });
});

describe('ProviderResilience: the concurrency limit and the deadline', () => {
  it('a call queued behind a busy slot gives up at its request deadline with a deadline error', async () => {
    const resilience = new ProviderResilience('auth0', { ...NO_WAIT, concurrency: 1, retries: 0 });
    let releaseHolder!: () => void;
    const holder = resilience.execute(ctx(), call, false, () => new Promise<string>((resolve) => (releaseHolder = () => resolve('held'))));

    let queuedAttempted = false;
    const queued = resilience.execute(ctx(80), call, false, async () => {
      queuedAttempted = true;
      return 'late';
    });
    expect(resilience.slots.queued).toBe(1);
    await expect(queued).rejects.toBeInstanceOf(UpstreamDeadlineExceededError);
    expect(queuedAttempted).toBe(false);
    expect(resilience.slots.queued).toBe(0);
    expect(resilience.breakerOpen).toBe(false);

    releaseHolder();
    await expect(holder).resolves.toBe('held');
    expect(resilience.slots.inFlight).toBe(0);
  });
});

describe('ConcurrencyLimit', () => {
  it('hands a freed slot to the next waiting call, in order, never above capacity', async () => {
    const limit = new ConcurrencyLimit(2);
    let running = 0;
    let highest = 0;
    const order: number[] = [];
    const gates: (() => void)[] = [];
    const tasks = [0, 1, 2, 3, 4].map((n) =>
      limit.run(Date.now() + 5_000, () => new Error('gave up'), async () => {
        running++;
        highest = Math.max(highest, running);
        order.push(n);
        await new Promise<void>((resolve) => gates.push(resolve));
        running--;
        return n;
      }),
    );
    while (order.length < 5) {
      await new Promise((resolve) => setImmediate(resolve));
      gates.shift()?.();
    }
    gates.forEach((open) => open());
    expect(await Promise.all(tasks)).toEqual([0, 1, 2, 3, 4]);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(highest).toBe(2);
    expect(limit.inFlight).toBe(0);
  });
});

describe('beforeDeadline', () => {
  it('a credential that never comes fails the call at the deadline with a deadline error', async () => {
    const never = new Promise<string>(() => undefined);
    await expect(beforeDeadline(ctx(30), call, never, 'credentials')).rejects.toBeInstanceOf(UpstreamDeadlineExceededError);
  });

  it('passes a credential that comes in time through', async () => {
    await expect(beforeDeadline(ctx(), call, Promise.resolve('token'), 'credentials')).resolves.toBe('token');
  });
});

describe('deadlineSignal', () => {
  afterEach(() => jest.useRealTimers());

  it('is one signal per request, aborted when its deadline comes', () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const request = { requestId: 'r1', deadline: 1_000_000 + 500, budget: new UpstreamCallBudget(10) };
    const other = { ...request, requestId: 'r2' };
    const signal = deadlineSignal(request);
    expect(deadlineSignal(request)).toBe(signal);
    expect(deadlineSignal(other)).not.toBe(signal);
    jest.advanceTimersByTime(499);
    expect(signal.aborted).toBe(false);
    jest.advanceTimersByTime(1);
    expect(signal.aborted).toBe(true);
  });
});

describe('SharedTimeouts', () => {
  afterEach(() => jest.useRealTimers());

  it('gives the attempts started in one window one signal, which fires once the last of them had its whole timeout', () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const timeouts = new SharedTimeouts();
    const first = timeouts.signal(200);
    jest.advanceTimersByTime(TIMEOUT_WINDOW_MS - 1);
    const last = timeouts.signal(200);
    expect(last).toBe(first);
    expect(timeouts.signal(300)).not.toBe(first);
    // `last` started TIMEOUT_WINDOW_MS - 1 after `first`: the signal waits for its 200 ms.
    jest.advanceTimersByTime(200);
    expect(first.aborted).toBe(false);
    jest.advanceTimersByTime(1);
    expect(first.aborted).toBe(true);
  });

  it('starts a new signal in the next window, never firing one early', () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const timeouts = new SharedTimeouts();
    const early = timeouts.signal(100);
    jest.advanceTimersByTime(TIMEOUT_WINDOW_MS);
    const later = timeouts.signal(100);
    expect(later).not.toBe(early);
    jest.advanceTimersByTime(99);
    expect(early.aborted).toBe(false);
    jest.advanceTimersByTime(1);
    expect(early.aborted).toBe(true);
    // Its window ends TIMEOUT_WINDOW_MS later, and the timeout counts from there.
    jest.advanceTimersByTime(TIMEOUT_WINDOW_MS - 1);
    expect(later.aborted).toBe(false);
    jest.advanceTimersByTime(1);
    expect(later.aborted).toBe(true);
  });
});

describe('shared signals', () => {
  afterEach(() => jest.useRealTimers());

  it('abort with one reason built once, a TimeoutError, not a new DOMException per timer', () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const deadline = deadlineSignal({ requestId: 'a', deadline: 1_000_000 + 50, budget: new UpstreamCallBudget(1) });
    const attempt = new SharedTimeouts().signal(50);
    jest.advanceTimersByTime(50 + TIMEOUT_WINDOW_MS);
    expect(deadline.aborted && attempt.aborted).toBe(true);
    expect(attempt.reason).toBe(deadline.reason);
    expect(deadline.reason).toMatchObject({ name: 'TimeoutError' });
  });
});
