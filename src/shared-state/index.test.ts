import { readSharedStateConfig } from '../config';
import { createMetrics } from '../observability/metrics';
import { InMemoryIdempotencyStore } from '../mutations/idempotency';
import { describeWithRedis, startTestRedis, type TestRedis } from '../../test/support/redis';
import { createSharedState } from '.';
import { RedisIdempotencyStore } from './redis-idempotency-store';

const OPTIONS = { requestDeadlineMs: 5_000, idempotencyMaxKeys: 100 };

describe('createSharedState without REDIS_URL', () => {
  it('runs everything in process, one cache per record kind', async () => {
    const shared = createSharedState(readSharedStateConfig({}), OPTIONS);
    expect(shared.redis).toBeNull();
    expect(shared.idempotency).toBeInstanceOf(InMemoryIdempotencyStore);
    const users = shared.recordCache<string>('auth0-user', 60);
    const clusters = shared.recordCache<string>('verato-cluster', 60);
    await users.readThrough(['x'], async () => new Map([['x', 'user x']]));
    let asked = 0;
    const cluster = await clusters.readThrough(['x'], async (keys) => (asked++, new Map(keys.map((k) => [k, 'cluster x']))));
    expect(cluster.get('x')).toBe('cluster x');
    expect(asked).toBe(1);
    await shared.close();
  });
});

describeWithRedis('createSharedState with REDIS_URL', () => {
  let server: TestRedis;
  beforeAll(async () => {
    server = await startTestRedis();
  });
  afterAll(async () => {
    await server.close();
  });

  it('uses Redis, and says so in one line when the encryption key was generated', async () => {
    const lines: string[] = [];
    const logger = { info: () => undefined, warn: (_: unknown, msg: string) => void lines.push(msg) } as never;
    const shared = createSharedState(readSharedStateConfig({ REDIS_URL: server.url }), { ...OPTIONS, metrics: createMetrics(), logger });
    try {
      await shared.redis!.waitUntilReady();
      expect(shared.idempotency).toBeInstanceOf(RedisIdempotencyStore);
      expect(lines.filter((line) => line.startsWith('CACHE_ENCRYPTION_KEY is unset'))).toHaveLength(1);
      expect(lines.join('\n')).not.toContain(String(server.port));
      await shared.rateBudget('auth0', { rps: 2, burst: 4 }).acquire(Date.now() + 1_000);
    } finally {
      await shared.close();
    }
  });

  it('gives its connection the REDIS_COMMAND_TIMEOUT_MS of the configuration', async () => {
    const shared = createSharedState(readSharedStateConfig({ REDIS_URL: server.url, REDIS_COMMAND_TIMEOUT_MS: '750' }), OPTIONS);
    try {
      expect(shared.redis!.client.options.commandTimeout).toBe(750);
    } finally {
      await shared.close();
    }
  });
});
