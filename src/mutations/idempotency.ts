import { createHash } from 'node:crypto';

/**
 * Idempotency for mutations whose provider has no idempotency key of its own (Verato, Auth0,
 * BTC Direct). Entries are scoped by caller + mutation + key, remember a fingerprint of the
 * input, and live 24 hours. The same key with the same input gets the first outcome back without
 * a second upstream call; with other input it is refused; while the first is still running, a
 * duplicate is told so.
 *
 * In memory by default; a shared store (Redis, a database) implements the same interface to make
 * keys hold across replicas.
 */
export interface IdempotencyStore {
  /** Claims the key, or says why not. */
  begin(scope: string, fingerprint: string): Promise<IdempotencyClaim>;
  /** Records the outcome of a claimed key. */
  complete(scope: string, outcome: unknown): Promise<void>;
  /** Releases a claimed key whose attempt failed without an outcome (the caller may retry). */
  release(scope: string): Promise<void>;
}

export type IdempotencyClaim =
  | { state: 'claimed' }
  | { state: 'replay'; outcome: unknown }
  | { state: 'mismatch' }
  | { state: 'in_progress' };

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
const MAX_KEY_LENGTH = 255;

interface Entry {
  fingerprint: string;
  expiresAt: number;
  outcome?: unknown;
  done: boolean;
}

export class InMemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs = IDEMPOTENCY_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  async begin(scope: string, fingerprint: string): Promise<IdempotencyClaim> {
    this.prune();
    const entry = this.entries.get(scope);
    if (!entry) {
      this.entries.set(scope, { fingerprint, expiresAt: this.now() + this.ttlMs, done: false });
      return { state: 'claimed' };
    }
    if (entry.fingerprint !== fingerprint) return { state: 'mismatch' };
    return entry.done ? { state: 'replay', outcome: entry.outcome } : { state: 'in_progress' };
  }

  async complete(scope: string, outcome: unknown): Promise<void> {
    const entry = this.entries.get(scope);
    if (entry) Object.assign(entry, { outcome, done: true });
  }

  async release(scope: string): Promise<void> {
    this.entries.delete(scope);
  }

  private prune(): void {
    const now = this.now();
    // Map iteration follows insertion order, which is expiry order: stop at the first live entry.
    for (const [scope, entry] of this.entries) {
      if (entry.expiresAt > now) break;
      this.entries.delete(scope);
    }
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
