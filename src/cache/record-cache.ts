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

/** What a sealed value holds: the record, and when its Redis entry expires (ms since the epoch, the writer's clock). */
interface SealedRecord<V> {
  v: V | null;
  x?: number;
}

interface NearEntry {
  value: unknown;
  /** When the Redis entry it was read from expires: the near copy never outlives it. */
  expiresAt: number;
  /** The fleet's write epoch the entry was read under: any other epoch means a write happened since. */
  epoch: string;
}

export interface NearCacheOptions extends InProcessRecordCacheOptions {
  now?: () => number;
}

/**
 * The records a replica read from Redis, kept opened in its process: one bound for every kind
 * (least recently used out first), the values deep-frozen and handed to every reader as they are.
 * An entry counts only while the fleet's write epoch is the one it was read under (see
 * RedisRecordCache), so it saves the transfer, the decryption and the parse, never a consistency check.
 */
export class NearCache {
  private readonly entries: LRUCache<string, NearEntry>;
  readonly now: () => number;

  constructor(options: NearCacheOptions = {}) {
    this.now = options.now ?? Date.now;
    this.entries = new LRUCache<string, NearEntry>({
      max: options.maxEntries ?? DEFAULT_CACHE_MAX_ENTRIES,
      maxSize: options.maxBytes ?? DEFAULT_CACHE_MAX_BYTES,
    });
  }

  get size(): number {
    return this.entries.size;
  }

  /** The entry under `name` unless it expired (an expired one is dropped). */
  held(name: string, now: number): NearEntry | undefined {
    const entry = this.entries.get(name);
    if (entry && entry.expiresAt <= now) {
      this.entries.delete(name);
      return undefined;
    }
    return entry;
  }

  keep(name: string, entry: NearEntry, bytes: number): void {
    this.entries.set(name, entry, { size: Math.max(1, bytes + name.length) });
  }
}

export interface RedisRecordCacheOptions {
  /**
   * How long a deleted entry stays blocked (ms): a load that started before the delete (on any
   * replica) cannot store its older answer afterwards. At least the request deadline; use
   * `idempotencyLeaseMs(requestDeadlineMs)`-like margins.
   */
  invalidationHoldMs: number;
  /** A generational kind (see RecordCache.getManyAt): values carry the generation they were read under. */
  generational?: boolean;
  /** This process's near cache (one for every kind); without it every read opens what Redis sends. */
  near?: NearCache;
}

/** Answers of one read: the records found, and the generation of a generational kind. */
interface Read<V> {
  found: Map<string, V | null>;
  generation: string;
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
 * The near cache: every invalidation (a delete, a generation moved on), after its own writes,
 * increments one fleet-wide write epoch (`<prefix>rec-epoch`), and every MGET reads that epoch
 * with the values. A record this replica opened before is taken from the near cache, not from
 * the reply, when the epoch is still the one it was read under: then nothing was invalidated
 * anywhere since (the epoch moves after the tombstones, so a reader that sees the new epoch also
 * sees them). The MGET then carries only the epoch and the records not held; when the epoch
 * moved, the held ones are read again in a second MGET. A near entry expires with the Redis entry
 * it came from (the writer's clock: staleness stays within the TTL plus the replicas' clock skew).
 *
 * Failures reject with SharedStateUnavailableError; the read-through reads them as misses, and
 * the near cache is not consulted without Redis (it could not tell a write happened).
 */
export class RedisRecordCache<V = unknown> implements RecordCache<V> {
  private readonly kind: string;
  private readonly epochName: string;

  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: Keyring,
    kind: string,
    private readonly options: RedisRecordCacheOptions,
  ) {
    this.kind = `rec:${kind}`;
    // Validates the kind now rather than on the first read.
    keys.name(this.kind, '');
    this.epochName = keys.plainName('rec-epoch');
    if (!('cacheSetMany' in redis.client)) redis.client.defineCommand('cacheSetMany', { lua: SET_UNLESS_INVALIDATED });
    if (!('cacheSetInGeneration' in redis.client)) redis.client.defineCommand('cacheSetInGeneration', { lua: SET_IN_GENERATION });
    if (!options.generational) {
      this.getManyAt = undefined;
      this.invalidateAll = undefined;
    }
  }

  async getMany(keys: readonly string[]): Promise<Map<string, V | null>> {
    if (keys.length === 0) return new Map();
    return (await this.read(keys)).found;
  }

  /** One MGET: the generation with the entries; an entry of an older generation is a miss. */
  async getManyAt?(keys: readonly string[]): Promise<{ found: Map<string, V | null>; generation: string }> {
    return this.read(keys);
  }

