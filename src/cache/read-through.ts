import type { Metrics } from '../observability/metrics';
import type { RecordCache } from './record-cache';

/**
 * How a batch function uses the record cache:
 *
 * ```ts
 * const users = new ReadThrough({ name: 'auth0-user', cache, ttlSeconds: 60 });
 * const found = await users.readThrough(ids, (misses) => fetchFromAuth0(misses));
 * ```
 *
 * 1. every key is read from the cache in one round trip (`getMany`: one MGET);
 * 2. only the misses are loaded, and a miss another call of this replica is already loading is
 *    not loaded twice (the stampede guard: concurrent misses of one key make one provider call);
 * 3. what was loaded is stored, in one round trip.
 *
 * `loadMisses` answers a Map: a record, `null` for "the provider says there is no such record",
 * or an Error for that key; a key it leaves out is answered as absent, and a key it adds that was
 * not asked for is stored (not answered). What is never stored: an
 * Error, a key left out, anything when `loadMisses` throws (a provider error, a partial answer:
 * nothing of a failed batch is kept), and `null` unless `cacheNotFound` is set. "Not found" is not
 * cached by default: a record created outside the subgraph (an Auth0 sign-up) would otherwise read
 * as missing for up to the TTL; set `cacheNotFound` for kinds whose records appear only through
 * the subgraph's own mutations (which invalidate them). Calls made with a caller's own token
 * (BTC Direct user calls, Auth0 self-service links) must not go through a ReadThrough at all.
 *
 * The cache failing (Redis down, a timeout) reads as all-miss and the store is skipped: a read
 * never fails because of the cache. `invalidate` is the opposite: its failure is reported, so a
 * mutation knows read-your-writes could not be promised.
 *
 * `ttlSeconds` 0 turns the cache off (`<P>_CACHE_TTL_SECONDS=0`): every key is loaded, still
 * through the stampede guard.
 */

export type Loaded<V> = Map<string, V | null | Error>;

export interface ReadThroughOptions<V> {
  /** The record kind, for metrics (a name chosen in code, e.g. `auth0-user`). */
  name: string;
  cache: RecordCache<V>;
  ttlSeconds: number;
  /** Store "not found" (null) answers too (default false; see above). */
  cacheNotFound?: boolean;
  metrics?: Pick<Metrics, 'cacheLookups'>;
  /** Told (once per failure, without keys or values) when the cache could not be read or written. */
  onCacheError?: (operation: 'get' | 'set', error: unknown) => void;
}

interface Flight<V> {
  /** Keys invalidated while this load ran: its answer for them must not be stored. */
  readonly invalidated: Set<string>;
  readonly done: Promise<Loaded<V>>;
}

export class ReadThrough<V> {
  private readonly inFlight = new Map<string, Flight<V>>();

  constructor(private readonly options: ReadThroughOptions<V>) {}

  get ttlSeconds(): number {
    return this.options.ttlSeconds;
  }

  async readThrough(keys: readonly string[], loadMisses: (misses: string[]) => Promise<Loaded<V>>): Promise<Loaded<V>> {
    const unique = [...new Set(keys)];
    const result: Loaded<V> = new Map();
    const { found: cached, generation } = this.options.ttlSeconds > 0 ? await this.cachedEntries(unique) : { found: new Map<string, V | null>(), generation: undefined };
    for (const [key, value] of cached) result.set(key, value);

    const misses = unique.filter((key) => !cached.has(key));
    const joined = misses.filter((key) => this.inFlight.has(key));
    const toLoad = misses.filter((key) => !this.inFlight.has(key));
    const waits: Array<Promise<void>> = joined.map(async (key) => {
      const answer = await this.inFlight.get(key)!.done;
      if (answer.has(key)) result.set(key, answer.get(key)!);
    });
    if (toLoad.length > 0) waits.push(this.load(toLoad, loadMisses, result, generation));
    // A failed load rejects this call (as the batch function would have without a cache).
    await Promise.all(waits);
    return result;
  }

