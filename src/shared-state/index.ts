import { createRateBudget, type RateBudget } from '../budgets/rate-budget';
import { ReadThrough } from '../cache/read-through';
import { InProcessRecordCache, NearCache, RedisRecordCache, type RecordCache } from '../cache/record-cache';
import type { ProviderRateLimit, SharedStateConfig } from '../config';
import type { ProviderName } from '../domain/provider-name';
import { InMemoryIdempotencyStore, type IdempotencyStore } from '../mutations/idempotency';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { Keyring } from './keyring';
import { ProviderTokenStore } from './provider-tokens';
import { connectRedis, type RedisConnection } from './redis';
import { idempotencyLeaseMs, RedisIdempotencyStore } from './redis-idempotency-store';

/**
 * Everything a process keeps beyond one request, built once at start-up from `config.sharedState`:
 * on Redis with REDIS_URL, else in process (the same interfaces). The wiring (loaders, transport,
 * mutation runner, server) takes its parts from here.
 */
export interface SharedState {
  /** null without REDIS_URL. */
  readonly redis: RedisConnection | null;
  readonly keys: Keyring;
  readonly idempotency: IdempotencyStore;
  readonly tokens: ProviderTokenStore;
  /** The read-through cache of one record kind (`auth0-user`…), with that provider's TTL. */
  recordCache<V>(kind: string, ttlSeconds: number, options?: RecordCacheOptions): ReadThrough<V>;
  /** A provider's rate budget (fleet-wide on Redis); `limit` from `providerRateLimit(env, prefix)`. */
  rateBudget(provider: ProviderName, limit: ProviderRateLimit | null): RateBudget;
  close(): Promise<void>;
}

export interface RecordCacheOptions {
  cacheNotFound?: boolean;
  /** Invalidated as a whole (`ReadThrough.invalidateAll`), by a generation (see RecordCache.getManyAt). */
  generational?: boolean;
}

export interface SharedStateOptions {
  requestDeadlineMs: number;
  idempotencyMaxKeys: number;
  metrics?: Metrics;
  logger?: Pick<Logger, 'info' | 'warn'>;
}

export function createSharedState(config: SharedStateConfig, options: SharedStateOptions): SharedState {
  const keys = new Keyring(config.keyPrefix, config.encryptionKey, config.decryptionKeys);
  const redis = config.redisUrl ? connectRedis({ url: config.redisUrl, commandTimeoutMs: config.redisCommandTimeoutMs, metrics: options.metrics, logger: options.logger }) : null;
  if (redis && config.encryptionKeySource === 'generated') {
    options.logger?.warn(
      { sharedState: 'generated-key' },
      'CACHE_ENCRYPTION_KEY is unset: values in Redis are sealed with a random key of this process (lost on restart, not readable by other replicas); set it to share the cache and idempotency keys',
    );
  }
  const hold = idempotencyLeaseMs(options.requestDeadlineMs);
  const local = new InProcessRecordCache<unknown>();
  // With Redis: the records this replica opened, kept while no write happened in the fleet.
  const near = redis ? new NearCache() : undefined;
  return {
    redis,
    keys,
    idempotency: redis ? new RedisIdempotencyStore(redis, keys, { leaseMs: hold }) : new InMemoryIdempotencyStore({ maxKeys: options.idempotencyMaxKeys }),
    tokens: new ProviderTokenStore(redis ? { connection: redis, keys } : null),
    recordCache<V>(kind: string, ttlSeconds: number, cacheOptions: RecordCacheOptions = {}) {
      const generational = cacheOptions.generational ?? false;
      const cache: RecordCache<V> = redis
        ? new RedisRecordCache<V>(redis, keys, kind, { invalidationHoldMs: hold, generational, near })
        : generational
          ? new GenerationalPrefixedCache<V>(local, kind)
          : new PrefixedCache<V>(local, kind);
      return new ReadThrough<V>({
        name: kind,
        cache,
        ttlSeconds,
        cacheNotFound: cacheOptions.cacheNotFound,
        metrics: options.metrics,
        onCacheError: (operation) => options.logger?.warn({ cache: kind, operation }, 'record cache unavailable; reading from the provider'),
      });
    },
    rateBudget(provider, limit) {
      return createRateBudget({ provider, limit, redis: redis ? { connection: redis, keys } : null, metrics: options.metrics });
    },
    async close() {
      await redis?.close();
    },
  };
}

/** One in-process cache (one bound for the whole process) shared by every record kind, keys kept apart by kind. */
class PrefixedCache<V> implements RecordCache<V> {
  constructor(
    protected readonly cache: InProcessRecordCache<unknown>,
    protected kind: string,
  ) {}

  async getMany(keys: readonly string[]): Promise<Map<string, V | null>> {
    const prefixed = keys.map((key) => this.key(key));
    const found = await this.cache.getMany(prefixed);
    const result = new Map<string, V | null>();
    keys.forEach((key, i) => {
      if (found.has(prefixed[i])) result.set(key, found.get(prefixed[i]) as V | null);
    });
    return result;
  }

  setMany(entries: ReadonlyArray<readonly [string, V | null]>, ttlSeconds: number): Promise<void> {
    return this.cache.setMany(entries.map(([key, value]) => [this.key(key), value] as const), ttlSeconds);
  }

  deleteMany(keys: readonly string[]): Promise<void> {
    return this.cache.deleteMany(keys.map((key) => this.key(key)));
  }

  private key(key: string): string {
    return `${this.kind}\u0000${key}`;
  }
}

/**
 * A generational kind in process: the generation is part of every key, so moving it on leaves
 * the older entries unread until the process-wide bound evicts them.
 */
class GenerationalPrefixedCache<V> extends PrefixedCache<V> {
  private generation = 0;

  constructor(cache: InProcessRecordCache<unknown>, private readonly baseKind: string) {
    super(cache, `${baseKind}\u00000`);
  }

  async getManyAt(keys: readonly string[]): Promise<{ found: Map<string, V | null>; generation: string }> {
    const generation = String(this.generation);
    return { found: await this.getMany(keys), generation };
  }

  override async setMany(entries: ReadonlyArray<readonly [string, V | null]>, ttlSeconds: number, generation?: string): Promise<void> {
    if (generation !== String(this.generation)) return;
    await super.setMany(entries, ttlSeconds);
  }

  async invalidateAll(): Promise<void> {
    this.generation += 1;
    this.kind = `${this.baseKind}\u0000${this.generation}`;
  }
}
