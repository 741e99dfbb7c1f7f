import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createMetrics } from '../observability/metrics';
import { readSharedStateConfig } from '../config';
import { createSharedState } from '../shared-state';
import { Keyring } from '../shared-state/keyring';
import { connectRedis, type RedisConnection } from '../shared-state/redis';
import { describeWithRedis, dumpRedis, startTestRedis, type TestRedis, LOADED_MACHINE_REDIS_TIMEOUT_MS } from '../../test/support/redis';
import { ReadThrough, SingleFlight, type Loaded } from './read-through';
import { InProcessRecordCache, NearCache, RedisRecordCache, type RecordCache } from './record-cache';

interface Person {
  id: string;
  email: string;
  displayName: string;
  birthDate: string;
}

const person = (id: string): Person => ({ id, email: `${id}@example.com`, displayName: `Person ${id}`, birthDate: '1990-04-01' });

/** A provider stand-in: answers what it knows, counts the keys it was asked for. */
function provider(known: Record<string, Person> = {}) {
  const asked: string[][] = [];
  let gate: Promise<void> = Promise.resolve();
  return {
    asked,
    /** Calls made after this wait until `open()`. */
    hold() {
      let open!: () => void;
      gate = new Promise<void>((resolve) => (open = resolve));
      return () => open();
    },
    async load(keys: string[]): Promise<Loaded<Person>> {
      asked.push(keys);
      await gate;
      return new Map(keys.map((key) => [key, known[key] ?? null]));
    },
  };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

/** The behaviour of a ReadThrough over any RecordCache; `caches()` gives two sharing one store (two replicas). */
function describeReadThrough(name: string, caches: () => [RecordCache<Person>, RecordCache<Person>]) {
  describe(`${name}: readThrough`, () => {
    let n = 0;
    const fresh = () => `p${++n}-${Math.random().toString(36).slice(2, 8)}`;

    it('asks the provider only for the misses, then answers from the cache', async () => {
      const [cache] = caches();
      const [a, b, c] = [fresh(), fresh(), fresh()];
      const upstream = provider({ [a]: person(a), [b]: person(b), [c]: person(c) });
      const metrics = createMetrics();
      const users = new ReadThrough<Person>({ name: 'test-user', cache, ttlSeconds: 60, metrics });
      expect([...(await users.readThrough([a, b], (m) => upstream.load(m))).values()]).toEqual([person(a), person(b)]);
      const second = await users.readThrough([a, b, c, a], (m) => upstream.load(m));
      expect(second.get(c)).toEqual(person(c));
      expect(second.get(a)).toEqual(person(a));
      expect(upstream.asked).toEqual([[a, b], [c]]);
      const lookups = await metrics.registry.getSingleMetricAsString('identity_cache_lookups_total');
      expect(lookups).toContain('identity_cache_lookups_total{cache="test-user",result="hit"} 2');
      expect(lookups).toContain('identity_cache_lookups_total{cache="test-user",result="miss"} 3');
    });

    it('serves on a second replica what the first loaded (shared store), and invalidation reaches both', async () => {
      const [one, two] = caches();
      const a = fresh();
      const upstream = provider({ [a]: person(a) });
      const onA = new ReadThrough<Person>({ name: 'u', cache: one, ttlSeconds: 60 });
      const onB = new ReadThrough<Person>({ name: 'u', cache: two, ttlSeconds: 60 });
      await onA.readThrough([a], (m) => upstream.load(m));
      expect((await onB.readThrough([a], (m) => upstream.load(m))).get(a)).toEqual(person(a));
      expect(upstream.asked).toHaveLength(1);
      await onA.invalidate([a]);
      await onB.readThrough([a], (m) => upstream.load(m));
      expect(upstream.asked).toHaveLength(2);
    });

    it('makes one provider call for concurrent misses of the same key (stampede guard)', async () => {
      const [cache] = caches();
      const a = fresh();
      const upstream = provider({ [a]: person(a) });
      const open = upstream.hold();
      const users = new ReadThrough<Person>({ name: 'u', cache, ttlSeconds: 60 });
      const reads = Array.from({ length: 10 }, () => users.readThrough([a], (m) => upstream.load(m)));
      await flush();
      open();
      const answers = await Promise.all(reads);
      expect(answers.every((answer) => (answer.get(a) as Person | undefined)?.id === a)).toBe(true);
      expect(upstream.asked.flat()).toEqual([a]);
    });

    it('never stores errors, failed batches or "not found" (unless asked to)', async () => {
      const [cache] = caches();
      const [a, b, gone] = [fresh(), fresh(), fresh()];
      const users = new ReadThrough<Person>({ name: 'u', cache, ttlSeconds: 60 });
      const failing = async (keys: string[]): Promise<Loaded<Person>> => new Map(keys.map((key) => [key, key === a ? new Error('upstream 503') : person(key)]));
      const first = await users.readThrough([a, b], failing);
      expect(first.get(a)).toBeInstanceOf(Error);
      await expect(users.readThrough([gone], async () => Promise.reject(new Error('timeout')))).rejects.toThrow('timeout');
      await users.readThrough([gone], async (keys) => new Map(keys.map((key) => [key, null])));
      const held = await cache.getMany([a, b, gone]);
      expect([...held.keys()]).toEqual([b]);

      const withNotFound = new ReadThrough<Person>({ name: 'u', cache, ttlSeconds: 60, cacheNotFound: true });
      await withNotFound.readThrough([gone], async (keys) => new Map(keys.map((key) => [key, null])));
      const upstream = provider();
      expect((await withNotFound.readThrough([gone], (m) => upstream.load(m))).get(gone)).toBeNull();
      expect(upstream.asked).toHaveLength(0);
    });

    it('does not store what a load in flight answered for a key invalidated meanwhile', async () => {
      const [one, two] = caches();
      const a = fresh();
      const upstream = provider({ [a]: person(a) });
      const open = upstream.hold();
      const onA = new ReadThrough<Person>({ name: 'u', cache: one, ttlSeconds: 60 });
      const onB = new ReadThrough<Person>({ name: 'u', cache: two, ttlSeconds: 60 });
      const before = onA.readThrough([a], (m) => upstream.load(m));
      await flush();
      await onB.invalidate([a]); // a mutation through another replica
      await onA.invalidate([a]); // ... and through this one
      open();
      await before;
      expect((await one.getMany([a])).size).toBe(0);
    });

    it('stores the records a load answered beyond those asked for (not answering them)', async () => {
      const [cache] = caches();
      const [a, member] = [fresh(), fresh()];
      const users = new ReadThrough<Person>({ name: 'u', cache, ttlSeconds: 60 });
      const first = await users.readThrough([a], async () => new Map([[a, person(a)], [member, person(member)]]));
      expect([...first.keys()]).toEqual([a]);
      const upstream = provider();
      expect((await users.readThrough([member], (m) => upstream.load(m))).get(member)).toEqual(person(member));
      expect(upstream.asked).toHaveLength(0);
    });

    it('with ttl 0 asks the provider every time and stores nothing', async () => {
      const [cache] = caches();
      const a = fresh();
      const upstream = provider({ [a]: person(a) });
      const off = new ReadThrough<Person>({ name: 'u', cache, ttlSeconds: 0 });
      await off.readThrough([a], (m) => upstream.load(m));
      await off.readThrough([a], (m) => upstream.load(m));
      expect(upstream.asked).toEqual([[a], [a]]);
      expect((await cache.getMany([a])).size).toBe(0);
    });
  });
}

describe('InProcessRecordCache', () => {
  it('is bounded by entries and by bytes', async () => {
    const byCount = new InProcessRecordCache({ maxEntries: 3 });
    await byCount.setMany(['a', 'b', 'c', 'd'].map((k) => [k, k] as const), 60);
    expect(byCount.size).toBe(3);
    expect([...(await byCount.getMany(['a', 'b', 'c', 'd'])).keys()]).toEqual(['b', 'c', 'd']);
    const bySize = new InProcessRecordCache({ maxBytes: 100 });
    await bySize.setMany(Array.from({ length: 20 }, (_, i) => [`k${i}`, 'x'.repeat(20)] as const), 60);
    expect(bySize.size).toBeLessThan(20);
  });

  it('copies a record in and hands it out frozen: neither the writer nor a reader can change the cached one', async () => {
    const cache = new InProcessRecordCache<{ name: string; address: { city: string } }>();
    const written = { name: 'Alice', address: { city: 'Utrecht' } };
    await cache.setMany([['a', written]], 60);
    written.address.city = 'changed by the writer';
    const read = (await cache.getMany(['a'])).get('a')!;
    expect(() => (read.address.city = 'changed by a reader')).toThrow(TypeError);
    expect(() => (read.name = 'changed by a reader')).toThrow(TypeError);
    expect((await cache.getMany(['a'])).get('a')).toEqual({ name: 'Alice', address: { city: 'Utrecht' } });
  });
});

const shared = new InProcessRecordCache<Person>();
describeReadThrough('in process', () => [shared, shared]);

/**
 * A generational kind (Verato clusters…): `invalidateAll` on one replica makes every entry a miss
 * on both, and a load in flight across it stores nothing. `replicas()` gives the kind's ReadThrough
 * on two replicas (the same one in process: one process is one replica).
 */
function describeGenerational(name: string, replicas: () => [ReadThrough<Person>, ReadThrough<Person>]) {
  describe(`${name}: a generational kind`, () => {
    let n = 0;
    const fresh = () => `g${++n}-${Math.random().toString(36).slice(2, 8)}`;

    it('serves what either replica loaded until invalidateAll on either, then loads every key again', async () => {
      const [onA, onB] = replicas();
      const [a, b] = [fresh(), fresh()];
      const upstream = provider({ [a]: person(a), [b]: person(b) });
      await onA.readThrough([a, b], (m) => upstream.load(m));
      expect((await onB.readThrough([a, b], (m) => upstream.load(m))).get(b)).toEqual(person(b));
      expect(upstream.asked).toEqual([[a, b]]);
      await onB.invalidateAll();
      expect((await onA.readThrough([a, b], (m) => upstream.load(m))).get(a)).toEqual(person(a));
      expect(upstream.asked).toEqual([[a, b], [a, b]]);
      await onB.readThrough([a], (m) => upstream.load(m));
      expect(upstream.asked).toHaveLength(2);
    });

    it('does not store what a load in flight across an invalidateAll answered, on any replica', async () => {
      const [onA, onB] = replicas();
      const a = fresh();
      const upstream = provider({ [a]: person(a) });
      const open = upstream.hold();
      const before = onA.readThrough([a], (m) => upstream.load(m));
      await flush();
      await onB.invalidateAll(); // a write through (possibly) another replica
      open();
      await before;
      await onA.readThrough([a], (m) => upstream.load(m));
      await onB.readThrough([a], (m) => upstream.load(m));
      expect(upstream.asked).toEqual([[a], [a]]);
    });
  });
}

describeGenerational('in process', () => {
  const users = createSharedState(readSharedStateConfig({}), { requestDeadlineMs: 5_000, idempotencyMaxKeys: 100 }).recordCache<Person>('gen-user', 60, { generational: true });
  return [users, users];
});

describe('SingleFlight', () => {
  it('shares one load among concurrent calls of a key, and loads again once it settled', async () => {
    const flight = new SingleFlight<number>();
    let calls = 0;
    const load = async () => ++calls;
    expect(await Promise.all([flight.run('k', load), flight.run('k', load), flight.run('j', load)])).toEqual([1, 1, 2]);
    expect(await flight.run('k', load)).toBe(3);
    expect(flight.size).toBe(0);
  });
});

describeWithRedis('RedisRecordCache against a real redis-server', () => {
  let server: TestRedis;
  let connections: RedisConnection[];
  let inspect: Redis;
  const keys = new Keyring('identity:', randomBytes(32));
  let caches: [RedisRecordCache<Person>, RedisRecordCache<Person>];
  const nears = [new NearCache(), new NearCache()];

  beforeAll(async () => {
    server = await startTestRedis();
    connections = [connectRedis({ url: server.url, commandTimeoutMs: LOADED_MACHINE_REDIS_TIMEOUT_MS }), connectRedis({ url: server.url, commandTimeoutMs: LOADED_MACHINE_REDIS_TIMEOUT_MS })];
    await Promise.all(connections.map((c) => c.waitUntilReady()));
    // Two replicas as the product wires them: a connection and a near cache each.
    caches = [0, 1].map((i) => new RedisRecordCache<Person>(connections[i], keys, 'test-user', { invalidationHoldMs: 10_000, near: nears[i] })) as typeof caches;
    inspect = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  });
  afterAll(async () => {
    await Promise.all(connections.map((c) => c.close()));
    inspect.disconnect();
    await server.close();
  });

  describeReadThrough('redis', () => caches);
  describeGenerational('redis', () => {
    const [one, two] = connections.map((c, i) => new RedisRecordCache<Person>(c, keys, 'gen-user', { invalidationHoldMs: 10_000, generational: true, near: nears[i] }));
    return [new ReadThrough<Person>({ name: 'g', cache: one, ttlSeconds: 60 }), new ReadThrough<Person>({ name: 'g', cache: two, ttlSeconds: 60 })];
  });

  it('stores every record sealed under HMAC key names, with the TTL: no email, name, birth date or id in plain text', async () => {
    const users = new ReadThrough<Person>({ name: 'u', cache: caches[0], ttlSeconds: 60 });
    const alice = { id: 'auth0|alice', email: 'alice.planted@example.com', displayName: 'Alice Planted', birthDate: '1987-06-05' };
    await users.readThrough([alice.id], async () => new Map([[alice.id, alice]]));
    const { keys: names, values } = await dumpRedis(inspect);
    const everything = [...names, ...values.map((v) => v.toString('latin1'))].join('\n');
    for (const plain of ['alice', 'Alice', 'Planted', '1987-06-05', 'example.com']) expect(everything).not.toContain(plain);
    const ttl = await inspect.ttl(keys.name('rec:test-user', alice.id));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
  });

  it('reads as all-miss while Redis is down (the read still answers), and caches again once it is back', async () => {
    const errors: string[] = [];
    const metrics = createMetrics();
    const users = new ReadThrough<Person>({ name: 'u', cache: caches[0], ttlSeconds: 60, metrics, onCacheError: (op) => errors.push(op) });
    const upstream = provider({ b1: person('b1') });
    await server.stop();
    try {
      expect((await users.readThrough(['b1'], (m) => upstream.load(m))).get('b1')).toEqual(person('b1'));
      expect((await users.readThrough(['b1'], (m) => upstream.load(m))).get('b1')).toEqual(person('b1'));
      await expect(users.invalidate(['b1'])).rejects.toThrow('shared state unavailable');
    } finally {
      await server.start();
    }
    expect(upstream.asked).toEqual([['b1'], ['b1']]);
    expect(errors).toEqual(['get', 'set', 'get', 'set']);
    expect(await metrics.registry.getSingleMetricAsString('identity_cache_lookups_total')).toContain('result="error"} 2');
    await Promise.all(connections.map((c) => c.waitUntilReady(10_000)));
    await users.readThrough(['b1'], (m) => upstream.load(m));
    await users.readThrough(['b1'], (m) => upstream.load(m));
    expect(upstream.asked).toHaveLength(3);
  });

  it('keeps a load in flight on one replica from storing over an invalidation made on another (tombstone)', async () => {
    const upstream = provider({ t1: person('t1') });
    const open = upstream.hold();
    const onA = new ReadThrough<Person>({ name: 'u', cache: caches[0], ttlSeconds: 60 });
    const onB = new ReadThrough<Person>({ name: 'u', cache: caches[1], ttlSeconds: 60 });
    const before = onA.readThrough(['t1'], (m) => upstream.load(m));
    await flush();
    await onB.invalidate(['t1']); // only replica B knows of the write
    open();
    await before;
    expect((await caches[1].getMany(['t1'])).size).toBe(0);
    const name = keys.name('rec:test-user', 't1');
    expect((await inspect.getBuffer(name))!.length).toBe(1);
    expect(await inspect.pttl(name)).toBeLessThanOrEqual(10_000);
  });

  it('reads a value it cannot open (another key) as a miss', async () => {
    const other = new RedisRecordCache<Person>(connections[0], new Keyring('identity:', randomBytes(32)), 'test-user', { invalidationHoldMs: 1_000 });
    await caches[0].setMany([['k-other', person('k-other')]], 60);
    // Same name only if the key is the same: write under the other keyring's name, read it with ours.
    await inspect.set(keys.name('rec:test-user', 'k-x'), (await inspect.getBuffer(keys.name('rec:test-user', 'k-other')))!);
    expect((await caches[0].getMany(['k-x'])).size).toBe(0);
    expect((await other.getMany(['k-other'])).size).toBe(0);
  });

  describe('near cache (records a replica opened, kept while no write happened in the fleet)', () => {
    let clock = 0;
    const near = new NearCache({ now: () => Date.now() + clock });
    const onA = () => new RedisRecordCache<Person>(connections[0], keys, 'near-user', { invalidationHoldMs: 10_000, near });
    const onB = () => new RedisRecordCache<Person>(connections[1], keys, 'near-user', { invalidationHoldMs: 10_000, near: new NearCache() });
    const generationalOn = (i: number, nearCache: NearCache) =>
      new RedisRecordCache<Person>(connections[i], keys, 'near-gen', { invalidationHoldMs: 10_000, generational: true, near: nearCache });
    const opened = () => jest.spyOn(keys, 'open');
    afterEach(() => {
      jest.restoreAllMocks();
      clock = 0;
    });

    it('answers a record read before without opening it again, the same frozen object, in one MGET of the epoch alone', async () => {
      const a = onA();
      await onB().setMany([['n1', person('n1')]], 60);
      const first = (await a.getMany(['n1'])).get('n1');
      expect(first).toEqual(person('n1'));
      const open = opened();
      const mget = jest.spyOn(connections[0].client, 'mgetBuffer');
      const again = (await a.getMany(['n1'])).get('n1');
      expect(again).toBe(first);
      expect(Object.isFrozen(again)).toBe(true);
      expect(open).not.toHaveBeenCalled();
      expect(mget).toHaveBeenCalledTimes(1);
      expect(mget.mock.calls[0]).toEqual([keys.plainName('rec-epoch')]);
    });

    it('reads a record deleted on another replica as a miss at once, and an unrelated write costs a second read, not the record', async () => {
      const a = onA();
      const b = onB();
      await b.setMany([['n2', person('n2')], ['n3', person('n3')]], 60);
      expect((await a.getMany(['n2', 'n3'])).size).toBe(2);
      await b.deleteMany(['n2']);
      const open = opened();
      const found = await a.getMany(['n2', 'n3']);
      expect([...found.keys()]).toEqual(['n3']);
      expect(found.get('n3')).toEqual(person('n3'));
      // n3 was read again: the epoch moved, so the near copy could not be trusted.
      expect(open).toHaveBeenCalledTimes(1);
    });

    it('reads a generational record as a miss once another replica moved the generation on', async () => {
      const a = generationalOn(0, near);
      const b = generationalOn(1, new NearCache());
      const { generation } = await b.getManyAt!(['g1']);
      await b.setMany([['g1', person('g1')]], 60, generation);
      expect((await a.getManyAt!(['g1'])).found.get('g1')).toEqual(person('g1'));
      expect((await a.getManyAt!(['g1'])).found.size).toBe(1);
      await b.invalidateAll!();
      expect((await a.getManyAt!(['g1'])).found.size).toBe(0);
    });

    it('never keeps a record past the expiry of the Redis entry it came from', async () => {
      const a = onA();
      await onB().setMany([['n4', person('n4')]], 60);
      await a.getMany(['n4']);
      expect(near.held(keys.name('rec:near-user', 'n4'), Date.now() + clock)).toBeDefined();
      clock = 61_000;
      expect(near.held(keys.name('rec:near-user', 'n4'), Date.now() + clock)).toBeUndefined();
      const open = opened();
      await a.getMany(['n4']);
      expect(open).toHaveBeenCalledTimes(1);
    });

    it('is not consulted while Redis is down: the read goes to the provider', async () => {
      const users = new ReadThrough<Person>({ name: 'u', cache: onA(), ttlSeconds: 60 });
      const upstream = provider({ d1: person('d1') });
      await users.readThrough(['d1'], (m) => upstream.load(m));
      await users.readThrough(['d1'], (m) => upstream.load(m));
      expect(upstream.asked).toEqual([['d1']]);
      await server.stop();
      try {
        expect((await users.readThrough(['d1'], (m) => upstream.load(m))).get('d1')).toEqual(person('d1'));
      } finally {
        await server.start();
        await Promise.all(connections.map((c) => c.waitUntilReady(10_000)));
      }
      expect(upstream.asked).toEqual([['d1'], ['d1']]);
    });

    it('stays within its bound', () => {
      const small = new NearCache({ maxEntries: 2 });
      for (const name of ['a', 'b', 'c']) small.keep(name, { value: null, expiresAt: Date.now() + 60_000, epoch: '0' }, 10);
      expect(small.size).toBe(2);
    });
  });
});
