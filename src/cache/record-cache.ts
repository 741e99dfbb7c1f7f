import { LRUCache } from 'lru-cache';
import type { Redis } from 'ioredis';
import type { Keyring } from '../shared-state/keyring';
import type { RedisConnection } from '../shared-state/redis';

/**
 * The provider-record cache below the loaders: mapped domain records (SSN already cut to its
 * last four digits by the mappers) under the keys a batch function uses. One instance per record
 * kind (`auth0-user`, `verato-cluster`…); `readThrough` (read-through.ts) is how batch functions use it.
 *
 * A value is the record, or null for "the provider answered: no such record" (stored only when the
 * read-through is told to; see there). `getMany` returns only the keys it holds.
 */
export interface RecordCache<V = unknown> {
  /** The entries held for `keys`, in one round trip; a key not held is absent from the map. */
  getMany(keys: readonly string[]): Promise<Map<string, V | null>>;
  /** Stores entries for `ttlSeconds` (one round trip); `generation`: see getManyAt. */
  setMany(entries: ReadonlyArray<readonly [string, V | null]>, ttlSeconds: number, generation?: string): Promise<void>;
  /** Removes entries, so the next read asks the provider (mutations call this before they return). */
  deleteMany(keys: readonly string[]): Promise<void>;
  /**
   * Generational caches only (a kind whose records a write reshapes beyond the ids it names, e.g.
   * Verato clusters): `getManyAt` also answers the kind's generation at the time of the read,
   * `setMany` given that generation stores nothing once the generation moved on, and
   * `invalidateAll` moves it on, so every entry stored before reads as a miss (every replica).
   */
  getManyAt?(keys: readonly string[]): Promise<{ found: Map<string, V | null>; generation: string }>;
  invalidateAll?(): Promise<void>;
}

export interface InProcessRecordCacheOptions {
  /** Entries kept at most (least recently used evicted first). */
  maxEntries?: number;
  /** Approximate bytes kept at most (JSON length of the values). */
  maxBytes?: number;
}

export const DEFAULT_CACHE_MAX_ENTRIES = 10_000;
export const DEFAULT_CACHE_MAX_BYTES = 32 * 1024 * 1024;

/**
 * Without REDIS_URL: one process's cache, bounded by count and size. A value is copied in (as
 * through Redis: what is kept is what JSON keeps) and handed out deep-frozen, the same object to
 * every reader: a read costs no copy, and code that changed a record it got would throw rather
 * than change what other requests read.
 */
export class InProcessRecordCache<V = unknown> implements RecordCache<V> {
  private readonly entries: LRUCache<string, { value: V | null; bytes: number }>;

  constructor(options: InProcessRecordCacheOptions = {}) {
    this.entries = new LRUCache<string, { value: V | null; bytes: number }>({
      max: options.maxEntries ?? DEFAULT_CACHE_MAX_ENTRIES,
      maxSize: options.maxBytes ?? DEFAULT_CACHE_MAX_BYTES,
      sizeCalculation: (entry, key) => entry.bytes + key.length,
      ttlResolution: 0,
    });
  }

  get size(): number {
    return this.entries.size;
  }

  async getMany(keys: readonly string[]): Promise<Map<string, V | null>> {
    const found = new Map<string, V | null>();
    for (const key of keys) {
      const entry = this.entries.get(key);
      if (entry) found.set(key, entry.value);
    }
    return found;
  }

  async setMany(entries: ReadonlyArray<readonly [string, V | null]>, ttlSeconds: number): Promise<void> {
    if (ttlSeconds <= 0) return;
    for (const [key, value] of entries) {
      const json = JSON.stringify(value);
      this.entries.set(key, { value: deepFreeze(JSON.parse(json) as V | null), bytes: json.length }, { ttl: ttlSeconds * 1000 });
    }
  }

  async deleteMany(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.entries.delete(key);
  }
}

/** A deleted entry's placeholder: one byte, where a sealed value has at least 29. */
const TOMBSTONE = Buffer.from([0]);

// KEYS: names. ARGV: ttl seconds, then one sealed value per key. Skips a key whose tombstone is still there.
const SET_UNLESS_INVALIDATED = `
local stored = 0
for i = 1, #KEYS do
  local current = redis.call('GET', KEYS[i])
  if current ~= '\\0' then
    redis.call('SET', KEYS[i], ARGV[i + 1], 'EX', ARGV[1])
    stored = stored + 1
  end
end
return stored
`;

// KEYS: the generation, then names. ARGV: ttl seconds, the generation the values were read under,
// then one sealed value per key. Stores nothing once the generation moved on (a write happened
// since the read began); each value is stored as `<generation>|<sealed>`.
const SET_IN_GENERATION = `
local current = redis.call('GET', KEYS[1]) or '0'
if current ~= ARGV[2] then return 0 end
local stored = 0
for i = 2, #KEYS do
  if redis.call('GET', KEYS[i]) ~= '\\0' then
    redis.call('SET', KEYS[i], current .. '|' .. ARGV[i + 1], 'EX', ARGV[1])
    stored = stored + 1
  end
end
return stored
`;

type Scripted = Redis & {
  cacheSetMany(numKeys: number, ...args: (string | number | Buffer)[]): Promise<number>;
  cacheSetInGeneration(numKeys: number, ...args: (string | number | Buffer)[]): Promise<number>;
};

