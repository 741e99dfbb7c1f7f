import { Redis } from 'ioredis';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { SharedStateUnavailableError } from './errors';

/**
 * The one Redis connection of a process (REDIS_URL). It connects at once and reconnects on its own
 * with capped, jittered backoff; while it is down nothing is queued (`enableOfflineQueue: false`),
 * so every command fails at once, and a command that gets no answer fails after
 * `commandTimeoutMs` (REDIS_COMMAND_TIMEOUT_MS, default 100 ms): no request waits on a dead Redis.
 * `identity_redis_up` is 1 while the connection is ready. Log lines name the state only, never the
 * URL (it may hold a password).
 */

export const DEFAULT_REDIS_COMMAND_TIMEOUT_MS = 100;
const CONNECT_TIMEOUT_MS = 1_000;
const RECONNECT_BASE_MS = 50;
const RECONNECT_CAP_MS = 2_000;

export interface RedisConnectionOptions {
  url: string;
  metrics?: Pick<Metrics, 'redisUp'>;
  logger?: Pick<Logger, 'info' | 'warn'>;
  commandTimeoutMs?: number;
}

export interface RedisConnection {
  readonly client: Redis;
  /** Whether commands can be sent right now. */
  readonly ready: boolean;
  /** Resolves once the connection is ready (tests, start-up probes); rejects after `timeoutMs`. */
  waitUntilReady(timeoutMs?: number): Promise<void>;
  /** Runs a command, turning every failure into SharedStateUnavailableError (`operation` names it in the message). */
  call<T>(operation: string, command: (client: Redis) => Promise<T>): Promise<T>;
  /** Closes the connection for good (no reconnect). */
  close(): Promise<void>;
}

export function connectRedis(options: RedisConnectionOptions): RedisConnection {
  const client = new Redis(options.url, {
    lazyConnect: false,
    enableOfflineQueue: false,
    // Commands issued in one event-loop turn (the record reads of every loader a request resolves
    // at once, and those of concurrent requests) go out in one write: one syscall, not one each.
    enableAutoPipelining: true,
    commandTimeout: options.commandTimeoutMs ?? DEFAULT_REDIS_COMMAND_TIMEOUT_MS,
    connectTimeout: CONNECT_TIMEOUT_MS,
    // A command in flight when the connection drops fails instead of waiting for the reconnect.
    maxRetriesPerRequest: 0,
    retryStrategy: (times) => Math.round(Math.min(RECONNECT_CAP_MS, RECONNECT_BASE_MS * 2 ** Math.min(times, 10)) * (0.5 + Math.random() / 2)),
  });
  let up = false;
  let closed = false;
  const setUp = (value: boolean) => {
    options.metrics?.redisUp.set(value ? 1 : 0);
    if (value === up) return;
    up = value;
    if (value) options.logger?.info({ redis: 'ready' }, 'redis connection ready');
    else if (!closed) options.logger?.warn({ redis: 'down' }, 'redis connection lost; reconnecting (reads go to the providers meanwhile)');
  };
  options.metrics?.redisUp.set(0);
  client.on('ready', () => setUp(true));
  client.on('close', () => setUp(false));
  client.on('end', () => setUp(false));
  // Without a listener an 'error' event would throw; the state change is logged once by setUp.
  client.on('error', () => setUp(client.status === 'ready'));

  return {
    client,
    get ready() {
      return client.status === 'ready';
    },
    waitUntilReady(timeoutMs = 5_000) {
      if (client.status === 'ready') return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          client.off('ready', onReady);
          reject(new SharedStateUnavailableError('connect'));
        }, timeoutMs);
        const onReady = () => {
          clearTimeout(timer);
          resolve();
        };
        client.once('ready', onReady);
      });
    },
    async call(operation, command) {
      if (client.status !== 'ready') throw new SharedStateUnavailableError(operation);
      try {
        return await command(client);
      } catch (error) {
        throw new SharedStateUnavailableError(operation, error);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        if (client.status === 'ready') await client.quit();
      } catch {
        // Closing a broken connection: disconnect below.
      }
      client.disconnect(false);
      options.metrics?.redisUp.set(0);
    },
  };
}