  private async read(keys: readonly string[]): Promise<Read<V>> {
    const { near } = this.options;
    const names = keys.map((key) => this.keys.name(this.kind, key));
    const now = near?.now() ?? 0;
    const held = near ? names.map((name) => near.held(name, now)) : [];
    const asked = names.map((_, i) => i).filter((i) => !held[i]);
    const first = await this.fetch(keys, names, asked);
    const stale: number[] = [];
    held.forEach((entry, i) => {
      if (entry?.epoch === first.epoch) first.found.set(keys[i], entry.value as V | null);
      else if (entry) stale.push(i);
    });
    if (stale.length === 0) return first;
    // A write happened since those were read: ask Redis for them again.
    const again = await this.fetch(keys, names, stale);
    for (const [key, value] of again.found) first.found.set(key, value);
    return first;
  }

  /** One MGET of the epoch (and generation) with the entries at `indexes`, opened (and kept near). */
  private async fetch(keys: readonly string[], names: readonly string[], indexes: readonly number[]): Promise<Read<V> & { epoch: string }> {
    const generational = this.options.generational ?? false;
    const head = generational ? [this.epochName, this.generationName()] : [this.epochName];
    const reply = await this.redis.call('cache get', (client) => client.mgetBuffer(...head, ...indexes.map((i) => names[i])));
    const epoch = reply[0] ? reply[0].toString('latin1') : '0';
    const generation = generational && reply[1] ? reply[1].toString('latin1') : '0';
    const found = new Map<string, V | null>();
    indexes.forEach((index, n) => {
      let value = reply[head.length + n];
      if (!value || value.equals(TOMBSTONE)) return;
      if (generational) {
        const cut = value.indexOf(GENERATION_SEPARATOR);
        if (cut < 0 || value.subarray(0, cut).toString('latin1') !== generation) return;
        value = value.subarray(cut + 1);
      }
      const record = this.open(value, names[index]);
      if (!record) return;
      found.set(keys[index], record.v);
      if (this.options.near && record.x !== undefined) {
        this.options.near.keep(names[index], { value: deepFreeze(record.v), expiresAt: record.x, epoch }, value.length);
      }
    });
    return { found, generation, epoch };
  }

  async setMany(entries: ReadonlyArray<readonly [string, V | null]>, ttlSeconds: number, generation?: string): Promise<void> {
    if (entries.length === 0 || ttlSeconds <= 0) return;
    // A generational entry without the generation it was read under could be older than the last write.
    if (this.options.generational && generation === undefined) return;
    const names = entries.map(([key]) => this.keys.name(this.kind, key));
    const ttl = Math.ceil(ttlSeconds);
    // The near copy expires no later than the entry: Redis counts the TTL from the SET, after this.
    const expiresAt = Date.now() + ttlSeconds * 1000;
    const sealed = entries.map(([, value], i) => this.keys.seal({ v: value, x: expiresAt } satisfies SealedRecord<V>, names[i]));
    await this.redis.call('cache set', (client) =>
      generation !== undefined && this.options.generational
        ? (client as Scripted).cacheSetInGeneration(names.length + 1, this.generationName(), ...names, ttl, generation, ...sealed)
        : (client as Scripted).cacheSetMany(names.length, ...names, ttl, ...sealed),
    );
  }

  async invalidateAll?(): Promise<void> {
    await this.redis.call('cache invalidate', (client) => exec(client.pipeline().incr(this.generationName()).incr(this.epochName)));
  }

  private generationName(): string {
    // No record key holds a NUL, so this name is no record's.
    return this.keys.name(this.kind, '\u0000generation');
  }

  private open(value: Buffer, name: string): SealedRecord<V> | undefined {
    try {
      return this.keys.open(value, name) as SealedRecord<V>;
    } catch {
      // Sealed under a key this process does not hold (or altered): a miss, overwritten by the next store.
      return undefined;
    }
  }

  async deleteMany(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    const hold = Math.max(1, Math.ceil(this.options.invalidationHoldMs));
    await this.redis.call('cache delete', (client) => {
      const pipeline = client.pipeline();
      for (const key of keys) pipeline.set(this.keys.name(this.kind, key), TOMBSTONE, 'PX', hold);
      // After the tombstones: a reader that sees the new epoch sees them too.
      return exec(pipeline.incr(this.epochName));
    });
  }
}

/** Runs a pipeline; rejects when any of its commands failed. */
async function exec(pipeline: ReturnType<Redis['pipeline']>): Promise<void> {
  const results = await pipeline.exec();
  const failed = results?.find(([error]) => error);
  if (!results || failed) throw failed?.[0] ?? new Error('pipeline aborted');
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
