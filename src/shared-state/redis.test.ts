import { createMetrics } from '../observability/metrics';
import { describeWithRedis, eventually, startTestRedis, type TestRedis } from '../../test/support/redis';
import { SharedStateUnavailableError } from './errors';
import { connectRedis, type RedisConnection } from './redis';

describeWithRedis('connectRedis against a real redis-server', () => {
  let server: TestRedis;
  let redis: RedisConnection;
  const metrics = createMetrics();
  const lines: Array<[unknown, string]> = [];
  const logger = { info: (obj: unknown, msg: string) => lines.push([obj, msg]), warn: (obj: unknown, msg: string) => lines.push([obj, msg]) };

  beforeAll(async () => {
    server = await startTestRedis();
    redis = connectRedis({ url: server.url, metrics, logger: logger as never });
    await redis.waitUntilReady();
  });
  afterAll(async () => {
    await redis.close();
    await server.close();
  });

  const up = async () => (await metrics.registry.getSingleMetricAsString('identity_redis_up')).trim().split('\n').pop();

  it('runs commands and shows identity_redis_up 1 while ready', async () => {
    expect(redis.ready).toBe(true);
    expect(await redis.call('ping', (c) => c.ping())).toBe('PONG');
    expect(await up()).toBe('identity_redis_up 1');
  });

  it('fails fast with SharedStateUnavailableError while the server is down, and reconnects on its own', async () => {
    await server.stop();
    // Commands are not queued while disconnected: each fails at once, with a typed error.
    const failures = await Promise.allSettled(Array.from({ length: 5 }, () => redis.call('ping', (c) => c.ping())));
    expect(failures.every((f) => f.status === 'rejected' && f.reason instanceof SharedStateUnavailableError)).toBe(true);
    expect(await eventually(async () => (await up()) === 'identity_redis_up 0')).toBe(true);

    await server.start();
    await redis.waitUntilReady(10_000);
    expect(await redis.call('ping', (c) => c.ping())).toBe('PONG');
    expect(await up()).toBe('identity_redis_up 1');
    // One line per state change, none of them naming the URL.
    expect(lines.map(([, msg]) => msg)).toEqual(expect.arrayContaining([expect.stringMatching(/lost/), expect.stringMatching(/ready/)]));
    expect(JSON.stringify(lines)).not.toContain(String(server.port));
  });

  it('turns a command error into SharedStateUnavailableError whose message names only the operation', async () => {
    const error = await redis.call('odd command', (c) => c.call('NO-SUCH-COMMAND') as Promise<unknown>).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SharedStateUnavailableError);
    expect((error as Error).message).toBe('shared state unavailable (odd command)');
    expect((error as SharedStateUnavailableError).retryable).toBe(true);
  });
});