const GENERATION_SEPARATOR = 0x7c; // '|'

export interface RedisRecordCacheOptions {
  /**
   * How long a deleted entry stays blocked (ms): a load that started before the delete (on any
   * replica) cannot store its older answer afterwards. At least the request deadline; use
   * `idempotencyLeaseMs(requestDeadlineMs)`-like margins.
   */
  invalidationHoldMs: number;
  /** A generational kind (see RecordCache.getManyAt): values carry the generation they were read under. */
  generational?: boolean;
}

/**
 * With REDIS_URL: the fleet's cache. Key names `<prefix>rec:<kind>:<HMAC of the key>`; values
 * sealed with AES-256-GCM (bound to their name). `getMany` is one MGET; `setMany` one script call.
 *
 * `deleteMany` replaces entries by a tombstone for `invalidationHoldMs`, not a bare DEL: a replica
 * whose load was already in flight when a mutation invalidated the record would otherwise store
 * the older answer after the delete, and every replica would read it until the TTL. A tombstone
 * reads as a miss, and no value is stored over it while it lasts.
 *
 * Failures reject with SharedStateUnavailableError; the read-through reads them as misses.
 */
export class RedisRecordCache<V = unknown> implements RecordCache<V> {
  private readonly kind: string;

  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: Keyring,
    kind: string,
    private readonly options: RedisRecordCacheOptions,
  ) {
    this.kind = `rec:${kind}`;
    // Validates the kind now rather than on the first read.
    keys.name(this.kind, '');
    if (!('cacheSetMany' in redis.client)) redis.client.defineCommand('cacheSetMany', { lua: SET_UNLESS_INVALIDATED });
    if (!('cacheSetInGeneration' in redis.client)) redis.client.defineCommand('cacheSetInGeneration', { lua: SET_IN_GENERATION });
    if (!options.generational) {
      this.getManyAt = undefined;
      this.invalidateAll = undefined;
    }
  }

  async getMany(keys: readonly string[]): Promise<Map<string, V | null>> {
    if (this.options.generational) return (await this.getManyAt!(keys)).found;
    const found = new Map<string, V | null>();
    if (keys.length === 0) return found;
    const names = keys.map((key) => this.keys.name(this.kind, key));
    const values = await this.redis.call('cache get', (client) => client.mgetBuffer(...names));
    values.forEach((value, i) => this.openInto(found, keys[i], names[i], value));
    return found;
  }

  /** One MGET: the generation first, then the entries; an entry of an older generation is a miss. */
  async getManyAt?(keys: readonly string[]): Promise<{ found: Map<string, V | null>; generation: string }> {
    const found = new Map<string, V | null>();
    const names = keys.map((key) => this.keys.name(this.kind, key));
    const [current, ...values] = await this.redis.call('cache get', (client) => client.mgetBuffer(this.generationName(), ...names));
    const generation = current ? current.toString('latin1') : '0';
    values.forEach((value, i) => {
      if (!value) return;
      const cut = value.indexOf(GENERATION_SEPARATOR);
      if (cut < 0 || value.subarray(0, cut).toString('latin1') !== generation) return;
      this.openInto(found, keys[i], names[i], value.subarray(cut + 1));
    });
    return { found, generation };
  }

  async setMany(entries: ReadonlyArray<readonly [string, V | null]>, ttlSeconds: number, generation?: string): Promise<void> {
    if (entries.length === 0 || ttlSeconds <= 0) return;
    // A generational entry without the generation it was read under could be older than the last write.
    if (this.options.generational && generation === undefined) return;
    const names = entries.map(([key]) => this.keys.name(this.kind, key));
    const sealed = entries.map(([, value], i) => this.keys.seal({ v: value }, names[i]));
    const ttl = Math.ceil(ttlSeconds);
    await this.redis.call('cache set', (client) =>
      generation !== undefined && this.options.generational
        ? (client as Scripted).cacheSetInGeneration(names.length + 1, this.generationName(), ...names, ttl, generation, ...sealed)
        : (client as Scripted).cacheSetMany(names.length, ...names, ttl, ...sealed),
    );
  }

  async invalidateAll?(): Promise<void> {
    await this.redis.call('cache invalidate', (client) => client.incr(this.generationName()));
  }

  private generationName(): string {
    // No record key holds a NUL, so this name is no record's.
    return this.keys.name(this.kind, '\u0000generation');
  }

  private openInto(found: Map<string, V | null>, key: string, name: string, value: Buffer | null): void {
    if (!value || value.equals(TOMBSTONE)) return;
    try {
      found.set(key, (this.keys.open(value, name) as { v: V | null }).v);
    } catch {
      // Sealed under a key this process does not hold (or altered): a miss, overwritten by the next store.
    }
  }

  async deleteMany(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    const hold = Math.max(1, Math.ceil(this.options.invalidationHoldMs));
    await this.redis.call('cache delete', (client) => {
      const pipeline = client.pipeline();
      for (const key of keys) pipeline.set(this.keys.name(this.kind, key), TOMBSTONE, 'PX', hold);
      return pipeline.exec().then((results) => {
        const failed = results?.find(([error]) => error);
        if (!results || failed) throw failed?.[0] ?? new Error('pipeline aborted');
      });
    });
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