  /**
   * Removes keys from the cache (every replica, through Redis) and keeps loads already in flight
   * on this replica from storing their (older) answer for them. Rejects when the cache failed.
   */
  async invalidate(keys: readonly string[]): Promise<void> {
    for (const key of keys) {
      const flight = this.inFlight.get(key);
      if (flight) {
        flight.invalidated.add(key);
        this.inFlight.delete(key);
      }
    }
    await this.options.cache.deleteMany([...new Set(keys)]);
  }

  /**
   * Generational kinds only: every entry of the kind reads as a miss from now on (every replica),
   * and no load already in flight (here, or anywhere: its generation is older) stores its answer.
   * Rejects when the cache failed.
   */
  async invalidateAll(): Promise<void> {
    if (!this.options.cache.invalidateAll) throw new TypeError(`record cache ${this.options.name} is not generational`);
    for (const [key, flight] of this.inFlight) flight.invalidated.add(key);
    this.inFlight.clear();
    await this.options.cache.invalidateAll();
  }

  /** `generation`: of a generational cache, read with the entries; undefined when the read failed (nothing is stored then). */
  private async cachedEntries(keys: string[]): Promise<{ found: Map<string, V | null>; generation?: string }> {
    const count = (result: 'hit' | 'miss' | 'error', n: number) => {
      if (n > 0) this.options.metrics?.cacheLookups.inc({ cache: this.options.name, result }, n);
    };
    const { cache } = this.options;
    try {
      const { found, generation } = cache.getManyAt ? await cache.getManyAt(keys) : { found: await cache.getMany(keys), generation: undefined };
      if (!this.options.cacheNotFound) for (const [key, value] of found) if (value === null) found.delete(key);
      count('hit', found.size);
      count('miss', keys.length - found.size);
      return { found, generation };
    } catch (error) {
      count('error', keys.length);
      this.options.onCacheError?.('get', error);
      return { found: new Map() };
    }
  }

  private async load(keys: string[], loadMisses: (misses: string[]) => Promise<Loaded<V>>, result: Loaded<V>, generation: string | undefined): Promise<void> {
    const invalidated = new Set<string>();
    const done = Promise.resolve().then(() => loadMisses(keys));
    const flight: Flight<V> = { invalidated, done };
    for (const key of keys) this.inFlight.set(key, flight);
    // The flight stays joinable until its answer is stored: a cache read that missed while the
    // load ran (its reply comes before the store's, one connection keeps order) joins it instead
    // of loading again.
    try {
      const answer = await done;
      for (const key of keys) if (answer.has(key)) result.set(key, answer.get(key)!);
      if (this.options.ttlSeconds > 0) await this.store(keys, answer, invalidated, generation);
    } finally {
      for (const key of keys) if (this.inFlight.get(key) === flight) this.inFlight.delete(key);
    }
  }

  private async store(keys: string[], answer: Loaded<V>, invalidated: ReadonlySet<string>, generation: string | undefined): Promise<void> {
    const storable: Array<readonly [string, V | null]> = [];
    // Keys answered beyond those asked (a reply that describes several records) are stored too.
    const asked = new Set(keys);
    for (const key of [...keys, ...[...answer.keys()].filter((key) => !asked.has(key))]) {
      if (!answer.has(key) || invalidated.has(key)) continue;
      const value = answer.get(key)!;
      if (value instanceof Error || (value === null && !this.options.cacheNotFound)) continue;
      storable.push([key, value]);
    }
    try {
      await this.options.cache.setMany(storable, this.options.ttlSeconds, generation);
    } catch (error) {
      this.options.onCacheError?.('set', error);
    }
  }
}

/**
 * The stampede guard alone, for loads that are not batches (one key, one call): concurrent
 * `run(key, load)` calls of one replica share the first one's promise until it settles.
 */
export class SingleFlight<V> {
  private readonly inFlight = new Map<string, Promise<V>>();

  run(key: string, load: () => Promise<V>): Promise<V> {
    const running = this.inFlight.get(key);
    if (running) return running;
    const started = Promise.resolve()
      .then(load)
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, started);
    return started;
  }

  /** Keys loading now. */
  get size(): number {
    return this.inFlight.size;
  }
}
