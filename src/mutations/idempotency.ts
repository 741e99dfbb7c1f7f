import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';

/**
 * Idempotency for mutations whose provider has no idempotency key of its own (Verato, Auth0,
 * BTC Direct). Entries are scoped by caller + mutation + key, remember a fingerprint of the
 * input, and live 24 hours. The same key with the same input gets the first outcome back without
 * a second upstream call; with other input it is refused; while the first is still running, a
 * duplicate is told so.
 *
 * The lifecycle of a key (the mutation runner, run.ts, decides which end an attempt takes):
 * - `begin` claims it before anything is sent;
 * - `complete` keeps it with its outcome once a write was sent and answered (done, or refused for
 *   a reason that stays true: already linked, identifier in use…); later requests replay that;
 * - `release` frees it when the attempt wrote nothing (its input, ownership or the caller's token
 *   refused, by this subgraph or by the provider before writing; the request never sent) or may
 *   pass later (a retryable refusal); and when it failed without an answer (timeout, 5xx, open
 *   circuit), whose effect is unknown: the caller's retry with the same key is then sent again.
 *
 * In memory by default; a shared store (Redis, a database) implements the same interface to make
 * keys hold across replicas. Implementations bound what they keep (by count, by expiry).
 */
export interface IdempotencyStore {
  /** Claims the key for an attempt, or says why not (the outcome to replay, other input, still running). */
  begin(scope: string, fingerprint: string): Promise<IdempotencyClaim>;
  /** Keeps the outcome of a claimed key: a write was sent and answered. */
  complete(scope: string, outcome: unknown): Promise<void>;
  /** Frees a claimed key whose attempt wrote nothing or has no outcome, so the same key may be used again. */
  release(scope: string): Promise<void>;
}

export type IdempotencyClaim =
  | { state: 'claimed' }
  | { state: 'replay'; outcome: unknown }
  | { state: 'mismatch' }
  | { state: 'in_progress' };

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_IDEMPOTENCY_MAX_KEYS = 10_000;
const MAX_KEY_LENGTH = 255;

interface Entry {
  fingerprint: string;
  outcome?: unknown;
  done: boolean;
}

export interface InMemoryIdempotencyOptions {
  /** Keys kept at most; beyond that the least recently used goes first. */
  maxKeys?: number;
  ttlMs?: number;
  /** Milliseconds clock (tests). */
  now?: () => number;
}

/**
 * The process-local store: at most `maxKeys` keys (least recently used evicted first), each for
 * `ttlMs`. An evicted key acts as never used, so under a flood of new keys an old one may run again.
 */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries: LRUCache<string, Entry>;

  constructor(options: InMemoryIdempotencyOptions = {}) {
    this.entries = new LRUCache<string, Entry>({
      max: options.maxKeys ?? DEFAULT_IDEMPOTENCY_MAX_KEYS,
      ttl: options.ttlMs ?? IDEMPOTENCY_TTL_MS,
      // Read the clock on every check: no cached time, hence no timer behind it.
      ttlResolution: 0,
      ...(options.now ? { perf: { now: options.now } } : {}),
    });
  }

  /** Keys currently held (expired ones may still count until touched). */
  get size(): number {
    return this.entries.size;
  }

  async begin(scope: string, fingerprint: string): Promise<IdempotencyClaim> {
    const entry = this.entries.get(scope);
    if (!entry) {
      this.entries.set(scope, { fingerprint, done: false });
      return { state: 'claimed' };
    }
    if (entry.fingerprint !== fingerprint) return { state: 'mismatch' };
    return entry.done ? { state: 'replay', outcome: entry.outcome } : { state: 'in_progress' };
  }

  async complete(scope: string, outcome: unknown): Promise<void> {
    // Same object, so the expiry stays that of the claim; a key evicted meanwhile is not brought back.
    const entry = this.entries.get(scope, { updateAgeOnGet: false });
    if (entry) Object.assign(entry, { outcome, done: true });
  }

  async release(scope: string): Promise<void> {
    this.entries.delete(scope);
  }
}

/** The store key: who asked, for which mutation, with which key (so callers cannot replay each other's results). */
export function idempotencyScope(caller: string, mutation: string, key: string): string {
  return createHash('sha256').update(`${caller}\u0000${mutation}\u0000${key}`).digest('hex');
}

/** A fingerprint of the mutation input (idempotency key excluded), independent of key order. */
export function inputFingerprint(input: object): string {
  const { idempotencyKey: _key, ...rest } = input as Record<string, unknown>;
  return createHash('sha256').update(stableJson(rest)).digest('hex');
}

export function isValidIdempotencyKey(key: string): boolean {
  return key.length > 0 && key.length <= MAX_KEY_LENGTH && /^[\x21-\x7e]+$/.test(key);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
