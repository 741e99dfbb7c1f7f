import { randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Redis } from 'ioredis';
import { IDEMPOTENCY_TTL_MS, type IdempotencyClaim, type IdempotencyStore } from '../mutations/idempotency';
import { SharedStateUnavailableError } from './errors';
import type { Keyring } from './keyring';
import type { RedisConnection } from './redis';

/**
 * The IdempotencyStore of a fleet: the same semantics as InMemoryIdempotencyStore (one shared
 * behaviour suite runs against both), held in Redis so a retry that lands on another replica is
 * still deduplicated. Each key is one Redis hash under `<prefix>idem:<HMAC of the scope>`:
 * `f` = HMAC of the input fingerprint, `c` = the claim's random token, `t` = claim time (Redis
 * clock), `o` = the outcome, sealed (AES-256-GCM). Every step is one Lua script, so two claims at
 * the same instant on two replicas give exactly one `claimed`.
 *
 * **The in-flight lease.** A claim holds the key for `leaseMs` (the request deadline plus a margin,
 * see `idempotencyLeaseMs`), not for 24 h: a replica that crashes mid-request does not block the key
 * for a day. The price: if that replica had already sent the write, the key is free again once the
 * lease has expired, and the caller's retry sends the write a second time (the provider then
 * answers as for a repeat: already linked, identifier in use, which the mutations map to user
 * errors; Verifa dedupes it by its own Idempotency-Key). A live replica never loses its lease
 * early: the transport stops every upstream call at the request deadline, which the lease outlasts.
 * `complete` keeps the outcome for 24 h counted from the claim (as the in-memory store does); when
 * the lease expired meanwhile and no other claim took the key, it is written again, so retries replay.
 *
 * **Outage.** Every method rejects with SharedStateUnavailableError when Redis cannot answer
 * within its command timeout; the mutation runner turns that into a retryable refusal (a keyed
 * mutation is never sent without the dedupe it promised). A `complete` that fails loses the outcome
 * (the lease expires and a retry is sent again); a `release` that fails is undone by the lease.
 *
 * **Key rotation.** `begin` also looks under the names the scope had with CACHE_DECRYPTION_KEYS,
 * so rotating CACHE_ENCRYPTION_KEY (with the old key moved there) keeps every stored outcome.
 */

export const IDEMPOTENCY_LEASE_MARGIN_MS = 5_000;

/** The lease of a claim: the request deadline plus a margin (clock skew, the answer's way back). */
export function idempotencyLeaseMs(requestDeadlineMs: number): number {
  return requestDeadlineMs + IDEMPOTENCY_LEASE_MARGIN_MS;
}

// KEYS: current name, then the older names. ARGV: tags of the fingerprint (current, then older), lease ms, claim token.
// The fingerprint tag of KEYS[i] is ARGV[i].
const BEGIN = `
for i = 1, #KEYS do
  local e = redis.call('HMGET', KEYS[i], 'f', 'o')
  if e[1] then
    if e[1] ~= ARGV[i] then return {'mismatch'} end
    if e[2] then return {'replay', e[2], tostring(i)} end
    return {'in_progress'}
  end
end
local n = #KEYS
local t = redis.call('TIME')
redis.call('HSET', KEYS[1], 'f', ARGV[1], 'c', ARGV[n + 2], 't', tostring(t[1] * 1000 + math.floor(t[2] / 1000)))
redis.call('PEXPIRE', KEYS[1], ARGV[n + 1])
return {'claimed'}
`;

// KEYS[1]: name. ARGV: claim token, fingerprint tag, sealed outcome, ttl ms.
const COMPLETE = `
local e = redis.call('HMGET', KEYS[1], 'c', 't')
if e[1] and e[1] ~= ARGV[1] then return 0 end
local t = tonumber(e[2])
if not t then
  local now = redis.call('TIME')
  t = now[1] * 1000 + math.floor(now[2] / 1000)
  redis.call('HSET', KEYS[1], 'f', ARGV[2], 'c', ARGV[1], 't', tostring(t))
end
redis.call('HSET', KEYS[1], 'o', ARGV[3])
redis.call('PEXPIREAT', KEYS[1], t + tonumber(ARGV[4]))
return 1
`;

