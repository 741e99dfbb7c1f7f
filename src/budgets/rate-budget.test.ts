import { randomBytes } from 'node:crypto';
import { createMetrics } from '../observability/metrics';
import { Keyring } from '../shared-state/keyring';
import { connectRedis, type RedisConnection } from '../shared-state/redis';
import { describeWithRedis, eventually, startTestRedis, type TestRedis, LOADED_MACHINE_REDIS_TIMEOUT_MS } from '../../test/support/redis';
import { callsPerWindow, createRateBudget, RateBudgetExceededError, type RateBudget } from './rate-budget';

const FAR = () => Date.now() + 30_000;
/** A deadline no wait fits in. */
const NOW = () => Date.now();

async function allowedOf(budgets: RateBudget[], attempts: number): Promise<{ allowed: number; refused: RateBudgetExceededError[] }> {
  const outcomes = await Promise.allSettled(Array.from({ length: attempts }, (_, i) => budgets[i % budgets.length].acquire(NOW())));
  const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => o.reason as RateBudgetExceededError);
  return { allowed: outcomes.length - refused.length, refused };
}

const metricValue = async (metrics: ReturnType<typeof createMetrics>, name: string) =>
  (await metrics.registry.getSingleMetricAsString(name)).split('\n').find((line) => line.startsWith(`${name}{`)) ?? '';

describe('callsPerWindow: inside a provider token bucket of BURST at RPS', () => {
  it.each([
    [{ rps: 15, burst: 50 }, 15],
    [{ rps: 5, burst: 5 }, 2],
    [{ rps: 5, burst: 10 }, 5],
    [{ rps: 1, burst: 1 }, 1],
  ])('%j gives %d calls per one-second window', (limit, expected) => {
    expect(callsPerWindow(limit)).toBe(expected);
  });
});

describe('rate budget in process', () => {
  it('lets the window through, waits for the next one when the deadline allows, and refuses at once otherwise', async () => {
    const metrics = createMetrics();
    const budget = createRateBudget({ provider: 'auth0', limit: { rps: 3, burst: 6 }, metrics });
    for (let i = 0; i < 3; i++) await budget.acquire(FAR());
    expect(await metricValue(metrics, 'identity_rate_budget_waits_total')).toBe('');

    const refusal = await budget.acquire(NOW()).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(RateBudgetExceededError);
    expect(refusal).toMatchObject({ provider: 'auth0', retryable: true });
    expect((refusal as RateBudgetExceededError).retryAfterMs).toBeGreaterThan(0);
    expect((refusal as Error).message).toMatch(/^auth0: rate budget exhausted/);

    await budget.acquire(FAR()); // waits for the next window, then goes
    expect(await metricValue(metrics, 'identity_rate_budget_waits_total')).toBe('identity_rate_budget_waits_total{provider="auth0"} 1');
    expect(await metricValue(metrics, 'identity_rate_budget_refusals_total')).toBe('identity_rate_budget_refusals_total{provider="auth0"} 1');
    expect(await metricValue(metrics, 'identity_rate_budget_remaining')).toMatch(/^identity_rate_budget_remaining\{provider="auth0"\} \d+$/);
  });

  it('without a configured budget lets every call through', async () => {
    const budget = createRateBudget({ provider: 'verato', limit: null });
    expect((await allowedOf([budget], 50)).allowed).toBe(50);
  });

  it('follows X-RateLimit-Remaining: 0 until X-RateLimit-Reset, also without a configured budget', async () => {
    const metrics = createMetrics();
    const budget = createRateBudget({ provider: 'verifa', limit: null, metrics });
    budget.observe({ 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '7', 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 30) });
    expect(await metricValue(metrics, 'identity_rate_budget_remaining')).toBe('identity_rate_budget_remaining{provider="verifa"} 7');
    await budget.acquire(NOW());
    budget.observe({ 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 30) });
    const refusal = (await budget.acquire(Date.now() + 1_000).catch((e: unknown) => e)) as RateBudgetExceededError;
    expect(refusal).toBeInstanceOf(RateBudgetExceededError);
    expect(refusal.retryAfterMs).toBeGreaterThan(1_000);
    // A reset already past, or headers that are not numbers, change nothing.
    const other = createRateBudget({ provider: 'auth0', limit: null });
    other.observe({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) - 5) });
    other.observe({ 'x-ratelimit-remaining': 'soon' });
    await other.acquire(NOW());
  });
});

describeWithRedis('rate budget shared through a real redis-server', () => {
  let server: TestRedis;
  let connections: RedisConnection[];
  // A key prefix per test, so no test sees another's window.
  let keys: Keyring;
  let suite = 0;
  beforeEach(() => {
    keys = new Keyring(`test${++suite}:`, randomBytes(32));
  });
  const budgetOn = (connection: RedisConnection, provider: 'auth0' | 'verifa' | 'btcdirect' | 'verato', rps = 4, burst = 8) =>
    createRateBudget({ provider, limit: { rps, burst }, redis: { connection, keys } });

  beforeAll(async () => {
    server = await startTestRedis();
    connections = [connectRedis({ url: server.url, commandTimeoutMs: LOADED_MACHINE_REDIS_TIMEOUT_MS }), connectRedis({ url: server.url, commandTimeoutMs: LOADED_MACHINE_REDIS_TIMEOUT_MS })];
    await Promise.all(connections.map((c) => c.waitUntilReady()));
  });
  afterAll(async () => {
    await Promise.all(connections.map((c) => c.close()));
    await server.close();
  });

  it('is one budget for the fleet: two replicas together get one window', async () => {
    const { allowed, refused } = await allowedOf([budgetOn(connections[0], 'auth0'), budgetOn(connections[1], 'auth0')], 12);
    expect(allowed).toBe(4);
    expect(refused.every((e) => e instanceof RateBudgetExceededError && e.provider === 'auth0')).toBe(true);
  });

  it('keeps providers apart', async () => {
    expect((await allowedOf([budgetOn(connections[0], 'btcdirect', 2, 4)], 5)).allowed).toBe(2);
    expect((await allowedOf([budgetOn(connections[1], 'verato', 3, 6)], 5)).allowed).toBe(3);
  });

  it('pauses the whole fleet when one replica sees X-RateLimit-Remaining: 0', async () => {
    const [one, two] = [budgetOn(connections[0], 'verifa', 100, 200), budgetOn(connections[1], 'verifa', 100, 200)];
    one.observe({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 20) });
    expect(await eventually(async () => (await two.acquire(Date.now() + 50).then(() => false, (e: unknown) => e instanceof RateBudgetExceededError)))).toBe(true);
  });

  it('falls back to a per-replica budget while Redis is down, and shares again once it is back', async () => {
    const [one, two] = [budgetOn(connections[0], 'auth0', 3, 6), budgetOn(connections[1], 'auth0', 3, 6)];
    await server.stop();
    try {
      // Each replica has its own window of 3 now: the calls are not refused for want of Redis.
      const { allowed, refused } = await allowedOf([one, two], 6);
      expect(allowed).toBe(6);
      expect(refused).toEqual([]);
    } finally {
      await server.start();
    }
    await Promise.all(connections.map((c) => c.waitUntilReady(10_000)));
    keys = new Keyring('after-outage:', randomBytes(32));
    const fresh = [budgetOn(connections[0], 'auth0', 3, 6), budgetOn(connections[1], 'auth0', 3, 6)];
    expect((await allowedOf(fresh, 8)).allowed).toBe(3);
  });
});
