import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { describeWithRedis, dumpRedis, eventually, startTestRedis, type TestRedis, LOADED_MACHINE_REDIS_TIMEOUT_MS } from '../../test/support/redis';
import { Keyring } from './keyring';
import { ProviderTokenStore, type ProviderToken } from './provider-tokens';
import { connectRedis, type RedisConnection } from './redis';

const HOUR = 3_600_000;

/** A token endpoint stand-in: counts its calls; `hold()` keeps the next ones from answering until opened. */
function tokenEndpoint(lifetimeMs = HOUR) {
  let calls = 0;
  let gate: Promise<void> = Promise.resolve();
  return {
    get calls() {
      return calls;
    },
    hold() {
      let open!: () => void;
      gate = new Promise<void>((resolve) => (open = resolve));
      return () => open();
    },
    fetch: async (): Promise<ProviderToken> => {
      calls++;
      await gate;
      return { value: `secret-token-${calls}-${randomBytes(4).toString('hex')}`, expiresAtEpochMs: Date.now() + lifetimeMs };
    },
  };
}

describe('ProviderTokenStore in process', () => {
  it('fetches once for concurrent callers, reuses the token, and renews it shortly before expiry', async () => {
    const store = new ProviderTokenStore(null);
    const endpoint = tokenEndpoint();
    const tokens = await Promise.all(Array.from({ length: 5 }, () => store.obtain('auth0', endpoint.fetch)));
    expect(new Set(tokens).size).toBe(1);
    expect(await store.obtain('auth0', endpoint.fetch)).toBe(tokens[0]);
    expect(endpoint.calls).toBe(1);
    const shortLived = tokenEndpoint(30_000);
    await store.obtain('btcdirect', shortLived.fetch);
    await store.obtain('btcdirect', shortLived.fetch); // less than the 60 s renewal margin left: renewed
    expect(shortLived.calls).toBe(2);
  });

  it('rejects when the token request fails, and tries again next time', async () => {
    const store = new ProviderTokenStore(null);
    await expect(store.obtain('auth0', async () => Promise.reject(new Error('401')))).rejects.toThrow('401');
    const endpoint = tokenEndpoint();
    await store.obtain('auth0', endpoint.fetch);
    expect(endpoint.calls).toBe(1);
  });
});

describeWithRedis('ProviderTokenStore shared through a real redis-server', () => {
  let server: TestRedis;
  let connections: RedisConnection[];
  let inspect: Redis;
  const keys = new Keyring('identity:', randomBytes(32));
  const replica = (i: number) => new ProviderTokenStore({ connection: connections[i], keys });

  beforeAll(async () => {
    server = await startTestRedis();
    connections = [connectRedis({ url: server.url, commandTimeoutMs: LOADED_MACHINE_REDIS_TIMEOUT_MS }), connectRedis({ url: server.url, commandTimeoutMs: LOADED_MACHINE_REDIS_TIMEOUT_MS })];
    await Promise.all(connections.map((c) => c.waitUntilReady()));
    inspect = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  });
  afterEach(async () => {
    await inspect.flushdb();
  });
  afterAll(async () => {
    await Promise.all(connections.map((c) => c.close()));
    inspect.disconnect();
    await server.close();
  });

  it('fetches one token for the fleet: two replicas asking at the same instant make one token request', async () => {
    const endpoint = tokenEndpoint();
    const open = endpoint.hold();
    const [a, b] = [replica(0), replica(1)];
    const asked = [a.obtain('auth0', endpoint.fetch), b.obtain('auth0', endpoint.fetch)];
    await eventually(() => endpoint.calls > 0);
    open();
    const [ta, tb] = await Promise.all(asked);
    expect(ta).toBe(tb);
    expect(endpoint.calls).toBe(1);
    // A third replica, later, reads it from Redis.
    expect(await replica(1).obtain('auth0', endpoint.fetch)).toBe(ta);
    expect(endpoint.calls).toBe(1);
  });

  it('keeps the token sealed, expiring with it: the token never appears in plain text', async () => {
    const endpoint = tokenEndpoint();
    const token = await replica(0).obtain('btcdirect', endpoint.fetch);
    const { keys: names, values } = await dumpRedis(inspect);
    expect(names).toEqual(['identity:token:btcdirect']);
    expect(values.map((v) => v.toString('latin1')).join('')).not.toContain('secret-token');
    expect(values.map((v) => v.toString('latin1')).join('')).not.toContain(token);
    const ttl = await inspect.pttl('identity:token:btcdirect');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(HOUR);
  });

  it('lets the others use the old token while one replica renews', async () => {
    const [a, b] = [replica(0), replica(1)];
    await a.put('auth0', { value: 'old-token', expiresAtEpochMs: Date.now() + 30_000 }); // inside the renewal margin
    const endpoint = tokenEndpoint();
    const open = endpoint.hold();
    const renewing = a.obtain('auth0', endpoint.fetch);
    // A holds the renewal lock and waits for the token endpoint.
    await eventually(() => endpoint.calls > 0);
    expect(await b.obtain('auth0', endpoint.fetch)).toBe('old-token');
    open();
    const renewed = await renewing;
    expect(renewed).not.toBe('old-token');
    expect(endpoint.calls).toBe(1);
    expect((await b.get('auth0'))?.value).toBe(renewed);
  });

  it('frees only its own lock (compare-and-delete)', async () => {
    const [a, b] = [replica(0), replica(1)];
    const releaseA = await a.lock('auth0', 200);
    expect(releaseA).not.toBeNull();
    expect(await b.lock('auth0', 10_000)).toBeNull();
    // A's lock runs out, B takes it; A's late release must not free B's lock.
    let releaseB: (() => Promise<void>) | null = null;
    await eventually(async () => (releaseB = await b.lock('auth0', 10_000)) !== null);
    expect(releaseB).not.toBeNull();
    await releaseA!();
    expect(await a.lock('auth0', 10_000)).toBeNull();
    await releaseB!();
    expect(await a.lock('auth0', 10_000)).not.toBeNull();
  });

  it('fetches in process while Redis is down, and shares again once it is back', async () => {
    const endpoint = tokenEndpoint();
    await server.stop();
    try {
      const token = await replica(0).obtain('auth0', endpoint.fetch);
      expect(token).toMatch(/^secret-token-1-/);
    } finally {
      await server.start();
    }
    await Promise.all(connections.map((c) => c.waitUntilReady(10_000)));
    const shared = await replica(0).obtain('auth0', endpoint.fetch);
    expect(await replica(1).obtain('auth0', endpoint.fetch)).toBe(shared);
    expect(endpoint.calls).toBe(2);
  });
});