// KEYS[1]: name. ARGV[1]: claim token. Deletes only this process's claim (never someone else's, never an outcome).
const RELEASE = `
local e = redis.call('HMGET', KEYS[1], 'c', 'o')
if e[1] == ARGV[1] and not e[2] then return redis.call('DEL', KEYS[1]) end
return 0
`;

type Scripted = Redis & {
  idemBeginBuffer(numKeys: number, ...args: (string | number)[]): Promise<Buffer[]>;
  idemComplete(name: string, token: string, tag: string, sealed: Buffer, ttlMs: number): Promise<number>;
  idemRelease(name: string, token: string): Promise<number>;
};

export interface RedisIdempotencyOptions {
  /** How long a claim holds the key without an outcome; use `idempotencyLeaseMs(requestDeadlineMs)`. */
  leaseMs: number;
  /** How long an outcome is kept, from the claim (default 24 h). */
  ttlMs?: number;
}

export class RedisIdempotencyStore implements IdempotencyStore {
  private readonly ttlMs: number;
  /** This process's claims in flight: scope -> claim token (and the fingerprint's tag). */
  private readonly claims = new LRUCache<string, { token: string; tag: string }>({ max: 100_000 });

  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: Keyring,
    private readonly options: RedisIdempotencyOptions,
  ) {
    this.ttlMs = options.ttlMs ?? IDEMPOTENCY_TTL_MS;
    const client = redis.client;
    if (!('idemBegin' in client)) {
      client.defineCommand('idemBegin', { lua: BEGIN });
      client.defineCommand('idemComplete', { numberOfKeys: 1, lua: COMPLETE });
      client.defineCommand('idemRelease', { numberOfKeys: 1, lua: RELEASE });
    }
  }

  async begin(scope: string, fingerprint: string): Promise<IdempotencyClaim> {
    const names = [this.keys.name('idem', scope), ...this.keys.olderNames('idem', scope)];
    const tags = [this.keys.tag(fingerprint), ...this.keys.olderTags(fingerprint)];
    const token = randomBytes(16).toString('base64url');
    const reply = await this.redis.call('idempotency begin', (client) =>
      (client as Scripted).idemBeginBuffer(names.length, ...names, ...tags, this.options.leaseMs, token),
    );
    const state = reply[0].toString();
    if (state === 'claimed') {
      this.claims.set(scope, { token, tag: tags[0] });
      return { state: 'claimed' };
    }
    if (state === 'replay') {
      // The outcome is bound to the name it was sealed under: the current one or an older one.
      const name = names[Number(reply[2].toString()) - 1];
      return { state: 'replay', outcome: this.keys.open(reply[1], name) };
    }
    if (state === 'mismatch') return { state: 'mismatch' };
    if (state === 'in_progress') return { state: 'in_progress' };
    throw new SharedStateUnavailableError('idempotency begin: unexpected reply');
  }

  async complete(scope: string, outcome: unknown): Promise<void> {
    const claim = this.claims.get(scope);
    // Only the attempt that claimed the key completes it (as in memory, completing an unknown key does nothing).
    if (!claim) return;
    this.claims.delete(scope);
    const name = this.keys.name('idem', scope);
    const sealed = this.keys.seal(outcome, name);
    await this.redis.call('idempotency complete', (client) => (client as Scripted).idemComplete(name, claim.token, claim.tag, sealed, this.ttlMs));
  }

  async release(scope: string): Promise<void> {
    const claim = this.claims.get(scope);
    if (!claim) return;
    this.claims.delete(scope);
    const name = this.keys.name('idem', scope);
    await this.redis.call('idempotency release', (client) => (client as Scripted).idemRelease(name, claim.token));
  }
}
