import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { SingleFlight } from '../cache/read-through';
import type { Keyring } from './keyring';
import type { RedisConnection } from './redis';

/**
 * The credentials the subgraph fetches for itself (the Auth0 Management API token, the BTC Direct
 * partner JWT), fetched once per fleet rather than once per replica: stored sealed in Redis with
 * their expiry (`<prefix>token:<name>`, AES-256-GCM, expiring with the token), renewed by the one
 * replica holding the renewal lock (`<prefix>token-lock:<name>`, SET NX PX, released by a
 * compare-and-delete script so a replica never frees another's lock). Meanwhile the others keep
 * using the still-valid old token, or, when there is none, poll briefly for the new one.
 *
 * Without Redis (or while it is down) the same `obtain` runs in process: a token kept in memory,
 * one fetch at a time. A token is never logged; errors name the token's name only.
 */

export interface ProviderToken {
  value: string;
  expiresAtEpochMs: number;
}

export interface ObtainOptions {
  /** Renew when the token has less than this left (default 60 s). */
  renewBeforeMs?: number;
  /** How long a replica without a valid token waits for another's renewal before fetching itself (default 2 s). */
  waitForRenewalMs?: number;
  /** How long the renewal lock holds at most (default 10 s; longer than a token request). */
  lockMs?: number;
}

const POLL_MS = 50;
const DEFAULT_RENEW_BEFORE_MS = 60_000;

const RELEASE_LOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

type Scripted = Redis & { tokenLockRelease(name: string, token: string): Promise<number> };

export class ProviderTokenStore {
  private readonly local = new Map<string, ProviderToken>();
  private readonly fetches = new SingleFlight<ProviderToken>();

  constructor(
    private readonly shared: { connection: RedisConnection; keys: Keyring } | null,
    private readonly now: () => number = Date.now,
  ) {
    if (shared && !('tokenLockRelease' in shared.connection.client)) {
      shared.connection.client.defineCommand('tokenLockRelease', { numberOfKeys: 1, lua: RELEASE_LOCK });
    }
  }

  /**
   * A token with at least `renewBeforeMs` left if one can be had: this replica's, the fleet's, or
   * a new one from `fetchToken` (by one replica of the fleet at a time). Rejects only when
   * `fetchToken` does.
   */
  async obtain(name: string, fetchToken: () => Promise<ProviderToken>, options: ObtainOptions = {}): Promise<string> {
    const renewBeforeMs = options.renewBeforeMs ?? DEFAULT_RENEW_BEFORE_MS;
    const fresh = (token: ProviderToken | null): token is ProviderToken => !!token && token.expiresAtEpochMs - this.now() > renewBeforeMs;
    const usable = (token: ProviderToken | null | undefined): token is ProviderToken => !!token && token.expiresAtEpochMs > this.now();

    const mine = this.fresh(name, renewBeforeMs);
    if (mine !== null) return mine;
    // One renewal at a time on this replica.
    const token = await this.fetches.run(name, async () => {
      if (!this.shared) return this.fetchLocally(name, fetchToken);
      let stored: ProviderToken | null;
      try {
        stored = await this.get(name);
      } catch {
        return this.fetchLocally(name, fetchToken);
      }
      if (fresh(stored)) return stored;
      const release = await this.lock(name, options.lockMs ?? 10_000).catch(() => null);
      if (release) {
        try {
          const again = await this.get(name).catch(() => null);
          if (fresh(again)) return again;
          const renewed = await fetchToken();
          await this.put(name, renewed).catch(() => undefined);
          return renewed;
        } finally {
          await release().catch(() => undefined);
        }
      }
      // Another replica renews: use the old token while it lasts, else wait briefly for the new one.
      if (usable(stored)) return stored;
      const waitUntil = this.now() + (options.waitForRenewalMs ?? 2_000);
      while (this.now() < waitUntil) {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        const renewed = await this.get(name).catch(() => null);
        if (usable(renewed)) return renewed;
      }
      return this.fetchLocally(name, fetchToken);
    });
    this.local.set(name, token);
    return token.value;
  }

  /** This replica's copy of the token, at once, while it has more than `renewBeforeMs` left; else null (`obtain` has work to do). */
  fresh(name: string, renewBeforeMs = DEFAULT_RENEW_BEFORE_MS): string | null {
    const mine = this.local.get(name);
    return mine && mine.expiresAtEpochMs - this.now() > renewBeforeMs ? mine.value : null;
  }

  /** Forgets a token the provider refused (here and in the fleet), so the next `obtain` fetches a new one. */
  async invalidate(name: string): Promise<void> {
    this.local.delete(name);
    if (this.shared) await this.shared.connection.call('token delete', (client) => client.del(this.tokenKey(name)));
  }

  /** The fleet's token, or null; rejects with SharedStateUnavailableError when Redis cannot answer. */
  async get(name: string): Promise<ProviderToken | null> {
    if (!this.shared) return this.local.get(name) ?? null;
    const key = this.tokenKey(name);
    const sealed = await this.shared.connection.call('token get', (client) => client.getBuffer(key));
    if (!sealed) return null;
    try {
      return this.shared.keys.open(sealed, key) as ProviderToken;
    } catch {
      return null;
    }
  }

  /** Stores a token for the fleet until its expiry. */
  async put(name: string, token: ProviderToken): Promise<void> {
    this.local.set(name, token);
    if (!this.shared || token.expiresAtEpochMs <= this.now()) return;
    const key = this.tokenKey(name);
    const sealed = this.shared.keys.seal(token, key);
    await this.shared.connection.call('token put', (client) => client.set(key, sealed, 'PXAT', Math.floor(token.expiresAtEpochMs)));
  }

  /** The renewal lock: a release function when this replica got it, null when another holds it. */
  async lock(name: string, ms: number): Promise<(() => Promise<void>) | null> {
    if (!this.shared) return async () => undefined;
    const { connection, keys } = this.shared;
    const key = keys.plainName('token-lock', name);
    const owner = randomBytes(16).toString('base64url');
    const got = await connection.call('token lock', (client) => client.set(key, owner, 'PX', ms, 'NX'));
    if (got !== 'OK') return null;
    return async () => {
      await connection.call('token unlock', (client) => (client as Scripted).tokenLockRelease(key, owner));
    };
  }

  private async fetchLocally(name: string, fetchToken: () => Promise<ProviderToken>): Promise<ProviderToken> {
    const token = await fetchToken();
    this.local.set(name, token);
    return token;
  }

  private tokenKey(name: string): string {
    return this.shared!.keys.plainName('token', name);
  }
}
