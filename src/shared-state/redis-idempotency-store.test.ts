import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { describeIdempotencyBehaviour } from '../../test/support/idempotency-behaviour';
import { describeWithRedis, dumpRedis, eventually, startTestRedis, type TestRedis, LOADED_MACHINE_REDIS_TIMEOUT_MS } from '../../test/support/redis';
import { IDEMPOTENCY_TTL_MS } from '../mutations/idempotency';
import { SharedStateUnavailableError } from './errors';
import { Keyring } from './keyring';
import { connectRedis, type RedisConnection } from './redis';
import { idempotencyLeaseMs, RedisIdempotencyStore } from './redis-idempotency-store';

const KEY = randomBytes(32);

describeWithRedis('RedisIdempotencyStore', () => {
  let server: TestRedis;
  /** Two replicas: a connection each, one Redis. */
  let connections: RedisConnection[] = [];
  let inspect: Redis;
  const keys = new Keyring('identity:', KEY);
  const storeOn = (connection: RedisConnection, options: { leaseMs?: number; keyring?: Keyring } = {}) =>
    new RedisIdempotencyStore(connection, options.keyring ?? keys, { leaseMs: options.leaseMs ?? idempotencyLeaseMs(5_000) });
  let replicas: [RedisIdempotencyStore, RedisIdempotencyStore];

  beforeAll(async () => {
    server = await startTestRedis();
    connections = [connectRedis({ url: server.url, commandTimeoutMs: LOADED_MACHINE_REDIS_TIMEOUT_MS }), connectRedis({ url: server.url, commandTimeoutMs: LOADED_MACHINE_REDIS_TIMEOUT_MS })];
    await Promise.all(connections.map((c) => c.waitUntilReady()));
    replicas = [storeOn(connections[0]), storeOn(connections[1])];
    inspect = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  });
  afterAll(async () => {
    await Promise.all(connections.map((c) => c.close()));
    inspect.disconnect();
    await server.close();
  });

  describeIdempotencyBehaviour('redis', () => replicas);

  it('leases a claim for the request deadline plus a margin, then frees it: a crashed replica does not block the key', async () => {
    expect(idempotencyLeaseMs(5_000)).toBeGreaterThan(5_000);
    const [one, two] = [storeOn(connections[0], { leaseMs: 300 }), storeOn(connections[1], { leaseMs: 300 })];
    expect(await one.begin('crashed', 'fp')).toEqual({ state: 'claimed' });
    // "one" never completes nor releases (it crashed): once the lease has run out, the key is free again.
    expect(await eventually(async () => (await two.begin('crashed', 'fp')).state === 'claimed')).toBe(true);
  });

  it('keeps an outcome completed after its lease ran out when nobody else claimed the key', async () => {
    const one = storeOn(connections[0], { leaseMs: 100 });
    expect(await one.begin('late', 'fp')).toEqual({ state: 'claimed' });
    await eventually(async () => (await inspect.exists(keys.name('idem', 'late'))) === 0);
    await one.complete('late', 'answered');
    expect(await replicas[1].begin('late', 'fp')).toEqual({ state: 'replay', outcome: 'answered' });
  });

  it("never overwrites another attempt's claim with a late outcome", async () => {
    const [one, two] = [storeOn(connections[0], { leaseMs: 100 }), storeOn(connections[1])];
    expect(await one.begin('taken', 'fp-1')).toEqual({ state: 'claimed' });
    expect(await eventually(async () => (await two.begin('taken', 'fp-2')).state === 'claimed')).toBe(true);
    await one.complete('taken', 'first, late');
    await one.release('taken');
    expect(await two.begin('taken', 'fp-2')).toEqual({ state: 'in_progress' });
    await two.complete('taken', 'second');
    expect(await one.begin('taken', 'fp-2')).toEqual({ state: 'replay', outcome: 'second' });
  });

  it('keeps an outcome for 24 h from the claim, and the in-flight claim only for its lease', async () => {
    const [one] = replicas;
    await one.begin('ttl', 'fp');
    const name = keys.name('idem', 'ttl');
    const lease = await inspect.pttl(name);
    expect(lease).toBeGreaterThan(0);
    expect(lease).toBeLessThanOrEqual(idempotencyLeaseMs(5_000));
    await one.complete('ttl', 'x');
    const kept = await inspect.pttl(name);
    expect(kept).toBeGreaterThan(idempotencyLeaseMs(5_000));
    expect(kept).toBeLessThanOrEqual(IDEMPOTENCY_TTL_MS);
  });

  it('stores no scope, fingerprint or outcome in plain text', async () => {
    const [one] = replicas;
    const scope = 'caller-alice@example.com-linkIdentities-key';
    await one.begin(scope, 'fingerprint-of-alice');
    await one.complete(scope, { primary: { email: 'alice@example.com', displayName: 'Alice Example', birthDate: '1990-04-01' } });
    const { keys: names, values } = await dumpRedis(inspect);
    const everything = [...names, ...values.map((v) => v.toString('latin1'))].join('\n');
    for (const plain of ['alice', 'Alice', 'example.com', '1990-04-01', 'fingerprint-of']) expect(everything).not.toContain(plain);
  });

  it('replays across a key rotation when the old key is among the decryption keys', async () => {
    const [one] = replicas;
    await one.begin('rotation', 'fp');
    await one.complete('rotation', { kept: true });
    const rotated = new Keyring('identity:', randomBytes(32), [KEY]);
    const after = storeOn(connections[1], { keyring: rotated });
    expect(await after.begin('rotation', 'fp')).toEqual({ state: 'replay', outcome: { kept: true } });
    expect(await after.begin('rotation', 'other')).toEqual({ state: 'mismatch' });
  });

  it('rejects with SharedStateUnavailableError while Redis is down, and works again once it is back', async () => {
    const [one] = replicas;
    await server.stop();
    try {
      await expect(one.begin('outage', 'fp')).rejects.toBeInstanceOf(SharedStateUnavailableError);
      const error = await one.begin('outage', 'fp').catch((e: unknown) => e as SharedStateUnavailableError);
      expect(error).toMatchObject({ retryable: true, kind: 'unavailable' });
    } finally {
      await server.start();
    }
    await Promise.all(connections.map((c) => c.waitUntilReady(10_000)));
    expect(await one.begin('outage', 'fp')).toEqual({ state: 'claimed' });
  });
});
